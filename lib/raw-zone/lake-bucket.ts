import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { QUARANTINE_PREFIX, TRADES_PREFIX, VERIFY_PROBE_KEY } from '../../schema/layout';
import { acknowledgeOnGrantee, objectWildcardFinding } from '../acknowledgements';
import { grantReadObjects } from '../security/bucket-grants';
import type { DataKey } from '../security/data-key';
import {
  acknowledgeUnlockedRecords,
  createKmsBucket,
  denyUnlessKey,
  type ObjectLockProps,
} from '../security/secure-bucket';

/**
 * Objects of at least 128 KiB move to S3 Glacier Instant Retrieval (ObjectSizeGreaterThan is strict).
 * Glacier Instant Retrieval bills a smaller object as 128 KB, and each transition costs a request fee:
 * at 128 KiB it pays back in under nine months, well below (about 22 KiB) never (docs/retention.md).
 */
export const ARCHIVE_MIN_OBJECT_BYTES = 128 * 1024;

export interface DataLakeBucketProps {
  /** The data key: default encryption, and the only key the bucket policy accepts on PutObject. */
  readonly dataKey: DataKey;
  /** Where the lake's server access logs go (an SSE-S3 bucket). */
  readonly accessLogsBucket: s3.IBucket;
  /** What happens to the bucket when the stack no longer holds it. */
  readonly removalPolicy: RemovalPolicy;
  /** Days after which a version of its objects that is no longer current expires. */
  readonly noncurrentVersionDays: number;
  /**
   * Days after which objects of at least 128 KiB move to S3 Glacier Instant Retrieval (Athena reads it
   * like Standard; every read pays a retrieval fee per GB).
   */
  readonly archiveAfterDays: number;
  /** Object Lock of trades and quarantined records (docs/design.md §9). @default - no Object Lock */
  readonly objectLock?: ObjectLockProps;
}

/**
 * The bucket that holds trades and quarantined records, with the bucket policy of docs/design.md §4: every
 * PutObject must name SSE-KMS and the data key's ARN, and every request must use TLS.
 */
export class DataLakeBucket extends Construct {
  public readonly bucket: s3.Bucket;
  /** Whether the bucket has Object Lock, without which S3 refuses every legal hold. */
  public readonly locked: boolean;
  private readonly dataKey: DataKey;
  /** The Deny on legal-hold changes of a locked lake; each grantLegalHolds exempts its role. */
  private readonly legalHoldDeny: iam.PolicyStatement | undefined;
  private readonly legalHoldRoleArns: string[] = [];

