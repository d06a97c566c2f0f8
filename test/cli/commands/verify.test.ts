import { AthenaClient, GetWorkGroupCommand, type GetWorkGroupCommandOutput } from '@aws-sdk/client-athena';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { DescribeKeyCommand, GetKeyRotationStatusCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  GetBucketEncryptionCommand,
  GetObjectLockConfigurationCommand,
  type GetObjectLockConfigurationCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { EXIT } from '../../../cli/exit-codes';
import { runTrades } from '../../../cli/program';
import { NEVER_MATCHING_ETAG } from '../../../cli/verify/probe';
import { VERIFY_PROBE_KEY } from '../../../schema/layout';
import {
  AUDIT_KEY_ARN,
  credentialsOf,
  DATA_KEY_ARN,
  FAILED_BATCH_BUCKET,
  LAKE_BUCKET,
  OUTPUTS,
  ROLES,
  roleOfCall,
  STREAM,
  stackIsDeployed,
  TOPIC_ARN,
  TOPIC_POLICY,
  TRAIL_ARN,
  TRAIL_BUCKET,
  WORK_GROUPS,
} from '../deployed-stack';
import { testEnvironment } from '../environment';
import { ACCOUNT, awsError } from '../support';

const cloudFormationMock = mockClient(CloudFormationClient);
const stsMock = mockClient(STSClient);
const s3Mock = mockClient(S3Client);
const kmsMock = mockClient(KMSClient);
const kinesisMock = mockClient(KinesisClient);
const athenaMock = mockClient(AthenaClient);
const cloudTrailMock = mockClient(CloudTrailClient);
const snsMock = mockClient(SNSClient);
const SERVICE_MOCKS = [s3Mock, kmsMock, kinesisMock, athenaMock, cloudTrailMock, snsMock] as const;

const NOW = new Date('2026-03-16T18:00:00Z');
/** Yesterday's partition holds the newest object: a late trade, written a minute after today's newest. */
const NEWEST = 'trades/dt=2026-03-15/shardId-000000000000-49650000000000000100-49650000000000000199.jsonl.gz';

const workGroup = (Name: string, KmsKey: string): GetWorkGroupCommandOutput => ({
  $metadata: {},
  WorkGroup: {
    Name,
    State: 'ENABLED',
    Configuration: {
      EnforceWorkGroupConfiguration: true,
      ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey } },
    },
  },
});

const EXPLICIT_DENY = Object.assign(
  awsError(
    'AccessDenied',
    `User: arn:aws:sts::${ACCOUNT}:assumed-role/auditor/trades-verify is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${LAKE_BUCKET}/${VERIFY_PROBE_KEY}" with an explicit deny in a resource-based policy`,
    403,
  ),
);

/** What S3 answers GetObjectLockConfiguration on a bucket without Object Lock. */
const NO_OBJECT_LOCK = awsError(
  'ObjectLockConfigurationNotFoundError',
  'Object Lock configuration does not exist for this bucket',
  404,
);

/** Every control of a healthy stack (dev: recordsRetention none), answered as AWS would answer it. */
function stackIsHealthy() {
  s3Mock.on(GetBucketEncryptionCommand).resolves({
    ServerSideEncryptionConfiguration: {
      Rules: [
        {
          ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: DATA_KEY_ARN },
          BucketKeyEnabled: true,
        },
      ],
    },
  });
  s3Mock.on(PutObjectCommand).rejects(EXPLICIT_DENY);
  kmsMock.on(DescribeKeyCommand).callsFake(({ KeyId }) => ({
    KeyMetadata: { KeyId, Arn: KeyId, Enabled: true, KeyState: 'Enabled', KeyManager: 'CUSTOMER' },
  }));
  kmsMock.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: true, RotationPeriodInDays: 365 });
  kinesisMock.on(DescribeStreamSummaryCommand).resolves({
    StreamDescriptionSummary: {
      StreamName: STREAM,
      StreamARN: `arn:aws:kinesis:eu-west-1:${ACCOUNT}:stream/${STREAM}`,
      StreamStatus: 'ACTIVE',
      RetentionPeriodHours: 168,
      StreamCreationTimestamp: new Date('2026-03-01T00:00:00Z'),
      EnhancedMonitoring: [],
      OpenShardCount: 2,
      EncryptionType: 'KMS',
      KeyId: DATA_KEY_ARN,
    },
  });
  athenaMock
    .on(GetWorkGroupCommand)
    .callsFake(({ WorkGroup }) => workGroup(WorkGroup, WorkGroup === WORK_GROUPS.audit ? AUDIT_KEY_ARN : DATA_KEY_ARN));
  cloudTrailMock
    .on(GetTrailStatusCommand)
    .resolves({ IsLogging: true, LatestDeliveryTime: new Date('2026-03-16T17:55:00Z') });
  cloudTrailMock.on(DescribeTrailsCommand).resolves({
    trailList: [
      { TrailARN: TRAIL_ARN, LogFileValidationEnabled: true, IsMultiRegionTrail: true, KmsKeyId: AUDIT_KEY_ARN },
    ],
  });
  snsMock
    .on(GetTopicAttributesCommand)
    .resolves({ Attributes: { Policy: JSON.stringify(TOPIC_POLICY), KmsMasterKeyId: AUDIT_KEY_ARN } });
  s3Mock.on(ListObjectsV2Command).callsFake(({ Prefix }) => ({
    Contents:
      Prefix === 'trades/dt=2026-03-16/'
        ? [
            {
              Key: 'trades/dt=2026-03-16/shardId-000000000000-1-9.jsonl.gz',
              LastModified: new Date('2026-03-16T17:40:00Z'),
            },
            {
              Key: 'trades/dt=2026-03-16/shardId-000000000001-10-19.jsonl.gz',
              LastModified: new Date('2026-03-16T17:58:00Z'),
            },
          ]
        : [
            {
              Key: NEWEST,
              LastModified: new Date('2026-03-16T17:59:00Z'),
            },
          ],
  }));
  s3Mock
    .on(HeadObjectCommand)
    .resolves({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: DATA_KEY_ARN, BucketKeyEnabled: true });
  s3Mock.on(GetObjectLockConfigurationCommand).rejects(NO_OBJECT_LOCK);
}

