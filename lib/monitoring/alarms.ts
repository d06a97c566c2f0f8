import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import {
  type AlarmWithAnnotation,
  type CustomThreshold,
  DefaultDashboardFactory,
  MonitoringFacade,
  notifySns,
} from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import { acknowledgeOnGrantee } from '../acknowledgements';
import type { Ingestion } from '../ingestion/ingestion';
import type { AuditKey } from '../security/audit-key';
import type { DataKey } from '../security/data-key';
import {
  CIS_ALARMS,
  recordsRetentionAlarms,
  STACK_KEY_EVENTS,
  stackKeyChangePattern,
  type TrailAlarmDefinition,
} from './trail-patterns';

/** Every alarm and metric of this construct is evaluated over 5 minutes, one period, unless told otherwise. */
const PERIOD = Duration.minutes(5);

/** How urgent an alarm is; part of its name. */
export type AlarmSeverity = 'Critical' | 'Warning';

export interface TrailAlarmsProps {
  /** The trail's CloudWatch Logs group, which the metric filters read. */
  readonly logGroup: logs.ILogGroup;
  /**
   * The buckets that hold books and records (lake, failed batches, trail files): changes to their
   * Object Lock configuration, legal holds and governance bypasses alarm.
   */
  readonly recordsBuckets: readonly s3.IBucket[];
}

export interface AlarmsProps {
  /** Encrypts the alarm topic, which it creates with the policies CloudWatch needs to publish. */
  readonly auditKey: AuditKey;
  /** The other key whose policy, grants and deletion the stack's key alarm watches. */
  readonly dataKey: DataKey;
  /** The pipeline whose metrics are watched. */
  readonly ingestion: Ingestion;
  /**
   * Prefix of every alarm name and of the dashboard's name. It must carry the stage (the stack name
   * does), so that dev and prod in one account never share an alarm.
   */
  readonly namePrefix: string;
  /** Namespace of the metric filters' metrics: the stage's own, so that stages never feed each other's alarms. */
  readonly metricsNamespace: string;
  /**
   * The trail whose events the security and records-retention alarms read.
   * @default - no metric-filter alarms: an organization trail watches the account, and its owner
   * keeps the CIS filters on that trail's log group
   */
  readonly trail?: TrailAlarmsProps;
  /** Subscribed to the topic. @default - no subscription */
  readonly email?: string;
}

export interface AddAlarmOptions {
  /** The value at which the alarm fires (see `comparisonOperator`). */
  readonly threshold: number;
  /** What the alarm means and what to do; the alarm's description. */
  readonly description: string;
  /** @default GREATER_THAN_OR_EQUAL_TO_THRESHOLD */
  readonly comparisonOperator?: cloudwatch.ComparisonOperator;
  /** @default NOT_BREACHING: a count with no data points counted nothing */
  readonly treatMissingData?: cloudwatch.TreatMissingData;
  /** Breaching periods needed to fire. @default 1 */
  readonly datapointsToAlarm?: number;
  /** Periods evaluated. @default - `datapointsToAlarm` */
  readonly evaluationPeriods?: number;
  /** @default 'Warning' */
  readonly severity?: AlarmSeverity;
  /** Title of the metric's graph on the dashboard. @default - the id */
  readonly title?: string;
}

export interface MonitorStateMachineOptions {
  /** Part of each alarm's name, e.g. `CurationJob`. Letters, digits, `-`, `_` and `.` only. */
  readonly alarmFriendlyName: string;
  /** Title of its section on the dashboard. @default - the alarmFriendlyName */
  readonly humanReadableName?: string;
}

/**
 * Monitoring of one stage: the alarm topic; CloudTrail metric filters and alarms (the stack's own
 * keys, CIS AWS Foundations 4.x, records retention) when the stack has its own trail; the pipeline's
 * alarms and its dashboard, built with cdk-monitoring-constructs. Every alarm sends ALARM and OK to
 * the one topic.
 *
 * Other constructs add theirs through `addAlarm` (a metric and a threshold) or `monitorStateMachine`
 * (failed and timed-out executions), so that naming, actions and the dashboard stay uniform.
 */
