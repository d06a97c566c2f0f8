import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { CURATION_STATE_KEY, PLANNER_ENV } from '../../lambda/curation-planner/contract';
import {
  curatedTableDdl,
  duplicateRepairStatement,
  duplicateTradesQuery,
  mergeTemplate,
  optimizeTemplate,
  reconciliationQuery,
  vacuumStatement,
} from '../../schema/curation/statements';
import { CURATED_TABLE, CURATED_TABLE_PREFIX, type CurationTables } from '../../schema/curation/tables';
import { TRADES_PREFIX } from '../../schema/layout';
import { TRADES_TABLE } from '../../schema/tables';
import { acknowledge, acknowledgeOnGrantee, CONTROL_TOWER, NAG, objectWildcardFinding } from '../acknowledgements';
import { createProjectFunction } from '../project-function';
import { QueryWorkGroup } from '../query/query-workgroup';
import type { DataLakeBucket } from '../raw-zone/lake-bucket';
import type { RawTables } from '../raw-zone/raw-tables';
import type { AuditKey } from '../security/audit-key';
import { grantReadObjects } from '../security/bucket-grants';
import type { DataKey } from '../security/data-key';
import { createKmsBucket, denyOtherEncryption } from '../security/secure-bucket';
import { CURATION_METRICS, curationDefinition } from './curation-definition';

/**
 * The curation workgroup's per-query cutoff: 1 TiB ($5 of scanning). Its queries are fixed and read
 * one raw day (about 80 bytes a trade), the curated rows of two weeks around it, or once a day the
 * trade_id column of the whole table; the analysts' cutoff (athenaBytesScannedCutoff) is sized for
 * people, and would stop a day's MERGE at 100 million trades a day.
 */
export const CURATION_BYTES_SCANNED_CUTOFF = 1024 ** 4;

/**
 * Days a curated object's old versions are kept: the curated table is derived from the raw zone, which
 * keeps the records, so a week to undo a bad VACUUM or OPTIMIZE is enough.
 */
const CURATED_NONCURRENT_VERSION_DAYS = 7;

/** Fixed names of the curated zone's resources (lib/names.ts), so policies can name them before they exist. */
export interface CuratedZoneNames {
  /** The Glue database of `curated.trades`. */
  readonly databaseName: string;
  readonly workGroupName: string;
  readonly stateMachineName: string;
  readonly plannerFunctionName: string;
  /** Fixed, because the audit key's policy names it. */
  readonly plannerLogGroupName: string;
  /** The schedule group of the curation schedule: the scheduler role trusts schedules of this group only. */
  readonly scheduleGroupName: string;
  readonly scheduleName: string;
}

export interface CuratedZoneProps {
  /** Encrypts the curated bucket and the curation workgroup's results. */
  readonly dataKey: DataKey;
  /** Encrypts the planner's log group. */
  readonly auditKey: AuditKey;
  /** The lake whose `trades/` the job reads. */
  readonly lake: DataLakeBucket;
  /** The raw trades table the job merges from. */
  readonly raw: RawTables;
  /** Where the curated and results buckets' server access logs go. */
  readonly accessLogsBucket: s3.IBucket;
  readonly names: CuratedZoneNames;
  /** EventBridge Scheduler expression of the job (`curationSchedule`). */
  readonly schedule: string;
  /** How many past days each run lists for new raw objects (`reconcileDays`). */
  readonly reconcileDays: number;
  /** Namespace of the job's metrics (the stage's). */
  readonly metricsNamespace: string;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The curated zone (docs/design.md §10): `curated.trades`, an Iceberg table with one row per trade in a
 * bucket of its own, kept by a scheduled Step Functions job that runs Athena in a workgroup of its
 * own. The job's role is written here statement by statement (docs/design.md §3, curation row).
 */
export class CuratedZone extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly database: glue.CfnDatabase;
  public readonly databaseName: string;
  public readonly workGroup: QueryWorkGroup;
  public readonly planner: nodejs.NodejsFunction;
  public readonly plannerRole: iam.Role;
  public readonly stateMachine: sfn.StateMachine;
  /** The role the state machine runs as: every statement the job runs is authorized against it. */
  public readonly curationRole: iam.Role;
  public readonly schedule: scheduler.Schedule;
  /** The role EventBridge Scheduler assumes to start the job. */
  public readonly schedulerRole: iam.Role;
  /** ARN built from the fixed name: policies can name the state machine without depending on it. */
  public readonly stateMachineArn: string;
  /** ARN of the curated table in the Glue catalog. */
  public readonly tableArn: string;
  private readonly stateMachineName: string;
  private readonly dataKey: DataKey;
  private readonly metricsNamespace: string;

