import { Lazy, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeOnGrantee, NAG } from '../acknowledgements';
import type { AuditKey } from '../security/audit-key';
import { grantReadObjects } from '../security/bucket-grants';
import { acknowledgeUnlockedRecords, createKmsBucket, type ObjectLockProps } from '../security/secure-bucket';

export interface AuditTrailProps {
  readonly auditKey: AuditKey;
  /**
   * Buckets whose object-level calls are recorded as S3 data events: every bucket that holds a copy
   * of a trade or of a query's answer. More can be added with {@link AuditTrail.recordObjectEvents}.
   */
  readonly dataEventBuckets: readonly s3.IBucket[];
  /**
   * Record object reads (GetObject, HeadObject…) as well as writes. Each object a query reads is one
   * event, billed per 100,000; accounts whose organization trail already records reads turn it off.
   * @default true
   */
  readonly readDataEvents?: boolean;
  /** Where the trail bucket's server access logs go. */
  readonly accessLogsBucket: s3.IBucket;
  /** Fixed, because the audit key's policy names the trail by ARN. */
  readonly trailName: string;
  /** Fixed, because the audit key's policy names the log group by ARN. */
  readonly logGroupName: string;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** Days after which a version of a trail file that is no longer current expires. */
  readonly noncurrentVersionDays: number;
  /**
   * Object Lock of the trail bucket: the record of who read and changed the books is kept as long as
   * the books (docs/design.md §9). @default - no Object Lock
   */
  readonly objectLock?: ObjectLockProps;
}

/**
 * The CloudTrail trail that records every use of the keys (KMS calls are management events) and every
 * object call on the buckets that hold trades (S3 data events), into its own bucket, never the
 * lake's, and into an encrypted CloudWatch Logs group for metric filters and alarms.
 *
 * Written with `CfnTrail` rather than the L2 `Trail`: the L2 adds bucket-policy Allows for
 * cloudtrail.amazonaws.com without `aws:SourceArn` (any trail, in any account, could deliver here)
 * and supports only classic event selectors, which cannot record management reads and writes while
 * recording data-event writes only.
 */
