import { ArnFormat, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  denyGrantsExceptForAwsResourcesStatement,
  denyKeyDeletionStatement,
  grantKeyDescribe,
  grantKeyUse,
  keyAdministrationStatement,
} from './key-policy';

export interface AuditKeyProps {
  /** Alias of the key, e.g. `alias/trading-audit-key`. */
  readonly alias: string;
  /** Who administers the key (never uses it). */
  readonly administrators: readonly iam.IPrincipal[];
  /**
   * Name of the CloudTrail trail that encrypts its files with this key. A fixed name, because the
   * key policy needs the trail's ARN and `trail.trailArn` would close a dependency cycle.
   * @default - no trail: CloudTrail gets no statement in the key policy
   */
  readonly trailName?: string;
  /**
   * Deny scheduling the key's deletion to everyone: set when the trail bucket, which this key
   * encrypts, is under compliance retention. @default false
   */
  readonly denyKeyDeletion?: boolean;
}

export interface AlarmTopicProps {
  /** Shown as the sender of every notification. */
  readonly displayName: string;
  /**
   * What the name of every alarm that publishes to the topic starts with: CloudWatch may publish and
   * use the key for those alarms only (`aws:SourceArn`), not for any alarm of the account.
   */
  readonly alarmNamePrefix: string;
}

export interface AuditLogGroupProps {
  /** Fixed, because the key policy names the log group by ARN (a token would close a cycle). */
  readonly logGroupName: string;
  readonly retention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The customer managed key for audit evidence: trail files and their bucket, every log group, the
 * audit workgroup's results (docs/design.md §2). Separate from the data key so that readers of trade data
 * can never read the record of who read it, and the reverse.
 */
export class AuditKey extends Construct {
  public readonly key: kms.Key;
  private alarmTopicCreated = false;
  /** ARNs of the log groups created by createLogGroup: the only ones CloudWatch Logs may use the key for. */
  private readonly logGroupArns: string[] = [];

  constructor(scope: Construct, id: string, props: AuditKeyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const statements = [keyAdministrationStatement(props.administrators), denyGrantsExceptForAwsResourcesStatement()];
    if (props.denyKeyDeletion ?? false) statements.push(denyKeyDeletionStatement());

    if (props.trailName !== undefined) {
      const trailArn = stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: props.trailName });
      const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
      statements.push(
        new iam.PolicyStatement({
          sid: 'CloudTrailEncryptsThisTrailOnly',
          principals: [cloudTrail],
          actions: ['kms:GenerateDataKey*'],
          // In a key policy, "*" means this key and nothing else.
          resources: ['*'],
          conditions: {
            StringEquals: { 'aws:SourceArn': trailArn, 'kms:EncryptionContext:aws:cloudtrail:arn': trailArn },
          },
        }),
        new iam.PolicyStatement({
          sid: 'CloudTrailDescribesKey',
          principals: [cloudTrail],
          // CloudTrail checks the key when the trail is created or updated; metadata only, no usage.
          actions: ['kms:DescribeKey'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceArn': trailArn } },
        }),
        new iam.PolicyStatement({
          sid: 'CloudTrailDecryptsForBucketKey',
          principals: [cloudTrail],
          // The trail bucket has an S3 Bucket Key, and CloudTrail needs kms:Decrypt on the key to
          // create or update a trail then ("Configure AWS KMS key policies for CloudTrail"). The Bucket
          // Key stays: it turns a KMS call per trail file into a few a day.
          actions: ['kms:Decrypt'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceArn': trailArn } },
        }),
      );
    }

    this.key = new kms.Key(this, 'Key', {
      alias: props.alias,
      description: 'trading-data-lake: audit evidence (trail files, log groups, audit query results)',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      // Audit evidence outlives the stack in every stage.
      removalPolicy: RemovalPolicy.RETAIN,
      // Given a policy, CDK adds no statement of its own: no account-root `kms:*` (docs/design.md §2).
      policy: new iam.PolicyDocument({ statements }),
    });
  }

  /**
   * A log group encrypted with this key. Creating it here also names it in the key policy, so a log
   * group encrypted with the audit key can never be missing from it (CloudWatch Logs would refuse
   * the key at deploy time).
   */
  public createLogGroup(scope: Construct, id: string, props: AuditLogGroupProps): logs.LogGroup {
    const stack = Stack.of(this);
    if (this.logGroupArns.length === 0) {
      this.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'CloudWatchLogsEncryptsThisStacksLogGroups',
          principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
          actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          // In a key policy, "*" means this key and nothing else.
          resources: ['*'],
          conditions: {
            ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': Lazy.list({ produce: () => this.logGroupArns }) },
          },
        }),
      );
    }
    this.logGroupArns.push(
      stack.formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: props.logGroupName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );
    return new logs.LogGroup(scope, id, {
      logGroupName: props.logGroupName,
      encryptionKey: this.key,
      retention: props.retention,
      removalPolicy: props.removalPolicy,
    });
  }

  /**
   * The SNS topic alarms publish to, encrypted with this key. Creating it here also writes both
   * policies CloudWatch needs, so neither can be forgotten: `enforceSSL` makes CDK write a topic
   * policy holding only its TLS Deny, which replaces SNS's default policy, so without the Allow
   * below CloudWatch could not publish and every alarm would be silent; and an encrypted topic needs
   * the key policy to let CloudWatch use the key. Both are limited to this stack's alarms, by name
   * prefix, in this account (`aws:SourceAccount`, `aws:SourceArn`), never another account's
   * (confused deputy) or another stack's.
   */
  public createAlarmTopic(scope: Construct, id: string, props: AlarmTopicProps): sns.Topic {
    if (this.alarmTopicCreated) throw new Error('AuditKey.createAlarmTopic: the stack has one alarm topic');
    this.alarmTopicCreated = true;
    const stack = Stack.of(this);
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    const fromThisStacksAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: `${props.alarmNamePrefix}*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        // In a key policy, "*" means this key and nothing else.
        resources: ['*'],
        conditions: fromThisStacksAlarms,
      }),
    );
    const topic = new sns.Topic(scope, id, {
      displayName: props.displayName,
      masterKey: this.key,
      enforceSSL: true,
    });
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: fromThisStacksAlarms,
      }),
    );
    return topic;
  }

  /** Read whether the key is enabled and rotates (DescribeKey, GetKeyRotationStatus); no usage. */
  public grantDescribeKey(grantee: iam.IGrantable): iam.Grant {
    return grantKeyDescribe(this.key, grantee);
  }

  /** Read objects encrypted with this key (Decrypt through S3): trail files, audit query results. */
  public grantDecryptViaS3(grantee: iam.IGrantable): iam.Grant {
    return grantKeyUse(this.key, grantee, ['kms:Decrypt'], { via: 's3' });
  }

  /** Write objects encrypted with this key (GenerateDataKey through S3): audit query results. */
  public grantEncryptViaS3(grantee: iam.IGrantable): iam.Grant {
    return grantKeyUse(this.key, grantee, ['kms:GenerateDataKey'], { via: 's3' });
  }
}
