import { Match } from 'aws-cdk-lib/assertions';
import type { Stage } from '../../lib/config';
import { listOf, type PolicyDocument, type PolicyStatement } from '../access/support/access-model';
import { expandActions } from '../access/support/iam-actions';
import { STAGE_CONTEXT, type SynthesizedStack, synthesizeStack } from '../access/support/synthesized-stack';
import { PROD_PRINCIPALS, synthApp, TEST_ENV } from '../support/app';
import { keyPolicyStatements, logicalIdOf } from '../support/template';

// The key policies of docs/design.md ("Keys and key policies"), statement by statement, on the
// synthesized templates of both stages with every ARN resolved. The access matrix (test/access/)
// shows what these statements allow; this file shows that nothing else is in them. Expected values
// are written out here, never imported from lib/: a test that read lib's constant would agree with
// any change made to it.

const { account, region } = TEST_ENV;
const ACCOUNT_ROOT = `arn:aws:iam::${account}:root`;
const CDK_EXEC_ROLE = `arn:aws:iam::${account}:role/cdk-hnb659fds-cfn-exec-role-${account}-${region}`;
const VIA_S3 = `s3.${region}.amazonaws.com`;
const VIA_KINESIS = `kinesis.${region}.amazonaws.com`;

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
  'kms:CreateGrant',
];

/** The administration actions, as the design lists them. */
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

/** The only Deny statements a key policy may hold, each with its exact condition. */
const DENY_KEY_DELETION = {
  Sid: 'DenyKeyDeletionUnderComplianceRetention',
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 'kms:ScheduleKeyDeletion',
  Resource: '*',
};
const DENY_GRANTS = {
  Sid: 'DenyGrantsExceptForAwsResources',
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 'kms:CreateGrant',
  Resource: '*',
  Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
};

/** The key-policy statement that lets the auditor read a key's state and rotation, written out (trades verify). */
const describedByAuditor = (auditorRoleArn: string): PolicyStatement => ({
  Effect: 'Allow',
  Principal: { AWS: auditorRoleArn },
  Action: ['kms:DescribeKey', 'kms:GetKeyRotationStatus'],
  Resource: '*',
});

function principalsOf(statement: PolicyStatement): string[] {
  const principal = statement.Principal;
  if (principal === '*' || principal === undefined || typeof principal !== 'object') {
    throw new Error(`a key policy statement must name its principals: ${JSON.stringify(statement)}`);
  }
  return Object.values(principal as Record<string, string | string[]>).flatMap((value) => listOf(value));
}

/** The cryptographic actions each principal gets from a key policy's Allows, wildcards expanded. */
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

