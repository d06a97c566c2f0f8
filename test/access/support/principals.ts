import { anonymousPrincipal, type SimulationRequestPrincipal } from '@cloud-copilot/iam-simulate';
import { PROD_PRINCIPALS, TEST_ENV } from '../../support/app';
import type { AccessModel, NamedPolicy } from './access-model';
import type { StackRefs } from './synthesized-stack';

/**
 * Who makes a request in a scenario. The stack's roles carry their synthesized policies; everyone
 * else is a principal of the account (or another one) with the IAM policy named here.
 */
export type PrincipalId =
  | 'producer'
  | 'writer'
  | 'analyst'
  | 'dataEngineer'
  | 'auditor'
  | 'trailDelivery'
  | 'curation'
  | 'curationPlanner'
  | 'curationScheduler'
  | 'accountAdmin'
  | 'kmsPowerUser'
  | 'keyAdmin'
  | 'keyAdminAsAdministrator'
  | 'cdkExecRole'
  | 'outsider'
  | 'analystsSso'
  | 'dataEngineersSso'
  | 'tradingSystems'
  | 'securityAudit'
  | 'anonymous'
  | 'cloudtrail'
  | 'logs'
  | 'cloudwatch'
  | 'lambda'
  | 'states'
  | 'scheduler'
  | PermissionSetRoleId;

/**
 * The IAM Identity Center permission set that the prod access matrix trusts for the analyst role, beside
 * the exact ARN of PROD_PRINCIPALS (a list that mixes both forms).
 */
export const ANALYSTS_PERMISSION_SET = `arn:aws:iam::${TEST_ENV.account}:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Analysts_????????????????`;

const ssoRole = (account: string, home: string, roleName: string) =>
  `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/${home}${roleName}`;

/**
 * Roles that IAM Identity Center creates (or that imitate one), as `aws:PrincipalArn` carries them: the
 * role ARN with its path, which a session ARN does not show.
 */
export const PERMISSION_SET_ROLES = {
  /** The Analysts permission set's role, instance homed in eu-west-2 (the Region is in the path). */
  analystsPermissionSet: ssoRole(TEST_ENV.account, 'eu-west-2/', 'AWSReservedSSO_Analysts_0123456789abcdef'),
  /** The same, instance homed in us-east-1 (no Region segment). */
  analystsPermissionSetUsEast1: ssoRole(TEST_ENV.account, '', 'AWSReservedSSO_Analysts_0123456789abcdef'),
  /** A permission set named `Analysts_X`: what `_*` instead of the 16 `?` would admit. */
  analystsXPermissionSet: ssoRole(TEST_ENV.account, 'eu-west-2/', 'AWSReservedSSO_Analysts_X_0123456789abcdef'),
  /** A permission set named `TeamAWSReservedSSO_Analysts`: what the configured form's leading `*` would admit. */
  suffixedPermissionSet: ssoRole(
    TEST_ENV.account,
    'eu-west-2/',
    'AWSReservedSSO_TeamAWSReservedSSO_Analysts_0123456789abcdef',
  ),
  /** The Analysts permission set's role in another account. */
  otherAccountAnalystsPermissionSet: ssoRole('444444444444', 'eu-west-2/', 'AWSReservedSSO_Analysts_0123456789abcdef'),
  /** A role anyone with iam:CreateRole can make, named like the permission set's but outside the reserved path. */
  lookalikeSsoRole: `arn:aws:iam::${TEST_ENV.account}:role/AWSReservedSSO_Analysts_0123456789abcdef`,
} as const;
export type PermissionSetRoleId = keyof typeof PERMISSION_SET_ROLES;

const policy = (action: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow' as const, Action: action, Resource: '*' }],
});
/** An administrator's IAM policy (AdministratorAccess). */
export const ALLOW_EVERYTHING = policy('*');
export const ALLOW_KMS_EVERYTHING = policy('kms:*');
export const ALLOW_ASSUME_ANY_ROLE = policy('sts:AssumeRole');

/** A role session's ARN, which is what a role's request carries as its principal. */
export function sessionArnOf(roleArn: string): string {
  const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  if (match === null) throw new Error(`not a role ARN: ${roleArn}`);
  return `arn:aws:sts::${match[1]}:assumed-role/${match[2]}/access-matrix`;
}

