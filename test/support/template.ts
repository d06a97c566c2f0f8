import { CfnElement, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';

/** A policy statement as it appears in a synthesized template. */
export interface TemplateStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: unknown;
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The logical id of an L2 construct's CloudFormation resource, or of an L1 resource itself. */
export function logicalIdOf(construct: IConstruct): string {
  const resource = (CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild) as CfnElement;
  return Stack.of(construct).resolve(resource.logicalId);
}

export function resourceProps(template: Template, logicalId: string): Record<string, any> {
  const resource = template.toJSON().Resources[logicalId];
  if (!resource) throw new Error(`no resource ${logicalId} in template`);
  return resource.Properties ?? {};
}

export function resourcesOfType(template: Template, type: string): Record<string, any> {
  return template.findResources(type);
}

export function keyPolicyStatements(template: Template, keyLogicalId: string): TemplateStatement[] {
  return resourceProps(template, keyLogicalId).KeyPolicy.Statement;
}

/** Statements of the bucket policy attached to the bucket with this logical id. */
export function bucketPolicyStatements(template: Template, bucketLogicalId: string): TemplateStatement[] {
  const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter(
    (policy: any) => policy.Properties.Bucket?.Ref === bucketLogicalId,
  );
  if (policies.length !== 1)
    throw new Error(`expected one bucket policy for ${bucketLogicalId}, got ${policies.length}`);
  return (policies[0] as any).Properties.PolicyDocument.Statement;
}

/** Statements of every AWS::IAM::Policy attached to the role with this logical id. */
export function identityStatements(template: Template, roleLogicalId: string): TemplateStatement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy: any) => asArray(policy.Properties.Roles).some((role: any) => role.Ref === roleLogicalId))
    .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
}

export function actionsOf(statement: TemplateStatement): string[] {
  return asArray(statement.Action);
}

/** The AWS principals of a statement, as template values (strings or intrinsics). */
export function awsPrincipals(statement: TemplateStatement): unknown[] {
  const principal = statement.Principal as { AWS?: unknown } | undefined;
  return asArray(principal?.AWS as unknown[]);
}

export function servicePrincipals(statement: TemplateStatement): string[] {
  const principal = statement.Principal as { Service?: string | string[] } | undefined;
  return asArray(principal?.Service);
}

/** `{ "Fn::GetAtt": [logicalId, "Arn"] }`, as a role appears in a key policy. */
export function getAttArn(logicalId: string): unknown {
  return { 'Fn::GetAtt': [logicalId, 'Arn'] };
}

export const KMS_USAGE = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt', 'kms:GenerateDataKey'];

/** Whether an action (maybe a wildcard such as `kms:ReEncrypt*`) grants key usage. */
export function isUsageAction(action: string): boolean {
  if (action === '*' || action === 'kms:*') return true;
  return KMS_USAGE.some((usage) => action.startsWith(usage) || usage.startsWith(action.replace(/\*$/, '')));
}
