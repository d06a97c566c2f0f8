import { Match } from 'aws-cdk-lib/assertions';
import { PROD_PRINCIPALS, synthApp, TEST_ENV } from '../support/app';
import { actionsOf, bucketPolicyStatements, logicalIdOf, type TemplateStatement } from '../support/template';

const dev = synthApp();
const prod = synthApp({ stage: 'prod', ...PROD_PRINCIPALS });
const { template, stack } = dev;
const lakeId = logicalIdOf(stack.lake.bucket);
const dataKeyArn = { 'Fn::GetAtt': [logicalIdOf(stack.dataKey.key), 'Arn'] };
const lakePolicy = bucketPolicyStatements(template, lakeId);
const allBuckets = Object.entries(template.findResources('AWS::S3::Bucket'));

const denies = (statements: TemplateStatement[], action: string) =>
  statements.filter((s) => s.Effect === 'Deny' && actionsOf(s).includes(action));

describe('every bucket', () => {
  it('has nine buckets: lake, access logs, failed batches, curated, four Athena results buckets, trail', () => {
    expect(allBuckets).toHaveLength(9);
  });

  it.each(allBuckets)('blocks all public access on %s', (_id, bucket: any) => {
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it.each(allBuckets)('versions %s and enforces bucket-owner object ownership', (_id, bucket: any) => {
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });

  it.each(allBuckets)('denies every request to %s without TLS 1.2', (id) => {
    const statements = bucketPolicyStatements(template, id);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
      }),
    );
  });

  it.each(allBuckets)(
    'encrypts %s by default: SSE-KMS with a Bucket Key, or SSE-S3 for the access-log target',
    (id, bucket: any) => {
      const rule = bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0];
      if (id === logicalIdOf(stack.node.findChild('AccessLogsBucket') as any)) {
        expect(rule.ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
      } else {
        expect(rule.ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
        expect(rule.ServerSideEncryptionByDefault.KMSMasterKeyID).toBeDefined();
        expect(rule.BucketKeyEnabled).toBe(true);
      }
    },
  );

  it('logs server access of every bucket but the log bucket itself to the SSE-S3 log bucket', () => {
    const logBucket = logicalIdOf(stack.node.findChild('AccessLogsBucket') as any);
    for (const [id, bucket] of allBuckets as [string, any][]) {
      if (id === logBucket) {
        expect(bucket.Properties.LoggingConfiguration).toBeUndefined();
      } else {
        expect(bucket.Properties.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: logBucket });
      }
    }
  });

  it('names no bucket: S3 names are global, CloudFormation generates unique ones', () => {
    for (const [, bucket] of allBuckets as [string, any][]) expect(bucket.Properties.BucketName).toBeUndefined();
  });

  it('retains every bucket in prod', () => {
    for (const bucket of Object.values(prod.template.findResources('AWS::S3::Bucket')) as any[]) {
      expect(bucket.DeletionPolicy).toBe('Retain');
    }
  });

  it('creates no auto-delete custom resource in any stage', () => {
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });
});

