import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledge, CONTROL_TOWER, NAG } from '../acknowledgements';
import type { LockedRetention } from '../config';

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
  /**
   * S3 Object Lock with a default retention, and the bucket policy and lifecycle that go with it
   * (docs/design.md §9). Never for a bucket whose objects must be deleted early (query results, the curated
   * zone) or that receives server access logs (S3 refuses a locked target).
   * @default - no Object Lock
   */
  readonly objectLock?: ObjectLockProps;
}

/** What a locked bucket keeps, for how long, and who may change that (docs/design.md §9). */
export interface ObjectLockProps {
  /** Mode and period that S3 applies to every new object version that names no retention of its own. */
  readonly defaultRetention: LockedRetention;
  /**
   * The only principal that may change the bucket's Object Lock configuration (`aws:PrincipalArn`):
   * the deploy role, i.e. the CloudFormation execution role of the CDK bootstrap.
   */
  readonly deployRoleArn: string;
  /**
   * The only principals that may bypass governance-mode retention (`aws:PrincipalArn`, exact ARNs).
   * An empty list denies the bypass to everyone.
   */
  readonly governanceBypassArns: readonly string[];
  /**
   * Expire current versions once their retention has passed; otherwise they are kept until deleted by hand.
   * @default false
   */
  readonly expireAfterRetention?: boolean;
}

/** A bucket encrypted by default with a customer managed key, access-logged to the log bucket. */
export function createKmsBucket(scope: Construct, id: string, props: KmsBucketProps): s3.Bucket {
  const lock = props.objectLock;
  const rules = props.lifecycleRules ?? [];
  const lifecycleRules = versionedLifecycle(props.noncurrentVersionDays, rules, lock);
  const bucket = new s3.Bucket(scope, id, {
    ...ALWAYS,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: props.key,
    // One data key per bucket and caller instead of one KMS call per object.
    bucketKeyEnabled: true,
    serverAccessLogsBucket: props.accessLogs,
    serverAccessLogsPrefix: props.accessLogsPrefix,
    lifecycleRules,
    // Left out, S3 applies its default for new lifecycle configurations (no transition below 128 KB);
    // written out where a rule transitions, so the template says what S3 does. A rule's own
    // ObjectSizeGreaterThan takes precedence over it.
    transitionDefaultMinimumObjectSize: rules.some((rule) => (rule.transitions ?? []).length > 0)
      ? s3.TransitionDefaultMinimumObjectSize.ALL_STORAGE_CLASSES_128_K
      : undefined,
    // CT.S3.PR.9 checks this top-level flag. CloudFormation documents the Object Lock configuration
    // set below (AWS::S3::Bucket ObjectLockConfiguration, ObjectLockRule, DefaultRetention) as "Update
    // requires: No interruption": a change of mode or period happens in place. This flag its User Guide
    // documented as "Update requires: Replacement", the CDK CLI's resource spec says the same, and a
    // change set did (cloudformation-coverage-roadmap#1929), although S3 turns Object Lock on for an
    // existing versioned bucket in place: switching a deployed stack between `none` and a retention
    // replaces the bucket (docs/retention.md).
    objectLockEnabled: lock === undefined ? undefined : true,
    removalPolicy: props.removalPolicy,
  });
  acknowledgeSingleRegion(bucket);
  acknowledgeNoEventNotifications(bucket);
  writeObjectSizesAsStrings(bucket, lifecycleRules);
  if (lock !== undefined) lockObjects(bucket, lock);
  return bucket;
}

/**
 * CDK types a rule's ObjectSizeGreaterThan/LessThan as a number and writes one, but CloudFormation's
 * resource schema types them as strings: `cdk synth` warns on every synthesis (W9003) that it coerced
 * them. The override writes what the schema says, at the rule's index (CDK keeps the rules' order).
 */
function writeObjectSizesAsStrings(bucket: s3.Bucket, rules: readonly s3.LifecycleRule[]): void {
  const cfnBucket = bucket.node.defaultChild as s3.CfnBucket;
  rules.forEach((rule, index) => {
    for (const [property, bytes] of [
      ['ObjectSizeGreaterThan', rule.objectSizeGreaterThan],
      ['ObjectSizeLessThan', rule.objectSizeLessThan],
    ] as const) {
      if (bytes !== undefined) {
        cfnBucket.addPropertyOverride(`LifecycleConfiguration.Rules.${index}.${property}`, String(bytes));
      }
    }
  });
}

