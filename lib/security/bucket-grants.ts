import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledgeOnGrantee, objectWildcardFinding } from '../acknowledgements';
import type { S3EncryptionKey } from './key-policy';

export interface ReadObjectsOptions {
  /** Object key patterns the grantee may get, relative to the bucket (e.g. `trades/*`). */
  readonly objects: readonly string[];
  /**
   * `s3:prefix` patterns the grantee may list.
   * @default - the whole bucket (for buckets that hold one kind of object only)
   */
  readonly listPrefixes?: readonly string[];
  /** The key the objects are encrypted with; the grantee may Decrypt through S3. */
  readonly key: S3EncryptionKey;
  /** Why the object wildcards are acceptable (the AwsSolutions-IAM5 acknowledgement). */
  readonly wildcardReason: string;
}

/**
 * Read objects of one bucket: GetObject on the given patterns, ListBucket, GetBucketLocation, and
 * Decrypt through S3 in the key policy. One place, so every reader's grant has the same shape.
 */
export function grantReadObjects(grantee: iam.IGrantable, bucket: s3.IBucket, options: ReadObjectsOptions): iam.Grant {
  const get = iam.Grant.addToPrincipal({
    grantee,
    actions: ['s3:GetObject'],
    resourceArns: options.objects.map((pattern) => bucket.arnForObjects(pattern)),
  });
  const list = options.listPrefixes
    ? iam.Grant.addToPrincipal({
        grantee,
        actions: ['s3:ListBucket'],
        resourceArns: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [...options.listPrefixes] } },
      }).combine(
        iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetBucketLocation'], resourceArns: [bucket.bucketArn] }),
      )
    : iam.Grant.addToPrincipal({
        grantee,
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resourceArns: [bucket.bucketArn],
      });
  acknowledgeOnGrantee(
    grantee,
    options.objects.map((pattern) => objectWildcardFinding(bucket, pattern)),
    options.wildcardReason,
  );
  return get.combine(list).combine(options.key.grantDecryptViaS3(grantee));
}

/**
 * Read the Object Lock configuration of the records buckets (GetObjectLockConfiguration), so that
 * `trades verify` can compare each with `recordsRetention`: configuration only, never an object, and
 * no use of a key. S3 answers it on a bucket without Object Lock too (ObjectLockConfigurationNotFoundError).
 */
export function grantReadObjectLockConfiguration(grantee: iam.IGrantable, buckets: readonly s3.IBucket[]): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['s3:GetBucketObjectLockConfiguration'],
    resourceArns: buckets.map((bucket) => bucket.bucketArn),
  });
}