describe('lifecycle of versioned buckets', () => {
  const rulesOf = (bucket: any) => bucket.Properties.LifecycleConfiguration?.Rules ?? [];
  const accessLogsId = () => logicalIdOf(stack.node.findChild('AccessLogsBucket') as any);
  const resultsIds = () => [
    logicalIdOf(stack.analytics.analysts.resultsBucket),
    logicalIdOf(stack.analytics.engineers.resultsBucket),
    logicalIdOf(stack.auditAnalytics!.queries.resultsBucket),
    logicalIdOf(stack.curated.workGroup.resultsBucket),
  ];
  // Derived from the raw zone: a week to undo a bad VACUUM or OPTIMIZE (lib/curated-zone).
  const curatedId = () => logicalIdOf(stack.curated.bucket);

  it.each(allBuckets)('expires noncurrent versions and aborts incomplete uploads after 7 days on %s', (id, bucket) => {
    const days = resultsIds().includes(id) ? 1 : id === curatedId() ? 7 : 90;
    expect(rulesOf(bucket)).toContainEqual({
      Id: 'ExpireNoncurrentVersions',
      Status: 'Enabled',
      NoncurrentVersionExpiration: { NoncurrentDays: days },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    });
  });

  it.each(allBuckets)(
    'removes a delete marker left with no version under it on %s: by a rule of its own, unless a current-version expiry does',
    (id, bucket) => {
      const rules = rulesOf(bucket);
      // A current-version expiration in days removes such markers once they are that old, within its filter.
      const expiresCurrentVersions = rules.some(
        (rule: any) =>
          rule.ExpirationInDays !== undefined && rule.Prefix === undefined && rule.ObjectSizeGreaterThan === undefined,
      );
      const markers = rules.filter((rule: any) => rule.Id === 'ExpireDeleteMarkers');
      // The results and access-log buckets expire current versions: their rules are as they were.
      expect(expiresCurrentVersions).toBe([...resultsIds(), accessLogsId()].includes(id));
      expect(markers).toEqual(
        expiresCurrentVersions
          ? []
          : [{ Id: 'ExpireDeleteMarkers', Status: 'Enabled', ExpiredObjectDeleteMarker: true }],
      );
      // Never beside an expiration in days: S3 refuses the two in one rule.
      for (const rule of rules) {
        if (rule.ExpiredObjectDeleteMarker !== undefined) expect(rule.ExpirationInDays).toBeUndefined();
      }
    },
  );

  it('removes them on a locked bucket in its noncurrent-version rule, and on the never-locked curated bucket by its own rule', () => {
    const buckets = prod.template.findResources('AWS::S3::Bucket');
    const rulesById = (bucket: { node: unknown }) => rulesOf(buckets[logicalIdOf(bucket as any)]);
    for (const locked of [prod.stack.lake.bucket, prod.stack.ingestion.failedBatchBucket]) {
      expect(rulesById(locked).filter((rule: any) => rule.Id === 'ExpireDeleteMarkers')).toEqual([]);
      expect(rulesById(locked)).toContainEqual(
        expect.objectContaining({ Id: 'ExpireNoncurrentVersions', ExpiredObjectDeleteMarker: true }),
      );
    }
    expect(rulesById(prod.stack.curated.bucket)).toContainEqual({
      Id: 'ExpireDeleteMarkers',
      Status: 'Enabled',
      ExpiredObjectDeleteMarker: true,
    });
  });

  it('expires server access logs after accessLogDays (365 by default)', () => {
    const bucket = (allBuckets.find(([id]) => id === accessLogsId()) as [string, any])[1];
    expect(rulesOf(bucket)).toContainEqual({ Id: 'ExpireAccessLogs', Status: 'Enabled', ExpirationInDays: 365 });
  });

  it('takes noncurrentVersionDays and accessLogDays from config', () => {
    const configured = synthApp({ noncurrentVersionDays: '30', accessLogDays: '400' });
    const buckets = configured.template.findResources('AWS::S3::Bucket');
    const logs = buckets[logicalIdOf(configured.stack.node.findChild('AccessLogsBucket') as any)] as any;
    expect(rulesOf(logs)).toContainEqual({ Id: 'ExpireAccessLogs', Status: 'Enabled', ExpirationInDays: 400 });
    const lake = buckets[logicalIdOf(configured.stack.lake.bucket)] as any;
    expect(rulesOf(lake)).toContainEqual(
      expect.objectContaining({ Id: 'ExpireNoncurrentVersions', NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
    );
  });
});

describe('data lake bucket (docs/design.md §4)', () => {
  it('encrypts by default with the data key and an S3 Bucket Key', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: dataKeyArn },
          },
        ],
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'data-lake/' }),
    });
  });

  it('denies PutObject without the aws:kms header', () => {
    const deny = denies(lakePolicy, 's3:PutObject').filter(
      (s) => s.Condition?.StringNotEquals?.['s3:x-amz-server-side-encryption'] !== undefined,
    );
    expect(deny).toHaveLength(1);
    expect(deny[0]).toMatchObject({
      Principal: { AWS: '*' },
      Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
    });
    expect(deny[0].Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [lakeId, 'Arn'] }, '/*']] });
  });

  it('denies PutObject unless the key id is the data key ARN (never an alias)', () => {
    const deny = denies(lakePolicy, 's3:PutObject').filter(
      (s) => s.Condition?.StringNotEquals?.['s3:x-amz-server-side-encryption-aws-kms-key-id'] !== undefined,
    );
    expect(deny).toHaveLength(1);
    expect(deny[0]).toMatchObject({
      Principal: { AWS: '*' },
      Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': dataKeyArn } },
    });
  });

  it('allows nothing in its bucket policy: access comes from identity policies and the key policy', () => {
    expect(lakePolicy.filter((s) => s.Effect === 'Allow')).toEqual([]);
  });

  it('destroys dev buckets but retains the lake in prod', () => {
    expect(template.toJSON().Resources[lakeId].DeletionPolicy).toBe('Delete');
    expect(prod.template.toJSON().Resources[logicalIdOf(prod.stack.lake.bucket)].DeletionPolicy).toBe('Retain');
  });
});