async function run(args: string[]) {
  const test = testEnvironment(NOW);
  const code = await runTrades(args, test.env);
  return { ...test, code };
}

async function results(args: string[] = []) {
  const outcome = await run(['verify', '--format', 'json', ...args]);
  return {
    ...outcome,
    controls: JSON.parse(outcome.stdout.text() || '[]') as { control: string; result: string; reason: string }[],
  };
}

const CONTROLS = [
  'lake bucket default encryption is SSE-KMS with the data key, Bucket Key on',
  'failed-batch bucket default encryption is SSE-KMS with the data key, Bucket Key on',
  "lake bucket's policy refuses an unencrypted PutObject",
  'data key is enabled and rotates',
  'audit key is enabled and rotates',
  'stream is encrypted with the data key',
  'analytics workgroup is enforced, results SSE_KMS with the data key',
  "data engineers' workgroup is enforced, results SSE_KMS with the data key",
  'audit workgroup is enforced, results SSE_KMS with the audit key',
  'trail is logging with log file validation',
  "alarm topic's policy lets CloudWatch publish, scoped to this account's alarms",
  'newest trade object is SSE-KMS with the data key',
  'lake bucket Object Lock matches recordsRetention',
  'failed-batch bucket Object Lock matches recordsRetention',
  'trail bucket Object Lock matches recordsRetention',
];
const LAKE_LOCK = 12;
const FAILED_BATCH_LOCK = 13;
const TRAIL_LOCK = 14;

beforeEach(() => {
  cloudFormationMock.reset();
  stsMock.reset();
  for (const mock of SERVICE_MOCKS) mock.reset();
  stackIsDeployed(cloudFormationMock, stsMock);
  stackIsHealthy();
});

