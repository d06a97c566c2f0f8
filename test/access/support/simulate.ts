// @cloud-copilot/iam-simulate and iam-policy are AGPL: devDependencies used by these tests only, never
// imported by lib/, bin/ or lambda/ (docs/design.md §15).
import { createValidatedPolicy, validateResourcePolicy, validateTrustPolicy } from '@cloud-copilot/iam-policy';
import {
  type EvaluationResult,
  type RequestAnalysis,
  runSimulation,
  runUnsafeSimulation,
  type Simulation,
  type SimulationRequestPrincipal,
} from '@cloud-copilot/iam-simulate';
import type { AccessModel, NamedPolicy, PolicyDocument } from './access-model';

/** One API call as AWS authorizes it: who, what, on which resource, with the request context it carries. */
export interface AccessRequest {
  /** A role session ARN, a service principal, or `anonymousPrincipal`. */
  readonly principal: SimulationRequestPrincipal;
  /** The caller's IAM policies (none for services and anonymous callers). */
  readonly identityPolicies: readonly NamedPolicy[];
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string>>;
}

export interface Outcome {
  readonly result: EvaluationResult;
  /** The explicit Deny statements that matched: each by Sid, or else by its condition keys. */
  readonly explicitDenies: readonly string[];
  /** Which entry point of the simulator decided (see `evaluate`). */
  readonly engine: 'validated' | 'unvalidated-for-encryption-context';
}

/**
 * The simulator's context-key validation knows `kms:EncryptionContext:${EncryptionContextKey}` but
 * only matches variable keys after a `/` (like `aws:PrincipalTag/x`), so it drops every encryption
 * context key as "not applicable" and a condition on it can never match (simulator-harness.test.ts
 * pins this down).
 */
const ENCRYPTION_CONTEXT_KEY = /^kms:EncryptionContext:/i;

/**
 * Evaluates a request against the model's policies: the principal's identity policies and the
 * resource's policy (bucket policy, key policy or role trust policy).
 *
 * Every request first goes through `runSimulation`, which validates the policies, the action, the
 * resource type and each context key. A context key the simulator ignores is a scenario error, except
 * encryption context keys: for those (and only when everything else validated), the verdict comes
 * from `runUnsafeSimulation` with the same inputs, which evaluates them as given.
 */
export async function evaluate(model: AccessModel, request: AccessRequest): Promise<Outcome> {
  const { principal, identityPolicies } = request;
  const resourcePolicy = resourcePolicyOf(model, request);
  const simulation: Simulation = {
    request: {
      principal,
      action: request.action,
      resource: { resource: request.resource, accountId: resourceAccountOf(request.resource, model.account) },
      contextVariables: { ...request.context },
    },
    identityPolicies: identityPolicies.map(({ name, policy }) => ({ name, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: resourcePolicy?.policy,
    // Every bucket of the stack blocks public access (docs/design.md §1).
    additionalSettings: { s3: { blockPublicAccess: true } },
  };

  const validated = await runSimulation(simulation, {});
  const where = `${JSON.stringify(principal)} ${request.action} ${request.resource}`;
  if (validated.resultType === 'error') {
    throw new Error(`simulation rejected (${where}): ${JSON.stringify(validated.errors)}`);
  }
  if (validated.resultType !== 'single') throw new Error(`expected one resource, got a wildcard (${where})`);
  const ignored = validated.result.ignoredContextKeys ?? [];
  const notApplicable = ignored.filter((key) => !ENCRYPTION_CONTEXT_KEY.test(key));
  if (notApplicable.length > 0) {
    throw new Error(`context keys that do not apply to ${request.action}: ${notApplicable.join(', ')} (${where})`);
  }
  if (ignored.length === 0) {
    return {
      result: validated.overallResult,
      explicitDenies: explicitDeniesOf(validated.result.analysis),
      engine: 'validated',
    };
  }
  const result = runUnsafeSimulation(
    {
      ...simulation,
      // The unvalidated entry point needs a named resource policy (it reads the name for its report).
      resourcePolicy:
        resourcePolicy &&
        createValidatedPolicy(resourcePolicy.policy, resourcePolicy.validate, { name: resourcePolicy.name }),
    },
    {},
  );
  return { result, explicitDenies: [], engine: 'unvalidated-for-encryption-context' };
}

interface ResourcePolicy {
  readonly name: string;
  readonly policy: PolicyDocument;
  readonly validate: (policy: unknown) => ReturnType<typeof validateResourcePolicy>;
}

/** The policy the resource's service consults: bucket policy, key policy or (for sts:AssumeRole) trust policy. */
function resourcePolicyOf(model: AccessModel, request: AccessRequest): ResourcePolicy | undefined {
  const { resource } = request;
  const bucket = /^arn:aws:s3:::([^/]+)/.exec(resource)?.[1];
  if (bucket !== undefined) {
    const policy = model.bucketPolicies[bucket];
    return policy && { name: `BucketPolicy:${bucket}`, policy, validate: validateResourcePolicy };
  }
  if (/^arn:aws:kms:[^:]+:\d{12}:key\//.test(resource)) {
    const policy = model.keyPolicies[resource];
    if (policy === undefined) throw new Error(`no key policy for ${resource}: every KMS key has one`);
    return { name: `KeyPolicy:${resource}`, policy, validate: validateResourcePolicy };
  }
  if (request.action.startsWith('sts:')) {
    const role = model.roles[resource];
    if (role === undefined) throw new Error(`no role ${resource} in the model`);
    return { name: `TrustPolicy:${resource}`, policy: role.trustPolicy, validate: validateTrustPolicy };
  }
  return undefined;
}

function resourceAccountOf(resource: string, bucketOwner: string): string {
  // S3 ARNs carry no account: the buckets in the model belong to the stack's account.
  return resource.split(':')[4] || bucketOwner;
}

function explicitDeniesOf(analysis: RequestAnalysis): string[] {
  const denies = [
    ...(analysis.identityAnalysis?.denyStatements ?? []),
    ...(analysis.resourceAnalysis?.denyStatements ?? []),
  ];
  return denies.map(({ statement }) => {
    const json = statement.toJSON() as { Sid?: string; Condition?: Record<string, Record<string, unknown>> };
    return (
      json.Sid ??
      Object.values(json.Condition ?? {})
        .flatMap((byKey) => Object.keys(byKey))
        .join('+')
    );
  });
}