/**
 * The default retention, and the bucket policy of a locked bucket: only the deploy role may change
 * the Object Lock configuration (a weaker default applies to new objects at once, silently), and only
 * the named principals may bypass governance retention. In compliance mode the bypass does nothing
 * for objects written under that mode, but objects written under an earlier governance default keep
 * governance retention: the Deny guards them too.
 */
function lockObjects(bucket: s3.Bucket, lock: ObjectLockProps): void {
  const { defaultRetention } = lock;
  // Written on the L1: CDK's objectLockDefaultRetention renders every period in days, and a period
  // of years is S3's to count (a regulation's 6 years are not 2190 days when they span leap days).
  (bucket.node.defaultChild as s3.CfnBucket).objectLockConfiguration = {
    objectLockEnabled: 'Enabled',
    rule: {
      defaultRetention:
        defaultRetention.years === undefined
          ? { mode: defaultRetention.mode, days: defaultRetention.days }
          : { mode: defaultRetention.mode, years: defaultRetention.years },
    },
  };
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyObjectLockConfigurationChanges',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutBucketObjectLockConfiguration'],
      resources: [bucket.bucketArn],
      // aws:PrincipalArn is the role's ARN for a role session, whatever the session's name.
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': lock.deployRoleArn } },
    }),
  );
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyGovernanceRetentionBypass',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:BypassGovernanceRetention'],
      resources: [bucket.arnForObjects('*')],
      conditions:
        lock.governanceBypassArns.length === 0
          ? undefined
          : { ArnNotEquals: { 'aws:PrincipalArn': [...lock.governanceBypassArns] } },
    }),
  );
}

/**
 * For a bucket of books and records left without Object Lock (`recordsRetention: none`, the dev
 * default): Control Tower's CT.S3.PR.9 is accepted there, and nowhere a retention is configured.
 */
export function acknowledgeUnlockedRecords(bucket: s3.Bucket): void {
  acknowledge(
    bucket,
    [CONTROL_TOWER.bucketObjectLock],
    'recordsRetention is none (the dev default, so a dev stack tears down cleanly): this records bucket is not locked. Prod refuses to synthesize without a retention, and then the lake, failed-batch and trail buckets are locked (docs/design.md §9).',
  );
}

/**
 * The most days a default retention can last. S3 counts a period in years itself; up to one leap day
 * in every four years (or part of four) keeps a lifecycle action that waits this long from ever
 * reaching a version before its retain-until date.
 */
export function retentionDays(retention: LockedRetention): number {
  return retention.years === undefined ? retention.days : 365 * retention.years + Math.ceil(retention.years / 4);
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
 * default encryption is SSE-KMS, and not logged itself. Never locked: S3 refuses a bucket with Object
 * Lock as a server access log target, so it has no Object Lock option at all.
 */
export function createAccessLogsBucket(scope: Construct, id: string, props: AccessLogsBucketProps): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    ...ALWAYS,
    encryption: s3.BucketEncryption.S3_MANAGED,
    lifecycleRules: versionedLifecycle(
      props.noncurrentVersionDays,
      [{ id: 'ExpireAccessLogs', expiration: Duration.days(props.expireAfterDays) }],
      undefined,
    ),
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
    'S3 server access logging cannot deliver to a bucket with an Object Lock default retention, so the log target stays unlocked (docs/design.md §9, §14).',
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
 * The policy of a bucket that AWS services write with multipart uploads (the curated bucket, the
 * query results: docs/design.md §4): deny a write that names an encryption other than SSE-KMS with this key,
 * and only one that names one. Athena's and Iceberg's parts carry no encryption header, and default
 * encryption supplies the key where none is sent; what the deny stops is a caller asking for SSE-S3,
 * `aws/s3` or another key.
 *
 * Each Deny pairs `Null: false` (the header is present) with `StringNotEquals`. the reference design (docs/design.md §13) says
 * `StringNotEqualsIfExists`, but IAM evaluates an ...IfExists condition as true when the key is
 * missing, so that Deny would refuse exactly the header-less parts it means to let through (the
 * access scenario "allows the curation role PutObject on the curated table with no encryption
 * header" fails with it).
 */
export function denyOtherEncryption(bucket: s3.IBucket, key: kms.IKey): void {
  const objects = bucket.arnForObjects('*');
  const encryption = 's3:x-amz-server-side-encryption';
  const keyId = 's3:x-amz-server-side-encryption-aws-kms-key-id';
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyWriteWithOtherEncryption',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [objects],
      conditions: { Null: { [encryption]: 'false' }, StringNotEquals: { [encryption]: 'aws:kms' } },
    }),
  );
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyWriteWithOtherKey',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [objects],
      conditions: { Null: { [keyId]: 'false' }, StringNotEquals: { [keyId]: key.keyArn } },
    }),
  );
}

