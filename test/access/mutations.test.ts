import type { Stage } from '../../lib/config';
import { ALL_SCENARIOS, appliesTo, scenario } from './scenarios';
import { evaluateScenario, requestOf } from './support/access-matrix';
import type { AccessModel } from './support/access-model';
import {
  forPrincipal,
  replacedInBucketPolicy,
  withKeyPolicy,
  withoutAction,
  withoutConditionKey,
  withoutGrantsOf,
  withoutResourceDenies,
  withTrustPolicy,
} from './support/mutations';
import { writerPut } from './support/request-context';
import { evaluate } from './support/simulate';
import { type SynthesizedStack, synthesizeStack } from './support/synthesized-stack';

// Each scenario must be able to fail. These tests change the synthesized policies the way a regression
// in lib/ would, and show that the scenario guarding against it flips.

const WRITER_ENCRYPTS = 'allows the writer GenerateDataKey with the data key via S3 for the lake bucket';
const WRITER_ENCRYPTS_FAILED_BATCHES =
  'allows the writer GenerateDataKey with the data key via S3 for the failed-batch bucket';
const WRITER_DECRYPTS_STREAM = 'allows the writer Decrypt with the data key via Kinesis for the trade stream';
const WRITER_PUTS = 'allows the writer PutObject on trades/ with SSE-KMS and the data key ARN';
const WRITER_DECRYPT_DIRECT =
  'denies the writer Decrypt with the data key without kms:ViaService, although its IAM policy allows it';
const ADMIN_DECRYPTS =
  'denies an IAM admin (* on *) Decrypt with the data key via S3: the key policy delegates no usage to IAM';

const STAGES: readonly Stage[] = ['dev', 'prod'];
const stacks = {} as Record<Stage, SynthesizedStack>;
beforeAll(() => {
  for (const stage of STAGES) stacks[stage] = synthesizeStack(stage);
});

/** The dev model with what the data key policy gives the writer rewritten (or, with `undefined`, removed). */
const writersDataKeyGrant = (rewrite: Parameters<typeof forPrincipal>[1]) =>
  withKeyPolicy(stacks.dev.model, stacks.dev.refs.dataKeyArn, forPrincipal(stacks.dev.refs.roles.writer, rewrite));

const verdict = async (title: string, model: AccessModel, stage: Stage = 'dev') =>
  (await evaluateScenario(scenario(title), model, stacks[stage].refs)).result;

