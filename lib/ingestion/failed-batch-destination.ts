import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledgeOnGrantee, objectWildcardFinding } from '../acknowledgements';

/**
 * On-failure destination of the writer's event source mapping: the failed-batch bucket.
 *
 * aws-cdk-lib's `S3OnFailureDestination` grants the function read and write on the bucket (GetObject
 * and DeleteObject too); this one grants only what Lambda needs to record a batch it gave up on, so
 * the writer stays write-only (docs/design.md §14).
 */
export class FailedBatchBucketDestination implements lambda.IEventSourceDlq {
  constructor(private readonly bucket: s3.IBucket) {}

  public bind(_target: lambda.IEventSourceMapping, targetHandler: lambda.IFunction): lambda.DlqDestinationConfig {
    iam.Grant.addToPrincipal({
      grantee: targetHandler,
      actions: ['s3:PutObject'],
      // Lambda names the objects itself; any key in this bucket is a failed-batch record.
      resourceArns: [this.bucket.arnForObjects('*')],
    });
    iam.Grant.addToPrincipal({
      grantee: targetHandler,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
    });
    acknowledgeOnGrantee(
      targetHandler,
      [objectWildcardFinding(this.bucket, '*')],
      'Lambda names the failed-batch objects itself; the wildcard covers only this bucket, which holds nothing else, and only PutObject.',
    );
    return { destination: this.bucket.bucketArn };
  }
}