/**
 * Every bucket here is versioned, so without a rule it grows forever: a version that is no longer
 * current expires after `noncurrentVersionDays`, and an upload left incomplete (its parts are billed
 * and invisible) is aborted after a week.
 *
 * On a locked bucket a version may become noncurrent the day it is written (a DeleteObject puts a
 * delete marker over it), and its retention still runs: S3 would refuse to expire it, and the rule
 * must not even try, so noncurrent versions wait at least the whole retention. A delete marker left
 * with no version under it is removed once those versions are gone. Current versions expire after
 * the retention only if asked; in a versioned bucket that expiry is a delete marker, and the version
 * under it then waits out the noncurrent expiry as well.
 *
 * On an unlocked bucket a DeleteObject leaves a delete marker too (the curated bucket's OPTIMIZE and
 * VACUUM delete files every hour): once the version under it has expired, the marker is all that is
 * left, and S3 keeps it for ever unless a rule removes it. A current-version expiration in days does
 * so once the marker is that old ("Removing expired object delete markers"); a bucket without one
 * gets a rule that removes it as soon as it is alone.
 */
function versionedLifecycle(
  noncurrentVersionDays: number,
  rules: readonly s3.LifecycleRule[],
  lock: ObjectLockProps | undefined,
): s3.LifecycleRule[] {
  const lockedDays = lock === undefined ? undefined : retentionDays(lock.defaultRetention);
  const expiresCurrentVersions = rules.some(
    (rule) =>
      (rule.expiration !== undefined || rule.expirationDate !== undefined) &&
      rule.prefix === undefined &&
      rule.tagFilters === undefined &&
      rule.objectSizeGreaterThan === undefined &&
      rule.objectSizeLessThan === undefined,
  );
  return [
    {
      id: 'ExpireNoncurrentVersions',
      noncurrentVersionExpiration: Duration.days(Math.max(noncurrentVersionDays, lockedDays ?? 0)),
      expiredObjectDeleteMarker: lock === undefined ? undefined : true,
      abortIncompleteMultipartUploadAfter: Duration.days(INCOMPLETE_UPLOAD_DAYS),
    },
    // A rule of its own: S3 and CDK refuse ExpiredObjectDeleteMarker beside an expiration in days. S3
    // checks that a rule's expiration comes after its transition only within one rule; across rules,
    // an object due for both on one day is transitioned first ("How Amazon S3 handles conflicts in
    // lifecycle configurations").
    ...(lock?.expireAfterRetention && lockedDays !== undefined
      ? [{ id: 'ExpireCurrentVersionsAfterRetention', expiration: Duration.days(lockedDays) }]
      : []),
    // A rule of its own, for the same reason as above: no Days beside it, and rules of other buckets
    // stay as they were (a locked bucket removes markers in its first rule).
    ...(lock === undefined && !expiresCurrentVersions
      ? [{ id: 'ExpireDeleteMarkers', expiredObjectDeleteMarker: true }]
      : []),
    ...rules,
  ];
}

const INCOMPLETE_UPLOAD_DAYS = 7;

function acknowledgeNoEventNotifications(bucket: s3.Bucket): void {
  acknowledge(
    bucket,
    [CONTROL_TOWER.bucketEventNotifications],
    "Nothing reacts to object events: the writer is driven by the Kinesis stream, the curation job by its schedule, and alarms read metrics and CloudTrail, so an event notification would have no consumer. Auditing object access is the trail's job (data events on the buckets that hold trades or query answers; none on the access-log and trail buckets), not an event notification's.",
  );
}

function acknowledgeSingleRegion(bucket: s3.Bucket): void {
  acknowledge(
    bucket,
    NAG.bucketReplication,
    'Single-Region by design: versioning and S3 multi-AZ storage give durability; replicating trade data to a second Region is a data-residency decision each firm makes, not a default.',
  );
}
