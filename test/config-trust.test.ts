import { scenario } from './access/scenarios';
import { evaluateScenario } from './access/support/access-matrix';
import type { PolicyDocument, PolicyStatement } from './access/support/access-model';
import { withTrustPolicy } from './access/support/mutations';
import { ANALYSTS_PERMISSION_SET } from './access/support/principals';
import { type SynthesizedStack, synthesizeStack } from './access/support/synthesized-stack';

// The prod access matrix proves the trust of a permission set both ways (test/access/scenarios.ts). These
// tests rewrite the synthesized trust policy of the analyst role the way a mistake in lib/security/access-roles.ts
// would, and show which of those scenarios flips: each part of the ArnLike patterns is needed.

const REGION_HOME =
  "allows the configured Analysts permission set's role (IAM Identity Center in eu-west-2) to assume the analyst role";
const US_EAST_1_HOME =
  "allows the configured Analysts permission set's role (IAM Identity Center in us-east-1, no Region in the path) to assume the analyst role";
const ANALYSTS_X = 'denies the role of a permission set named Analysts_X sts:AssumeRole into the analyst role';
const SUFFIXED =
  'denies the role of a permission set named TeamAWSReservedSSO_Analysts sts:AssumeRole into the analyst role';
const LOOKALIKE =
  'denies a role of the account named AWSReservedSSO_Analysts_… outside the reserved path sts:AssumeRole into the analyst role';
const EXACT = 'allows the configured analyst principal to assume the analyst role';

let prod: SynthesizedStack;
beforeAll(() => {
  prod = synthesizeStack('prod');
});

const trustOfAnalyst = (): PolicyDocument => {
  const role = prod.model.roles[prod.refs.roles.analyst];
  if (role === undefined) throw new Error('no analyst role');
  return role.trustPolicy;
};
const arnLikeOf = (statement: PolicyStatement): string[] | undefined =>
  (statement.Condition as { ArnLike?: { 'aws:PrincipalArn'?: string[] } } | undefined)?.ArnLike?.['aws:PrincipalArn'];

/** The analyst trust with the permission set's ArnLike values replaced. */
const withPatterns = (rewrite: (patterns: string[]) => string[] | undefined) =>
  withTrustPolicy(prod.model, prod.refs.roles.analyst, {
    ...trustOfAnalyst(),
    Statement: trustOfAnalyst().Statement.map((statement) => {
      const patterns = arnLikeOf(statement);
      if (patterns === undefined) return statement;
      const rewritten = rewrite(patterns);
      if (rewritten === undefined) {
        const { Condition: _, ...unconditioned } = statement;
        return unconditioned;
      }
      return { ...statement, Condition: { ArnLike: { 'aws:PrincipalArn': rewritten } } };
    }),
  });

const verdict = async (title: string, model = prod.model) =>
  (await evaluateScenario(scenario(title), model, prod.refs)).result;

describe('the trust of an IAM Identity Center permission set (prod analyst role)', () => {
  it('trusts an exact ARN and a permission set side by side, the latter as the account with ArnLike aws:PrincipalArn', () => {
    const statements = trustOfAnalyst().Statement;
    expect(statements).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/analysts-sso' } },
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111111111111:root' },
        Condition: {
          ArnLike: {
            'aws:PrincipalArn': [
              'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Analysts_????????????????',
              'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Analysts_????????????????',
            ],
          },
        },
      },
    ]);
  });

  it('needs both homes: without the pattern that has no Region segment, a us-east-1 instance is locked out', async () => {
    const mutated = withPatterns((patterns) => patterns.filter((pattern) => pattern.includes('/*/')));
    expect(await verdict(US_EAST_1_HOME)).toBe('Allowed');
    expect(await verdict(US_EAST_1_HOME, mutated)).toBe('ImplicitlyDenied');
    expect(await verdict(REGION_HOME, mutated)).toBe('Allowed');
  });

  it('needs the 16 ?: with _* instead, a permission set named Analysts_X assumes the role', async () => {
    const mutated = withPatterns((patterns) => patterns.map((pattern) => pattern.replace(/_\?{16}$/, '_*')));
    expect(await verdict(ANALYSTS_X)).toBe('ImplicitlyDenied');
    expect(await verdict(ANALYSTS_X, mutated)).toBe('Allowed');
  });

  it('needs one pattern per home: the configured form alone admits a permission set whose name ends in AWSReservedSSO_Analysts', async () => {
    const mutated = withPatterns(() => [ANALYSTS_PERMISSION_SET]);
    expect(await verdict(SUFFIXED)).toBe('ImplicitlyDenied');
    expect(await verdict(SUFFIXED, mutated)).toBe('Allowed');
    // The configured form does cover both homes: what it lacks is only the anchor of the role name.
    expect(await verdict(REGION_HOME, mutated)).toBe('Allowed');
    expect(await verdict(US_EAST_1_HOME, mutated)).toBe('Allowed');
  });

  it('needs the condition: without it, any role of the account with sts:AssumeRole becomes an analyst', async () => {
    const mutated = withPatterns(() => undefined);
    expect(await verdict(LOOKALIKE)).toBe('ImplicitlyDenied');
    expect(await verdict(LOOKALIKE, mutated)).toBe('Allowed');
    expect(await verdict(ANALYSTS_X, mutated)).toBe('Allowed');
  });

  it('keeps the exact ARN of a mixed list working whatever the permission-set statement says', async () => {
    expect(
      await verdict(
        EXACT,
        withPatterns(() => ['arn:aws:iam::111111111111:role/nobody']),
      ),
    ).toBe('Allowed');
  });
});
