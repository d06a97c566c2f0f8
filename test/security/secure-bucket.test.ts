import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { createAccessLogsBucket, createKmsBucket, denyUnlessKey } from '../../lib/security/secure-bucket';
import { cdkJsonContext } from '../support/app';

// The factory on its own, in a bare stack with cdk.json's feature flags: what every bucket of the app inherits.
const stack = new Stack(new App({ context: cdkJsonContext() }), 'SecureBucketTest');
const key = new kms.Key(stack, 'Key');
const accessLogs = createAccessLogsBucket(stack, 'AccessLogs', {
  removalPolicy: RemovalPolicy.RETAIN,
  expireAfterDays: 365,
  noncurrentVersionDays: 90,
});
const bucket = createKmsBucket(stack, 'Data', {
  key,
  accessLogs,
  accessLogsPrefix: 'data/',
  removalPolicy: RemovalPolicy.RETAIN,
  noncurrentVersionDays: 30,
});
denyUnlessKey(bucket, key);
const template = Template.fromStack(stack);

const STRONG = {
  PublicAccessBlockConfiguration: {
    BlockPublicAcls: true,
    BlockPublicPolicy: true,
    IgnorePublicAcls: true,
    RestrictPublicBuckets: true,
  },
  VersioningConfiguration: { Status: 'Enabled' },
  OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
};

describe('secure bucket factory', () => {
  it('cannot make a KMS bucket without its key or its access-log target (a compile error, checked by tsc)', () => {
    const missingKey = () =>
      // @ts-expect-error a KMS bucket needs its key: leaving it out must not make an SSE-S3 bucket.
      createKmsBucket(stack, 'NoKey', {
        accessLogs,
        accessLogsPrefix: 'x/',
        removalPolicy: RemovalPolicy.RETAIN,
        noncurrentVersionDays: 1,
      });
    const missingLogs = () =>
      // @ts-expect-error a KMS bucket needs its access-log target: leaving it out must not make an unlogged bucket.
      createKmsBucket(stack, 'NoLogs', { key, removalPolicy: RemovalPolicy.RETAIN, noncurrentVersionDays: 1 });
    expect(typeof missingKey).toBe('function');
    expect(typeof missingLogs).toBe('function');
  });

  it('encrypts a KMS bucket with the given key and an S3 Bucket Key, and logs its access under its prefix', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ...STRONG,
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
            },
          },
        ],
      },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: Match.stringLikeRegexp('^AccessLogs') },
        LogFilePrefix: 'data/',
      },
    });
  });

  it('makes the access-log bucket SSE-S3 (a log target cannot use SSE-KMS) and as locked down as the others', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ...STRONG,
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LoggingConfiguration: Match.absent(),
    });
  });

  it('refuses plain HTTP and TLS below 1.2 on every bucket', () => {
    const policies = template.findResources('AWS::S3::BucketPolicy');
    expect(Object.keys(policies)).toHaveLength(2);
    for (const policy of Object.values(policies) as any[]) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          expect.objectContaining({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      );
    }
  });

  it('denyUnlessKey denies a PutObject without aws:kms or with any key id but the key ARN', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^Data') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'DenyPutObjectWithoutSseKms',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:PutObject',
            Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
          }),
          Match.objectLike({
            Sid: 'DenyPutObjectWithOtherKey',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:PutObject',
            Condition: {
              StringNotEquals: {
                's3:x-amz-server-side-encryption-aws-kms-key-id': {
                  'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'],
                },
              },
            },
          }),
        ]),
      },
    });
  });
});
