/**
 * The outputs of the TradingDataLake stack that `trades` reads (lib/trading-data-lake-stack.ts,
 * `outputs()`). The CLI cannot import the stack (it would load aws-cdk-lib), so the names live here
 * and test/cli/aws/stack-outputs.test.ts proves that the synthesized stack has each of them.
 */
export const STACK_OUTPUTS = {
  streamName: 'StreamName',
  producerRoleArn: 'ProducerRoleArn',
  analystRoleArn: 'AnalystRoleArn',
  dataEngineerRoleArn: 'DataEngineerRoleArn',
  auditorRoleArn: 'AuditorRoleArn',
  bucketName: 'BucketName',
  keyArn: 'KeyArn',
  failedBatchBucketName: 'FailedBatchBucketName',
  writerFunctionName: 'WriterFunctionName',
  workGroupName: 'WorkGroupName',
  engineerWorkGroupName: 'EngineerWorkGroupName',
  databaseName: 'DatabaseName',
  curatedDatabaseName: 'CuratedDatabaseName',
  alarmTopicArn: 'AlarmTopicArn',
  replayFunctionName: 'ReplayFunctionName',
  auditKeyArn: 'AuditKeyArn',
  maxRecordAgeHours: 'MaxRecordAgeHours',
  recordsRetention: 'RecordsRetention',
  curationStateMachineArn: 'CurationStateMachineArn',
  alarmNamePrefix: 'AlarmNamePrefix',
  statusMetrics: 'StatusMetrics',
  /** Absent when the stack has no trail of its own (createTrail: false). */
  trailArn: 'TrailArn',
  /** Absent when the stack has no trail of its own (createTrail: false). */
  trailBucketName: 'TrailBucketName',
  /** Absent when the stack has no trail of its own (createTrail: false). */
  auditWorkGroupName: 'AuditWorkGroupName',
} as const;

/** An output `trades` reads. */
export type StackOutputName = (typeof STACK_OUTPUTS)[keyof typeof STACK_OUTPUTS];

/** The outputs that name a role a command assumes. */
export type RoleOutputName =
  | typeof STACK_OUTPUTS.producerRoleArn
  | typeof STACK_OUTPUTS.analystRoleArn
  | typeof STACK_OUTPUTS.dataEngineerRoleArn
  | typeof STACK_OUTPUTS.auditorRoleArn;
