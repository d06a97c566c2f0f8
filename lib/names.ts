import type { Stage } from './config';
import type { CuratedZoneNames } from './curated-zone/curated-zone';

/**
 * Fixed names derived from the stage, so dev and prod can share an account, and so key policies can
 * name a trail or a log group by ARN before it exists (docs/design.md §2). Buckets get no fixed name: S3
 * names are global, and CloudFormation's generated names cannot collide.
 */
export interface ResourceNames {
  readonly stackName: string;
  readonly streamName: string;
  readonly writerFunctionName: string;
  readonly writerLogGroupName: string;
  readonly replayFunctionName: string;
  readonly replayLogGroupName: string;
  readonly trailName: string;
  readonly trailLogGroupName: string;
  readonly analyticsWorkGroupName: string;
  readonly engineerWorkGroupName: string;
  readonly auditWorkGroupName: string;
  readonly databaseName: string;
  readonly auditDatabaseName: string;
  /** CloudWatch namespace of the stack's own metrics (the writer's, the metric filters', the curation job's). */
  readonly metricsNamespace: string;
  /** The curated zone's fixed names (lib/curated-zone). */
  readonly curated: CuratedZoneNames;
}

export function resourceNames(stage: Stage): ResourceNames {
  const base = `trading-data-lake-${stage}`;
  return {
    stackName: `TradingDataLake-${stage}`,
    streamName: `${base}-trades`,
    writerFunctionName: `${base}-trade-writer`,
    writerLogGroupName: `/trading-data-lake/${stage}/trade-writer`,
    replayFunctionName: `${base}-trade-replay`,
    replayLogGroupName: `/trading-data-lake/${stage}/trade-replay`,
    trailName: `${base}-trail`,
    trailLogGroupName: `/trading-data-lake/${stage}/cloudtrail`,
    analyticsWorkGroupName: `${base}-analytics`,
    engineerWorkGroupName: `${base}-engineering`,
    auditWorkGroupName: `${base}-audit`,
    // Glue database names allow lower case, digits and underscores only.
    databaseName: `trading_data_lake_${stage}`,
    auditDatabaseName: `trading_data_lake_audit_${stage}`,
    metricsNamespace: `TradingDataLake/${stage}`,
    curated: {
      databaseName: `trading_data_lake_curated_${stage}`,
      workGroupName: `${base}-curation`,
      stateMachineName: `${base}-curation`,
      plannerFunctionName: `${base}-curation-planner`,
      plannerLogGroupName: `/trading-data-lake/${stage}/curation-planner`,
      scheduleGroupName: base,
      scheduleName: `${base}-curation`,
    },
  };
}
