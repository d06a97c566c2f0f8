import { type CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';

/**
 * Helpers to acknowledge cdk-nag findings (DESIGN §9) through CDK's own `Validations` API, so code
 * that deploys needs no cdk-nag import. Each caller passes the reason, next to the construct the
 * finding concerns.
 */

/** cdk-nag's rule ids for the findings this design acknowledges. */
export const NAG = {
  inlinePolicy: [
    'HIPAA.Security-IAMNoInlinePolicy',
    'NIST.800.53.R5-IAMNoInlinePolicy',
    'PCI.DSS.321-IAMNoInlinePolicy',
  ],
  bucketReplication: [
    'HIPAA.Security-S3BucketReplicationEnabled',
    'NIST.800.53.R5-S3BucketReplicationEnabled',
    'PCI.DSS.321-S3BucketReplicationEnabled',
  ],
  bucketDefaultKms: [
    'HIPAA.Security-S3DefaultEncryptionKMS',
    'NIST.800.53.R5-S3DefaultEncryptionKMS',
    'PCI.DSS.321-S3DefaultEncryptionKMS',
  ],
  bucketLogging: [
    'AwsSolutions-S1',
    'HIPAA.Security-S3BucketLoggingEnabled',
    'NIST.800.53.R5-S3BucketLoggingEnabled',
    'PCI.DSS.321-S3BucketLoggingEnabled',
  ],
  lambdaInVpc: ['HIPAA.Security-LambdaInsideVPC', 'NIST.800.53.R5-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC'],
  lambdaDlq: ['HIPAA.Security-LambdaDLQ', 'NIST.800.53.R5-LambdaDLQ', 'Serverless-LambdaDLQ'],
  lambdaConcurrency: ['HIPAA.Security-LambdaConcurrency', 'NIST.800.53.R5-LambdaConcurrency'],
  kinesisCustomerKey: ['AwsSolutions-KDS3'],
} as const;

/** Acknowledges each rule id on `scope` (and so on every resource below it) with one reason. */
export function acknowledge(scope: IConstruct, ids: readonly string[], reason: string): void {
  for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
}

/** The AwsSolutions-IAM5 finding id for a statement on `<bucket ARN>/<suffix>`. */
export function objectWildcardFinding(bucket: s3.IBucket, suffix: string): string {
  const cfnBucket = bucket.node.defaultChild as CfnResource;
  const logicalId = Stack.of(bucket).resolve(cfnBucket.logicalId);
  return `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${suffix}]`;
}

/**
 * Acknowledges findings on the grantee's role (the parent of the DefaultPolicy that the grant
 * writes to), the narrowest construct that exists when the grant is made.
 */
export function acknowledgeOnGrantee(grantee: iam.IGrantable, ids: readonly string[], reason: string): void {
  const principal = grantee.grantPrincipal;
  if (Construct.isConstruct(principal)) acknowledge(principal, ids, reason);
}