export class Alarms extends Construct {
  public readonly topic: sns.Topic;
  /** Every alarm of the stage, in the order created; `addAlarm` and `monitorStateMachine` add to it. */
  public readonly alarms: cloudwatch.AlarmBase[] = [];
  /** The pipeline's dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The metric filters on the trail's log group, by metric name (empty without a trail). */
  public readonly metricFilters: Readonly<Record<string, logs.MetricFilter>>;
  /** The cdk-monitoring-constructs facade, for monitoring this construct has no method for. */
  public readonly monitoring: MonitoringFacade;
  /** What every alarm name of the stage starts with: `<namePrefix>-`. */
  public readonly alarmNamePrefix: string;
  private readonly metricsNamespace: string;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.metricsNamespace = props.metricsNamespace;
    // cdk-monitoring-constructs joins the prefix and the rest of each name with a hyphen.
    this.alarmNamePrefix = `${props.namePrefix}-`;
    this.topic = props.auditKey.createAlarmTopic(this, 'Topic', {
      displayName: 'trading-data-lake alarms',
      alarmNamePrefix: this.alarmNamePrefix,
    });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));

    const dashboards = new DefaultDashboardFactory(this, 'Dashboards', {
      // Dashboard names are global to the account, unlike alarm names (per Region): the Region keeps
      // one stage deployed to two Regions apart.
      dashboardNamePrefix: `${props.namePrefix}-${Stack.of(this).region}`,
      createDashboard: true,
      createSummaryDashboard: false,
      createAlarmDashboard: false,
    });
    // Without a dashboard the factory above would have thrown; a missing one here is a library change.
    if (!dashboards.dashboard) throw new Error('Alarms: cdk-monitoring-constructs created no dashboard');
    this.dashboard = dashboards.dashboard;

    this.monitoring = new MonitoringFacade(this, 'Monitoring', {
      metricFactoryDefaults: { period: PERIOD },
      alarmFactoryDefaults: {
        alarmNamePrefix: props.namePrefix,
        actionsEnabled: true,
        action: notifySns(this.topic, this.topic),
        // The library's default is 3 of 3 periods; every alarm here fires on the first breaching period.
        datapointsToAlarm: 1,
        evaluationPeriods: 1,
      },
      dashboardFactory: dashboards,
    });
    this.monitoring.addLargeHeader(`${props.namePrefix}: trade pipeline`);

    this.monitorPipeline(props.ingestion);
    const filters: Record<string, logs.MetricFilter> = {};
    if (props.trail) {
      const trailAlarms = this.trailAlarms(props.trail, props, filters);
      this.monitoring.addMediumHeader('Account security and records retention (CloudTrail metric filters)');
      this.monitoring.addWidget(
        new cloudwatch.AlarmStatusWidget({ title: 'CloudTrail alarms', alarms: trailAlarms, width: 24, height: 6 }),
      );
    }
    this.metricFilters = filters;
  }

  /**
   * Read the pipeline's metrics and the stage's alarms (`trades status`): metric values and alarm
   * states, nothing else.
   */
  public grantReadStatus(grantee: iam.IGrantable): iam.Grant {
    // GetMetricData supports no resource-level permissions ("*" is its only resource); it returns
    // numbers, never a record.
    const metrics = iam.Grant.addToPrincipal({ grantee, actions: ['cloudwatch:GetMetricData'], resourceArns: ['*'] });
    const stack = Stack.of(this);
    const alarmName = `${this.alarmNamePrefix}*`;
    const alarms = iam.Grant.addToPrincipal({
      grantee,
      actions: ['cloudwatch:DescribeAlarms'],
      resourceArns: [
        stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: alarmName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    });
    acknowledgeOnGrantee(
      grantee,
      ['AwsSolutions-IAM5[Resource::*]'],
      'cloudwatch:GetMetricData supports no resource-level permissions; "*" is the only valid resource, and it reads metric values only.',
    );
    // cdk-nag names the resource as it flattens it: a pseudo parameter as `<AWS::Region>`.
    const part = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<${pseudo}>` : value);
    const flattenedArn = `arn:${part(stack.partition, 'AWS::Partition')}:cloudwatch:${part(stack.region, 'AWS::Region')}:${part(stack.account, 'AWS::AccountId')}:alarm:${alarmName}`;
    acknowledgeOnGrantee(
      grantee,
      [`AwsSolutions-IAM5[Resource::${flattenedArn}]`],
      "DescribeAlarms on this stage's alarms: every alarm name of the stage starts with the prefix, and the action only reads their state.",
    );
    return metrics.combine(alarms);
  }

  /** Read the alarm topic's attributes (GetTopicAttributes: its policy and key), not its messages. */
  public grantReadTopicPolicy(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sns:GetTopicAttributes'],
      resourceArns: [this.topic.topicArn],
    });
  }

  /**
   * An alarm on `metric`, named `<namePrefix>-<id>-<severity>`, sending ALARM and OK to the topic,
   * with a graph of the metric and its threshold on the dashboard. For alarms of other constructs,
   * e.g. the curated zone's raw/curated count mismatch.
   */
  public addAlarm(
    id: string,
    metric: cloudwatch.Metric | cloudwatch.MathExpression,
    options: AddAlarmOptions,
  ): cloudwatch.AlarmBase {
    const severity = options.severity ?? 'Warning';
    alarmFriendly('addAlarm', id);
    const [created] = this.track(() =>
      this.monitoring.monitorCustom({
        alarmFriendlyName: id,
        humanReadableName: options.title ?? id,
        metricGroups: [
          {
            title: options.title ?? id,
            metrics: [
              {
                metric,
                alarmFriendlyName: id,
                addAlarm: {
                  [severity]: threshold({
                    threshold: options.threshold,
                    description: options.description,
                    comparisonOperator: options.comparisonOperator,
                    treatMissingData: options.treatMissingData,
                    datapointsToAlarm: options.datapointsToAlarm,
                    evaluationPeriods: options.evaluationPeriods,
                  }),
                },
              },
            ],
          },
        ],
      }),
    );
    if (!created) throw new Error(`Alarms.addAlarm(${id}): cdk-monitoring-constructs created no alarm`);
    return created;
  }

  /**
   * Alarms on any failed or timed-out execution of a Step Functions state machine (a failed run
   * leaves its work undone: docs/design.md §6), and its section on the dashboard. Returns the alarms.
   */
  public monitorStateMachine(
    stateMachine: sfn.IStateMachine,
    options: MonitorStateMachineOptions,
  ): cloudwatch.AlarmBase[] {
    alarmFriendly('monitorStateMachine', options.alarmFriendlyName);
    const anyExecution = (what: string) => ({
      maxErrorCount: 0,
      alarmDescriptionOverride: `${options.humanReadableName ?? options.alarmFriendlyName}: an execution ${what} in the last 5 minutes. Open it in the Step Functions console (its input names the days) and re-run once the cause is fixed; each run is idempotent.`,
      treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    return this.track(() =>
      this.monitoring.monitorStepFunction({
        stateMachine,
        alarmFriendlyName: options.alarmFriendlyName,
        humanReadableName: options.humanReadableName ?? options.alarmFriendlyName,
        addFailedExecutionCountAlarm: { Warning: anyExecution('failed') },
        addTimedOutExecutionCountAlarm: { Warning: anyExecution('timed out') },
      }),
    );
  }

  private monitorPipeline(ingestion: Ingestion): void {
    const writer = ingestion.writer;
    this.track(() =>
      this.monitoring.monitorLambdaFunction({
        lambdaFunction: writer,
        alarmFriendlyName: 'TradeWriter',
        humanReadableName: 'trade-writer Lambda',
        // Every error is a batch retried and bisected; retries recover transient ones, but a writer
        // that errors at all needs a look before its batches run out of retries.
        addFaultCountAlarm: {
          Warning: {
            maxErrorCount: 0,
            alarmDescriptionOverride:
              'trade-writer invocations failed with an error. Lambda retries the batch (bisecting it), then records it in the failed-batch bucket. Read the ERROR lines of the writer log group; the WriteFailures alarm says whether S3 or KMS is the cause.',
          },
        },
        // A throttled invocation stalls its shard until Lambda retries; with concurrency unreserved it
        // means the account's concurrency pool is exhausted by something else. Any throttle counts.
        addThrottlesCountAlarm: {
          Warning: {
            maxErrorCount: 0,
            alarmDescriptionOverride:
              'trade-writer invocations were throttled (account or reserved concurrency exhausted): shards stall and trades reach the lake late. Check ConcurrentExecutions in the account and writerReservedConcurrency (at least shards x parallelizationFactor).',
          },
        },
        // 15 minutes behind is long past a normal batching window (at most 5 minutes), far short of
        // the 24 h maximum record age after which Lambda gives records up to the failed-batch bucket.
        addMaxIteratorAgeAlarm: {
          Warning: {
            maxAgeInMillis: Duration.minutes(15).toMilliseconds(),
            treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING,
            alarmDescriptionOverride:
              'The oldest record the writer read was more than 15 minutes old: trades reach the lake late, and after maxRecordAgeHours Lambda gives them up to the failed-batch bucket. Look for errors, throttles or a shard the writer cannot keep up with (raise parallelizationFactor).',
          },
        },
      }),
    );

    this.track(() =>
      this.monitoring.monitorKinesisDataStream({
        streamName: ingestion.stream.streamName,
        alarmFriendlyName: 'TradeStream',
        humanReadableName: 'trade stream (Kinesis)',
      }),
    );

    const anyAtAll = (severity: AlarmSeverity, description: string) => ({
      [severity]: threshold({ threshold: 1, description }),
    });
    this.track(() =>
      this.monitoring.monitorCustom({
        alarmFriendlyName: 'TradeStream',
        humanReadableName: 'trade stream writes throttled',
        metricGroups: [
          {
            title: 'Records throttled (PutRecord and PutRecords)',
            metrics: [
              {
                metric: ingestion.metricStreamWriteThrottles({ label: 'Records throttled' }),
                alarmFriendlyName: 'WriteThroughputExceeded',
                // Every throttled record is one the producer must retry, or loses; on-demand streams
                // throttle only above twice their previous peak, provisioned ones at their shards'
                // limit. Any counts. WriteProvisionedThroughputExceeded counts PutRecord and PutRecords
                // alike: PutRecords.ThrottledRecords misses a single PutRecord, such as the README's own.
                addAlarm: anyAtAll(
                  'Warning',
                  "Producers' PutRecord or PutRecords calls had records throttled by the trade stream: each must be retried by the producer or it is lost upstream. Add shards (streamCapacity) or check the producers' retry logs.",
                ),
              },
            ],
          },
        ],
      }),
    );
    this.track(() =>
      this.monitoring.monitorCustom({
        alarmFriendlyName: 'TradeWriter',
        humanReadableName: "trade-writer's own metrics",
        metricGroups: [
          {
            title: 'Records written and quarantined',
            metrics: [
              ingestion.metricTradesWritten({ label: 'Trades written' }),
              {
                metric: ingestion.metricQuarantined({ label: 'Records quarantined' }),
                alarmFriendlyName: 'RecordsQuarantined',
                // A quarantined record is kept, never lost, but it is a producer sending something that
                // is not a trade: every one needs a person to fix the producer and replay it, so any
                // record at all alarms (a rate would hide a producer that is always a little wrong).
                addAlarm: anyAtAll(
                  'Warning',
                  'The writer quarantined records that cannot be trades (not base64, UTF-8 or JSON, or a schema violation). They are kept under quarantine/ with the reason: query the quarantine table as a data engineer, fix the producer, and have it resend.',
                ),
              },
            ],
          },
          {
            title: 'Writes failed, batches given up on, batches lost',
            metrics: [
              {
                metric: ingestion.metricWriteFailures({ label: 'Objects not written' }),
                alarmFriendlyName: 'WriteFailures',
                // Each is a PutObject that failed after the SDK's retries; Lambda retries the records.
                addAlarm: anyAtAll(
                  'Warning',
                  'The writer could not store objects in S3 (S3, KMS or access errors after the SDK retries); Lambda retries those records. Read the ERROR lines (object key, error name, status) in the writer log group.',
                ),
              },
              {
                metric: ingestion.metricFailedBatches({ label: 'Batches given up on' }),
                alarmFriendlyName: 'FailedBatches',
                // Every PUT there is a batch Lambda stopped retrying: its trades are not in the lake.
                addAlarm: anyAtAll(
                  'Warning',
                  'Lambda gave up on a batch and recorded it in the failed-batch bucket: its trades are not in the lake. Fix the cause (see WriteFailures and the writer log), then replay the bucket with the operator CLI (trades replay).',
                ),
              },
              {
                metric: ingestion.metricDestinationDeliveryFailures({ label: 'Batches not recorded' }),
                alarmFriendlyName: 'DestinationDeliveryFailures',
                // The one way to lose trades: a batch given up on that could not even be recorded.
                addAlarm: anyAtAll(
                  'Critical',
                  'CRITICAL, trades may be lost: Lambda gave up on a batch and could not record it in the failed-batch bucket (bucket policy, KMS key, Object Lock checksum or S3 error). The records survive only in the stream until its retention ends: fix the bucket access now, then read the records from the stream by sequence number and replay them.',
                ),
              },
            ],
          },
          {
            title: 'Trades dated before the curation window',
            metrics: [
              {
                // A late booking comes alone or in a burst, hours apart: an hour's sum keeps the alarm
                // in ALARM while the on-call finds the writer's warning, and notifies once a burst.
                metric: ingestion.metricLateTrades({ label: 'Late trades', period: Duration.hours(1) }),
                alarmFriendlyName: 'LateTrades',
                // Each is in the raw zone but in no raw prefix a scheduled curation run lists: without
                // this alarm it would never reach curated.trades, and nothing would say so.
                addAlarm: {
                  Warning: threshold({
                    threshold: 0,
                    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                    description:
                      "The writer stored trades dated before the curation window (older than reconcileDays): they are in the raw zone, but no scheduled curation run lists their dates, so curated.trades, which analysts read, lacks them. Find the writer's WARN line 'trades written before the curation window' in its log group: it names each date and its trade count. As a data engineer, run `trades curate --date D` for each of those dates (idempotent; add --wait to see each day reconciled), then ask the producer why the trades came this late.",
                  }),
                },
              },
            ],
          },
        ],
      }),
    );
  }

  private trailAlarms(
    trail: TrailAlarmsProps,
    props: AlarmsProps,
    filters: Record<string, logs.MetricFilter>,
  ): cloudwatch.AlarmBase[] {
    const stackKeyAlarm: TrailAlarmDefinition = {
      metricName: 'KeyPolicyChanges',
      pattern: stackKeyChangePattern([props.dataKey.key.keyArn, props.auditKey.key.keyArn]),
      threshold: 1,
      description: `A key of this stack (data key or audit key) had ${STACK_KEY_EVENTS.join(', ')} called on it. A deploy that changes a grant changes a key policy and fires this once; any other call may have given someone use of the key, or be destroying it: read the event in the audit workgroup (key-policy changes query).`,
    };
    const definitions: (TrailAlarmDefinition & { readonly alarmName: string })[] = [
      // The alarm keeps the name the README and runbooks know it by.
      { ...stackKeyAlarm, alarmName: 'KeyPolicyChanged' },
      ...[...CIS_ALARMS, ...recordsRetentionAlarms(trail.recordsBuckets.map((bucket) => bucket.bucketName))].map(
        (definition) => ({ ...definition, alarmName: definition.metricName }),
      ),
    ];
    return definitions.flatMap((definition) => {
      const filter = new logs.MetricFilter(this, `${definition.metricName}Filter`, {
        logGroup: trail.logGroup,
        filterPattern: logs.FilterPattern.literal(definition.pattern),
        metricNamespace: this.metricsNamespace,
        metricName: definition.metricName,
        metricValue: '1',
        defaultValue: 0,
      });
      filters[definition.metricName] = filter;
      return this.track(() => [
        this.monitoring
          .createAlarmFactory(definition.alarmName)
          .addAlarm(filter.metric({ statistic: 'Sum', period: PERIOD }), {
            alarmNameSuffix: definition.alarmName,
            alarmDescription: definition.description,
            threshold: definition.threshold,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      ]);
    });
  }

  /**
   * Runs `create` and records the alarms it made. The facade's own list misses alarms made through
   * `createAlarmFactory`, so the `alarms` handle is kept here.
   */
  private track(create: () => MonitoringFacade | AlarmWithAnnotation[]): cloudwatch.AlarmBase[] {
    const before = this.monitoring.createdAlarms().length;
    const result = create();
    const created = Array.isArray(result)
      ? result.map((annotated) => annotated.alarm)
      : this.monitoring
          .createdAlarms()
          .slice(before)
          .map((annotated) => annotated.alarm);
    this.alarms.push(...created);
    return created;
  }
}

interface ThresholdOptions {
  readonly threshold: number;
  readonly description: string;
  readonly comparisonOperator?: cloudwatch.ComparisonOperator;
  readonly treatMissingData?: cloudwatch.TreatMissingData;
  readonly datapointsToAlarm?: number;
  readonly evaluationPeriods?: number;
}

function threshold(options: ThresholdOptions): CustomThreshold {
  return {
    threshold: options.threshold,
    comparisonOperator: options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    // A count that published nothing counted nothing; the library's default (MISSING) would leave
    // the alarm in INSUFFICIENT_DATA, and never send OK after an ALARM.
    treatMissingDataOverride: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    datapointsToAlarm: options.datapointsToAlarm,
    evaluationPeriods: options.evaluationPeriods,
    alarmDescriptionOverride: options.description,
  };
}

/** Alarm names are built from ids; keep them to characters every AWS console and CLI quotes alike. */
function alarmFriendly(method: string, name: string): void {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new Error(
      `Alarms.${method}: "${name}" must be letters, digits, '.', '_' or '-' (it becomes part of alarm names)`,
    );
  }
}
