/**
 * Who may assume a role, as its trust policy says it: pure, no aws-cdk-lib, so that the configuration
 * can check a trust policy's size before any construct exists (lib/config.ts), and the roles are built
 * from the same grouping (`trustOf` in access-roles.ts).
 */

// The role IAM Identity Center creates for a permission set lives under this reserved path, which no one
// else can create roles under; `*` stands for the Region segment, which an instance homed in us-east-1
// leaves out, and the 16 `?` for the suffix that changes when the permission set is reassigned.
// Permission-set names: 1 to 32 of [\w+=,.@-] (IAM Identity Center CreatePermissionSet).
const PERMISSION_SET_PATTERN =
  /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/aws-reserved\/sso\.amazonaws\.com\/\*AWSReservedSSO_([\w+=,.@-]{1,32})_\?{16}$/;

/** An IAM Identity Center permission set named as a principal: its roles in one account, in either home. */
export interface PermissionSetPattern {
  readonly partition: string;
  readonly account: string;
  readonly permissionSetName: string;
  /** The pattern as configured. */
  readonly pattern: string;
}

/** The permission set a principal pattern names, or undefined for an exact ARN. */
export function permissionSetPatternOf(principal: string): PermissionSetPattern | undefined {
  const match = PERMISSION_SET_PATTERN.exec(principal);
  if (match === null) return undefined;
  const [, partition, account, permissionSetName] = match as unknown as [string, string, string, string];
  return { partition, account, permissionSetName, pattern: principal };
}

/**
 * The ARNs a permission set's role can have, as ArnLike patterns. IAM Identity Center puts the role under
 * `aws-reserved/sso.amazonaws.com/`, followed by the instance's Region unless the instance is homed in
 * us-east-1. The configured form `sso.amazonaws.com/*AWSReservedSSO_<name>_<16 ?>` covers both homes, but
 * its leading `*` would also match the role of a permission set whose own name ends in
 * `AWSReservedSSO_<name>`; with one pattern per home, the role's name must be exactly
 * `AWSReservedSSO_<name>_` and the 16-character suffix (a role name holds no `/`).
 */
export function roleArnPatternsOf(permissionSet: PermissionSetPattern): string[] {
  const { partition, account, permissionSetName } = permissionSet;
  const path = `arn:${partition}:iam::${account}:role/aws-reserved/sso.amazonaws.com`;
  const roleName = `AWSReservedSSO_${permissionSetName}_${'?'.repeat(16)}`;
  return [`${path}/${roleName}`, `${path}/*/${roleName}`];
}

/** The principals of a trust policy, grouped as its statements hold them. */
export interface TrustedPrincipals {
  /** Exact ARNs, each once: one statement names them all. */
  readonly exact: readonly string[];
  /** Per account, in the order first configured: its root with an ArnLike condition of these patterns. */
  readonly permissionSets: readonly {
    readonly partition: string;
    readonly account: string;
    readonly patterns: readonly string[];
  }[];
}

/**
 * Groups configured principals as the trust policy names them: each exact ARN as it is, and each
 * permission set as its account with an `ArnLike` condition on `aws:PrincipalArn` (IAM Identity
 * Center, "Referencing permission sets in resource policies"): the role's name ends in a suffix that
 * changes whenever the permission set is reassigned, and a trust policy cannot name a principal with
 * a wildcard.
 */
export function groupTrustedPrincipals(principals: readonly string[]): TrustedPrincipals {
  const exact = new Set<string>();
  const byAccount = new Map<string, { partition: string; account: string; patterns: Set<string> }>();
  for (const principal of principals) {
    const permissionSet = permissionSetPatternOf(principal);
    if (permissionSet === undefined) {
      if (/[*?]/.test(principal)) throw new Error(`a trust policy cannot name a wildcard principal: ${principal}`);
      exact.add(principal);
      continue;
    }
    const { partition, account } = permissionSet;
    const group = byAccount.get(account) ?? { partition, account, patterns: new Set<string>() };
    for (const pattern of roleArnPatternsOf(permissionSet)) group.patterns.add(pattern);
    byAccount.set(account, group);
  }
  return {
    exact: [...exact],
    permissionSets: [...byAccount.values()].map(({ partition, account, patterns }) => ({
      partition,
      account,
      patterns: [...patterns],
    })),
  };
}

/**
 * IAM's "Role trust policy length" quota, in characters: 2,048 unless raised through Service Quotas, at
 * most 4,096 (IAM and AWS STS quotas). IAM counts no whitespace.
 */
export const ROLE_TRUST_POLICY_QUOTA = { default: 2048, max: 4096 } as const;

/**
 * The trust policy of configured principals as the stack deploys it, with the partition the ARNs
 * name in place of `AWS::Partition` (aws-cdk-lib renders it with `@aws-cdk/aws-iam:minimizePolicies`,
 * cdk.json: one statement for every exact ARN, a string when there is one; one per account of
 * permission sets). test/security/trust-policy.test.ts holds it equal to the synthesized one.
 */
export function trustPolicyDocumentOf(principals: readonly string[]): Record<string, unknown> {
  const { exact, permissionSets } = groupTrustedPrincipals(principals);
  const assume = { Action: 'sts:AssumeRole' };
  const statements: Record<string, unknown>[] = [];
  if (exact.length > 0) {
    statements.push({ ...assume, Effect: 'Allow', Principal: { AWS: exact.length === 1 ? exact[0] : exact } });
  }
  for (const { partition, account, patterns } of permissionSets) {
    statements.push({
      ...assume,
      Condition: { ArnLike: { 'aws:PrincipalArn': patterns } },
      Effect: 'Allow',
      Principal: { AWS: `arn:${partition}:iam::${account}:root` },
    });
  }
  return { Statement: statements, Version: '2012-10-17' };
}

/** How many characters IAM counts in the trust policy of these principals (JSON without whitespace). */
export function trustPolicyLength(principals: readonly string[]): number {
  return JSON.stringify(trustPolicyDocumentOf(principals)).length;
}
