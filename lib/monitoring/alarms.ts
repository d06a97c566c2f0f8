import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { Ingestion } from '../ingestion/ingestion';
import type { AuditKey } from '../security/audit-key';

export interface AlarmsProps {
  /** Encrypts the alarm topic, which it creates with the policies CloudWatch needs to publish. */
  readonly auditKey: AuditKey;
  /** The pipeline whose metrics are watched. */
  readonly ingestion: Ingestion;
  /** The trail's log group; key-policy alarms need it. @default - no trail alarms (an organization trail watches the account) */
  readonly trailLogGroup?: logs.ILogGroup;
  /** Namespace of the metric filters' metrics: the stage's own. */
  readonly metricsNamespace: string;
  /** Subscribed to the topic. @default - no subscription */
  readonly email?: string;
}

/** Metric filter pattern for the KMS calls that change who can use a key, or destroy it. */
export const KEY_POLICY_CHANGE_PATTERN =
  '{ ($.eventSource = "kms.amazonaws.com") && (($.eventName = "PutKeyPolicy") || ($.eventName = "DisableKey") || ($.eventName = "ScheduleKeyDeletion") || ($.eventName = "CreateGrant")) }';

/**
 * The alarms an operator of the lake must see: a key policy changed (in dev, where the account root
 * administers the keys, the only sign that an administrator gave itself usage), the writer failing,
 * and the writer falling behind the stream.
 */
export class Alarms extends Construct {
  public readonly topic: sns.ITopic;
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = props.auditKey.createAlarmTopic(this, 'Topic', { displayName: 'trading-data-lake alarms' });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    const period = Duration.minutes(5);

    if (props.trailLogGroup) {
      const filter = new logs.MetricFilter(this, 'KeyPolicyChangeFilter', {
        logGroup: props.trailLogGroup,
        filterPattern: logs.FilterPattern.literal(KEY_POLICY_CHANGE_PATTERN),
        metricNamespace: props.metricsNamespace,
        metricName: 'KeyPolicyChanges',
        metricValue: '1',
        defaultValue: 0,
      });
      this.add(
        'KeyPolicyChanged',
        filter.metric({ statistic: 'Sum', period }),
        1,
        'A KMS key policy was changed, a key disabled or scheduled for deletion, or a grant created',
      );
    }

    this.add(
      'WriterErrors',
      props.ingestion.metricWriterErrors({ period }),
      1,
      'trade-writer invocations failed with an error (Lambda will retry, then record the batch in the failed-batch bucket)',
    );
    this.add(
      'WriterFallingBehind',
      props.ingestion.metricIteratorAge({ period }),
      Duration.minutes(15).toMilliseconds(),
      'The oldest record the writer read was more than 15 minutes old: trades reach the lake late',
    );
    this.add(
      'WriteFailures',
      props.ingestion.metricWriteFailures({ period }),
      1,
      'The writer could not store objects in S3 (S3, KMS or access errors); Lambda retries the batch',
    );
  }

  private add(id: string, metric: cloudwatch.IMetric, threshold: number, description: string): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    alarm.addOkAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