describe('trades verify', () => {
  it('passes every control of a healthy stack, one line each, and exits with 0', async () => {
    const { code, controls, stderr } = await results();
    expect(code).toBe(EXIT.OK);
    expect(controls.map(({ control, result }) => [control, result])).toEqual(CONTROLS.map((c) => [c, 'PASS']));
    expect(Object.fromEntries(controls.map(({ control, reason }) => [control, reason]))).toMatchObject({
      [CONTROLS[2] as string]: '403 AccessDenied (an explicit Deny in the bucket policy); nothing was written',
      [CONTROLS[3] as string]: 'enabled, customer managed, rotates every 365 days',
      [CONTROLS[9] as string]:
        'logging, validation on, multi-Region, SSE-KMS with the audit key; last delivery 2026-03-16T17:55:00.000Z',
      [CONTROLS[11] as string]: `${NEWEST} (2026-03-16T17:59:00.000Z): aws:kms with the data key, Bucket Key`,
      [CONTROLS[LAKE_LOCK] as string]:
        'no Object Lock configuration (ObjectLockConfigurationNotFoundError), as recordsRetention none says',
    });
    expect(stderr.text()).toContain('Stack TradingDataLake-dev: 15 controls, 15 PASS, 0 FAIL, 0 SKIP.');
  });

  it('prints a table by default', async () => {
    const { stdout } = await run(['verify']);
    expect(stdout.text()).toMatch(/^┌/);
    expect(stdout.text()).toMatch(/│ stream is encrypted with the data key +│ PASS +│ KMS with arn:aws:kms:/);
  });

  it('runs every control as the auditor but the one that heads a trade object, which runs as the data engineer', async () => {
    await results();
    expect(
      stsMock
        .commandCalls(AssumeRoleCommand)
        .map((call) => call.args[0].input.RoleArn)
        .sort(),
    ).toEqual([ROLES.auditor, ROLES.dataEngineer].sort());
    const byRole: Record<string, string[]> = {};
    for (const mock of SERVICE_MOCKS) {
      for (const call of mock.calls()) {
        const role = await roleOfCall(call);
        byRole[role] = [...(byRole[role] ?? []), (call.args[0] as { constructor: { name: string } }).constructor.name];
      }
    }
    expect([...new Set(byRole.dataEngineer)].sort()).toEqual(['HeadObjectCommand', 'ListObjectsV2Command']);
    expect(byRole.auditor).toContain('GetObjectLockConfigurationCommand');
    expect(byRole.auditor).not.toContain('HeadObjectCommand');
    expect(byRole.auditor).not.toContain('ListObjectsV2Command');
    expect(byRole.unknown).toBeUndefined();
  });

  it('probes with a PutObject that can write nothing: no encryption header, If-Match on the probe key, no body', async () => {
    await results();
    expect(s3Mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input as PutObjectCommandInput)).toEqual([
      { Bucket: LAKE_BUCKET, Key: VERIFY_PROBE_KEY, Body: '', IfMatch: NEVER_MATCHING_ETAG },
    ]);
  });

  it("reads the newest object under today's and yesterday's trades/dt= prefixes", async () => {
    await results();
    expect(s3Mock.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input)).toEqual([
      { Bucket: LAKE_BUCKET, Prefix: 'trades/dt=2026-03-16/' },
      { Bucket: LAKE_BUCKET, Prefix: 'trades/dt=2026-03-15/' },
    ]);
    expect(s3Mock.commandCalls(HeadObjectCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: LAKE_BUCKET, Key: NEWEST },
    ]);
  });

  it('checks each bucket, each key, each workgroup and the trail by the names the stack outputs', async () => {
    await results();
    expect(s3Mock.commandCalls(GetBucketEncryptionCommand).map((c) => c.args[0].input.Bucket)).toEqual([
      LAKE_BUCKET,
      FAILED_BATCH_BUCKET,
    ]);
    expect(kmsMock.commandCalls(GetKeyRotationStatusCommand).map((c) => c.args[0].input.KeyId)).toEqual([
      DATA_KEY_ARN,
      AUDIT_KEY_ARN,
    ]);
    expect(athenaMock.commandCalls(GetWorkGroupCommand).map((c) => c.args[0].input.WorkGroup)).toEqual([
      WORK_GROUPS.analytics,
      WORK_GROUPS.engineering,
      WORK_GROUPS.audit,
    ]);
    expect(cloudTrailMock.commandCalls(GetTrailStatusCommand).map((c) => c.args[0].input.Name)).toEqual([TRAIL_ARN]);
    expect(snsMock.commandCalls(GetTopicAttributesCommand).map((c) => c.args[0].input.TopicArn)).toEqual([TOPIC_ARN]);
    expect(s3Mock.commandCalls(GetObjectLockConfigurationCommand).map((c) => c.args[0].input.Bucket)).toEqual([
      LAKE_BUCKET,
      FAILED_BATCH_BUCKET,
      TRAIL_BUCKET,
    ]);
  });
});