export class AuditTrail extends Construct {
  public readonly trail: cloudtrail.CfnTrail;
  public readonly trailBucket: s3.Bucket;
  public readonly logGroup: logs.LogGroup;
  /** The role CloudTrail assumes to deliver events to the log group. */
  public readonly logsRole: iam.Role;
  /** ARN built from the fixed name (the same value as the trail's Arn attribute, without the dependency). */
  public readonly trailArn: string;
  private readonly auditKey: AuditKey;
  private readonly dataEventBuckets: s3.IBucket[];

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.auditKey = props.auditKey;
    this.dataEventBuckets = [...props.dataEventBuckets];
    this.trailArn = stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: props.trailName });

    this.trailBucket = createKmsBucket(this, 'TrailBucket', {
      key: props.auditKey.key,
      accessLogs: props.accessLogsBucket,
      accessLogsPrefix: 'cloudtrail/',
      noncurrentVersionDays: props.noncurrentVersionDays,
      removalPolicy: props.removalPolicy,
      objectLock: props.objectLock,
    });
    if (props.objectLock === undefined) acknowledgeUnlockedRecords(this.trailBucket);
    this.allowDeliveryFromThisTrailOnly(stack);

    this.logGroup = props.auditKey.createLogGroup(this, 'TrailLogGroup', {
      logGroupName: props.logGroupName,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.logsRole = new iam.Role(this, 'LogsRole', {
      assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com'),
      description: 'CloudTrail delivers the trail to its CloudWatch Logs group',
    });
    iam.Grant.addToPrincipal({
      grantee: this.logsRole,
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resourceArns: [`${this.logGroup.logGroupArn}`],
    });
    acknowledge(
      this.logsRole,
      NAG.inlinePolicy,
      'The CloudTrail delivery role has no inline policy: its CreateLogStream/PutLogEvents on this log group are a separate AWS::IAM::Policy (CDK default policy) attached to it alone.',
    );

    this.trail = new cloudtrail.CfnTrail(this, 'Trail', {
      trailName: props.trailName,
      s3BucketName: this.trailBucket.bucketName,
      kmsKeyId: props.auditKey.key.keyArn,
      isLogging: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      cloudWatchLogsLogGroupArn: this.logGroup.logGroupArn,
      cloudWatchLogsRoleArn: this.logsRole.roleArn,
      advancedEventSelectors: [
        // Every management event, read and write: each KMS call on the keys is one.
        {
          name: 'Management events, read and write',
          fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }],
        },
        {
          name:
            (props.readDataEvents ?? true)
              ? 'S3 object reads and writes on the buckets that hold trades'
              : 'S3 object writes on the buckets that hold trades',
          fieldSelectors: [
            { field: 'eventCategory', equalTo: ['Data'] },
            { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
            {
              field: 'resources.ARN',
              startsWith: Lazy.list({ produce: () => this.dataEventBuckets.map((bucket) => bucket.arnForObjects('')) }),
            },
            ...((props.readDataEvents ?? true) ? [] : [{ field: 'readOnly', equalTo: ['false'] }]),
          ],
        },
      ],
    });
    // CloudTrail checks its bucket policy and its delivery role when the trail is created.
    if (this.trailBucket.policy) this.trail.node.addDependency(this.trailBucket.policy);
    this.trail.node.addDependency(this.logsRole);
  }

  /** Records S3 data events on one more bucket (one created after the trail, such as a results bucket). */
  public recordObjectEvents(bucket: s3.IBucket): void {
    this.dataEventBuckets.push(bucket);
  }

  /**
   * The trail bucket's policy for CloudTrail, as CloudTrail's documentation writes it, limited to this
   * trail by `aws:SourceArn` (confused deputy: no other trail, in any account, may use the bucket).
   */
  private allowDeliveryFromThisTrailOnly(stack: Stack): void {
    const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    this.trailBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailAclCheck',
        principals: [cloudTrail],
        actions: ['s3:GetBucketAcl'],
        resources: [this.trailBucket.bucketArn],
        conditions: { StringEquals: { 'aws:SourceArn': this.trailArn } },
      }),
    );
    this.trailBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailWrite',
        principals: [cloudTrail],
        actions: ['s3:PutObject'],
        resources: [this.trailBucket.arnForObjects(`AWSLogs/${stack.account}/*`)],
        conditions: {
          StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': this.trailArn },
        },
      }),
    );
  }

  /**
   * What `aws cloudtrail validate-logs` calls besides reading the files: the trail's status and the
   * public keys that sign its digest files.
   */
  public grantValidateLogs(grantee: iam.IGrantable): iam.Grant {
    const status = iam.Grant.addToPrincipal({
      grantee,
      actions: ['cloudtrail:GetTrailStatus'],
      resourceArns: [this.trailArn],
    });
    // DescribeTrails and ListPublicKeys support no resource-level permissions: "*" is the only valid resource.
    const describe = iam.Grant.addToPrincipal({
      grantee,
      actions: ['cloudtrail:DescribeTrails', 'cloudtrail:ListPublicKeys'],
      resourceArns: ['*'],
    });
    acknowledgeOnGrantee(
      grantee,
      ['AwsSolutions-IAM5[Resource::*]'],
      'cloudtrail:DescribeTrails and cloudtrail:ListPublicKeys support no resource-level permissions; "*" is the only valid resource, and both only read trail metadata and public keys.',
    );
    return status.combine(describe);
  }

  /** Read trail files: list and get in the trail bucket, Decrypt through S3 with the audit key. */
  public grantReadTrailFiles(grantee: iam.IGrantable): iam.Grant {
    return grantReadObjects(grantee, this.trailBucket, {
      objects: ['AWSLogs/*'],
      key: this.auditKey,
      wildcardReason:
        'CloudTrail names trail files by account, Region and date; the wildcard is scoped to the AWSLogs/ prefix of the trail bucket.',
    });
  }
}
