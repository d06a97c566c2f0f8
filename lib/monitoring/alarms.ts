import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { WRITER_METRICS } from '../../lambda/trade-writer/contract';
import type { AuditKey } from '../security/audit-key';

export interface AlarmsProps {
  /** Encrypts the alarm topic. */
  readonly auditKey: AuditKey;
  readonly writer: lambda.IFunction;
  /** The trail's log group; key-policy alarms need it. @default - no trail alarms (an organization trail watches the account) */
  readonly trailLogGroup?: logs.ILogGroup;
  /** Subscribed to the topic. @default - no subscription */
  readonly email?: string;
  /** Namespace of the writer's own metrics (Powertools EMF). */
  readonly metricsNamespace: string;
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
  public readonly topic: sns.Topic;
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'trading-data-lake alarms',
      masterKey: props.auditKey.key,
      enforceSSL: true,
    });
    props.auditKey.grantAlarmPublishing();
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));

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
        filter.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
        1,
        'A KMS key policy was changed, a key disabled or scheduled for deletion, or a grant created',
      );
    }

    this.add(
      'WriterErrors',
      props.writer.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      1,
      'trade-writer invocations failed with an error (Lambda will retry, then record the batch in the failed-batch bucket)',
    );
    this.add(
      'WriterFallingBehind',
      new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName: 'IteratorAge',
        dimensionsMap: { FunctionName: props.writer.functionName },
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
      Duration.minutes(15).toMilliseconds(),
      'The oldest record the writer read was more than 15 minutes old: trades reach the lake late',
    );
    this.add(
      'WriteFailures',
      new cloudwatch.Metric({
        namespace: props.metricsNamespace,
        metricName: WRITER_METRICS.writeFailures,
        dimensionsMap: { service: 'trade-writer' },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
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