/** The Allow statements naming this principal, with their `kms:ViaService`. */
function grantsTo(
  policy: PolicyDocument,
  principal: string,
): { actions: string[]; via: unknown; statement: PolicyStatement }[] {
  return policy.Statement.filter((s) => s.Effect === 'Allow' && principalsOf(s).includes(principal)).map((s) => ({
    actions: listOf(s.Action),
    via: s.Condition?.StringEquals?.['kms:ViaService'],
    statement: s,
  }));
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
const allowsOf = (stage: Stage) =>
  bothKeyPolicies(stage).flatMap((policy) => policy.Statement.filter((s) => s.Effect === 'Allow'));
const bySid = (policy: PolicyDocument, sid: string) => policy.Statement.find((s) => s.Sid === sid);
const administrationOf = (policy: PolicyDocument) => bySid(policy, 'KeyAdministration') as PolicyStatement;

describe.each(STAGES)('key policies (%s)', (stage) => {
  it('allow only hand-written statements with explicit principals and actions (no NotAction, NotPrincipal or Principal "*")', () => {
    for (const statement of allowsOf(stage)) {
      expect(statement.NotAction).toBeUndefined();
      expect(statement).not.toHaveProperty('NotPrincipal');
      expect(principalsOf(statement)).not.toContain('*');
      expect(listOf(statement.Action).length).toBeGreaterThan(0);
    }
  });

  it('never allow kms:* or *', () => {
    for (const statement of allowsOf(stage)) {
      expect(listOf(statement.Action)).not.toContain('kms:*');
      expect(listOf(statement.Action)).not.toContain('*');
    }
  });

  it('name only real KMS actions (every pattern matches at least one)', async () => {
    for (const policy of bothKeyPolicies(stage)) {
      for (const statement of policy.Statement) await expandActions(listOf(statement.Action));
    }
  });

  it('allow no one kms:CreateGrant', async () => {
    for (const statement of allowsOf(stage)) {
      expect(await expandActions(listOf(statement.Action))).not.toContain('kms:CreateGrant');
    }
  });

  // Dev retains nothing (recordsRetention none); the prod test app keeps compliance:6y.
  const denies = stage === 'prod' ? [DENY_GRANTS, DENY_KEY_DELETION] : [DENY_GRANTS];

  it('hold no Deny but the grant Deny and, under compliance retention only, the key-deletion Deny', () => {
    for (const policy of bothKeyPolicies(stage)) {
      expect(policy.Statement.filter((s) => s.Effect === 'Deny')).toEqual(denies);
    }
  });

  it('deny kms:CreateGrant to everyone unless the grant is for an AWS resource or the caller is an AWS service (CT.KMS.PR.3)', () => {
    for (const policy of bothKeyPolicies(stage)) {
      expect(policy.Statement.filter((s) => s.Sid === DENY_GRANTS.Sid)).toEqual([DENY_GRANTS]);
    }
  });

  it(
    stage === 'prod'
      ? 'deny kms:ScheduleKeyDeletion to everyone under compliance retention (deleting a key destroys the locked records)'
      : 'leave kms:ScheduleKeyDeletion to the administrators when nothing is retained',
    () => {
      for (const policy of bothKeyPolicies(stage)) {
        expect(policy.Statement.filter((s) => s.Sid === DENY_KEY_DELETION.Sid)).toEqual(
          stage === 'prod' ? [DENY_KEY_DELETION] : [],
        );
      }
    },
  );

  it('administer each key by the explicit actions of the design, none of which uses the key', async () => {
    const cryptographic = await expandActions(CRYPTOGRAPHIC);
    for (const policy of bothKeyPolicies(stage)) {
      const administration = administrationOf(policy);
      expect(listOf(administration.Action).sort()).toEqual([...ADMINISTRATION].sort());
      const expanded = await expandActions(listOf(administration.Action));
      expect(expanded.filter((action) => cryptographic.includes(action))).toEqual([]);
    }
  });

  it('give the data key to the principals of the access matrix only, and to no service principal', async () => {
    const { roles } = stacks[stage].refs;
    expect(await usageByPrincipal(dataKeyPolicy(stage))).toEqual({
      [roles.writer]: ['kms:Decrypt', 'kms:GenerateDataKey'],
      [roles.producer]: ['kms:GenerateDataKey'],
      [roles.analyst]: ['kms:Decrypt', 'kms:GenerateDataKey'],
      [roles.dataEngineer]: ['kms:Decrypt', 'kms:GenerateDataKey'],
      [roles.replay]: ['kms:Decrypt'],
      [roles.curation]: ['kms:Decrypt', 'kms:GenerateDataKey'],
      [roles.curationPlanner]: ['kms:Decrypt'],
    });
  });

  // Each grant the access matrix needs, with the service it must come through.
  it.each([
    ['writer', 'kms:GenerateDataKey', VIA_S3],
    ['writer', 'kms:Decrypt', VIA_S3],
    ['writer', 'kms:Decrypt', VIA_KINESIS],
    ['producer', 'kms:GenerateDataKey', VIA_KINESIS],
    ['analyst', 'kms:Decrypt', VIA_S3],
    ['analyst', 'kms:GenerateDataKey', VIA_S3],
    ['dataEngineer', 'kms:Decrypt', VIA_S3],
    ['dataEngineer', 'kms:Decrypt', VIA_KINESIS],
    ['replay', 'kms:Decrypt', VIA_S3],
    ['curation', 'kms:GenerateDataKey', VIA_S3],
    ['curation', 'kms:Decrypt', VIA_S3],
    ['curationPlanner', 'kms:Decrypt', VIA_S3],
  ] as const)('name the %s role in the data key policy for %s via %s', (role, action, via) => {
    const grants = grantsTo(dataKeyPolicy(stage), stacks[stage].refs.roles[role]);
    expect(grants.filter((g) => g.actions.includes(action) && g.via === via)).toHaveLength(1);
  });

  it('never name the producer for S3, the analyst for Kinesis, or the auditor in the data key policy but to describe it', () => {
    const { roles } = stacks[stage].refs;
    for (const grant of grantsTo(dataKeyPolicy(stage), roles.producer)) expect(grant.via).toBe(VIA_KINESIS);
    for (const grant of grantsTo(dataKeyPolicy(stage), roles.analyst)) expect(grant.via).toBe(VIA_S3);
    expect(grantsTo(dataKeyPolicy(stage), roles.auditor).map((grant) => grant.statement)).toEqual([
      describedByAuditor(roles.auditor),
    ]);
  });

  it('let the auditor describe each key and read its rotation status (trades verify), in one statement with no usage', () => {
    const { roles } = stacks[stage].refs;
    for (const policy of bothKeyPolicies(stage)) {
      const describing = policy.Statement.filter((s) => listOf(s.Action).includes('kms:GetKeyRotationStatus'));
      expect(describing).toEqual([describedByAuditor(roles.auditor)]);
    }
  });

  it('limit every usage statement of an IAM principal by kms:ViaService and kms:CallerAccount', async () => {
    const cryptographic = await expandActions(CRYPTOGRAPHIC);
    for (const statement of allowsOf(stage)) {
      const usage = (await expandActions(listOf(statement.Action))).some((action) => cryptographic.includes(action));
      const iamPrincipals = principalsOf(statement).filter((principal) => principal.startsWith('arn:'));
      if (!usage || iamPrincipals.length === 0) continue;
      const conditions = statement.Condition?.StringEquals ?? {};
      expect([VIA_S3, VIA_KINESIS]).toContain(conditions['kms:ViaService']);
      expect(conditions['kms:CallerAccount']).toBe(account);
    }
  });

  it('let Kinesis use the data key only for the trade stream (aws:kinesis:arn)', () => {
    const viaKinesis = dataKeyPolicy(stage).Statement.filter(
      (s) => s.Condition?.StringEquals?.['kms:ViaService'] === VIA_KINESIS,
    );
    expect(viaKinesis.length).toBeGreaterThan(0);
    for (const statement of viaKinesis) {
      expect(statement.Condition?.StringEquals?.['kms:EncryptionContext:aws:kinesis:arn']).toBe(
        `arn:aws:kinesis:${region}:${account}:stream/trading-data-lake-${stage}-trades`,
      );
    }
  });

  it('give the audit key to the auditor and the named service principals only', async () => {
    const generateDataKeyStar = await expandActions(['kms:GenerateDataKey*']);
    expect(await usageByPrincipal(auditKeyPolicy(stage))).toEqual({
      [stacks[stage].refs.roles.auditor]: ['kms:Decrypt', 'kms:GenerateDataKey'],
      'cloudtrail.amazonaws.com': ['kms:Decrypt', ...generateDataKeyStar].sort(),
      [`logs.${region}.amazonaws.com`]: await expandActions([
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncrypt*',
        'kms:GenerateDataKey*',
      ]),
      'cloudwatch.amazonaws.com': ['kms:Decrypt', ...generateDataKeyStar].sort(),
    });
  });

  it('let the auditor use the audit key only through S3 (trail files, audit results), and otherwise only describe it', () => {
    const { auditor } = stacks[stage].refs.roles;
    const grants = grantsTo(auditKeyPolicy(stage), auditor);
    const describing = grants.filter((g) => g.via === undefined);
    expect(describing.map((g) => g.statement)).toEqual([describedByAuditor(auditor)]);
    const usage = grants.filter((g) => g.via !== undefined);
    expect(usage.flatMap((g) => g.actions).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    for (const grant of usage) expect(grant.via).toBe(VIA_S3);
  });

  it('let CloudTrail encrypt for this trail only: aws:SourceArn and the aws:cloudtrail:arn encryption context', () => {
    const { trailArn } = stacks[stage].refs;
    expect(bySid(auditKeyPolicy(stage), 'CloudTrailEncryptsThisTrailOnly')?.Condition).toEqual({
      StringEquals: { 'aws:SourceArn': trailArn, 'kms:EncryptionContext:aws:cloudtrail:arn': trailArn },
    });
  });

  it('let CloudTrail describe the key and decrypt (the trail bucket has a Bucket Key) for this trail only', () => {
    const { trailArn } = stacks[stage].refs;
    for (const [sid, action] of [
      ['CloudTrailDescribesKey', 'kms:DescribeKey'],
      ['CloudTrailDecryptsForBucketKey', 'kms:Decrypt'],
    ]) {
      const statement = bySid(auditKeyPolicy(stage), sid);
      expect(listOf(statement?.Action)).toEqual([action]);
      expect(statement?.Condition).toEqual({ StringEquals: { 'aws:SourceArn': trailArn } });
    }
  });

  it("let CloudWatch Logs use the audit key for this stack's log groups only (aws:logs:arn)", () => {
    const { logGroupArns } = stacks[stage].refs;
    expect(bySid(auditKeyPolicy(stage), 'CloudWatchLogsEncryptsThisStacksLogGroups')?.Condition).toEqual({
      ArnEquals: {
        'kms:EncryptionContext:aws:logs:arn': [
          logGroupArns.writer,
          logGroupArns.replay,
          logGroupArns.curationPlanner,
          logGroupArns.trail,
        ],
      },
    });
  });

  it("let CloudWatch use the audit key for this stack's alarms only (aws:SourceAccount, aws:SourceArn by name prefix)", () => {
    const statement = bySid(auditKeyPolicy(stage), 'CloudWatchAlarmsPublishToEncryptedTopic');
    expect(listOf(statement?.Action).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(statement?.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${region}:${account}:alarm:TradingDataLake-${stage}-*` },
    });
  });

  it('scope every statement for a service principal to this account and resource (confused deputy)', () => {
    for (const statement of allowsOf(stage)) {
      if (!principalsOf(statement).some((p) => p.endsWith('.amazonaws.com'))) continue;
      const conditions = JSON.stringify(statement.Condition ?? {});
      expect(conditions).toMatch(/aws:SourceArn|aws:SourceAccount|kms:EncryptionContext:aws:logs:arn/);
    }
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
      expect(principalsOf(administrationOf(policy)).sort()).toEqual(
        [...PROD_PRINCIPALS.keyAdminPrincipals, CDK_EXEC_ROLE].sort(),
      );
      for (const statement of policy.Statement.filter((s) => s.Effect === 'Allow')) {
        expect(principalsOf(statement)).not.toContain(ACCOUNT_ROOT);
      }
    }
  });

  it('in dev without configured administrators: the account root, administration only (the documented dev weakness)', () => {
    for (const policy of bothKeyPolicies('dev')) {
      expect(principalsOf(administrationOf(policy))).toEqual([ACCOUNT_ROOT]);
      const rootStatements = policy.Statement.filter(
        (s) => s.Effect === 'Allow' && principalsOf(s).includes(ACCOUNT_ROOT),
      );
      expect(rootStatements).toEqual([administrationOf(policy)]);
    }
  });
});

// Template-level facts the resolved model cannot show: how a value is written, not what it resolves to.
describe('key resources in the template', () => {
  const dev = synthApp({});
  const prod = synthApp({ ...STAGE_CONTEXT.prod });

  it.each([
    ['dev', dev, 'alias/trading-data-key-dev', 'alias/trading-audit-key-dev'],
    ['prod', prod, 'alias/trading-data-key', 'alias/trading-audit-key'],
  ])('names the keys by stage in %s', (_stage, result, dataAlias, auditAlias) => {
    result.template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: dataAlias,
      TargetKeyId: { 'Fn::GetAtt': [logicalIdOf(result.stack.dataKey.key), 'Arn'] },
    });
    result.template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: auditAlias,
      TargetKeyId: { 'Fn::GetAtt': [logicalIdOf(result.stack.auditKey.key), 'Arn'] },
    });
  });

  it('rotates both keys, with a 30-day deletion window, and retains them on stack delete', () => {
    for (const result of [dev, prod]) {
      const keyResources = Object.values(result.template.findResources('AWS::KMS::Key')) as any[];
      expect(keyResources).toHaveLength(2);
      for (const key of keyResources) {
        expect(key.Properties).toMatchObject({ EnableKeyRotation: true, PendingWindowInDays: 30 });
        expect(key.DeletionPolicy).toBe('Retain');
        expect(key.UpdateReplacePolicy).toBe('Retain');
      }
    }
  });

  it('writes the bootstrap execution role through Fn::Sub, so CloudFormation fills in its placeholders', () => {
    const administration = keyPolicyStatements(prod.template, logicalIdOf(prod.stack.dataKey.key)).find(
      (s) => s.Sid === 'KeyAdministration',
    );
    expect((administration!.Principal as { AWS: unknown[] }).AWS).toContainEqual({
      'Fn::Sub': `arn:\${AWS::Partition}:iam::${account}:role/cdk-hnb659fds-cfn-exec-role-${account}-${region}`,
    });
  });

  it('builds key policy ARNs from fixed names, never from the trail or log group resources (a dependency cycle)', () => {
    const auditKey = dev.template.toJSON().Resources[logicalIdOf(dev.stack.auditKey.key)];
    const refs = JSON.stringify(auditKey.Properties.KeyPolicy);
    for (const resource of [dev.stack.audit?.trail, dev.stack.audit?.logGroup, dev.stack.ingestion.logGroup]) {
      expect(refs).not.toContain(logicalIdOf(resource as any));
    }
    expect(auditKey.DependsOn).toBeUndefined();
  });

  it('names every log group the audit key encrypts in its CloudWatch Logs statement, and no other', () => {
    for (const result of [dev, prod]) {
      const auditKeyArn = { 'Fn::GetAtt': [logicalIdOf(result.stack.auditKey.key), 'Arn'] };
      const encrypted = (Object.values(result.template.findResources('AWS::Logs::LogGroup')) as any[])
        .filter((group) => JSON.stringify(group.Properties.KmsKeyId) === JSON.stringify(auditKeyArn))
        .map((group) => `arn:aws:logs:${region}:${account}:log-group:${group.Properties.LogGroupName}`);
      const logs = keyPolicyStatements(result.template, logicalIdOf(result.stack.auditKey.key)).find(
        (s) => s.Sid === 'CloudWatchLogsEncryptsThisStacksLogGroups',
      );
      expect(encrypted.length).toBeGreaterThanOrEqual(2);
      expect(
        [...((logs?.Condition?.ArnEquals?.['kms:EncryptionContext:aws:logs:arn'] as string[]) ?? [])].sort(),
      ).toEqual(encrypted.sort());
    }
  });

  it('gives CloudTrail no statement when the trail is turned off', () => {
    const noTrail = synthApp({ createTrail: 'false' });
    // No key at all, the audit key included, has a statement for the CloudTrail service principal.
    noTrail.template.resourcePropertiesCountIs(
      'AWS::KMS::Key',
      {
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudtrail.amazonaws.com' } })]),
        },
      },
      0,
    );
    noTrail.template.resourceCountIs('AWS::CloudTrail::Trail', 0);
  });
});
