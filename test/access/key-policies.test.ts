import type { Stage } from '../../lib/config';
import { PROD_PRINCIPALS } from '../support/app';
import { listOf, type PolicyDocument, type PolicyStatement } from './support/access-model';
import { expandActions } from './support/iam-actions';
import { type SynthesizedStack, synthesizeStack } from './support/synthesized-stack';

// DESIGN §2a, statement by statement, on the synthesized key policies of both stages. The access
// matrix shows what these statements allow; this file shows that nothing else is in them.

/** Every KMS action that uses key material (or lets someone else use it: CreateGrant). */
const CRYPTOGRAPHIC = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
  'kms:Sign',
  'kms:Verify',
  'kms:GenerateMac',
  'kms:VerifyMac',
  'kms:DeriveSharedSecret',
];

/**
 * DESIGN §2a's administration actions, as written there. Deliberately not imported from
 * lib/key-policy.ts: a test that read lib's constant would agree with any change made to it.
 */
const ADMINISTRATION = [
  'kms:Describe*',
  'kms:Enable*',
  'kms:Disable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Get*',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

const CDK_EXEC_ROLE = 'arn:aws:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-eu-west-1';
const ACCOUNT_ROOT = 'arn:aws:iam::111111111111:root';

function principalsOf(statement: PolicyStatement): string[] {
  const principal = statement.Principal;
  if (principal === '*' || principal === undefined || typeof principal !== 'object') {
    throw new Error(`a key policy statement must name its principals: ${JSON.stringify(statement)}`);
  }
  return Object.values(principal as Record<string, string | string[]>).flatMap((value) => listOf(value));
}

/** The cryptographic actions each principal gets from a key policy, wildcards expanded. */
async function usageByPrincipal(policy: PolicyDocument): Promise<Record<string, string[]>> {
  const cryptographic = new Set(await expandActions(CRYPTOGRAPHIC));
  const usage: Record<string, Set<string>> = {};
  for (const statement of policy.Statement.filter((s) => s.Effect === 'Allow')) {
    const granted = (await expandActions(listOf(statement.Action))).filter((action) => cryptographic.has(action));
    if (granted.length === 0) continue;
    for (const principal of principalsOf(statement)) {
      usage[principal] = new Set([...(usage[principal] ?? []), ...granted]);
    }
  }
  return Object.fromEntries(Object.entries(usage).map(([principal, actions]) => [principal, [...actions].sort()]));
}

const STAGES: readonly Stage[] = ['dev', 'prod'];
const stacks = {} as Record<Stage, SynthesizedStack>;
beforeAll(() => {
  for (const stage of STAGES) stacks[stage] = synthesizeStack(stage);
});

const dataKeyPolicy = (stage: Stage) =>
  stacks[stage].model.keyPolicies[stacks[stage].refs.dataKeyArn] as PolicyDocument;
const auditKeyPolicy = (stage: Stage) =>
  stacks[stage].model.keyPolicies[stacks[stage].refs.auditKeyArn] as PolicyDocument;
const bothKeyPolicies = (stage: Stage) => [dataKeyPolicy(stage), auditKeyPolicy(stage)];
const statementsOf = (stage: Stage) => bothKeyPolicies(stage).flatMap((policy) => policy.Statement);
const administrationOf = (policy: PolicyDocument) => policy.Statement.find((s) => s.Sid === 'KeyAdministration');

describe.each(STAGES)('key policies (%s)', (stage) => {
  it('hold only hand-written Allow statements with explicit principals and actions (no NotAction, NotPrincipal or Principal "*")', () => {
    for (const statement of statementsOf(stage)) {
      expect(statement.Effect).toBe('Allow');
      expect(statement.NotAction).toBeUndefined();
      expect(statement).not.toHaveProperty('NotPrincipal');
      expect(principalsOf(statement).length).toBeGreaterThan(0);
      expect(listOf(statement.Action).length).toBeGreaterThan(0);
    }
  });

  it('never allow kms:* or *', () => {
    for (const statement of statementsOf(stage)) {
      expect(listOf(statement.Action)).not.toContain('kms:*');
      expect(listOf(statement.Action)).not.toContain('*');
    }
  });

  it('name only real KMS actions (every pattern matches at least one)', async () => {
    for (const statement of statementsOf(stage)) await expandActions(listOf(statement.Action));
  });

  it('give no one kms:CreateGrant', async () => {
    for (const statement of statementsOf(stage)) {
      expect(await expandActions(listOf(statement.Action))).not.toContain('kms:CreateGrant');
    }
  });

  it('administer each key by the explicit actions of DESIGN §2a, none of which uses the key', async () => {
    const cryptographic = await expandActions(CRYPTOGRAPHIC);
    for (const policy of bothKeyPolicies(stage)) {
      const administration = administrationOf(policy);
      expect(listOf(administration?.Action).sort()).toEqual([...ADMINISTRATION].sort());
      const expanded = await expandActions(listOf(administration?.Action));
      expect(expanded.filter((action) => cryptographic.includes(action))).toEqual([]);
    }
  });

  it('give the data key to the principals of DESIGN §3 only, and to no service principal', async () => {
    const { roles } = stacks[stage].refs;
    expect(await usageByPrincipal(dataKeyPolicy(stage))).toEqual({
      [roles.writer]: ['kms:Decrypt', 'kms:GenerateDataKey'],
      [roles.producer]: ['kms:GenerateDataKey'],
      [roles.analyst]: ['kms:Decrypt', 'kms:GenerateDataKey'],
      [roles.dataEngineer]: ['kms:Decrypt', 'kms:GenerateDataKey'],
    });
  });

  it('give the audit key to the auditor and the named service principals only', async () => {
    const generateDataKeyStar = await expandActions(['kms:GenerateDataKey*']);
    expect(await usageByPrincipal(auditKeyPolicy(stage))).toEqual({
      [stacks[stage].refs.roles.auditor]: ['kms:Decrypt', 'kms:GenerateDataKey'],
      'cloudtrail.amazonaws.com': generateDataKeyStar,
      'logs.eu-west-1.amazonaws.com': await expandActions([
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncrypt*',
        'kms:GenerateDataKey*',
      ]),
      'cloudwatch.amazonaws.com': ['kms:Decrypt', ...generateDataKeyStar].sort(),
    });
  });

  it('limit every usage statement of an IAM principal by kms:ViaService and kms:CallerAccount', async () => {
    const cryptographic = await expandActions(CRYPTOGRAPHIC);
    const { account, region } = stacks[stage].refs;
    for (const statement of statementsOf(stage)) {
      const usage = (await expandActions(listOf(statement.Action))).some((action) => cryptographic.includes(action));
      const iamPrincipals = principalsOf(statement).filter((principal) => principal.startsWith('arn:'));
      if (!usage || iamPrincipals.length === 0) continue;
      const conditions = statement.Condition?.StringEquals ?? {};
      expect([`s3.${region}.amazonaws.com`, `kinesis.${region}.amazonaws.com`]).toContain(conditions['kms:ViaService']);
      expect(conditions['kms:CallerAccount']).toBe(account);
    }
  });

  it('let CloudTrail encrypt for this trail only: aws:SourceArn and the aws:cloudtrail:arn encryption context', () => {
    const statement = auditKeyPolicy(stage).Statement.find((s) => s.Sid === 'CloudTrailEncryptsThisTrailOnly');
    const { trailArn } = stacks[stage].refs;
    expect(statement?.Condition).toEqual({
      StringEquals: { 'aws:SourceArn': trailArn, 'kms:EncryptionContext:aws:cloudtrail:arn': trailArn },
    });
  });

  it("let CloudWatch Logs use the audit key for this stack's log groups only (aws:logs:arn)", () => {
    const statement = auditKeyPolicy(stage).Statement.find(
      (s) => s.Sid === 'CloudWatchLogsEncryptsThisStacksLogGroups',
    );
    const { logGroupArns } = stacks[stage].refs;
    expect(statement?.Condition).toEqual({
      ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': [logGroupArns.writer, logGroupArns.trail] },
    });
  });

  it('keep no CloudFormation placeholder outside Fn::Sub in any policy (CloudFormation would keep it verbatim)', () => {
    const { model } = stacks[stage];
    const documents = [
      ...Object.values(model.keyPolicies),
      ...Object.values(model.bucketPolicies),
      ...Object.values(model.roles).flatMap((role) => [
        role.trustPolicy,
        ...role.identityPolicies.map((p) => p.policy),
      ]),
    ];
    expect(JSON.stringify(documents)).not.toMatch(/\$\{(AWS::|Token\[)/);
  });
});

describe('who administers the keys', () => {
  it('in prod: the configured key administrators and the bootstrap CloudFormation execution role, never the account root', () => {
    for (const policy of bothKeyPolicies('prod')) {
      expect(principalsOf(administrationOf(policy) as PolicyStatement).sort()).toEqual(
        [...PROD_PRINCIPALS.keyAdminPrincipals, CDK_EXEC_ROLE].sort(),
      );
      for (const statement of policy.Statement) expect(principalsOf(statement)).not.toContain(ACCOUNT_ROOT);
    }
  });

  it('in dev without configured administrators: the account root (the documented dev weakness)', () => {
    for (const policy of bothKeyPolicies('dev')) {
      expect(principalsOf(administrationOf(policy) as PolicyStatement)).toEqual([ACCOUNT_ROOT]);
    }
  });
});
