import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge, NAG } from '../acknowledgements';
import { type PermissionSetPattern, permissionSetPatternOf } from '../config';

/**
 * Who may assume a role: exact IAM ARNs, or IAM Identity Center permission-set patterns
 * (`permissionSetPatternOf` in config.ts). Empty = this account (dev only: config refuses it in prod).
 */
export interface AccessRolesProps {
  readonly producerPrincipals: readonly string[];
  readonly analystPrincipals: readonly string[];
  readonly dataEngineerPrincipals: readonly string[];
  readonly auditorPrincipals: readonly string[];
}

/**
 * The human and system roles of docs/design.md §3. They carry no permissions of their own here: each gets
 * exactly its row of the access matrix from the `grant*` methods of the constructs it uses, which
 * put the statements in separate AWS::IAM::Policy resources (an inline policy naming the bucket
 * would close the cycle role -> bucket -> key -> role, docs/design.md §14).
 */
export class AccessRoles extends Construct {
  /** Trading systems: put trades on the stream. */
  public readonly producer: iam.Role;
  /** Analysts: query trades in the analytics workgroup. */
  public readonly analyst: iam.Role;
  /** Data engineers: everything an analyst has, plus quarantine, the stream and failed batches. */
  public readonly dataEngineer: iam.Role;
  /** Security team: read the trail. */
  public readonly auditor: iam.Role;

  constructor(scope: Construct, id: string, props: AccessRolesProps) {
    super(scope, id);
    this.producer = this.role(
      'ProducerRole',
      'Trading systems: put trades on the trade stream',
      props.producerPrincipals,
    );
    this.analyst = this.role(
      'AnalystRole',
      'Analysts: query trades in the analytics workgroup',
      props.analystPrincipals,
    );
    this.dataEngineer = this.role(
      'DataEngineerRole',
      'Data engineers: query trades and quarantine, read the stream and failed batches',
      props.dataEngineerPrincipals,
    );
    this.auditor = this.role(
      'AuditorRole',
      'Security team: read the CloudTrail trail of the data lake',
      props.auditorPrincipals,
    );
  }

  private role(id: string, description: string, principals: readonly string[]): iam.Role {
    const assumedBy = trustOf(principals);
    const role = new iam.Role(this, id, { assumedBy, description, maxSessionDuration: Duration.hours(1) });
    acknowledge(
      role,
      NAG.inlinePolicy,
      'The role has no inline policy: its grants are a separate AWS::IAM::Policy (CDK default policy) attached to it alone, required so the key policies can name the role without a cycle (docs/design.md §14).',
    );
    return role;
  }
}

/**
 * The trust of a role: each exact ARN as it is, and each permission set as its account with an `ArnLike`
 * condition on `aws:PrincipalArn` (IAM Identity Center, "Referencing permission sets in resource
 * policies"): the role's name ends in a suffix that changes whenever the permission set is reassigned, and
 * a trust policy cannot name a principal with a wildcard.
 */
export function trustOf(principals: readonly string[]): iam.IPrincipal {
  if (principals.length === 0) return new iam.AccountRootPrincipal();
  const exact: iam.IPrincipal[] = [];
  const permissionSetsByAccount = new Map<string, PermissionSetPattern[]>();
  for (const principal of principals) {
    const permissionSet = permissionSetPatternOf(principal);
    if (permissionSet === undefined) {
      if (/[*?]/.test(principal)) throw new Error(`a trust policy cannot name a wildcard principal: ${principal}`);
      exact.push(new iam.ArnPrincipal(principal));
      continue;
    }
    const sameAccount = permissionSetsByAccount.get(permissionSet.account) ?? [];
    permissionSetsByAccount.set(permissionSet.account, [...sameAccount, permissionSet]);
  }
  const byPermissionSet = [...permissionSetsByAccount].map(([account, permissionSets]) =>
    new iam.AccountPrincipal(account).withConditions({
      ArnLike: { 'aws:PrincipalArn': permissionSets.flatMap(roleArnPatternsOf) },
    }),
  );
  // Each principal with conditions becomes a statement of its own in the trust policy.
  return new iam.CompositePrincipal(...exact, ...byPermissionSet);
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
