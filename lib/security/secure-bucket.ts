import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledge, NAG } from '../nag-acknowledgements';

/**
 * The one place where every bucket of the app gets its security settings. Encryption, TLS, public
 * access, versioning and object ownership are not props: a caller can add to a bucket, never weaken it.
 */
export interface SecureBucketProps {
  /**
   * Key for SSE-KMS, with an S3 Bucket Key.
   * @default - SSE-S3 (only for the access-log bucket: a server access log target cannot use SSE-KMS)
   */
  readonly encryptionKey?: kms.IKey;
  /** Where this bucket's server access logs go. @default - not logged (only the access-log bucket itself) */
  readonly serverAccessLogsBucket?: s3.IBucket;
  /** Prefix of this bucket's server access logs. @default - none */
  readonly serverAccessLogsPrefix?: string;
  /** What happens to the bucket when the stack no longer holds it. */
  readonly removalPolicy: RemovalPolicy;
  /** Lifecycle rules. @default - none */
  readonly lifecycleRules?: s3.LifecycleRule[];
}

export function createSecureBucket(scope: Construct, id: string, props: SecureBucketProps): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    ...(props.encryptionKey
      ? { encryption: s3.BucketEncryption.KMS, encryptionKey: props.encryptionKey, bucketKeyEnabled: true }
      : { encryption: s3.BucketEncryption.S3_MANAGED }),
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    serverAccessLogsBucket: props.serverAccessLogsBucket,
    serverAccessLogsPrefix: props.serverAccessLogsPrefix,
    lifecycleRules: props.lifecycleRules,
    removalPolicy: props.removalPolicy,
    // Never an auto-delete custom resource: it would need s3:DeleteObject* through the bucket policy.
    autoDeleteObjects: false,
  });
  acknowledge(
    bucket,
    NAG.bucketReplication,
    'Single-Region by design: versioning and S3 multi-AZ storage give durability; replicating trade data to a second Region is a data-residency decision each firm makes, not a default.',
  );
  if (!props.encryptionKey) {
    acknowledge(
      bucket,
      NAG.bucketDefaultKms,
      'Server access log target: S3 log delivery cannot write to a bucket whose default encryption is SSE-KMS, so this bucket uses SSE-S3 (DESIGN §2).',
    );
  }
  if (!props.serverAccessLogsBucket) {
    acknowledge(
      bucket,
      NAG.bucketLogging,
      'This is the server access log bucket itself; logging it to itself would log its own log deliveries without end.',
    );
  }
  return bucket;
}