  constructor(scope: Construct, id: string, props: CuratedZoneProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { names } = props;
    this.dataKey = props.dataKey;
    this.metricsNamespace = props.metricsNamespace;
    this.databaseName = names.databaseName;
    this.stateMachineName = names.stateMachineName;
    this.stateMachineArn = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: names.stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.tableArn = stack.formatArn({
      service: 'glue',
      resource: 'table',
      resourceName: `${names.databaseName}/${CURATED_TABLE}`,
    });

    this.bucket = createKmsBucket(this, 'Bucket', {
      key: props.dataKey.key,
      accessLogs: props.accessLogsBucket,
      accessLogsPrefix: 'curated/',
      removalPolicy: props.removalPolicy,
      noncurrentVersionDays: CURATED_NONCURRENT_VERSION_DAYS,
    });
    denyOtherEncryption(this.bucket, props.dataKey.key);
    acknowledge(
      this.bucket,
      [CONTROL_TOWER.bucketObjectLock],
      'The curated bucket never has Object Lock (docs/design.md §1, §9): OPTIMIZE rewrites and VACUUM deletes its Iceberg files, which a lock would forbid; the records it is derived from are kept, locked where records retention is set, in the lake bucket.',
    );

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: names.databaseName,
        description: 'trading-data-lake: the curated zone (curated.trades, one row per trade, Iceberg)',
      },
    });
    // The job creates curated.trades inside it: deleting the database would delete that table's entry.
    this.database.applyRemovalPolicy(props.removalPolicy);

    this.workGroup = new QueryWorkGroup(this, 'CurationQueries', {
      workGroupName: names.workGroupName,
      description: 'trading-data-lake: the curation job merges raw trades into curated.trades',
      resultsKey: props.dataKey,
      accessLogsBucket: props.accessLogsBucket,
      accessLogsPrefix: 'curation-results/',
      bytesScannedCutoffPerQuery: CURATION_BYTES_SCANNED_CUTOFF,
      removalPolicy: props.removalPolicy,
    });

    this.plannerRole = new iam.Role(this, 'PlannerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'curation planner: list the raw trades/ prefixes, read the curation state',
    });
    this.planner = this.createPlanner(props);

    this.curationRole = new iam.Role(this, 'CurationRole', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', {
        conditions: {
          // Confused deputy: only this state machine, in this account, may run as the role.
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnEquals: { 'aws:SourceArn': this.stateMachineArn },
        },
      }),
      description: 'curation job: Athena in its workgroup, read raw trades/, write the curated table',
    });
    this.grantCurationJob(props);

    const tables: CurationTables = {
      raw: { database: props.raw.databaseName, table: TRADES_TABLE },
      curated: { database: names.databaseName, table: CURATED_TABLE },
    };
    const ensureTable = curatedTableDdl('athena', tables.curated, {
      bucketName: this.bucket.bucketName,
      prefix: CURATED_TABLE_PREFIX,
    });
    const optimize = optimizeTemplate('athena', tables.curated);
    const vacuum = vacuumStatement('athena', tables.curated);
    if (optimize === undefined || vacuum === undefined) throw new Error('CuratedZone: Athena has OPTIMIZE and VACUUM');
    const definition = curationDefinition({
      stateMachineArn: this.stateMachineArn,
      plannerFunctionArn: this.planner.functionArn,
      workGroupName: names.workGroupName,
      curatedBucketName: this.bucket.bucketName,
      metricsNamespace: props.metricsNamespace,
      statements: {
        ensureTable,
        mergeTemplate: mergeTemplate('athena', tables),
        reconciliation: reconciliationQuery('athena', tables),
        optimizeTemplate: optimize,
        vacuum,
        duplicateTrades: duplicateTradesQuery(tables.curated),
        duplicateRepair: duplicateRepairStatement(tables.curated),
      },
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: names.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(stack.toJsonString(definition)),
      role: this.curationRole,
      tracingEnabled: true,
      // Holds no data, and has a fixed name: a retained one would block the next deploy after a destroy.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // The role's policy is a separate resource; the state machine must not start before it exists.
    this.stateMachine.node.addDependency(this.curationRole);
    this.acknowledgeStateMachine();

    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          // EventBridge Scheduler names the schedule group as the source ("Set up the execution role").
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: names.scheduleGroupName,
            }),
          },
        },
      }),
      description: 'EventBridge Scheduler starts the curation job',
    });
    acknowledge(
      this.schedulerRole,
      NAG.inlinePolicy,
      'The scheduler role has no inline policy: its StartExecution grant is a separate AWS::IAM::Policy (CDK default policy) attached to it alone.',
    );
    const group = new scheduler.ScheduleGroup(this, 'ScheduleGroup', {
      scheduleGroupName: names.scheduleGroupName,
      // As the state machine: no data, a fixed name.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      scheduleName: names.scheduleName,
      scheduleGroup: group,
      description: 'trading-data-lake: run the curation job (curationSchedule)',
      schedule: scheduler.ScheduleExpression.expression(props.schedule),
      target: new targets.StepFunctionsStartExecution(this.stateMachine, {
        role: this.schedulerRole,
        // The schedule's run: the days with new raw objects, none named.
        input: scheduler.ScheduleTargetInput.fromObject({}),
        retryAttempts: 3,
        // A start that has not happened within an hour is superseded by the next hourly one.
        maxEventAge: Duration.hours(1),
      }),
    });
    // The schedule names its group by name, which CloudFormation does not read as a dependency.
    this.schedule.node.addDependency(group);
  }

  /**
   * Raw trades the curated table did not reflect after a run's merges, over all its days, the days
   * still unreconciled from earlier runs among them (one value a run; Maximum: the worst run of the period).
   */
  public metricUnreconciledTrades(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(CURATION_METRICS.unreconciledTrades, { statistic: 'Maximum', ...props });
  }

  /**
   * Executions of the job started (Sum), by its schedule or by hand, skipped runs included: none for a
   * whole heartbeat window means the schedule stopped starting it.
   */
  public metricRunsStarted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricStarted({ statistic: 'Sum', ...props });
  }

  /** Trades with more than one curated row (the daily count; Maximum). */
  public metricDuplicateTrades(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(CURATION_METRICS.duplicateTrades, { statistic: 'Maximum', ...props });
  }

  /**
   * Query `curated.trades`: its catalog entries, and get and list its objects in the curated bucket
   * (Decrypt through S3). Querying needs a workgroup, granted by whoever owns it.
   */
  public grantReadCurated(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    const catalog = iam.Grant.addToPrincipal({
      grantee,
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables'],
      resourceArns: [
        stack.formatArn({ service: 'glue', resource: 'catalog' }),
        stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
        this.tableArn,
      ],
    });
    const objects = grantReadObjects(grantee, this.bucket, {
      objects: [`${CURATED_TABLE_PREFIX}*`],
      listPrefixes: [`${CURATED_TABLE_PREFIX}*`],
      key: this.dataKey,
      wildcardReason: `Iceberg names its data and metadata files itself; GetObject is scoped to the table's ${CURATED_TABLE_PREFIX} prefix of the curated bucket.`,
    });
    return catalog.combine(objects);
  }

  /** Start a curation run (`trades curate`, `trades replay`) and follow it to its end. */
  public grantStartCuration(grantee: iam.IGrantable): iam.Grant {
    const start = iam.Grant.addToPrincipal({
      grantee,
      actions: ['states:StartExecution'],
      resourceArns: [this.stateMachineArn],
    });
    const follow = iam.Grant.addToPrincipal({
      grantee,
      actions: ['states:DescribeExecution'],
      resourceArns: [this.executionArns()],
    });
    acknowledgeOnGrantee(
      grantee,
      [`AwsSolutions-IAM5[Resource::${this.executionArnsAsNagPrintsThem()}]`],
      'Step Functions names each execution at its start; the wildcard is scoped to the executions of the curation state machine.',
    );
    return start.combine(follow);
  }

  private metric(metricName: string, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: this.metricsNamespace, metricName, ...props });
  }

  /** `arn:…:execution:<state machine name>:*`: every execution of the curation state machine. */
  private executionArns(): string {
    return Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${this.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /**
   * The execution ARN pattern as cdk-nag names it in a finding: the ARN itself in a stack with a
   * concrete account and Region, the pseudo parameters in `<…>` in an environment-agnostic one.
   */
  private executionArnsAsNagPrintsThem(): string {
    const stack = Stack.of(this);
    const resolved = stack.resolve(this.executionArns());
    if (typeof resolved === 'string') return resolved;
    return `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${this.stateMachineName}:*`;
  }

  private createPlanner(props: CuratedZoneProps): nodejs.NodejsFunction {
    const logGroup = props.auditKey.createLogGroup(this, 'PlannerLogGroup', {
      logGroupName: props.names.plannerLogGroupName,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const planner = createProjectFunction(this, 'Planner', {
      functionName: props.names.plannerFunctionName,
      description: 'Plans a curation run: checks its input, reads the watermark, lists the raw trades/ prefixes',
      entry: 'curation-planner/index.ts',
      memorySize: 256,
      timeout: Duration.minutes(5),
      role: this.plannerRole,
      logGroup,
      environment: {
        [PLANNER_ENV.lakeBucketName]: props.lake.bucket.bucketName,
        [PLANNER_ENV.curatedBucketName]: this.bucket.bucketName,
        [PLANNER_ENV.reconcileDays]: `${props.reconcileDays}`,
        POWERTOOLS_SERVICE_NAME: 'curation-planner',
      },
    });

    // List the raw days, never read a trade: ListBucket under trades/ only.
    iam.Grant.addToPrincipal({
      grantee: this.plannerRole,
      actions: ['s3:ListBucket'],
      resourceArns: [props.lake.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${TRADES_PREFIX}*`] } },
    });
    iam.Grant.addToPrincipal({
      grantee: this.plannerRole,
      actions: ['s3:GetObject'],
      resourceArns: [this.bucket.arnForObjects(CURATION_STATE_KEY)],
    });
    // Until the first run succeeds there is no state object, and S3 answers a GetObject of a missing
    // key with 403, not 404 (NoSuchKey), unless the caller may ListBucket: without this every run
    // would fail. Unconditioned: S3 checks it without an s3:prefix. It shows object names only (the
    // Iceberg files' paths), never their contents.
    iam.Grant.addToPrincipal({
      grantee: this.plannerRole,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
    });
    this.dataKey.grantDecryptViaS3(this.plannerRole);

    acknowledge(
      this.plannerRole,
      NAG.inlinePolicy,
      'The planner role has no inline policy: its permissions are a separate AWS::IAM::Policy (CDK default policy) attached to it alone, so the data key policy can name the role without a cycle (docs/design.md §14).',
    );
    acknowledge(
      this.plannerRole,
      ['AwsSolutions-IAM5[Resource::*]'],
      'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions; "*" is the only valid resource.',
    );
    acknowledge(
      planner,
      [...NAG.lambdaInVpc, CONTROL_TOWER.lambdaInVpc],
      'The planner calls only S3 (ListObjectsV2, one GetObject), CloudWatch Logs and X-Ray over TLS with IAM auth and reaches no private resource; a VPC would add NAT or endpoints without narrowing access.',
    );
    acknowledge(
      planner,
      NAG.lambdaDlq,
      'Step Functions invokes the planner synchronously, retries it and fails the run (which alarms) when it keeps failing; there is no asynchronous event for a DLQ to keep.',
    );
    acknowledge(
      planner,
      NAG.lambdaConcurrency,
      'One run at a time invokes the planner (runs never overlap), and a reservation would take from an account concurrency quota that may be 10 (docs/design.md §1).',
    );
    return planner;
  }

  /** The curation role, statement by statement (docs/design.md §3, curation row; §10: not CDK's Athena task policy). */
  private grantCurationJob(props: CuratedZoneProps): void {
    const stack = Stack.of(this);
    const role = this.curationRole;
    const catalogArn = stack.formatArn({ service: 'glue', resource: 'catalog' });
    const databaseArn = (name: string) =>
      stack.formatArn({ service: 'glue', resource: 'database', resourceName: name });
    const rawTableArn = stack.formatArn({
      service: 'glue',
      resource: 'table',
      resourceName: `${props.raw.databaseName}/${TRADES_TABLE}`,
    });

    // Athena in its own workgroup only; the .sync integration polls and, on a timeout, stops the query.
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: [
        'athena:StartQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:StopQueryExecution',
      ],
      resourceArns: [this.workGroup.workGroupArn],
    });
    // Athena writes and reads results with the caller's credentials.
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: ['s3:GetObject', 's3:PutObject'],
      resourceArns: [this.workGroup.resultsBucket.arnForObjects('results/*')],
    });
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: ['s3:ListBucket', 's3:GetBucketLocation'],
      resourceArns: [this.workGroup.resultsBucket.bucketArn],
    });

    // The catalog: read both databases, and `default`, which Athena reads for a query without a
    // database context (Athena User Guide, "Mandatory: Access Policy to the Default Database and
    // Catalog per AWS Region"); read the raw table; read, update (every Iceberg commit moves its
    // metadata pointer) and create the curated table. No delete anywhere.
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: ['glue:GetDatabase'],
      resourceArns: [
        catalogArn,
        databaseArn('default'),
        databaseArn(props.raw.databaseName),
        databaseArn(this.databaseName),
      ],
    });
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: ['glue:GetTable'],
      resourceArns: [catalogArn, databaseArn(props.raw.databaseName), rawTableArn],
    });
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: ['glue:GetTable', 'glue:UpdateTable', 'glue:CreateTable'],
      resourceArns: [catalogArn, databaseArn(this.databaseName), this.tableArn],
    });

    // Raw trades: get and list trades/ (Decrypt through S3), never quarantine, never a write.
    props.lake.grantReadTrades(role);

    // The curated table's files: Athena writes them (multipart for large ones), OPTIMIZE rewrites and
    // VACUUM deletes them (without DeleteObject VACUUM reports success and deletes nothing, docs/design.md §14).
    const tableObjects = this.bucket.arnForObjects(`${CURATED_TABLE_PREFIX}*`);
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: [
        's3:GetObject',
        's3:PutObject',
        's3:DeleteObject',
        's3:AbortMultipartUpload',
        's3:ListMultipartUploadParts',
      ],
      resourceArns: [tableObjects],
    });
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: ['s3:PutObject'],
      resourceArns: [this.bucket.arnForObjects(CURATION_STATE_KEY)],
    });
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${CURATED_TABLE_PREFIX}*`] } },
    });
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
      resourceArns: [this.bucket.bucketArn],
    });
    this.dataKey.grantEncryptViaS3(role);
    this.dataKey.grantDecryptViaS3(role);

    // The overlap check, the planner and the job's metrics.
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: ['states:ListExecutions'],
      resourceArns: [this.stateMachineArn],
    });
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: ['lambda:InvokeFunction'],
      resourceArns: [this.planner.functionArn],
    });
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: ['cloudwatch:PutMetricData'],
      // PutMetricData has no resource: the namespace condition is what limits it.
      resourceArns: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': this.metricsNamespace } },
    });

    acknowledge(
      role,
      NAG.inlinePolicy,
      'The curation role has no inline policy: its permissions are a separate AWS::IAM::Policy (CDK default policy) attached to it alone, so the data key policy can name the role without a cycle (docs/design.md §14).',
    );
    acknowledgeOnGrantee(
      role,
      [
        objectWildcardFinding(this.workGroup.resultsBucket, 'results/*'),
        objectWildcardFinding(this.bucket, `${CURATED_TABLE_PREFIX}*`),
      ],
      `Athena names result files by query id and Iceberg names data and metadata files itself; the wildcards are scoped to the results/ prefix of the curation results bucket and to the table's ${CURATED_TABLE_PREFIX} prefix of the curated bucket.`,
    );
    acknowledge(
      role,
      ['AwsSolutions-IAM5[Resource::*]'],
      'cloudwatch:PutMetricData supports no resource (its cloudwatch:namespace condition limits it to the stage’s namespace), and X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions.',
    );
  }

  private acknowledgeStateMachine(): void {
    acknowledge(
      this.stateMachine,
      ['AwsSolutions-SF1', 'Serverless-StepFunctionStateMachineAllLogsToCloudWatch', CONTROL_TOWER.stateMachineLogging],
      'Logging to CloudWatch Logs would need logs:CreateLogDelivery, logs:PutResourcePolicy and the other log-delivery actions on "*" in the curation role; the execution history keeps every state’s input, output and error for 90 days, and CloudTrail records each Athena query with its text.',
    );
  }
}
