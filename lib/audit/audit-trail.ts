import { type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeOnGrantee, NAG } from '../nag-acknowledgements';
import type { AuditKey } from '../security/audit-key';
import { grantReadObjects } from '../security/bucket-grants';
import { createKmsBucket } from '../security/secure-bucket';

export interface AuditTrailProps {
  readonly auditKey: AuditKey;
  /** The bucket whose object access is recorded as S3 data events. */
  readonly dataLakeBucket: s3.IBucket;
  /** Where the trail bucket's server access logs go. */
  readonly accessLogsBucket: s3.IBucket;
  /** Fixed, because the audit key's policy names the trail by ARN. */
  readonly trailName: string;
  /** Fixed, because the audit key's policy names the log group by ARN. */
  readonly logGroupName: string;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The CloudTrail trail that records every use of the keys (KMS calls are management events) and every
 * object access in the data lake (S3 data events), into its own bucket, never the lake's, and into an
 * encrypted CloudWatch Logs group for metric filters and alarms.
 */
export class AuditTrail extends Construct {
  public readonly trail: cloudtrail.Trail;
  public readonly trailBucket: s3.Bucket;
  public readonly logGroup: logs.LogGroup;
  /** ARN built from the fixed name (the same value as `trail.trailArn`, without the dependency). */
  public readonly trailArn: string;
  private readonly auditKey: AuditKey;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.auditKey = props.auditKey;
    this.trailArn = stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: props.trailName });

    this.trailBucket = createKmsBucket(this, 'TrailBucket', {
      key: props.auditKey.key,
      accessLogs: props.accessLogsBucket,
      accessLogsPrefix: 'cloudtrail/',
      removalPolicy: props.removalPolicy,
    });

    this.logGroup = props.auditKey.createLogGroup(this, 'TrailLogGroup', {
      logGroupName: props.logGroupName,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    this.trail = new cloudtrail.Trail(this, 'Trail', {
      trailName: props.trailName,
      bucket: this.trailBucket,
      encryptionKey: props.auditKey.key,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: this.logGroup,
      // Management events come from the S3 selector below. Setting `managementEvents` as well would
      // add a second selector that records them again (DESIGN §10).
    });
    acknowledge(
      this.trail.node.findChild('LogsRole'),
      NAG.inlinePolicy,
      'The CloudTrail delivery role has no inline policy: its CreateLogStream/PutLogEvents on this log group are a separate AWS::IAM::Policy (CDK default policy) attached to it alone.',
    );
    this.trail.addS3EventSelector([{ bucket: props.dataLakeBucket }], {
      includeManagementEvents: true,
      readWriteType: cloudtrail.ReadWriteType.ALL,
    });

    // The Trail construct lets cloudtrail.amazonaws.com write without naming the trail; this narrows
    // it to this trail, so another account's trail cannot deliver into this bucket (confused deputy).
    this.trailBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyCloudTrailWritesFromOtherTrails',
        effect: iam.Effect.DENY,
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.trailBucket.arnForObjects('*')],
        conditions: { StringNotEquals: { 'aws:SourceArn': this.trailArn } },
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