describe('trades verify: each control FAILs with its reason, and the command exits with 1', () => {
  const policyWith = (change: (statement: (typeof TOPIC_POLICY.Statement)[1]) => object) => ({
    Attributes: {
      Policy: JSON.stringify({
        ...TOPIC_POLICY,
        Statement: [TOPIC_POLICY.Statement[0], change(TOPIC_POLICY.Statement[1] as never)],
      }),
      KmsMasterKeyId: AUDIT_KEY_ARN,
    },
  });
  it.each<[string, () => void, number, string]>([
    [
      'SSE-S3 on the lake bucket',
      () =>
        s3Mock.on(GetBucketEncryptionCommand, { Bucket: LAKE_BUCKET }).resolves({
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
          },
        }),
      0,
      'default encryption is AES256, not aws:kms',
    ],
    [
      'the Bucket Key off on the failed-batch bucket',
      () =>
        s3Mock.on(GetBucketEncryptionCommand, { Bucket: FAILED_BATCH_BUCKET }).resolves({
          ServerSideEncryptionConfiguration: {
            Rules: [
              {
                ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: DATA_KEY_ARN },
                BucketKeyEnabled: false,
              },
            ],
          },
        }),
      1,
      'the S3 Bucket Key is off',
    ],
    [
      'another key as the lake default',
      () =>
        s3Mock.on(GetBucketEncryptionCommand, { Bucket: LAKE_BUCKET }).resolves({
          ServerSideEncryptionConfiguration: {
            Rules: [
              {
                ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/aws/s3' },
                BucketKeyEnabled: true,
              },
            ],
          },
        }),
      0,
      `default encryption uses alias/aws/s3, not the data key ${DATA_KEY_ARN}`,
    ],
    [
      'a probe answered 404 (the Deny did not hold)',
      () => s3Mock.on(PutObjectCommand).rejects(awsError('NoSuchKey', 'The specified key does not exist.', 404)),
      2,
      'S3 answered 404 NoSuchKey: the unencrypted request was authorized',
    ],
    [
      'a disabled data key',
      () =>
        kmsMock.on(DescribeKeyCommand, { KeyId: DATA_KEY_ARN }).resolves({
          KeyMetadata: { KeyId: DATA_KEY_ARN, Enabled: false, KeyState: 'Disabled', KeyManager: 'CUSTOMER' },
        }),
      3,
      'the key is Disabled: nothing it encrypts can be written or read',
    ],
    [
      'rotation off on the audit key',
      () => kmsMock.on(GetKeyRotationStatusCommand, { KeyId: AUDIT_KEY_ARN }).resolves({ KeyRotationEnabled: false }),
      4,
      'automatic rotation is off',
    ],
    [
      'a stream encrypted with aws/kinesis',
      () =>
        kinesisMock.on(DescribeStreamSummaryCommand).resolves({
          StreamDescriptionSummary: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' } as never,
        }),
      5,
      `the stream is encrypted with alias/aws/kinesis, not the data key ${DATA_KEY_ARN}`,
    ],
    [
      'an analytics workgroup clients may override',
      () =>
        athenaMock.on(GetWorkGroupCommand, { WorkGroup: WORK_GROUPS.analytics }).resolves({
          WorkGroup: {
            Name: WORK_GROUPS.analytics,
            State: 'ENABLED',
            Configuration: { EnforceWorkGroupConfiguration: false },
          },
        }),
      6,
      'clients may override its result location and encryption (not enforced)',
    ],
    [
      "data engineers' results under SSE_S3",
      () =>
        athenaMock.on(GetWorkGroupCommand, { WorkGroup: WORK_GROUPS.engineering }).resolves({
          WorkGroup: {
            Name: WORK_GROUPS.engineering,
            State: 'ENABLED',
            Configuration: {
              EnforceWorkGroupConfiguration: true,
              ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } },
            },
          },
        }),
      7,
      'results are encrypted with SSE_S3, not SSE_KMS',
    ],
    [
      'audit results under the data key',
      () =>
        athenaMock
          .on(GetWorkGroupCommand, { WorkGroup: WORK_GROUPS.audit })
          .resolves(workGroup(WORK_GROUPS.audit, DATA_KEY_ARN)),
      8,
      `results are encrypted with ${DATA_KEY_ARN}, not ${AUDIT_KEY_ARN}`,
    ],
    [
      'a trail that stopped logging',
      () => cloudTrailMock.on(GetTrailStatusCommand).resolves({ IsLogging: false }),
      9,
      'the trail is not logging',
    ],
    [
      'a trail without log file validation',
      () =>
        cloudTrailMock.on(DescribeTrailsCommand).resolves({
          trailList: [{ TrailARN: TRAIL_ARN, LogFileValidationEnabled: false, KmsKeyId: AUDIT_KEY_ARN }],
        }),
      9,
      'log file validation is off',
    ],
    [
      'a trail that cannot deliver',
      () => cloudTrailMock.on(GetTrailStatusCommand).resolves({ IsLogging: true, LatestDeliveryError: 'AccessDenied' }),
      9,
      "the trail's latest delivery to S3 failed: AccessDenied",
    ],
    [
      'a topic policy that lets nobody publish (enforceSSL alone)',
      () =>
        snsMock.on(GetTopicAttributesCommand).resolves({
          Attributes: {
            Policy: JSON.stringify({ Statement: [TOPIC_POLICY.Statement[0]] }),
            KmsMasterKeyId: AUDIT_KEY_ARN,
          },
        }),
      10,
      'no statement allows cloudwatch.amazonaws.com sns:Publish on the topic: every alarm is silent',
    ],
    [
      'a topic policy for CloudWatch with no aws:SourceAccount',
      () =>
        snsMock
          .on(GetTopicAttributesCommand)
          .resolves(policyWith((s) => ({ ...s, Condition: { ArnLike: s.Condition.ArnLike } }))),
      10,
      `CloudWatch may publish without aws:SourceAccount ${ACCOUNT}`,
    ],
    [
      "a topic policy whose aws:SourceArn is another account's alarms",
      () =>
        snsMock.on(GetTopicAttributesCommand).resolves(
          policyWith((s) => ({
            ...s,
            Condition: { ...s.Condition, ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:*:*:alarm:*' } },
          })),
        ),
      10,
      "an aws:SourceArn of this account's alarms (confused deputy)",
    ],
    [
      'a newest object under another key',
      () =>
        s3Mock
          .on(HeadObjectCommand)
          .resolves({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: AUDIT_KEY_ARN, BucketKeyEnabled: true }),
      11,
      `is encrypted with ${AUDIT_KEY_ARN}, not the data key`,
    ],
    [
      'a newest object written without the Bucket Key',
      () => s3Mock.on(HeadObjectCommand).resolves({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: DATA_KEY_ARN }),
      11,
      'was written without the S3 Bucket Key',
    ],
  ])('%s', async (_, breakIt, index, reason) => {
    breakIt();
    const { code, controls, stderr } = await results();
    expect(code).toBe(EXIT.FAILED);
    const failed = controls.filter(({ result }) => result === 'FAIL');
    expect(failed.map(({ control }) => control)).toEqual([CONTROLS[index]]);
    expect(failed[0]?.reason).toContain(reason);
    expect(stderr.text()).toContain(`error: 1 of 15 controls failed: ${CONTROLS[index]}.`);
  });

  it('FAILs a control the auditor may not run, with the action and the role, and still runs the others', async () => {
    kmsMock.on(GetKeyRotationStatusCommand).rejects(awsError('AccessDeniedException', 'not authorized', 400));
    const { code, controls } = await results();
    expect(code).toBe(EXIT.FAILED);
    expect(controls.filter(({ result }) => result === 'FAIL').map(({ control, reason }) => [control, reason])).toEqual([
      [
        CONTROLS[3],
        expect.stringContaining(
          `Access denied: the role ${ROLES.auditor} (stack output AuditorRoleArn) may not kms:GetKeyRotationStatus on key ${DATA_KEY_ARN}.`,
        ),
      ],
      [CONTROLS[4], expect.stringContaining(`may not kms:GetKeyRotationStatus on key ${AUDIT_KEY_ARN}.`)],
    ]);
    expect(controls.filter(({ result }) => result === 'PASS')).toHaveLength(13);
  });

  it('FAILs the trade-object control when the data engineer role cannot be assumed, and passes the rest', async () => {
    stsMock
      .on(AssumeRoleCommand, { RoleArn: ROLES.dataEngineer })
      .rejects(awsError('AccessDenied', 'not authorized', 403));
    const { code, controls } = await results();
    expect(code).toBe(EXIT.FAILED);
    expect(controls.filter(({ result }) => result === 'FAIL')).toEqual([
      {
        control: CONTROLS[11],
        result: 'FAIL',
        reason: expect.stringContaining(`your own credentials may not sts:AssumeRole on ${ROLES.dataEngineer}`),
      },
    ]);
  });
});

