import type { Template } from 'aws-cdk-lib/assertions';
import type { Stage } from '../../../lib/config';
import type { TradingDataLakeStack } from '../../../lib/trading-data-lake-stack';
import { CURATED_TABLE } from '../../../schema/curation/tables';
import { QUARANTINE_TABLE, TRADES_TABLE } from '../../../schema/tables';
import { PROD_PRINCIPALS, synthApp, TEST_ENV } from '../../support/app';
import { type AccessModel, accessModelOf } from './access-model';
import type { CfnTemplate } from './cfn-resolver';
import { ANALYSTS_PERMISSION_SET } from './principals';

/** The ARNs and names a scenario needs, fixed by the resolver (the same values the policies hold). */
export interface StackRefs {
  readonly stage: Stage;
  readonly account: string;
  readonly region: string;
  readonly roles: {
    readonly producer: string;
    readonly writer: string;
    readonly analyst: string;
    readonly dataEngineer: string;
    readonly auditor: string;
    /** The role CloudTrail assumes to deliver to its CloudWatch Logs group. */
    readonly trailDelivery: string;
    /** The replay function's role. */
    readonly replay: string;
    /** The role the curation state machine runs as. */
    readonly curation: string;
    /** The curation planner Lambda's role. */
    readonly curationPlanner: string;
    /** The role EventBridge Scheduler assumes to start the curation job. */
    readonly curationScheduler: string;
  };
  readonly dataKeyArn: string;
  /** `alias/...`, as a client would put it in the SSEKMSKeyId header by mistake. */
  readonly dataKeyAlias: string;
  readonly auditKeyArn: string;
  readonly buckets: {
    readonly lake: string;
    readonly failedBatch: string;
    /** Results of the analytics workgroup (data key). */
    readonly results: string;
    /** Results of the data engineers' workgroup (data key). */
    readonly engineerResults: string;
    readonly trail: string;
    /** Results of the audit workgroup (audit key). */
    readonly auditResults: string;
    /** The curated zone's bucket (`curated.trades`, data key). */
    readonly curated: string;
    /** Results of the curation workgroup (data key). */
    readonly curationResults: string;
  };
  readonly streamArn: string;
  readonly trailArn: string;
  /** The SNS topic every alarm publishes to. */
  readonly alarmTopicArn: string;
  /** Log group ARNs as the `aws:logs:arn` encryption context carries them (no trailing `:*`). */
  readonly logGroupArns: {
    readonly writer: string;
    readonly trail: string;
    readonly curationPlanner: string;
    readonly replay: string;
  };
  /** The trade-writer and the replay function (unqualified ARNs). */
  readonly functionArns: { readonly writer: string; readonly replay: string };
  readonly workGroupArns: {
    readonly analytics: string;
    readonly engineering: string;
    readonly audit: string;
    readonly curation: string;
  };
  /** The Glue catalog and the `default` database, which the Athena console reads. */
  readonly catalogArns: { readonly catalog: string; readonly defaultDatabase: string };
  readonly tableArns: {
    readonly trades: string;
    readonly quarantine: string;
    readonly cloudTrail: string;
    readonly curated: string;
  };
  readonly databaseArns: { readonly raw: string; readonly curated: string };
  /** The curation state machine, and the schedule group its schedule belongs to. */
  readonly curation: {
    readonly stateMachineArn: string;
    readonly executionArn: string;
    readonly scheduleGroupArn: string;
    readonly plannerFunctionArn: string;
    readonly writerFunctionArn: string;
    readonly metricsNamespace: string;
  };
}

interface WorkGroupProperties {
  readonly Name: string;
  readonly WorkGroupConfiguration?: { readonly ResultConfiguration?: { readonly OutputLocation?: string } };
}

export interface SynthesizedStack {
  readonly model: AccessModel;
  readonly refs: StackRefs;
  /** The stack and the template the model was resolved from, for assertions on the same synthesis. */
  readonly stack: TradingDataLakeStack;
  readonly template: Template;
}

/** The context of each stage's test app; prod names every trusted principal explicitly (docs/design.md §3). */
export const STAGE_CONTEXT: Record<Stage, Record<string, unknown>> = {
  dev: {},
  prod: {
    stage: 'prod',
    ...PROD_PRINCIPALS,
    analystPrincipals: [...PROD_PRINCIPALS.analystPrincipals, ANALYSTS_PERMISSION_SET],
  },
};

/**
 * Synthesizes the app of a stage (once per test file: it takes about a second) and resolves its
 * policies; `context` adds to (or overrides) the stage's context, for a variant such as governance
 * retention. Bundling is skipped: the access matrix reads policies, never the handler's code.
 */
