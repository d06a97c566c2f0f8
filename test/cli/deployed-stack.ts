import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { ACCOUNT } from './support';

/**
 * A deployed dev stack as the read commands (query, status, verify) see it: every output they read,
 * and a distinct set of credentials per role, so a test can tell which role made each call.
 */

const REGION = 'eu-west-1';
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/TradingDataLake-dev-Roles${name}-ABC123`;

export const ROLES = {
  analyst: role('AnalystRole'),
  dataEngineer: role('DataEngineerRole'),
  auditor: role('AuditorRole'),
} as const;
export type RoleName = keyof typeof ROLES;

export const DATA_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1111aaaa-1111-4111-8111-111111111111`;
export const AUDIT_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/2222bbbb-2222-4222-8222-222222222222`;
export const LAKE_BUCKET = 'tradingdatalake-dev-datalakebucket-abc123';
export const FAILED_BATCH_BUCKET = 'tradingdatalake-dev-failedbatchbucket-abc123';
export const TRAIL_BUCKET = 'tradingdatalake-dev-audittrailbucket-abc123';
export const STREAM = 'trading-data-lake-dev-trades';
export const WRITER = 'trading-data-lake-dev-trade-writer';
export const WORK_GROUPS = {
  analytics: 'trading-data-lake-dev-analytics',
  engineering: 'trading-data-lake-dev-engineering',
  audit: 'trading-data-lake-dev-audit',
} as const;
export const DATABASES = { raw: 'trading_data_lake_dev', curated: 'trading_data_lake_curated_dev' } as const;
export const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/trading-data-lake-dev-trail`;
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:TradingDataLake-dev-AlarmsTopic-XYZ`;
export const ALARM_PREFIX = 'TradingDataLake-dev-';
export const NAMESPACE = 'TradingDataLake/dev';

/**
 * The alarm topic's policy as the stack writes it (enforceSSL's Deny, then CloudWatch's Allow for this
 * stack's alarms): test/cli/verify/alarm-topic-policy.test.ts checks it against the synthesized one.
 */
export const TOPIC_POLICY = {
  Version: '2008-10-17',
  Statement: [
    {
      Sid: 'AllowPublishThroughSSLOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Resource: TOPIC_ARN,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Sid: 'CloudWatchAlarmsPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: TOPIC_ARN,
      Condition: {
        StringEquals: { 'aws:SourceAccount': ACCOUNT },
        ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${ALARM_PREFIX}*` },
      },
    },
  ],
};

const writerMetric = (metricName: string) => ({
  namespace: NAMESPACE,
  metricName,
  dimensions: { service: 'trade-writer' },
  statistic: 'Sum',
});
const lambdaMetric = (metricName: string, statistic = 'Sum') => ({
  namespace: 'AWS/Lambda',
  metricName,
  dimensions: { FunctionName: WRITER },
  statistic,
});

/** What the stack outputs as StatusMetrics (lib/monitoring/status-metrics.ts), for this stack. */
export const STATUS_METRICS = {
  iteratorAge: lambdaMetric('IteratorAge', 'Maximum'),
  writerErrors: lambdaMetric('Errors'),
  writerThrottles: lambdaMetric('Throttles'),
  writeFailures: writerMetric('WriteFailures'),
  recordsQuarantined: writerMetric('RecordsQuarantined'),
  lateTrades: writerMetric('LateTrades'),
  failedBatches: {
    namespace: 'AWS/S3',
    metricName: 'PutRequests',
    dimensions: { BucketName: FAILED_BATCH_BUCKET, FilterId: 'FailedBatches' },
    statistic: 'Sum',
  },
  destinationDeliveryFailures: lambdaMetric('DestinationDeliveryFailures'),
  streamWriteThrottles: {
    namespace: 'AWS/Kinesis',
    metricName: 'WriteProvisionedThroughputExceeded',
    dimensions: { StreamName: STREAM },
    statistic: 'Sum',
  },
  tradesWritten: writerMetric('TradesWritten'),
};

export const OUTPUTS: Record<string, string> = {
  StreamName: STREAM,
  BucketName: LAKE_BUCKET,
  KeyArn: DATA_KEY_ARN,
  AuditKeyArn: AUDIT_KEY_ARN,
  FailedBatchBucketName: FAILED_BATCH_BUCKET,
  WriterFunctionName: WRITER,
  WorkGroupName: WORK_GROUPS.analytics,
  EngineerWorkGroupName: WORK_GROUPS.engineering,
  AuditWorkGroupName: WORK_GROUPS.audit,
  DatabaseName: DATABASES.raw,
  CuratedDatabaseName: DATABASES.curated,
  TrailArn: TRAIL_ARN,
  TrailBucketName: TRAIL_BUCKET,
  AlarmTopicArn: TOPIC_ARN,
  AlarmNamePrefix: ALARM_PREFIX,
  StatusMetrics: JSON.stringify(STATUS_METRICS),
  AnalystRoleArn: ROLES.analyst,
  DataEngineerRoleArn: ROLES.dataEngineer,
  AuditorRoleArn: ROLES.auditor,
  // dev's default: no Object Lock (docs/retention.md).
  RecordsRetention: 'none',
};

/** The credentials STS hands out for each role: the access key id names the role. */
export function credentialsOf(name: RoleName) {
  return {
    AccessKeyId: `ASIA${name.toUpperCase()}`,
    SecretAccessKey: `${name}-secret`,
    SessionToken: `${name}-session`,
    Expiration: new Date('2026-03-16T19:00:00Z'),
  };
}

/** DescribeStacks answers with `outputs` (all of them unless told); STS assumes each role. */
export function stackIsDeployed(
  cloudFormation: AwsClientStub<CloudFormationClient>,
  sts: AwsClientStub<STSClient>,
  outputs: Record<string, string> = OUTPUTS,
): void {
  cloudFormation.on(DescribeStacksCommand).callsFake(({ StackName }) => ({
    Stacks: [
      {
        StackName,
        CreationTime: new Date('2026-03-01T00:00:00Z'),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  }));
  for (const name of Object.keys(ROLES) as RoleName[]) {
    sts.on(AssumeRoleCommand, { RoleArn: ROLES[name] }).resolves({ Credentials: credentialsOf(name) });
  }
}

/** The role whose credentials a mocked call was sent with (from the client it was sent through). */
export async function roleOfCall(call: { thisValue: unknown }): Promise<RoleName | 'unknown'> {
  const client = call.thisValue as { config: { credentials: () => Promise<AwsCredentialIdentity> } };
  const { accessKeyId } = await client.config.credentials();
  return (
    (Object.keys(ROLES) as RoleName[]).find((name) => accessKeyId === credentialsOf(name).AccessKeyId) ?? 'unknown'
  );
}