describe('trades verify: what it skips, and when it stops', () => {
  it('SKIPs the trail, the audit workgroup and the trail bucket of a stack without its own trail, and exits with 0', async () => {
    const { TrailArn: _t, AuditWorkGroupName: _w, TrailBucketName: _b, ...withoutTrail } = OUTPUTS;
    stackIsDeployed(cloudFormationMock, stsMock, withoutTrail);
    const { code, controls } = await results();
    expect(code).toBe(EXIT.OK);
    expect(controls.filter(({ result }) => result === 'SKIP')).toEqual([
      { control: CONTROLS[8], result: 'SKIP', reason: expect.stringContaining('createTrail: false') },
      { control: CONTROLS[9], result: 'SKIP', reason: expect.stringContaining('createTrail: false') },
      {
        control: CONTROLS[TRAIL_LOCK],
        result: 'SKIP',
        reason:
          "the stack has no trail bucket (createTrail: false): the organization trail's bucket must be locked for the same guarantee (docs/retention.md)",
      },
    ]);
    expect(cloudTrailMock.calls()).toHaveLength(0);
    expect(s3Mock.commandCalls(GetObjectLockConfigurationCommand).map((c) => c.args[0].input.Bucket)).toEqual([
      LAKE_BUCKET,
      FAILED_BATCH_BUCKET,
    ]);
  });

  it('SKIPs the trade-object control when no trade was written today or yesterday', async () => {
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [] });
    const { code, controls } = await results();
    expect(code).toBe(EXIT.OK);
    expect(controls[11]).toEqual({
      control: CONTROLS[11],
      result: 'SKIP',
      reason:
        'no trade object under trades/dt=2026-03-16/ or trades/dt=2026-03-15/: send some (trades produce) and run verify again',
    });
    expect(s3Mock.commandCalls(HeadObjectCommand)).toHaveLength(0);
  });

  it('stops with exit 4 when the auditor role cannot be assumed: no control can run', async () => {
    stsMock.on(AssumeRoleCommand, { RoleArn: ROLES.auditor }).rejects(awsError('AccessDenied', 'not authorized', 403));
    const { code, stdout, stderr } = await run(['verify']);
    expect(code).toBe(EXIT.ACCESS_DENIED);
    expect(stdout.text()).toBe('');
    expect(stderr.text()).toContain(
      `error: Access denied: your own credentials may not sts:AssumeRole on ${ROLES.auditor}.`,
    );
  });

  it('replaces the auditor with --role-arn, and still heads the trade object as the data engineer', async () => {
    const other = `arn:aws:iam::${ACCOUNT}:role/security-tooling`;
    stsMock.on(AssumeRoleCommand, { RoleArn: other }).resolves({ Credentials: credentialsOf('auditor') });
    const { code } = await results(['--role-arn', other]);
    expect(code).toBe(EXIT.OK);
    expect(
      stsMock
        .commandCalls(AssumeRoleCommand)
        .map((call) => call.args[0].input.RoleArn)
        .sort(),
    ).toEqual([other, ROLES.dataEngineer].sort());
  });

  it('names an output a stack from an older version lacks (exit 3)', async () => {
    const { AuditKeyArn: _, ...older } = OUTPUTS;
    stackIsDeployed(cloudFormationMock, stsMock, older);
    const { code, stderr } = await run(['verify']);
    expect(code).toBe(EXIT.AWS_SETUP);
    expect(stderr.text()).toContain('Stack TradingDataLake-dev has no output AuditKeyArn');
  });
});