export function synthesizeStack(stage: Stage, context: Record<string, unknown> = {}): SynthesizedStack {
  const { stack, template } = synthApp({ ...STAGE_CONTEXT[stage], ...context });
  const { model, resolver } = accessModelOf(template.toJSON() as CfnTemplate, TEST_ENV);
  const fixed = (token: string) => resolver.resolveString(stack.resolve(token));
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:${TEST_ENV.region}:${TEST_ENV.account}:${resource}`;
  if (stack.audit === undefined)
    throw new Error('the access matrix expects the trail (createTrail is true by default)');
  const { names } = stack;

  const resourcesOfType = <T>(type: string) =>
    Object.values((template.toJSON() as CfnTemplate).Resources)
      .filter((resource) => resource.Type === type)
      .map((resource) => resolver.resolve(resource.Properties) as T);

  const dataKeyArn = fixed(stack.dataKey.key.keyArn);
  const aliases = resourcesOfType<{ AliasName: string; TargetKeyId: string }>('AWS::KMS::Alias');
  const dataKeyAlias = aliases.find(
    (alias) => alias.TargetKeyId === dataKeyArn || dataKeyArn.endsWith(`/${alias.TargetKeyId}`),
  )?.AliasName;
  if (dataKeyAlias === undefined) throw new Error('no alias targets the data key');

  // Found by name in the template, so that the scenarios do not depend on how lib/ composes its constructs.
  const workGroups = resourcesOfType<WorkGroupProperties>('AWS::Athena::WorkGroup');
  const resultsBucketOf = (workGroupName: string) => {
    const location = workGroups.find((workGroup) => workGroup.Name === workGroupName)?.WorkGroupConfiguration
      ?.ResultConfiguration?.OutputLocation;
    const bucket = location === undefined ? undefined : /^s3:\/\/([^/]+)\//.exec(location)?.[1];
    if (bucket === undefined) throw new Error(`no results location for workgroup ${workGroupName}`);
    return bucket;
  };
  const tableIn = (databaseName: string) => {
    const tables = resourcesOfType<{ DatabaseName: string; TableInput: { Name: string } }>('AWS::Glue::Table').filter(
      (table) => table.DatabaseName === databaseName,
    );
    if (tables.length !== 1) throw new Error(`expected one table in ${databaseName}, found ${tables.length}`);
    return arn('glue', `table/${databaseName}/${tables[0]?.TableInput.Name}`);
  };

  const refs: StackRefs = {
    stage,
    account: TEST_ENV.account,
    region: TEST_ENV.region,
    roles: {
      producer: fixed(stack.roles.producer.roleArn),
      writer: fixed(stack.ingestion.writerRole.roleArn),
      analyst: fixed(stack.roles.analyst.roleArn),
      dataEngineer: fixed(stack.roles.dataEngineer.roleArn),
      auditor: fixed(stack.roles.auditor.roleArn),
      trailDelivery: fixed(stack.audit.logsRole.roleArn),
      replay: fixed(stack.replay.role.roleArn),
      curation: fixed(stack.curated.curationRole.roleArn),
      curationPlanner: fixed(stack.curated.plannerRole.roleArn),
      curationScheduler: fixed(stack.curated.schedulerRole.roleArn),
    },
    dataKeyArn,
    dataKeyAlias,
    auditKeyArn: fixed(stack.auditKey.key.keyArn),
    buckets: {
      lake: fixed(stack.lake.bucket.bucketName),
      failedBatch: fixed(stack.ingestion.failedBatchBucket.bucketName),
      results: resultsBucketOf(names.analyticsWorkGroupName),
      engineerResults: resultsBucketOf(names.engineerWorkGroupName),
      trail: fixed(stack.audit.trailBucket.bucketName),
      auditResults: resultsBucketOf(names.auditWorkGroupName),
      curated: fixed(stack.curated.bucket.bucketName),
      curationResults: resultsBucketOf(names.curated.workGroupName),
    },
    streamArn: fixed(stack.ingestion.streamArn),
    trailArn: fixed(stack.audit.trailArn),
    alarmTopicArn: fixed(stack.alarms.topic.topicArn),
    logGroupArns: {
      writer: arn('logs', `log-group:${names.writerLogGroupName}`),
      trail: arn('logs', `log-group:${names.trailLogGroupName}`),
      curationPlanner: arn('logs', `log-group:${names.curated.plannerLogGroupName}`),
      replay: arn('logs', `log-group:${names.replayLogGroupName}`),
    },
    functionArns: {
      writer: fixed(stack.ingestion.writer.functionArn),
      replay: fixed(stack.replay.function.functionArn),
    },
    workGroupArns: {
      analytics: arn('athena', `workgroup/${names.analyticsWorkGroupName}`),
      engineering: arn('athena', `workgroup/${names.engineerWorkGroupName}`),
      audit: arn('athena', `workgroup/${names.auditWorkGroupName}`),
      curation: arn('athena', `workgroup/${names.curated.workGroupName}`),
    },
    catalogArns: { catalog: arn('glue', 'catalog'), defaultDatabase: arn('glue', 'database/default') },
    tableArns: {
      trades: arn('glue', `table/${names.databaseName}/${TRADES_TABLE}`),
      quarantine: arn('glue', `table/${names.databaseName}/${QUARANTINE_TABLE}`),
      cloudTrail: tableIn(names.auditDatabaseName),
      curated: arn('glue', `table/${names.curated.databaseName}/${CURATED_TABLE}`),
    },
    databaseArns: {
      raw: arn('glue', `database/${names.databaseName}`),
      curated: arn('glue', `database/${names.curated.databaseName}`),
    },
    curation: {
      stateMachineArn: arn('states', `stateMachine:${names.curated.stateMachineName}`),
      executionArn: arn('states', `execution:${names.curated.stateMachineName}:0b4a7e1c-run`),
      scheduleGroupArn: arn('scheduler', `schedule-group/${names.curated.scheduleGroupName}`),
      plannerFunctionArn: fixed(stack.curated.planner.functionArn),
      writerFunctionArn: fixed(stack.ingestion.writer.functionArn),
      metricsNamespace: names.metricsNamespace,
    },
  };
  return { model, refs, stack, template };
}
