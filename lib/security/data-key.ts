import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  denyGrantsExceptForAwsResourcesStatement,
  denyKeyDeletionStatement,
  grantKeyDescribe,
  grantKeyUse,
  type KeyUseOptions,
  keyAdministrationStatement,
} from './key-policy';

export interface DataKeyProps {
  /** Alias of the key, e.g. `alias/trading-data-key`. */
  readonly alias: string;
  /** Who administers the key (never uses it). */
  readonly administrators: readonly iam.IPrincipal[];
  /**
   * Deny scheduling the key's deletion to everyone: set under compliance retention, where the key is
   * as much a record as the objects it encrypts. @default false
   */
  readonly denyKeyDeletion?: boolean;
}

/**
 * The customer managed key that encrypts trade data: the data lake bucket, the stream, the analytics
 * workgroup's results and the failed-batch bucket (docs/design.md §2). Its policy names no service
 * principal: S3 and Kinesis use it on behalf of a principal of docs/design.md §3, and only through the
 * `grant*` methods below, each of which writes the key-policy statement itself.
 */
export class DataKey extends Construct {
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: DataKeyProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      alias: props.alias,
      description: 'trading-data-lake: trade data (lake bucket, stream, analytics results, failed batches)',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      // Deleting the key destroys every object it encrypts, in every stage: never on stack delete.
      removalPolicy: RemovalPolicy.RETAIN,
      // Given a policy, CDK adds no statement of its own: no account-root `kms:*` (docs/design.md §2).
      policy: new iam.PolicyDocument({
        statements: [
          keyAdministrationStatement(props.administrators),
          denyGrantsExceptForAwsResourcesStatement(),
          ...((props.denyKeyDeletion ?? false) ? [denyKeyDeletionStatement()] : []),
        ],
      }),
    });
  }

  /** Encrypt new objects (GenerateDataKey) through S3. */
  public grantEncryptViaS3(grantee: iam.IGrantable): iam.Grant {
    return this.grantUse(grantee, ['kms:GenerateDataKey'], { via: 's3' });
  }

  /** Read objects (Decrypt) through S3. */
  public grantDecryptViaS3(grantee: iam.IGrantable): iam.Grant {
    return this.grantUse(grantee, ['kms:Decrypt'], { via: 's3' });
  }

  /** Put records on the given stream (GenerateDataKey through Kinesis, for that stream only). */
  public grantEncryptViaKinesis(grantee: iam.IGrantable, streamArn: string): iam.Grant {
    return this.grantUse(grantee, ['kms:GenerateDataKey'], {
      via: 'kinesis',
      encryptionContext: { 'aws:kinesis:arn': streamArn },
    });
  }

  /** Read records of the given stream (Decrypt through Kinesis, for that stream only). */
  public grantDecryptViaKinesis(grantee: iam.IGrantable, streamArn: string): iam.Grant {
    return this.grantUse(grantee, ['kms:Decrypt'], {
      via: 'kinesis',
      encryptionContext: { 'aws:kinesis:arn': streamArn },
    });
  }

  /** Read whether the key is enabled and rotates (DescribeKey, GetKeyRotationStatus); no usage. */
  public grantDescribeKey(grantee: iam.IGrantable): iam.Grant {
    return grantKeyDescribe(this.key, grantee);
  }

  private grantUse(grantee: iam.IGrantable, actions: string[], options: KeyUseOptions): iam.Grant {
    return grantKeyUse(this.key, grantee, actions, options);
  }
}