  constructor(scope: Construct, id: string, props: DataLakeBucketProps) {
    super(scope, id);
    this.dataKey = props.dataKey;
    this.locked = props.objectLock !== undefined;
    this.bucket = createKmsBucket(this, 'Bucket', {
      key: props.dataKey.key,
      accessLogs: props.accessLogsBucket,
      accessLogsPrefix: 'data-lake/',
      removalPolicy: props.removalPolicy,
      noncurrentVersionDays: props.noncurrentVersionDays,
      lifecycleRules: [
        {
          id: 'ArchiveToGlacierInstantRetrieval',
          objectSizeGreaterThan: ARCHIVE_MIN_OBJECT_BYTES - 1,
          transitions: [
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(props.archiveAfterDays),
            },
          ],
        },
      ],
      objectLock: props.objectLock,
    });
    denyUnlessKey(this.bucket, props.dataKey.key);
    if (this.locked) {
      // A legal hold is what keeps a record once its retention has run out; clearing one is as weighty
      // as placing it. Only the roles given grantLegalHolds may do either, whatever IAM allows others;
      // until one is, the Deny names everyone.
      this.legalHoldDeny = new iam.PolicyStatement({
        sid: 'DenyLegalHoldChangesExceptHolders',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObjectLegalHold'],
        resources: [this.bucket.arnForObjects('*')],
      });
      this.bucket.addToResourcePolicy(this.legalHoldDeny);
    } else {
      acknowledgeUnlockedRecords(this.bucket);
    }
  }

  /** Write new trade and quarantine objects: PutObject on `trades/` and `quarantine/` only; no read, no delete. */
  public grantWriteTrades(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject'],
      resourceArns: [
        this.bucket.arnForObjects(`${TRADES_PREFIX}*`),
        this.bucket.arnForObjects(`${QUARANTINE_PREFIX}*`),
      ],
    });
    acknowledgeOnGrantee(
      grantee,
      [
        objectWildcardFinding(this.bucket, `${TRADES_PREFIX}*`),
        objectWildcardFinding(this.bucket, `${QUARANTINE_PREFIX}*`),
      ],
      'The writer names its objects per shard and sequence range; the wildcard is scoped to the trades/ and quarantine/ prefixes and to PutObject alone.',
    );
    // Decrypt through S3 too: with an S3 Bucket Key, S3 may need the caller's kms:Decrypt to reuse the
    // bucket-level key for a PutObject (the evidence is split; the first-deploy checklist checks it).
    // The writer still has no s3:GetObject, so it can never read an object back.
    return grant.combine(this.dataKey.grantEncryptViaS3(grantee)).combine(this.dataKey.grantDecryptViaS3(grantee));
  }

  /** Read `trades/` only: list under the prefix, get its objects, decrypt them. */
  public grantReadTrades(grantee: iam.IGrantable): iam.Grant {
    return this.grantReadPrefixes(grantee, [TRADES_PREFIX]);
  }

  /** Read every prefix (trades and quarantine). */
  public grantReadAll(grantee: iam.IGrantable): iam.Grant {
    return this.grantReadPrefixes(grantee, [TRADES_PREFIX, QUARANTINE_PREFIX]);
  }

  /**
   * Place, clear and read S3 legal holds on every version of trade and quarantine objects, list those
   * versions by date (`trades/dt=YYYY-MM-DD/`), and read trade versions to find one trade. A hold is
   * per version, and the versions that matter most are the ones ListObjectsV2 cannot see: those behind
   * a delete marker (what `expireAfterRetention`, or any DeleteObject, leaves). So the grant lists
   * versions (ListBucketVersions) and reads them by VersionId (GetObjectVersion, trades/ only: a
   * quarantined record holds no trade_id to search). PutObjectLegalHold and GetObjectLegalHold cover a
   * call with a VersionId too: S3 has no per-version legal-hold action. On a locked lake, the bucket
   * policy denies legal-hold changes to every other principal. Without Object Lock, S3 refuses every
   * legal-hold call (400 InvalidRequest, "Bucket is missing Object Lock Configuration"): the grant
   * stands, and GetBucketObjectLockConfiguration lets the caller say why.
   */
  public grantLegalHolds(grantee: iam.IGrantable): iam.Grant {
    const role = grantee.grantPrincipal as Partial<iam.IRole>;
    if (typeof role.roleArn !== 'string') {
      throw new Error(
        'trading-data-lake: legal holds are granted to IAM roles (the bucket policy exempts them by ARN)',
      );
    }
    const patterns = [`${TRADES_PREFIX}*`, `${QUARANTINE_PREFIX}*`];
    const holds = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObjectLegalHold', 's3:GetObjectLegalHold'],
      resourceArns: patterns.map((pattern) => this.bucket.arnForObjects(pattern)),
    });
    const listVersions = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucketVersions'],
      resourceArns: [this.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': patterns } },
    });
    const readTradeVersions = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObjectVersion'],
      resourceArns: [this.bucket.arnForObjects(`${TRADES_PREFIX}*`)],
    });
    const lockConfiguration = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetBucketObjectLockConfiguration'],
      resourceArns: [this.bucket.bucketArn],
    });
    acknowledgeOnGrantee(
      grantee,
      patterns.map((pattern) => objectWildcardFinding(this.bucket, pattern)),
      'Legal holds are placed on whole days of trades (trades/dt=.../) and their quarantined records, every version; the wildcard is scoped to those two prefixes and to the legal-hold actions (and GetObjectVersion on trades/ alone).',
    );
    this.legalHoldRoleArns.push(role.roleArn);
    // Rewritten with the whole list each time: addCondition replaces a condition key's value.
    this.legalHoldDeny?.addCondition('ArnNotEquals', { 'aws:PrincipalArn': [...this.legalHoldRoleArns] });
    return holds.combine(listVersions).combine(readTradeVersions).combine(lockConfiguration);
  }

  /** Read the bucket's default encryption (GetBucketEncryption): configuration, no object. */
  public grantReadEncryptionConfiguration(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetEncryptionConfiguration'],
      resourceArns: [this.bucket.bucketArn],
    });
  }

  /**
   * Lets `trades verify` probe the bucket policy: PutObject on the one probe key
   * (`VERIFY_PROBE_KEY`), and only for a request without an encryption header that carries
   * `If-Match`. Without an IAM Allow, S3 would answer 403 for want of one, and the probe could not
   * tell that answer from the bucket policy's Deny. The grantee still cannot write, by three refusals
   * that do not depend on each other:
   * 1. every request this Allow admits names no encryption, and `DenyPutObjectWithoutSseKms` in the
   *    bucket policy denies every PutObject that does not name `aws:kms`;
   * 2. it admits only a conditional write (`If-Match`) on a key under which no object is ever stored
   *    (no other grant reaches it): S3 checks authorization, then the precondition, and answers 404 or
   *    412 before it writes;
   * 3. the data key policy gives the grantee no use of the key through S3, and S3 needs
   *    `kms:GenerateDataKey` on the caller's behalf to encrypt a new object under default encryption.
   */
  public grantUnencryptedPutProbe(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject'],
      resourceArns: [this.bucket.arnForObjects(VERIFY_PROBE_KEY)],
      conditions: {
        Null: { 's3:x-amz-server-side-encryption': 'true', 's3:if-match': 'false' },
      },
    });
  }

  private grantReadPrefixes(grantee: iam.IGrantable, prefixes: readonly string[]): iam.Grant {
    const patterns = prefixes.map((prefix) => `${prefix}*`);
    return grantReadObjects(grantee, this.bucket, {
      objects: patterns,
      listPrefixes: patterns,
      key: this.dataKey,
      wildcardReason: `Readers query whole partitions; GetObject is scoped to the ${prefixes.join(' and ')} prefix(es) of the lake, nothing else.`,
    });
  }
}