export interface ResolvedPrincipal {
  readonly principal: SimulationRequestPrincipal;
  readonly identityPolicies: readonly NamedPolicy[];
  /**
   * What every request of this principal carries whatever it asks: for a role session, `aws:PrincipalArn`
   * (the role's ARN, path included; the simulator does not derive it from the session ARN). Services
   * and anonymous callers carry none.
   */
  readonly context: Readonly<Record<string, string>>;
}

/** The request principal and the IAM policies of a scenario's principal in a synthesized stack. */
export function resolvePrincipal(id: PrincipalId, model: AccessModel, refs: StackRefs): ResolvedPrincipal {
  const outsideRole = (arn: string, identityPolicy: NamedPolicy['policy']): ResolvedPrincipal => ({
    principal: sessionArnOf(arn),
    identityPolicies: [{ name: 'OutsidePrincipalPolicy', policy: identityPolicy }],
    context: { 'aws:PrincipalArn': arn },
  });
  const service = (name: string): ResolvedPrincipal => ({ principal: name, identityPolicies: [], context: {} });
  const first = (arns: readonly string[]) => arns[0] as string;
  switch (id) {
    case 'producer':
    case 'writer':
    case 'analyst':
    case 'dataEngineer':
    case 'auditor':
    case 'trailDelivery':
    case 'curation':
    case 'curationPlanner':
    case 'curationScheduler': {
      const arn = refs.roles[id];
      const role = model.roles[arn];
      if (role === undefined) throw new Error(`role ${arn} is not in the model`);
      return {
        principal: sessionArnOf(arn),
        identityPolicies: role.identityPolicies,
        context: { 'aws:PrincipalArn': arn },
      };
    }
    case 'accountAdmin':
      return outsideRole(`arn:aws:iam::${refs.account}:role/account-admin`, ALLOW_EVERYTHING);
    case 'kmsPowerUser':
      return outsideRole(`arn:aws:iam::${refs.account}:role/kms-power-user`, ALLOW_KMS_EVERYTHING);
    case 'keyAdmin':
      return outsideRole(first(PROD_PRINCIPALS.keyAdminPrincipals), ALLOW_KMS_EVERYTHING);
    case 'keyAdminAsAdministrator':
      // The same configured key administrator's role, holding AdministratorAccess: what S3 actions it
      // may take is the bucket policy's to limit.
      return outsideRole(first(PROD_PRINCIPALS.keyAdminPrincipals), ALLOW_EVERYTHING);
    case 'cdkExecRole':
      // The bootstrap attaches AdministratorAccess to this role by default.
      return outsideRole(
        `arn:aws:iam::${refs.account}:role/cdk-hnb659fds-cfn-exec-role-${refs.account}-${refs.region}`,
        ALLOW_EVERYTHING,
      );
    case 'outsider':
      return outsideRole('arn:aws:iam::444444444444:role/outsider', ALLOW_EVERYTHING);
    case 'analystsSso':
      return outsideRole(first(PROD_PRINCIPALS.analystPrincipals), ALLOW_ASSUME_ANY_ROLE);
    case 'dataEngineersSso':
      return outsideRole(first(PROD_PRINCIPALS.dataEngineerPrincipals), ALLOW_ASSUME_ANY_ROLE);
    case 'tradingSystems':
      return outsideRole(first(PROD_PRINCIPALS.producerPrincipals), ALLOW_ASSUME_ANY_ROLE);
    case 'securityAudit':
      return outsideRole(first(PROD_PRINCIPALS.auditorPrincipals), ALLOW_ASSUME_ANY_ROLE);
    case 'anonymous':
      return { principal: anonymousPrincipal, identityPolicies: [], context: {} };
    case 'cloudtrail':
      return service('cloudtrail.amazonaws.com');
    case 'logs':
      return service(`logs.${refs.region}.amazonaws.com`);
    case 'cloudwatch':
      return service('cloudwatch.amazonaws.com');
    case 'lambda':
      return service('lambda.amazonaws.com');
    case 'states':
      return service('states.amazonaws.com');
    case 'scheduler':
      return service('scheduler.amazonaws.com');
    case 'analystsPermissionSet':
    case 'analystsPermissionSetUsEast1':
    case 'analystsXPermissionSet':
    case 'suffixedPermissionSet':
    case 'otherAccountAnalystsPermissionSet':
    case 'lookalikeSsoRole':
      return outsideRole(PERMISSION_SET_ROLES[id], ALLOW_ASSUME_ANY_ROLE);
  }
}
