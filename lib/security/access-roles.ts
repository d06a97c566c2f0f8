import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge, NAG } from '../acknowledgements';
import { groupTrustedPrincipals } from './trust-policy';

/**
 * Who may assume a role: exact IAM ARNs, or IAM Identity Center permission-set patterns
 * (`permissionSetPatternOf` in trust-policy.ts). Empty = this account (dev only: config refuses it in prod).
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
 * The trust of a role: the principals grouped as trust-policy.ts groups them (so that the size the
 * configuration checks is the size deployed), or this account when none are configured.
 */
export function trustOf(principals: readonly string[]): iam.IPrincipal {
  if (principals.length === 0) return new iam.AccountRootPrincipal();
  const { exact, permissionSets } = groupTrustedPrincipals(principals);
  const byPermissionSet = permissionSets.map(({ account, patterns }) =>
    new iam.AccountPrincipal(account).withConditions({ ArnLike: { 'aws:PrincipalArn': [...patterns] } }),
  );
  // Each principal with conditions becomes a statement of its own in the trust policy.
  return new iam.CompositePrincipal(...exact.map((arn) => new iam.ArnPrincipal(arn)), ...byPermissionSet);
}
