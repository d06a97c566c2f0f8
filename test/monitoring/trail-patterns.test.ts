import {
  CIS_ALARMS,
  CIS_PATTERNS,
  governanceBypassPattern,
  legalHoldPattern,
  objectLockConfigurationPattern,
  stackKeyChangePattern,
} from '../../lib/monitoring/trail-patterns';
import {
  ACCOUNT,
  apiCall,
  asRoot,
  kmsCall,
  REGION,
  s3BucketCall,
  s3ObjectCall,
  serviceCreateGrant,
} from './support/cloudtrail-events';
import { FilterPattern } from './support/filter-pattern';

const DATA_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const AUDIT_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;
const OTHER_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`;
const RECORDS_BUCKETS = [
  'tradingdatalake-dev-lake-1a2b3c',
  'tradingdatalake-dev-failed-4d5e6f',
  'tradingdatalake-dev-trail-7a8b9c',
];
const [LAKE, FAILED_BATCHES, TRAIL_BUCKET] = RECORDS_BUCKETS as [string, string, string];
const OTHER_BUCKET = 'some-other-team-bucket';

interface Case {
  readonly name: string;
  readonly event: object;
}

/** Each pattern with events it must count and events it must not: a typo in a pattern fails one. */
const SCENARIOS: Record<string, { pattern: string; matching: Case[]; notMatching: Case[] }> = {
  'CIS 4.1 unauthorized API calls': {
    pattern: CIS_PATTERNS.unauthorizedApiCalls,
    matching: [
      {
        name: 'an S3 GetObject denied',
        event: {
          ...s3ObjectCall('GetObject', LAKE, 'trades/x'),
          errorCode: 'AccessDenied',
          errorMessage: 'Access Denied',
        },
      },
      {
        name: 'an EC2 call denied (Client.UnauthorizedOperation)',
        event: { ...apiCall('ec2.amazonaws.com', 'RunInstances'), errorCode: 'Client.UnauthorizedOperation' },
      },
    ],
    notMatching: [
      { name: 'a successful call', event: apiCall('kms.amazonaws.com', 'Decrypt') },
      {
        name: 'a throttled call',
        event: { ...apiCall('kms.amazonaws.com', 'Decrypt'), errorCode: 'ThrottlingException' },
      },
    ],
  },
  'CIS 4.3 root account use': {
    pattern: CIS_PATTERNS.rootAccountUsage,
    matching: [
      { name: 'the root user signing in', event: { ...apiCall('signin.amazonaws.com', 'ConsoleLogin'), ...asRoot } },
      {
        name: 'the root user creating an access key',
        event: { ...apiCall('iam.amazonaws.com', 'CreateAccessKey'), ...asRoot },
      },
    ],
    notMatching: [
      { name: 'an assumed role', event: apiCall('iam.amazonaws.com', 'CreateAccessKey') },
      {
        name: 'a service acting for the root user',
        event: {
          ...apiCall('kms.amazonaws.com', 'Decrypt'),
          userIdentity: { ...asRoot.userIdentity, invokedBy: 'cloudtrail.amazonaws.com' },
        },
      },
      {
        name: 'a service event recorded under the root identity',
        event: { ...apiCall('kms.amazonaws.com', 'RotateKey'), ...asRoot, eventType: 'AwsServiceEvent' },
      },
    ],
  },
  'CIS 4.4 IAM policy changes': {
    pattern: CIS_PATTERNS.iamPolicyChanges,
    matching: [
      'DeleteGroupPolicy',
      'DeleteRolePolicy',
      'DeleteUserPolicy',
      'PutGroupPolicy',
      'PutRolePolicy',
      'PutUserPolicy',
      'CreatePolicy',
      'DeletePolicy',
      'CreatePolicyVersion',
      'DeletePolicyVersion',
      'AttachRolePolicy',
      'DetachRolePolicy',
      'AttachUserPolicy',
      'DetachUserPolicy',
      'AttachGroupPolicy',
      'DetachGroupPolicy',
    ].map((eventName) => ({ name: eventName, event: apiCall('iam.amazonaws.com', eventName) })),
    notMatching: [
      { name: 'CreateRole', event: apiCall('iam.amazonaws.com', 'CreateRole') },
      { name: 'GetRolePolicy', event: apiCall('iam.amazonaws.com', 'GetRolePolicy') },
      // CIS 4.4 does not cover trust policies; 4.4 as Security Hub checks it is kept as written.
      { name: 'UpdateAssumeRolePolicy', event: apiCall('iam.amazonaws.com', 'UpdateAssumeRolePolicy') },
    ],
  },
  'CIS 4.5 CloudTrail configuration changes': {
    pattern: CIS_PATTERNS.cloudTrailChanges,
    matching: ['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging'].map((eventName) => ({
      name: eventName,
      event: apiCall('cloudtrail.amazonaws.com', eventName),
    })),
    notMatching: [
      { name: 'DescribeTrails', event: apiCall('cloudtrail.amazonaws.com', 'DescribeTrails') },
      { name: 'GetTrailStatus', event: apiCall('cloudtrail.amazonaws.com', 'GetTrailStatus') },
    ],
  },
  'CIS 4.7 customer keys disabled or scheduled for deletion': {
    pattern: CIS_PATTERNS.customerKeyDisabledOrScheduledForDeletion,
    matching: [
      { name: 'DisableKey on any key', event: kmsCall('DisableKey', OTHER_KEY) },
      {
        name: 'ScheduleKeyDeletion on any key',
        event: kmsCall('ScheduleKeyDeletion', DATA_KEY, { pendingWindowInDays: 30 }),
      },
    ],
    notMatching: [
      { name: 'EnableKey', event: kmsCall('EnableKey', DATA_KEY) },
      { name: 'CancelKeyDeletion', event: kmsCall('CancelKeyDeletion', DATA_KEY) },
      { name: 'a DisableKey named by another service', event: apiCall('example.amazonaws.com', 'DisableKey') },
    ],
  },
  'CIS 4.8 S3 bucket policy changes': {
    pattern: CIS_PATTERNS.bucketPolicyChanges,
    matching: [
      'PutBucketAcl',
      'PutBucketPolicy',
      'PutBucketCors',
      'PutBucketLifecycle',
      'PutBucketReplication',
      'DeleteBucketPolicy',
      'DeleteBucketCors',
      'DeleteBucketLifecycle',
      'DeleteBucketReplication',
    ].map((eventName) => ({ name: `${eventName} on any bucket`, event: s3BucketCall(eventName, OTHER_BUCKET) })),
    notMatching: [
      { name: 'GetBucketPolicy', event: s3BucketCall('GetBucketPolicy', LAKE) },
      // CIS 4.8 leaves default encryption out; it stays out, as Security Hub checks the exact pattern.
      { name: 'PutBucketEncryption', event: s3BucketCall('PutBucketEncryption', LAKE) },
    ],
  },
  "the stack's key alarm": {
    pattern: stackKeyChangePattern([DATA_KEY, AUDIT_KEY]),
    matching: [
      { name: 'PutKeyPolicy on the data key', event: kmsCall('PutKeyPolicy', DATA_KEY, { policyName: 'default' }) },
      { name: 'PutKeyPolicy on the audit key', event: kmsCall('PutKeyPolicy', AUDIT_KEY, { policyName: 'default' }) },
      { name: 'CreateGrant on the data key', event: kmsCall('CreateGrant', DATA_KEY, { operations: ['Decrypt'] }) },
      { name: 'CreateGrant by a service on the audit key', event: serviceCreateGrant(AUDIT_KEY) },
      { name: 'DisableKey on the audit key', event: kmsCall('DisableKey', AUDIT_KEY) },
      { name: 'ScheduleKeyDeletion on the data key', event: kmsCall('ScheduleKeyDeletion', DATA_KEY) },
    ],
    notMatching: [
      { name: 'CreateGrant by a service on another key of the account', event: serviceCreateGrant(OTHER_KEY) },
      { name: 'PutKeyPolicy on another key', event: kmsCall('PutKeyPolicy', OTHER_KEY, { policyName: 'default' }) },
      { name: 'Decrypt with the data key', event: kmsCall('Decrypt', DATA_KEY) },
      { name: 'GetKeyPolicy of the data key', event: kmsCall('GetKeyPolicy', DATA_KEY) },
      {
        name: 'an event whose request names the data key but whose resource is another key',
        event: { ...kmsCall('PutKeyPolicy', OTHER_KEY), requestParameters: { keyId: DATA_KEY } },
      },
    ],
  },
  'Object Lock configuration changes on a records bucket': {
    pattern: objectLockConfigurationPattern(RECORDS_BUCKETS),
    matching: RECORDS_BUCKETS.map((bucket) => ({
      name: `PutObjectLockConfiguration on ${bucket}`,
      event: s3BucketCall('PutObjectLockConfiguration', bucket, {
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } },
        },
        'object-lock': '',
      }),
    })),
    notMatching: [
      { name: 'on a bucket of another stack', event: s3BucketCall('PutObjectLockConfiguration', OTHER_BUCKET) },
      { name: 'GetObjectLockConfiguration', event: s3BucketCall('GetObjectLockConfiguration', LAKE) },
    ],
  },
  'legal holds on a records bucket': {
    pattern: legalHoldPattern(RECORDS_BUCKETS),
    matching: [
      {
        name: 'a hold placed on a trade object',
        event: s3ObjectCall('PutObjectLegalHold', LAKE, 'trades/dt=2026-05-04/a.jsonl.gz', { 'legal-hold': '' }),
      },
      {
        name: 'a hold lifted from a failed batch',
        event: s3ObjectCall('PutObjectLegalHold', FAILED_BATCHES, 'aws/lambda/x', { 'legal-hold': '' }),
      },
    ],
    notMatching: [
      { name: 'GetObjectLegalHold', event: s3ObjectCall('GetObjectLegalHold', LAKE, 'trades/x') },
      { name: 'a hold in another bucket', event: s3ObjectCall('PutObjectLegalHold', OTHER_BUCKET, 'x') },
    ],
  },
  'governance retention bypassed on a records bucket': {
    pattern: governanceBypassPattern(RECORDS_BUCKETS),
    matching: [
      {
        name: 'DeleteObject with the header in requestParameters',
        event: s3ObjectCall('DeleteObject', LAKE, 'trades/x', {
          versionId: '3HL4kqtJlcpXroDTDmJ',
          'x-amz-bypass-governance-retention': 'true',
        }),
      },
      {
        name: 'PutObjectRetention with the header recorded as a JSON boolean',
        event: s3ObjectCall('PutObjectRetention', TRAIL_BUCKET, 'AWSLogs/x.json.gz', {
          retention: '',
          'x-amz-bypass-governance-retention': true,
        }),
      },
      {
        name: 'DeleteObjects with the header in additionalEventData',
        event: s3ObjectCall(
          'DeleteObjects',
          FAILED_BATCHES,
          '',
          { delete: '' },
          { 'x-amz-bypass-governance-retention': 'true' },
        ),
      },
    ],
    notMatching: [
      { name: 'a DeleteObject without the header', event: s3ObjectCall('DeleteObject', LAKE, 'trades/x') },
      {
        name: 'the header set to false',
        event: s3ObjectCall('DeleteObject', LAKE, 'trades/x', { 'x-amz-bypass-governance-retention': 'false' }),
      },
      {
        name: 'a bypass in a bucket of another stack',
        event: s3ObjectCall('DeleteObject', OTHER_BUCKET, 'x', { 'x-amz-bypass-governance-retention': 'true' }),
      },
    ],
  },
};

describe('CloudTrail metric filter patterns, evaluated against sample CloudTrail events', () => {
  for (const [alarm, { pattern, matching, notMatching }] of Object.entries(SCENARIOS)) {
    describe(alarm, () => {
      const filter = new FilterPattern(pattern);
      it.each(matching.map((c) => [c.name, c.event] as const))('counts %s', (_name, event) => {
        expect(filter.matches(event)).toBe(true);
      });
      it.each(notMatching.map((c) => [c.name, c.event] as const))('does not count %s', (_name, event) => {
        expect(filter.matches(event)).toBe(false);
      });
    });
  }

  it('has a scenario for every CIS alarm', () => {
    const tested = new Set(Object.values(SCENARIOS).map((scenario) => scenario.pattern));
    for (const alarm of CIS_ALARMS) expect(tested).toContain(alarm.pattern);
  });

  // PutMetricFilter refuses a pattern over 1024 characters; bucket names can be 63 long, and
  // CloudFormation generates long ones for buckets without a fixed name.
  it("fits every pattern into CloudWatch Logs' 1024-character limit, with the longest names AWS allows", () => {
    const longestBuckets = ['a', 'b', 'c'].map((c) => c.repeat(63));
    const longestKeyArn = (c: string) => `arn:aws-us-gov:kms:ap-southeast-2:${ACCOUNT}:key/mrk-${c.repeat(32)}`;
    const patterns = [
      ...CIS_ALARMS.map((alarm) => alarm.pattern),
      stackKeyChangePattern([longestKeyArn('a'), longestKeyArn('b')]),
      objectLockConfigurationPattern(longestBuckets),
      legalHoldPattern(longestBuckets),
      governanceBypassPattern(longestBuckets),
    ];
    for (const pattern of patterns) expect(pattern.length).toBeLessThanOrEqual(1024);
  });

  it('refuses a key or records pattern that names nothing (it would match every key or no bucket)', () => {
    expect(() => stackKeyChangePattern([])).toThrow(/at least one key/);
    expect(() => objectLockConfigurationPattern([])).toThrow(/at least one bucket/);
  });
});
