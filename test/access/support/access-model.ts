import type { CfnTemplate } from './cfn-resolver';
import { CfnResolver, type ResolverEnv } from './cfn-resolver';

/** An IAM policy document as JSON, intrinsics resolved. */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: PolicyStatement[];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface NamedPolicy {
  readonly name: string;
  readonly policy: PolicyDocument;
}

export interface RolePolicies {
  /** Every policy attached to the role: AWS::IAM::Policy resources and inline policies. */
  readonly identityPolicies: NamedPolicy[];
  readonly trustPolicy: PolicyDocument;
}

/**
 * Every policy of a synthesized stack that decides access, intrinsics resolved, as plain JSON (so a
 * mutation test can `structuredClone` it and change one statement).
 */
export interface AccessModel {
  readonly account: string;
  readonly region: string;
  /** By role ARN. */
  readonly roles: Record<string, RolePolicies>;
  /** By bucket name. */
  readonly bucketPolicies: Record<string, PolicyDocument>;
  /** By key ARN. */
  readonly keyPolicies: Record<string, PolicyDocument>;
}

/** Builds the access model of a template; the resolver fixes every ARN (see cfn-resolver.ts). */
export function accessModelOf(template: CfnTemplate, env: ResolverEnv): { model: AccessModel; resolver: CfnResolver } {
  const resolver = new CfnResolver(template, env);
  const resources = Object.entries(template.Resources);
  const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);
  const document = (value: unknown) => resolver.resolve(value) as PolicyDocument;

  const roles: Record<string, RolePolicies> = {};
  const roleArnByName: Record<string, string> = {};
  for (const [logicalId, role] of ofType('AWS::IAM::Role')) {
    const props = role.Properties ?? {};
    if (props.ManagedPolicyArns !== undefined || props.PermissionsBoundary !== undefined) {
      // A managed policy or boundary is not in the template; evaluating without it would be a guess.
      throw new Error(`${logicalId}: managed policies and permission boundaries are not modelled`);
    }
    const inline = (props.Policies as { PolicyName: string; PolicyDocument: unknown }[] | undefined) ?? [];
    const arn = resolver.getAtt(logicalId, 'Arn');
    roleArnByName[resolver.ref(logicalId)] = arn;
    roles[arn] = {
      identityPolicies: inline.map((p) => ({ name: p.PolicyName, policy: document(p.PolicyDocument) })),
      trustPolicy: document(props.AssumeRolePolicyDocument),
    };
  }
  for (const [logicalId, policy] of ofType('AWS::IAM::Policy')) {
    const props = policy.Properties ?? {};
    if (props.Users !== undefined || props.Groups !== undefined) {
      throw new Error(`${logicalId}: policies attached to users or groups are not modelled`);
    }
    for (const roleName of resolver.resolve(props.Roles) as string[]) {
      const arn = roleArnByName[roleName];
      if (arn === undefined) throw new Error(`${logicalId} is attached to ${roleName}, which is not in the stack`);
      roles[arn]?.identityPolicies.push({ name: logicalId, policy: document(props.PolicyDocument) });
    }
  }

  const bucketPolicies: Record<string, PolicyDocument> = {};
  for (const [, policy] of ofType('AWS::S3::BucketPolicy')) {
    bucketPolicies[resolver.resolveString(policy.Properties?.Bucket)] = document(policy.Properties?.PolicyDocument);
  }

  const keyPolicies: Record<string, PolicyDocument> = {};
  for (const [logicalId, key] of ofType('AWS::KMS::Key')) {
    keyPolicies[resolver.getAtt(logicalId, 'Arn')] = document(key.Properties?.KeyPolicy);
  }

  return { model: { account: env.account, region: env.region, roles, bucketPolicies, keyPolicies }, resolver };
}

/** The statements of a policy as a list, whatever the JSON shape. */
export function listOf<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
