import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { ACCOUNT, DEV_STACK_OUTPUTS, STREAM_NAME } from './support';

/** The outputs of a deployed stack that replay, key and hold read, beside those of DEV_STACK_OUTPUTS. */
export const ENGINEER_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/TradingDataLake-dev-DataEngineerRole-1A2B3C`;
export const FAILED_BATCH_BUCKET = 'tradingdatalake-dev-failedbatchbucket-1a2b3c4d';
export const LAKE_BUCKET = 'tradingdatalake-dev-datalakebucket-5e6f7a8b';
export const REPLAY_FUNCTION = 'trading-data-lake-dev-trade-replay';
export const DATA_KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1111aaaa-2222-bbbb-3333-cccc4444dddd`;
export const AUDIT_KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/5555eeee-6666-ffff-7777-000088889999`;
export const STREAM_ARN = `arn:aws:kinesis:eu-west-1:${ACCOUNT}:stream/${STREAM_NAME}`;
export const CURATION_STATE_MACHINE_ARN = `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:trading-data-lake-dev-curation`;

export function operatorStackOutputs(overrides: Record<string, string | undefined> = {}) {
  const values: Record<string, string | undefined> = {
    DataEngineerRoleArn: ENGINEER_ROLE_ARN,
    FailedBatchBucketName: FAILED_BATCH_BUCKET,
    BucketName: LAKE_BUCKET,
    ReplayFunctionName: REPLAY_FUNCTION,
    KeyArn: DATA_KEY_ARN,
    AuditKeyArn: AUDIT_KEY_ARN,
    MaxRecordAgeHours: '24',
    RecordsRetention: 'compliance:6y',
    CurationStateMachineArn: CURATION_STATE_MACHINE_ARN,
    ...overrides,
  };
  return [
    ...DEV_STACK_OUTPUTS,
    ...Object.entries(values)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
  ];
}

/** DescribeStacks answers with the operator stack's outputs. */
export function stackExists(cloudFormation: AwsClientStub<CloudFormationClient>, overrides = {}) {
  cloudFormation.on(DescribeStacksCommand).callsFake(({ StackName }) => ({
    Stacks: [
      {
        StackName,
        CreationTime: new Date('2026-03-01T00:00:00Z'),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: operatorStackOutputs(overrides),
      },
    ],
  }));
}

export { CloudFormationClient };
