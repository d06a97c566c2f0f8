import { type AccessModel, listOf, type PolicyDocument, type PolicyStatement } from './access-model';
import { actionMatches } from './iam-actions';
import type { AccessRequest } from './simulate';

/**
 * Mutations of a synthesized access model: each copies the model and changes what a plausible
 * regression in lib/ would change, so a test can show the scenario that guards against it flips.
 */

type StatementRewrite = (statement: PolicyStatement) => PolicyStatement | undefined;

/** A copy of the model with one key policy rewritten. */
export function withKeyPolicy(
  model: AccessModel,
  keyArn: string,
  rewrite: (policy: PolicyDocument) => PolicyDocument,
): AccessModel {
  const policy = model.keyPolicies[keyArn];
  if (policy === undefined) throw new Error(`no key policy for ${keyArn}`);
  return { ...model, keyPolicies: { ...model.keyPolicies, [keyArn]: rewrite(structuredClone(policy)) } };
}

/** A copy of the model with one role's trust policy replaced. */
export function withTrustPolicy(model: AccessModel, roleArn: string, trustPolicy: PolicyDocument): AccessModel {
  const role = model.roles[roleArn];
  if (role === undefined) throw new Error(`no role ${roleArn}`);
  return { ...model, roles: { ...model.roles, [roleArn]: { ...role, trustPolicy } } };
}

/**
 * Rewrites what a policy gives one AWS principal: every statement that names it is split into the
 * statement without it (for the other principals) and a copy for it alone, which `rewrite` changes or
 * drops. The other principals of a shared statement keep exactly what they had.
 */
export function forPrincipal(principalArn: string, rewrite: StatementRewrite) {
  return (policy: PolicyDocument): PolicyDocument => {
    const statements = policy.Statement.flatMap((statement) => {
      const principals = listOf((statement.Principal as { AWS?: string | string[] } | undefined)?.AWS);
      if (!principals.includes(principalArn)) return [statement];
      const others = principals.filter((principal) => principal !== principalArn);
      const rest = others.length === 0 ? [] : [{ ...statement, Principal: { AWS: others } }];
      const own = rewrite({ ...statement, Principal: { AWS: principalArn } });
      return own === undefined ? rest : [...rest, own];
    });
    return { ...policy, Statement: statements };
  };
}

/** Drops one action from a statement (and the statement, if nothing is left). */
export function withoutAction(action: string): StatementRewrite {
  return (statement) => {
    const actions = listOf(statement.Action).filter((candidate) => candidate !== action);
    return actions.length === 0 ? undefined : { ...statement, Action: actions };
  };
}

/** Drops one condition key from a statement. */
export function withoutConditionKey(key: string): StatementRewrite {
  return (statement) => ({
    ...statement,
    Condition: Object.fromEntries(
      Object.entries(statement.Condition ?? {}).map(([operator, byKey]) => [
        operator,
        Object.fromEntries(Object.entries(byKey).filter(([candidate]) => candidate !== key)),
      ]),
    ),
  });
}

/** A copy of the model in which every occurrence of `from` in a bucket policy reads `to`. */
export function replacedInBucketPolicy(model: AccessModel, bucket: string, from: string, to: string): AccessModel {
  const policy = model.bucketPolicies[bucket];
  if (policy === undefined) throw new Error(`no bucket policy for ${bucket}`);
  const replaced = JSON.parse(JSON.stringify(policy).split(JSON.stringify(from).slice(1, -1)).join(to));
  return { ...model, bucketPolicies: { ...model.bucketPolicies, [bucket]: replaced } };
}

/**
 * The request and model without any Allow statement whose actions cover the request's action, in the
 * caller's IAM policies and in every resource policy: what is left of an allowed request when the
 * grants that carry it are gone.
 */
export function withoutGrantsOf(
  model: AccessModel,
  request: AccessRequest,
): { model: AccessModel; request: AccessRequest } {
  const keep = (statement: PolicyStatement) =>
    statement.Effect !== 'Allow' || !listOf(statement.Action).some((pattern) => actionMatches(pattern, request.action));
  const strip = (policy: PolicyDocument): PolicyDocument => ({ ...policy, Statement: policy.Statement.filter(keep) });
  const stripAll = (policies: Record<string, PolicyDocument>) =>
    Object.fromEntries(Object.entries(policies).map(([name, policy]) => [name, strip(policy)]));
  return {
    model: {
      ...model,
      keyPolicies: stripAll(model.keyPolicies),
      bucketPolicies: stripAll(model.bucketPolicies),
      roles: Object.fromEntries(
        Object.entries(model.roles).map(([arn, role]) => [arn, { ...role, trustPolicy: strip(role.trustPolicy) }]),
      ),
    },
    request: {
      ...request,
      identityPolicies: request.identityPolicies.map(({ name, policy }) => ({ name, policy: strip(policy) })),
    },
  };
}

/** The model without the Deny statements of its bucket and key policies. */
export function withoutResourceDenies(model: AccessModel): AccessModel {
  const allowsOnly = (policies: Record<string, PolicyDocument>) =>
    Object.fromEntries(
      Object.entries(policies).map(([name, policy]) => [
        name,
        { ...policy, Statement: policy.Statement.filter((statement) => statement.Effect === 'Allow') },
      ]),
    );
  return { ...model, bucketPolicies: allowsOnly(model.bucketPolicies), keyPolicies: allowsOnly(model.keyPolicies) };
}
