import { CfnOutput, DefaultStackSynthesizer, Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { AuditAnalytics } from './audit/audit-analytics';
import { AuditTrail } from './audit/audit-trail';
import type { RecordsRetention, TradingDataLakeConfig } from './config';
import { CuratedZone } from './curated-zone/curated-zone';
import { heartbeatWindow } from './curated-zone/schedule-heartbeat';
import { Ingestion } from './ingestion/ingestion';
import { ReplayFunction } from './ingestion/replay-function';
import { Alarms } from './monitoring/alarms';
import { statusMetrics } from './monitoring/status-metrics';
import { type ResourceNames, resourceNames } from './names';
import { Analytics } from './query/analytics';
import { DataLakeBucket } from './raw-zone/lake-bucket';
import { RawTables } from './raw-zone/raw-tables';
import { AccessRoles } from './security/access-roles';
import { AuditKey } from './security/audit-key';
import { grantReadObjectLockConfiguration } from './security/bucket-grants';
import { DataKey } from './security/data-key';
import { createAccessLogsBucket, type ObjectLockProps } from './security/secure-bucket';

export interface TradingDataLakeStackProps extends StackProps {
  readonly config: TradingDataLakeConfig;
}

/** The whole data lake of one stage: keys, buckets, ingestion, analytics, audit and roles. */
export class TradingDataLakeStack extends Stack {
  public readonly names: ResourceNames;
  public readonly dataKey: DataKey;
  public readonly auditKey: AuditKey;
  public readonly lake: DataLakeBucket;
  public readonly raw: RawTables;
  public readonly ingestion: Ingestion;
  public readonly replay: ReplayFunction;
  public readonly analytics: Analytics;
  public readonly curated: CuratedZone;
  public readonly audit: AuditTrail | undefined;
  public readonly auditAnalytics: AuditAnalytics | undefined;
  public readonly alarms: Alarms;
  public readonly roles: AccessRoles;

  constructor(scope: Construct, id: string, props: TradingDataLakeStackProps) {
    // Deleting the prod stack takes an explicit step: turning termination protection off first.
    super(scope, id, { terminationProtection: props.config.stage === 'prod', ...props });
    const { config } = props;
    this.names = resourceNames(config.stage);
    const removalPolicy = config.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = config.logRetentionDays as logs.RetentionDays;

    this.roles = new AccessRoles(this, 'Roles', config);

    const administrators = this.keyAdministrators(config);
    // docs/design.md §9: the lake, failed-batch and trail buckets are locked alike, or none is.
    const objectLock = this.objectLock(config);
    const compliance = config.recordsRetention.mode === 'COMPLIANCE';
    this.dataKey = new DataKey(this, 'DataKey', {
      alias: config.keyAlias,
      administrators,
      denyKeyDeletion: compliance,
    });
    this.auditKey = new AuditKey(this, 'AuditKey', {
      alias: config.auditKeyAlias,
      administrators,
      trailName: config.createTrail ? this.names.trailName : undefined,
      // The audit key encrypts the locked trail files as the data key encrypts locked trades.
      denyKeyDeletion: compliance && config.createTrail,
    });

    const { noncurrentVersionDays } = config;
    const accessLogsBucket = createAccessLogsBucket(this, 'AccessLogsBucket', {
      removalPolicy,
      expireAfterDays: config.accessLogDays,
      noncurrentVersionDays,
    });

    this.lake = new DataLakeBucket(this, 'DataLake', {
      dataKey: this.dataKey,
      accessLogsBucket,
      removalPolicy,
      noncurrentVersionDays,
      archiveAfterDays: config.archiveAfterDays,
      objectLock,
    });

    this.ingestion = new Ingestion(this, 'Ingestion', {
      dataKey: this.dataKey,
      auditKey: this.auditKey,
      lake: this.lake,
      accessLogsBucket,
      streamName: this.names.streamName,
      functionName: this.names.writerFunctionName,
      metricsNamespace: this.names.metricsNamespace,
      logGroupName: this.names.writerLogGroupName,
      streamCapacity: config.streamCapacity,
      streamRetention: Duration.hours(config.streamRetentionHours),
      logRetention,
      reservedConcurrency: config.writerReservedConcurrency,
      batchSize: config.batchSize,
      maxBatchingWindow: Duration.seconds(config.batchingWindowSeconds),
      retryAttempts: config.maxRetryAttempts,
      maxRecordAge: Duration.hours(config.maxRecordAgeHours),
      parallelizationFactor: config.parallelizationFactor,
      reconcileDays: config.reconcileDays,
      noncurrentVersionDays,
      objectLock,
      removalPolicy,
    });

    this.replay = new ReplayFunction(this, 'Replay', {
      ingestion: this.ingestion,
      auditKey: this.auditKey,
      functionName: this.names.replayFunctionName,
      logGroupName: this.names.replayLogGroupName,
      logRetention,
      removalPolicy,
    });

    this.raw = new RawTables(this, 'RawZone', {
      lake: this.lake,
      databaseName: this.names.databaseName,
      removalPolicy,
    });

    this.analytics = new Analytics(this, 'Analytics', {
      dataKey: this.dataKey,
      raw: this.raw,
      curatedDatabaseName: this.names.curated.databaseName,
      accessLogsBucket,
      analystWorkGroupName: this.names.analyticsWorkGroupName,
      engineerWorkGroupName: this.names.engineerWorkGroupName,
      bytesScannedCutoffPerQuery: config.athenaBytesScannedCutoff,
      removalPolicy,
    });

    this.curated = new CuratedZone(this, 'CuratedZone', {
      dataKey: this.dataKey,
      auditKey: this.auditKey,
      lake: this.lake,
      raw: this.raw,
      accessLogsBucket,
      names: this.names.curated,
      schedule: config.curationSchedule,
      reconcileDays: config.reconcileDays,
      metricsNamespace: this.names.metricsNamespace,
      logRetention,
      removalPolicy,
    });

    this.audit = config.createTrail
      ? new AuditTrail(this, 'Audit', {
          auditKey: this.auditKey,
          dataEventBuckets: [
            this.lake.bucket,
            this.ingestion.failedBatchBucket,
            this.analytics.analysts.resultsBucket,
            this.analytics.engineers.resultsBucket,
            this.curated.bucket,
            this.curated.workGroup.resultsBucket,
          ],
          accessLogsBucket,
          trailName: this.names.trailName,
          logGroupName: this.names.trailLogGroupName,
          logRetention,
          removalPolicy,
          noncurrentVersionDays,
          readDataEvents: config.auditReadDataEvents,
          objectLock,
        })
      : undefined;

    this.auditAnalytics = this.audit
      ? new AuditAnalytics(this, 'AuditAnalytics', {
          auditKey: this.auditKey,
          trail: this.audit,
          accessLogsBucket,
          databaseName: this.names.auditDatabaseName,
          workGroupName: this.names.auditWorkGroupName,
          bytesScannedCutoffPerQuery: config.athenaBytesScannedCutoff,
          removalPolicy,
        })
      : undefined;
    if (this.audit && this.auditAnalytics) this.audit.recordObjectEvents(this.auditAnalytics.queries.resultsBucket);

    this.alarms = new Alarms(this, 'Alarms', {
      auditKey: this.auditKey,
      dataKey: this.dataKey,
      ingestion: this.ingestion,
      namePrefix: this.names.stackName,
      metricsNamespace: this.names.metricsNamespace,
      trail: this.audit
        ? {
            logGroup: this.audit.logGroup,
            recordsBuckets: [this.lake.bucket, this.ingestion.failedBatchBucket, this.audit.trailBucket],
          }
        : undefined,
      email: config.alarmEmail,
    });

    this.alarms.monitorStateMachine(this.curated.stateMachine, {
      alarmFriendlyName: 'CurationJob',
      humanReadableName: 'curation job (Step Functions)',
    });
    // The failure alarms watch runs that happen; a schedule that stops starting runs (disabled, its
    // role broken, a start refused) fails nothing. No start at all for twice the schedule's interval
    // alarms; with no data points there is no start, so missing data breaches (the alarm also fires
    // once after the first deploy, until the schedule's first run).
    const heartbeat = heartbeatWindow(config.curationSchedule);
    if (heartbeat !== undefined) {
      this.alarms.addAlarm('CurationJobNotStarting', this.curated.metricRunsStarted({ period: heartbeat.period }), {
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        datapointsToAlarm: heartbeat.evaluationPeriods,
        evaluationPeriods: heartbeat.evaluationPeriods,
        title: 'Curation runs started',
        description: `The curation job started no execution for ${heartbeat.period.toHours() * heartbeat.evaluationPeriods} hours (curationSchedule ${config.curationSchedule}): curated.trades is falling behind the raw zone. Check the schedule in EventBridge Scheduler (enabled, and its role still allowed to start the state machine), then start a run with trades curate. It fires once after the first deploy, until the schedule's first run.`,
      });
    }
    // Published once a run (hourly) and once a day: between two counts the alarm keeps its state.
    // Every run merges and counts again each day an earlier run left unreconciled (the job's state
    // object carries them, up to 14), so an unreconciled day stays in ALARM until a run counts it
    // right, instead of clearing with the empty periods between runs or with the next run's 0.
    this.alarms.addAlarm('CurationUnreconciledTrades', this.curated.metricUnreconciledTrades(), {
      threshold: 1,
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
      title: 'Trades not reflected in curated.trades after their merge',
      description:
        'After merging its days, a curation run found trades with an event on one of them that curated.trades does not hold at that event or a newer one (or holds twice): a MERGE that went wrong, a price or executed_at the table could not type, or a move beyond the lookup window. Each run merges and counts such a day again until it reconciles; the alarm clears with the first run that counts every day right. The execution output lists each day with its counts (unreconciledDays: those still wrong); see docs/curated-zone.md, "The reconciliation, and the alarms".',
    });
    this.alarms.addAlarm('CuratedDuplicateTrades', this.curated.metricDuplicateTrades(), {
      threshold: 1,
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
      title: 'trade_ids with more than one curated row',
      description:
        'The daily check found trade_ids with more than one row in curated.trades: a correction moved a trade further than the MERGE looks (MOVE_WINDOW_DAYS). Analysts would count those trades twice; docs/curated-zone.md, "The reconciliation, and the alarms", says how to repair them.',
    });

    // docs/design.md §3, row by row.
    this.ingestion.grantPutTrades(this.roles.producer);
    this.analytics.grantAnalystQueries(this.roles.analyst);
    this.curated.grantReadCurated(this.roles.analyst);
    this.analytics.grantEngineerQueries(this.roles.dataEngineer);
    this.curated.grantReadCurated(this.roles.dataEngineer);
    this.curated.grantStartCuration(this.roles.dataEngineer);
    this.ingestion.grantReadStream(this.roles.dataEngineer);
    this.ingestion.grantReadFailedBatches(this.roles.dataEngineer);
    // The replay function, never the writer: a direct invoke could put forged trades into locked storage.
    this.replay.grantReplay(this.roles.dataEngineer);
    this.auditAnalytics?.grantQueryTrail(this.roles.auditor);
    this.audit?.grantValidateLogs(this.roles.auditor);
    // The auditor reads configuration and metrics, never a trade (`trades status`, `trades verify`).
    this.alarms.grantReadStatus(this.roles.auditor);
    this.alarms.grantReadTopicPolicy(this.roles.auditor);
    this.dataKey.grantDescribeKey(this.roles.auditor);
    this.auditKey.grantDescribeKey(this.roles.auditor);
    this.lake.grantReadEncryptionConfiguration(this.roles.auditor);
    this.lake.grantUnencryptedPutProbe(this.roles.auditor);
    this.ingestion.grantReadEncryptionConfiguration(this.roles.auditor);
    this.analytics.grantReadWorkGroupConfiguration(this.roles.auditor);
    grantReadObjectLockConfiguration(this.roles.auditor, [
      this.lake.bucket,
      this.ingestion.failedBatchBucket,
      ...(this.audit ? [this.audit.trailBucket] : []),
    ]);
    // Only where S3 takes legal holds at all: without Object Lock it refuses each one (docs/retention.md).
    if (this.lake.locked) this.lake.grantLegalHolds(this.roles.dataEngineer);

    this.outputs(config);
  }

  /**
   * Who administers the keys. In prod, the configured administrators and the bootstrap's CloudFormation
   * execution role (so the deploy passes KMS's lockout check), never the account root: then no IAM
   * policy in the account can rewrite a key policy to grant itself usage. In dev without configured
   * administrators, the account root (documented in the README: an IAM administrator could then
   * rewrite the key policy and decrypt).
   */
  private keyAdministrators(config: TradingDataLakeConfig): iam.IPrincipal[] {
    if (config.stage === 'dev' && config.keyAdminPrincipals.length === 0) {
      return [new iam.AccountRootPrincipal()];
    }
    return [
      ...config.keyAdminPrincipals.map((arn) => new iam.ArnPrincipal(arn)),
      new iam.ArnPrincipal(this.deployRoleArn()),
    ];
  }

  /**
   * The role CloudFormation deploys this stack with: the CloudFormation execution role of the CDK
   * bootstrap. It administers the keys in prod and is the only principal that may change the Object
   * Lock configuration of a locked bucket.
   */
  private deployRoleArn(): string {
    if (!(this.synthesizer instanceof DefaultStackSynthesizer)) {
      throw new Error(
        'trading-data-lake: key administration and Object Lock need the CloudFormation execution role of the CDK bootstrap; use the DefaultStackSynthesizer',
      );
    }
    // The synthesizer's ARN holds `${AWS::Partition}`-style placeholders meant for the CLI; Fn::Sub
    // makes CloudFormation fill them in the template.
    return Fn.sub(this.synthesizer.cloudFormationExecutionRoleArn);
  }

  /**
   * The Object Lock of the locked buckets, or none (`recordsRetention: none`). Governance retention may
   * be bypassed by the configured key administrators only; without any, by the account's root user
   * alone (the root user signs in with the account's own credentials, not through IAM): no IAM
   * principal, administrators included, can then shorten a governance retention or delete a locked
   * version. The same Deny stands in compliance mode, for objects that carry governance retention
   * from an earlier setting.
   */
  private objectLock(config: TradingDataLakeConfig): ObjectLockProps | undefined {
    const retention = config.recordsRetention;
    if (retention.mode === 'none') return undefined;
    return {
      defaultRetention: retention,
      deployRoleArn: this.deployRoleArn(),
      governanceBypassArns:
        config.keyAdminPrincipals.length > 0 ? [...config.keyAdminPrincipals] : [new iam.AccountRootPrincipal().arn],
      expireAfterRetention: config.expireAfterRetention,
    };
  }

  private outputs(config: TradingDataLakeConfig): void {
    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('BucketName', this.lake.bucket.bucketName, 'Data lake bucket (trades/, quarantine/)');
    output('KeyArn', this.dataKey.key.keyArn, 'Data key: every PutObject must name this ARN');
    output('StreamName', this.ingestion.stream.streamName, 'Trade stream; producers put one trade per record');
    output('WriterFunctionName', this.ingestion.writer.functionName, 'trade-writer Lambda function');
    output('FailedBatchBucketName', this.ingestion.failedBatchBucket.bucketName, 'Batches Lambda gave up on');
    output('WorkGroupName', this.analytics.analysts.workGroupName, 'Athena workgroup for analysts');
    output('EngineerWorkGroupName', this.analytics.engineers.workGroupName, 'Athena workgroup for data engineers');
    output('DatabaseName', this.raw.databaseName, 'Glue database of the trades tables');
    output('CuratedDatabaseName', this.curated.databaseName, 'Glue database of curated.trades (Iceberg)');
    output('CuratedBucketName', this.curated.bucket.bucketName, 'Curated bucket (the Iceberg table under trades/)');
    output(
      'CurationStateMachineArn',
      this.curated.stateMachine.stateMachineArn,
      'Curation job: start with {} or {"days": ["YYYY-MM-DD", ...]} (docs/curated-zone.md)',
    );
    output('CurationWorkGroupName', this.curated.workGroup.workGroupName, 'Athena workgroup of the curation job');
    if (this.audit) {
      output('TrailArn', this.audit.trail.attrArn, 'CloudTrail trail of the data lake');
      output(
        'TrailBucketName',
        this.audit.trailBucket.bucketName,
        'Bucket of the trail files (Object Lock as RecordsRetention)',
      );
    }
    if (this.auditAnalytics) {
      output('AuditWorkGroupName', this.auditAnalytics.workGroupName, 'Athena workgroup for auditors');
    }
    output('AlarmTopicArn', this.alarms.topic.topicArn, 'SNS topic of the alarms (encrypted with the audit key)');
    output('AuditKeyArn', this.auditKey.key.keyArn, 'Audit key: trail files, log groups, the alarm topic');
    output('AlarmNamePrefix', this.alarms.alarmNamePrefix, 'Every alarm name of the stage starts with this');
    output(
      'StatusMetrics',
      this.toJsonString(statusMetrics(this.ingestion)),
      'The metrics trades status reads (namespace, name, dimensions, statistic), as JSON',
    );
    output('ProducerRoleArn', this.roles.producer.roleArn, 'Role trading systems assume to put trades');
    output('AnalystRoleArn', this.roles.analyst.roleArn, 'Role analysts assume to query trades');
    output('DataEngineerRoleArn', this.roles.dataEngineer.roleArn, 'Role data engineers assume');
    output('AuditorRoleArn', this.roles.auditor.roleArn, 'Role the security team assumes to read the trail');
    output('ReplayFunctionName', this.replay.function.functionName, 'Replays one failed-batch record (trades replay)');
    output(
      'MaxRecordAgeHours',
      String(config.maxRecordAgeHours),
      'Age after which Lambda gives a record up to the failed-batch bucket (trades key disable warns with it)',
    );
    output(
      'RecordsRetention',
      recordsRetentionText(config.recordsRetention),
      'Object Lock of the lake, failed-batch and trail buckets (none: no legal holds)',
    );
  }
}

/** `recordsRetention` as the config writes it (`none`, `governance:30d`, `compliance:6y`), for the stack output. */
export function recordsRetentionText(retention: RecordsRetention): string {
  if (retention.mode === 'none') return 'none';
  const period = retention.years === undefined ? `${retention.days}d` : `${retention.years}y`;
  return `${retention.mode.toLowerCase()}:${period}`;
}
