import { type CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';

/**
 * Helpers to acknowledge the findings of cdk-nag and of the AWS Control Tower proactive controls
 * (cdk-validator-cfnguard) (docs/design.md §15) through CDK's own `Validations` API, so code that deploys
 * imports neither validator. Each caller passes the reason, next to the construct the finding concerns.
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

/**
 * The name of the cdk-validator-cfnguard plugin: CDK matches an acknowledgement to a plugin's
 * violation by `<plugin name>::<rule name>`.
 */
export const CFN_GUARD_PLUGIN = 'cdk-validator-cfnguard';

/** An AWS Control Tower proactive control, and the guard rule that cdk-validator-cfnguard reports it by. */
export interface ControlTowerControl {
  /** The control's id in the Control Tower documentation, e.g. `CT.S3.PR.9`. */
  readonly control: string;
  /** The name of the guard rule that checks it (the plugin reports this name, not the control id). */
  readonly guardRule: string;
}

/** The Control Tower proactive controls this design acknowledges somewhere. */
export const CONTROL_TOWER = {
  lambdaInVpc: { control: 'CT.LAMBDA.PR.3', guardRule: 'lambda_inside_vpc_check' },
  bucketLogging: { control: 'CT.S3.PR.2', guardRule: 's3_bucket_logging_enabled_check' },
  bucketEventNotifications: { control: 'CT.S3.PR.4', guardRule: 's3_event_notifications_enabled_check' },
  bucketObjectLock: { control: 'CT.S3.PR.9', guardRule: 's3_bucket_object_lock_enabled_check' },
  bucketDefaultKms: { control: 'CT.S3.PR.10', guardRule: 's3_bucket_default_encryption_kms_check' },
  stateMachineLogging: {
    control: 'CT.STEPFUNCTIONS.PR.1',
    guardRule: 'step_functions_state_machine_logging_enabled_check',
  },
} as const satisfies Record<string, ControlTowerControl>;

/** A cdk-nag rule id, or a Control Tower control. */
export type AcknowledgedRule = string | ControlTowerControl;

/** The id under which CDK records an acknowledgement of `rule`. */
export function acknowledgementId(rule: AcknowledgedRule): string {
  return typeof rule === 'string' ? rule : `${CFN_GUARD_PLUGIN}::${rule.guardRule}`;
}

/** Acknowledges each rule on `scope` (and so on every resource below it) with one reason. */
export function acknowledge(scope: IConstruct, rules: readonly AcknowledgedRule[], reason: string): void {
  for (const rule of rules) Validations.of(scope).acknowledge({ id: acknowledgementId(rule), reason });
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