describe('trades verify: each records bucket has exactly the Object Lock recordsRetention says', () => {
  type DefaultRetention = { Mode: 'GOVERNANCE' | 'COMPLIANCE'; Days?: number; Years?: number };
  const locked = (DefaultRetention?: DefaultRetention): GetObjectLockConfigurationCommandOutput => ({
    $metadata: {},
    ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', ...(DefaultRetention && { Rule: { DefaultRetention } }) },
  });
  const BUCKETS = [LAKE_BUCKET, FAILED_BATCH_BUCKET, TRAIL_BUCKET];
  const deployedWith = (recordsRetention: string) =>
    stackIsDeployed(cloudFormationMock, stsMock, { ...OUTPUTS, RecordsRetention: recordsRetention });
  const lockControls = (controls: { control: string; result: string; reason: string }[]) =>
    controls.filter(({ control }) => control.endsWith('Object Lock matches recordsRetention'));

  it.each<[string, DefaultRetention, string]>([
    ['compliance:6y', { Mode: 'COMPLIANCE', Years: 6 }, 'COMPLIANCE, 6 years'],
    ['compliance:1y', { Mode: 'COMPLIANCE', Years: 1 }, 'COMPLIANCE, 1 year'],
    ['governance:2y', { Mode: 'GOVERNANCE', Years: 2 }, 'GOVERNANCE, 2 years'],
    ['governance:30d', { Mode: 'GOVERNANCE', Days: 30 }, 'GOVERNANCE, 30 days'],
    ['governance:1d', { Mode: 'GOVERNANCE', Days: 1 }, 'GOVERNANCE, 1 day'],
  ])('PASSes %s when all three buckets default to exactly that mode and period', async (retention, rule, said) => {
    deployedWith(retention);
    s3Mock.on(GetObjectLockConfigurationCommand).resolves(locked(rule));
    const { code, controls } = await results();
    expect(code).toBe(EXIT.OK);
    expect(lockControls(controls)).toEqual(
      [LAKE_LOCK, FAILED_BATCH_LOCK, TRAIL_LOCK].map((index) => ({
        control: CONTROLS[index],
        result: 'PASS',
        reason: `Object Lock enabled, default ${said}, as recordsRetention ${retention} says`,
      })),
    );
  });

  const FIND_WHO =
    'find the PutObjectLockConfiguration call in CloudTrail (the ObjectLockConfigurationChanges alarm fired for it)';
  const RESTORE_WEAKER = `so every object written since is kept less strictly than configured. Deploy the stack to restore it (only the deploy role may change it), and ${FIND_WHO}.`;
  const MEANT_OR_RESTORE = `If the bucket's setting is the one meant, set recordsRetention to it and deploy; otherwise deploy the stack to restore it. Either way, ${FIND_WHO}.`;
  const RESTORE_DEFAULT = `new objects are not locked. Deploy the stack to restore the default (only the deploy role may change it), and ${FIND_WHO}.`;
  const LOCK_IT =
    'Run CloudFormation drift detection on the stack, and lock the bucket as docs/retention.md, "Changing recordsRetention on an existing stack" says';

  it.each<[string, string, number, () => void, string, string]>([
    [
      'governance on the lake where compliance is configured',
      'compliance:6y',
      LAKE_LOCK,
      () =>
        s3Mock
          .on(GetObjectLockConfigurationCommand, { Bucket: LAKE_BUCKET })
          .resolves(locked({ Mode: 'GOVERNANCE', Years: 6 })),
      'the default retention is GOVERNANCE, 6 years, not COMPLIANCE, 6 years (recordsRetention compliance:6y): weaker',
      RESTORE_WEAKER,
    ],
    [
      'a shorter period on the trail bucket (5 years where 6 are configured)',
      'compliance:6y',
      TRAIL_LOCK,
      () =>
        s3Mock
          .on(GetObjectLockConfigurationCommand, { Bucket: TRAIL_BUCKET })
          .resolves(locked({ Mode: 'COMPLIANCE', Years: 5 })),
      'the default retention is COMPLIANCE, 5 years, not COMPLIANCE, 6 years (recordsRetention compliance:6y): weaker',
      RESTORE_WEAKER,
    ],
    [
      "days where years are configured: 2190 days, CDK's rendering of 6 years, falls short of six calendar years",
      'compliance:6y',
      FAILED_BATCH_LOCK,
      () =>
        s3Mock
          .on(GetObjectLockConfigurationCommand, { Bucket: FAILED_BATCH_BUCKET })
          .resolves(locked({ Mode: 'COMPLIANCE', Days: 2190 })),
      'the default retention is COMPLIANCE, 2190 days, not COMPLIANCE, 6 years (recordsRetention compliance:6y): weaker',
      RESTORE_WEAKER,
    ],
    [
      'years where days are configured (1 year for 365 days): the same mode, another unit',
      'governance:365d',
      LAKE_LOCK,
      () =>
        s3Mock
          .on(GetObjectLockConfigurationCommand, { Bucket: LAKE_BUCKET })
          .resolves(locked({ Mode: 'GOVERNANCE', Years: 1 })),
      'the default retention is GOVERNANCE, 1 year, not GOVERNANCE, 365 days (recordsRetention governance:365d).',
      MEANT_OR_RESTORE,
    ],
    [
      'compliance on the failed-batch bucket where governance is configured',
      'governance:30d',
      FAILED_BATCH_LOCK,
      () =>
        s3Mock
          .on(GetObjectLockConfigurationCommand, { Bucket: FAILED_BATCH_BUCKET })
          .resolves(locked({ Mode: 'COMPLIANCE', Days: 30 })),
      'the default retention is COMPLIANCE, 30 days, not GOVERNANCE, 30 days (recordsRetention governance:30d).',
      MEANT_OR_RESTORE,
    ],
    [
      'a longer period on the lake (7 years where 6 are configured)',
      'compliance:6y',
      LAKE_LOCK,
      () =>
        s3Mock
          .on(GetObjectLockConfigurationCommand, { Bucket: LAKE_BUCKET })
          .resolves(locked({ Mode: 'COMPLIANCE', Years: 7 })),
      'the default retention is COMPLIANCE, 7 years, not COMPLIANCE, 6 years (recordsRetention compliance:6y).',
      MEANT_OR_RESTORE,
    ],
    [
      'Object Lock on the lake without a default retention',
      'compliance:6y',
      LAKE_LOCK,
      () => s3Mock.on(GetObjectLockConfigurationCommand, { Bucket: LAKE_BUCKET }).resolves(locked()),
      'Object Lock is enabled with no default retention, not COMPLIANCE, 6 years (recordsRetention compliance:6y): new objects are not locked',
      RESTORE_DEFAULT,
    ],
    [
      'no Object Lock on the failed-batch bucket though a retention is configured',
      'governance:2y',
      FAILED_BATCH_LOCK,
      () => s3Mock.on(GetObjectLockConfigurationCommand, { Bucket: FAILED_BATCH_BUCKET }).rejects(NO_OBJECT_LOCK),
      'Object Lock is not enabled, though recordsRetention governance:2y asks for GOVERNANCE, 2 years: nothing written to this bucket is kept WORM',
      LOCK_IT,
    ],
  ])('FAILs %s, naming both', async (_, retention, index, breakIt, reason, action) => {
    deployedWith(retention);
    const rule = parseRule(retention);
    s3Mock.on(GetObjectLockConfigurationCommand).resolves(locked(rule));
    breakIt();
    const { code, controls, stderr } = await results();
    expect(code).toBe(EXIT.FAILED);
    const failed = controls.filter(({ result }) => result === 'FAIL');
    expect(failed.map(({ control }) => control)).toEqual([CONTROLS[index]]);
    expect(failed[0]?.reason).toContain(reason);
    expect(failed[0]?.reason).toContain(action);
    // Only a default that keeps objects less strictly than configured is called weaker.
    expect(failed[0]?.reason.includes('weaker')).toBe(action === RESTORE_WEAKER);
    expect(stderr.text()).toContain(`error: 1 of 15 controls failed: ${CONTROLS[index]}.`);
  });

  it('FAILs a bucket locked outside the stack while recordsRetention is none', async () => {
    s3Mock
      .on(GetObjectLockConfigurationCommand, { Bucket: TRAIL_BUCKET })
      .resolves(locked({ Mode: 'GOVERNANCE', Days: 1 }));
    const { code, controls } = await results();
    expect(code).toBe(EXIT.FAILED);
    expect(controls.filter(({ result }) => result === 'FAIL')).toEqual([
      {
        control: CONTROLS[TRAIL_LOCK],
        result: 'FAIL',
        reason: expect.stringContaining(
          'Object Lock is enabled (default GOVERNANCE, 1 day), though recordsRetention none says the bucket is not locked',
        ),
      },
    ]);
  });

  it('FAILs each bucket the auditor may not read the lock of, naming the action and the role', async () => {
    s3Mock.on(GetObjectLockConfigurationCommand).rejects(awsError('AccessDenied', 'Access Denied', 403));
    const { code, controls } = await results();
    expect(code).toBe(EXIT.FAILED);
    expect(controls.filter(({ result }) => result === 'FAIL')).toEqual(
      [LAKE_LOCK, FAILED_BATCH_LOCK, TRAIL_LOCK].map((index, i) => ({
        control: CONTROLS[index],
        result: 'FAIL',
        reason: expect.stringContaining(
          `Access denied: the role ${ROLES.auditor} (stack output AuditorRoleArn) may not s3:GetBucketObjectLockConfiguration on bucket ${BUCKETS[i]}.`,
        ),
      })),
    );
    expect(controls.filter(({ result }) => result === 'PASS')).toHaveLength(12);
  });

  it('FAILs the three, asking for a redeploy, on a stack an older version deployed without RecordsRetention', async () => {
    const { RecordsRetention: _, ...older } = OUTPUTS;
    stackIsDeployed(cloudFormationMock, stsMock, older);
    const { code, controls } = await results();
    expect(code).toBe(EXIT.FAILED);
    expect(lockControls(controls).map(({ result, reason }) => [result, reason])).toEqual(
      BUCKETS.map(() => [
        'FAIL',
        'the stack has no RecordsRetention output (an older version of the app deployed it): deploy the current version and run verify again',
      ]),
    );
    expect(s3Mock.commandCalls(GetObjectLockConfigurationCommand)).toHaveLength(0);
  });

  it('FAILs the trail bucket of a stack with a trail but no TrailBucketName output, and checks the other two', async () => {
    const { TrailBucketName: _, ...older } = OUTPUTS;
    stackIsDeployed(cloudFormationMock, stsMock, older);
    const { controls } = await results();
    expect(lockControls(controls).map(({ result }) => result)).toEqual(['PASS', 'PASS', 'FAIL']);
    expect(controls[TRAIL_LOCK]?.reason).toContain('no TrailBucketName output');
    expect(s3Mock.commandCalls(GetObjectLockConfigurationCommand).map((c) => c.args[0].input.Bucket)).toEqual([
      LAKE_BUCKET,
      FAILED_BATCH_BUCKET,
    ]);
  });

  it('FAILs the three without calling S3 when RecordsRetention is not a setting this app writes', async () => {
    deployedWith('compliance:30d');
    const { controls } = await results();
    expect(lockControls(controls).map(({ result, reason }) => [result, reason])).toEqual(
      BUCKETS.map(() => [
        'FAIL',
        `the stack's RecordsRetention output is "compliance:30d", not none, governance:<N>d, governance:<N>y or compliance:<N>y`,
      ]),
    );
    expect(s3Mock.commandCalls(GetObjectLockConfigurationCommand)).toHaveLength(0);
  });
});

/** The default retention a bucket holds when it matches `recordsRetention` (`governance:30d` → GOVERNANCE, 30 days). */
function parseRule(recordsRetention: string) {
  const [, mode, amount, unit] = /^(governance|compliance):(\d+)([dy])$/.exec(recordsRetention)!;
  const Mode = mode === 'compliance' ? ('COMPLIANCE' as const) : ('GOVERNANCE' as const);
  return unit === 'y' ? { Mode, Years: Number(amount) } : { Mode, Days: Number(amount) };
}