describe('failed-batch bucket', () => {
  const failedId = logicalIdOf(stack.ingestion.failedBatchBucket);
  const policy = bucketPolicyStatements(template, failedId);

  it('encrypts with the data key and a Bucket Key', () => {
    const bucket = template.toJSON().Resources[failedId];
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      {
        BucketKeyEnabled: true,
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: dataKeyArn },
      },
    ]);
  });

  it("has no header-deny statement, because Lambda's own on-failure write carries no encryption headers", () => {
    expect(denies(policy, 's3:PutObject')).toEqual([]);
  });

  it('is retained in every stage: it is the source for replay', () => {
    expect(template.toJSON().Resources[failedId].DeletionPolicy).toBe('Retain');
  });
});

describe('trail bucket', () => {
  it('is a bucket of its own, never the data lake bucket', () => {
    const trail = Object.values(template.findResources('AWS::CloudTrail::Trail'))[0] as any;
    expect(trail.Properties.S3BucketName).toEqual({ Ref: logicalIdOf(stack.audit!.trailBucket) });
    expect(trail.Properties.S3BucketName).not.toEqual({ Ref: lakeId });
  });

  it('lets CloudTrail check the ACL and deliver for this trail only (aws:SourceArn on both Allows)', () => {
    const statements = bucketPolicyStatements(template, logicalIdOf(stack.audit!.trailBucket));
    const cloudTrail = statements.filter((s) => JSON.stringify(s.Principal).includes('cloudtrail.amazonaws.com'));
    const trailBucketArn = { 'Fn::GetAtt': [logicalIdOf(stack.audit!.trailBucket), 'Arn'] };
    expect(cloudTrail).toEqual([
      {
        Sid: 'CloudTrailAclCheck',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:GetBucketAcl',
        Resource: trailBucketArn,
        Condition: { StringEquals: { 'aws:SourceArn': stack.audit!.trailArn } },
      },
      {
        Sid: 'CloudTrailWrite',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [trailBucketArn, `/AWSLogs/${TEST_ENV.account}/*`]] },
        Condition: {
          StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': stack.audit!.trailArn },
        },
      },
    ]);
  });
});

describe('in prod, every resource that holds state or a name others depend on', () => {
  const STATEFUL_TYPES = [
    'AWS::S3::Bucket',
    'AWS::KMS::Key',
    'AWS::Logs::LogGroup',
    'AWS::Kinesis::Stream',
    'AWS::Glue::Database',
    'AWS::Glue::Table',
    'AWS::Athena::WorkGroup',
  ];
  const resources = Object.entries(prod.template.toJSON().Resources as Record<string, any>).filter(([, resource]) =>
    STATEFUL_TYPES.includes(resource.Type),
  );

  it('covers each stateful type the stack has', () => {
    expect(new Set(resources.map(([, resource]) => resource.Type))).toEqual(new Set(STATEFUL_TYPES));
  });

  it.each(resources.map(([id, resource]) => [id, resource.Type, resource]))(
    'retains %s (%s) when the stack is deleted or it is replaced',
    (_, __, resource) => {
      expect(resource.DeletionPolicy).toBe('Retain');
      expect(resource.UpdateReplacePolicy).toBe('Retain');
    },
  );
});