describe('mutations of the synthesized policies (dev)', () => {
  it("removing kms:GenerateDataKey from the writer's key-policy statement denies the writer's encrypted writes", async () => {
    const { model } = stacks.dev;
    const mutated = writersDataKeyGrant(withoutAction('kms:GenerateDataKey'));
    expect(await verdict(WRITER_ENCRYPTS, model)).toBe('Allowed');
    expect(await verdict(WRITER_ENCRYPTS, mutated)).toBe('ImplicitlyDenied');
    expect(await verdict(WRITER_ENCRYPTS_FAILED_BATCHES, mutated)).toBe('ImplicitlyDenied');
    // Precise: the writer's other grant and the other principals of the shared statement are untouched.
    expect(await verdict(WRITER_DECRYPTS_STREAM, mutated)).toBe('Allowed');
    expect(
      await verdict('allows the analyst GenerateDataKey with the data key via S3 for the results bucket', mutated),
    ).toBe('Allowed');
  });

  it('removing the writer from the data key policy denies its KMS calls, although its IAM policy still allows them', async () => {
    const { refs } = stacks.dev;
    const mutated = writersDataKeyGrant(() => undefined);
    for (const title of [WRITER_ENCRYPTS, WRITER_ENCRYPTS_FAILED_BATCHES, WRITER_DECRYPTS_STREAM]) {
      expect(await verdict(title, mutated)).toBe('ImplicitlyDenied');
    }
    const writerIamActions = (mutated.roles[refs.roles.writer]?.identityPolicies ?? []).flatMap((p) =>
      p.policy.Statement.flatMap((s) => s.Action ?? []),
    );
    expect(writerIamActions).toEqual(expect.arrayContaining(['kms:GenerateDataKey', 'kms:Decrypt']));
  });

  it("naming the alias instead of the key ARN in the bucket policy's key-id condition denies the writer's correct PutObject", async () => {
    const { model, refs } = stacks.dev;
    const mutated = replacedInBucketPolicy(model, refs.buckets.lake, refs.dataKeyArn, refs.dataKeyAlias);
    const outcome = await evaluateScenario(scenario(WRITER_PUTS), mutated, refs);
    expect(outcome).toMatchObject({ result: 'ExplicitlyDenied', explicitDenies: ['DenyPutObjectWithOtherKey'] });
  });

  it("sending the alias instead of the key ARN in the writer's request turns its PutObject to denied", async () => {
    const { model, refs } = stacks.dev;
    const request = requestOf(scenario(WRITER_PUTS), model, refs);
    expect((await evaluate(model, request)).result).toBe('Allowed');
    const withAlias = { ...request, context: writerPut(refs.dataKeyAlias) };
    expect((await evaluate(model, withAlias)).result).toBe('ExplicitlyDenied');
  });

  it("dropping kms:ViaService from the writer's Kinesis statement would let it Decrypt outside Kinesis", async () => {
    const { model } = stacks.dev;
    const mutated = writersDataKeyGrant(withoutConditionKey('kms:ViaService'));
    expect(await verdict(WRITER_DECRYPT_DIRECT, model)).toBe('ImplicitlyDenied');
    expect(await verdict(WRITER_DECRYPT_DIRECT, mutated)).toBe('Allowed');
  });

  it("CDK's default key statement (account root, kms:*) would let an IAM admin decrypt trade data", async () => {
    const { model, refs } = stacks.dev;
    const mutated = withKeyPolicy(model, refs.dataKeyArn, (policy) => ({
      ...policy,
      Statement: [
        ...policy.Statement,
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${refs.account}:root` }, Action: 'kms:*', Resource: '*' },
      ],
    }));
    expect(await verdict(ADMIN_DECRYPTS, model)).toBe('ImplicitlyDenied');
    expect(await verdict(ADMIN_DECRYPTS, mutated)).toBe('Allowed');
  });
});

describe('mutations of the synthesized policies (prod)', () => {
  it('a trust policy that trusted the account root would let an IAM admin assume the analyst role', async () => {
    const { model, refs } = stacks.prod;
    const title = 'denies an IAM admin (* on *) sts:AssumeRole into the analyst role';
    const mutated = withTrustPolicy(model, refs.roles.analyst, {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${refs.account}:root` }, Action: 'sts:AssumeRole' },
      ],
    });
    expect(await verdict(title, model, 'prod')).toBe('ImplicitlyDenied');
    expect(await verdict(title, mutated, 'prod')).toBe('Allowed');
  });

  it('the CreateGrant Deny holds even if the administration statement gained kms:CreateGrant', async () => {
    const { model, refs } = stacks.prod;
    const title = 'denies the configured key administrator CreateGrant on the data key';
    const withGrantAdmin = withKeyPolicy(model, refs.dataKeyArn, (policy) => ({
      ...policy,
      Statement: policy.Statement.map((statement) =>
        statement.Sid === 'KeyAdministration'
          ? { ...statement, Action: [...(statement.Action as string[]), 'kms:CreateGrant'] }
          : statement,
      ),
    }));
    const outcome = await evaluateScenario(scenario(title), withGrantAdmin, refs);
    expect(outcome).toMatchObject({ result: 'ExplicitlyDenied', explicitDenies: ['DenyGrantsExceptForAwsResources'] });
    expect((await evaluateScenario(scenario(title), withoutResourceDenies(withGrantAdmin), refs)).result).toBe(
      'Allowed',
    );
  });

  it('an account root among the key administrators would let a role with IAM kms:* rewrite the key policy', async () => {
    const { model, refs } = stacks.prod;
    const title = 'denies a role with IAM kms:* PutKeyPolicy on the data key (the account root does not administer)';
    const mutated = withKeyPolicy(model, refs.dataKeyArn, (policy) => ({
      ...policy,
      Statement: policy.Statement.map((statement) =>
        statement.Sid === 'KeyAdministration'
          ? { ...statement, Principal: { AWS: `arn:aws:iam::${refs.account}:root` } }
          : statement,
      ),
    }));
    expect(await verdict(title, model, 'prod')).toBe('ImplicitlyDenied');
    expect(await verdict(title, mutated, 'prod')).toBe('Allowed');
  });
});

describe.each(STAGES)('every scenario can fail (%s)', (stage) => {
  const applicable = ALL_SCENARIOS.filter(
    (candidate) => appliesTo(candidate, stage) && candidate.knownBug === undefined,
  );

  it.each(
    applicable.filter((candidate) => candidate.expect === 'allowed').map((candidate) => [candidate.title, candidate]),
  )('without the grants of its action, this is denied: %s', async (_, allowed) => {
    const { model, refs } = stacks[stage];
    const stripped = withoutGrantsOf(model, requestOf(allowed, model, refs));
    expect((await evaluate(stripped.model, stripped.request)).result).not.toBe('Allowed');
  });

  it.each(
    applicable.filter((candidate) => candidate.deniedBy !== undefined).map((candidate) => [candidate.title, candidate]),
  )(
    'without the Deny statements, this would be allowed (or, for a Deny in depth, still implicitly denied): %s',
    async (_, denied) => {
      const { model, refs } = stacks[stage];
      expect((await evaluateScenario(denied, withoutResourceDenies(model), refs)).result).toBe(
        denied.implicitlyDeniedToo ? 'ImplicitlyDenied' : 'Allowed',
      );
    },
  );
});
