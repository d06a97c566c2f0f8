import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledge, CONTROL_TOWER, NAG } from '../nag-acknowledgements';

/**
 * The only two ways this app makes a bucket. Encryption, TLS, public access, versioning and object
 * ownership are not props: a caller can add to a bucket, never weaken it. A KMS bucket cannot be
 * made without its key and its access-log target, so no bucket is weaker by omission.
 */

/** What every bucket of the app gets, whatever it holds. */
const ALWAYS: s3.BucketProps = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  versioned: true,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  // Never an auto-delete custom resource: it would need s3:DeleteObject* through the bucket policy.
  autoDeleteObjects: false,
};

export interface KmsBucketProps {
  /** Default encryption: SSE-KMS with this customer managed key and an S3 Bucket Key. */
  readonly key: kms.IKey;
  /** The server access log bucket (made by {@link createAccessLogsBucket}). */
  readonly accessLogs: s3.IBucket;
  /** Prefix of this bucket's server access logs in the log bucket, e.g. `data-lake/`. */
  readonly accessLogsPrefix: string;
  /** What happens to the bucket when the stack no longer holds it. */
  readonly removalPolicy: RemovalPolicy;
  /** Days after which a version that is no longer current expires (every bucket is versioned). */
  readonly noncurrentVersionDays: number;
  /** Further lifecycle rules. @default - none */
  readonly lifecycleRules?: s3.LifecycleRule[];
  /** S3 request metrics filters (one-minute CloudWatch metrics, billed as custom metrics). @default - none */
  readonly metrics?: s3.BucketMetrics[];
}

/** A bucket encrypted by default with a customer managed key, access-logged to the log bucket. */
export function createKmsBucket(scope: Construct, id: string, props: KmsBucketProps): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    ...ALWAYS,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: props.key,
    // One data key per bucket and caller instead of one KMS call per object.
    bucketKeyEnabled: true,
    serverAccessLogsBucket: props.accessLogs,
    serverAccessLogsPrefix: props.accessLogsPrefix,
    lifecycleRules: versionedLifecycle(props.noncurrentVersionDays, props.lifecycleRules),
    metrics: props.metrics,
    removalPolicy: props.removalPolicy,
  });
  acknowledgeSingleRegion(bucket);
  acknowledgeNoEventNotifications(bucket);
  return bucket;
}

export interface AccessLogsBucketProps {
  /** What happens to the bucket when the stack no longer holds it. */
  readonly removalPolicy: RemovalPolicy;
  /** Days a server access log is kept. */
  readonly expireAfterDays: number;
  /** Days after which a version that is no longer current expires. */
  readonly noncurrentVersionDays: number;
}

/**
 * The server access log target: SSE-S3, because S3 log delivery cannot write to a bucket whose
 * default encryption is SSE-KMS, and not logged itself.
 */
export function createAccessLogsBucket(scope: Construct, id: string, props: AccessLogsBucketProps): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    ...ALWAYS,
    encryption: s3.BucketEncryption.S3_MANAGED,
    lifecycleRules: versionedLifecycle(props.noncurrentVersionDays, [
      { id: 'ExpireAccessLogs', expiration: Duration.days(props.expireAfterDays) },
    ]),
    removalPolicy: props.removalPolicy,
  });
  acknowledgeSingleRegion(bucket);
  acknowledgeNoEventNotifications(bucket);
  acknowledge(
    bucket,
    [...NAG.bucketDefaultKms, CONTROL_TOWER.bucketDefaultKms],
    'Server access log target: S3 log delivery cannot write to a bucket whose default encryption is SSE-KMS, so this bucket uses SSE-S3 (docs/design.md).',
  );
  acknowledge(
    bucket,
    [...NAG.bucketLogging, CONTROL_TOWER.bucketLogging],
    'This is the server access log bucket itself; logging it to itself would log its own log deliveries without end.',
  );
  acknowledge(
    bucket,
    [CONTROL_TOWER.bucketObjectLock],
    'S3 server access logging cannot deliver to a bucket with an Object Lock default retention, so the log target stays unlocked (DESIGN §5c, §10).',
  );
  return bucket;
}

/**
 * The two header denies of the lake's bucket policy (docs/design.md, bucket policies): every
 * PutObject must name SSE-KMS and this key's ARN. Default encryption would encrypt anyway; the deny
 * makes a writer that forgets the headers fail loudly instead of relying on a bucket setting.
 */
export function denyUnlessKey(bucket: s3.IBucket, key: kms.IKey): void {
  const objects = bucket.arnForObjects('*');
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyPutObjectWithoutSseKms',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [objects],
      conditions: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
    }),
  );
  // An alias never matches this condition key, and `aws:kms` without a key id means aws/s3.
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyPutObjectWithOtherKey',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [objects],
      conditions: { StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': key.keyArn } },
    }),
  );
}

/**
 * Every bucket here is versioned, so without a rule it grows forever: a version that is no longer
 * current expires after `noncurrentVersionDays`, and an upload left incomplete (its parts are billed
 * and invisible) is aborted after a week.
 */
function versionedLifecycle(
  noncurrentVersionDays: number,
  rules: readonly s3.LifecycleRule[] = [],
): s3.LifecycleRule[] {
  return [
    {
      id: 'ExpireNoncurrentVersions',
      noncurrentVersionExpiration: Duration.days(noncurrentVersionDays),
      abortIncompleteMultipartUploadAfter: Duration.days(INCOMPLETE_UPLOAD_DAYS),
    },
    ...rules,
  ];
}

const INCOMPLETE_UPLOAD_DAYS = 7;

function acknowledgeNoEventNotifications(bucket: s3.Bucket): void {
  acknowledge(
    bucket,
    [CONTROL_TOWER.bucketEventNotifications],
    'Nothing reacts to object events: the writer is driven by the Kinesis stream, every object access is recorded by CloudTrail data events, and alarms read metrics, so an event notification would have no consumer.',
  );
}

function acknowledgeSingleRegion(bucket: s3.Bucket): void {
  acknowledge(
    bucket,
    NAG.bucketReplication,
    'Single-Region by design: versioning and S3 multi-AZ storage give durability; replicating trade data to a second Region is a data-residency decision each firm makes, not a default.',
  );
}
