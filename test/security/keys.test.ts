import { KEY_ADMIN_ACTIONS } from '../../lib/security/key-policy';
import { PROD_PRINCIPALS, synthApp, TEST_ENV } from '../support/app';
import {
  actionsOf,
  awsPrincipals,
  getAttArn,
  isUsageAction,
  keyPolicyStatements,
  logicalIdOf,
  servicePrincipals,
  type TemplateStatement,
} from '../support/template';

const dev = synthApp();
const prod = synthApp({ stage: 'prod', ...PROD_PRINCIPALS });
const ROOT = `arn:aws:iam::${TEST_ENV.account}:root`;
const CFN_EXEC_ROLE = {
  'Fn::Sub': `arn:\${AWS::Partition}:iam::${TEST_ENV.account}:role/cdk-hnb659fds-cfn-exec-role-${TEST_ENV.account}-${TEST_ENV.region}`,
};

function keys(result: typeof dev) {
  return {
    data: keyPolicyStatements(result.template, logicalIdOf(result.stack.dataKey.key)),
    audit: keyPolicyStatements(result.template, logicalIdOf(result.stack.auditKey.key)),
  };
}
const devKeys = keys(dev);
const prodKeys = keys(prod);
const allPolicies: [string, TemplateStatement[]][] = [
  ['dev data key', devKeys.data],
  ['dev audit key', devKeys.audit],
  ['prod data key', prodKeys.data],
  ['prod audit key', prodKeys.audit],
];

const usageStatements = (statements: TemplateStatement[]) =>
  statements.filter((statement) => actionsOf(statement).some(isUsageAction));
const adminStatement = (statements: TemplateStatement[]) => {
  const found = statements.filter((statement) => statement.Sid === 'KeyAdministration');
  expect(found).toHaveLength(1);
  return found[0];
};

describe('data key and audit key', () => {
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
      const keyResources = result.template.findResources('AWS::KMS::Key');
      expect(Object.keys(keyResources)).toHaveLength(2);
      for (const key of Object.values(keyResources) as any[]) {
        expect(key.Properties.EnableKeyRotation).toBe(true);
        expect(key.Properties.PendingWindowInDays).toBe(30);
        expect(key.DeletionPolicy).toBe('Retain');
        expect(key.UpdateReplacePolicy).toBe('Retain');
      }
    }
  });

  it.each(allPolicies)('never grants kms:*, "*" or kms:CreateGrant in the %s policy', (_name, statements) => {
    for (const statement of statements) {
      expect(actionsOf(statement)).not.toContain('kms:*');
      expect(actionsOf(statement)).not.toContain('*');
      expect(actionsOf(statement)).not.toContain('kms:CreateGrant');
      expect(statement.Effect).toBe('Allow');
    }
  });

  it.each(allPolicies)('administers the %s with explicit actions only, never usage', (_name, statements) => {
    const admin = adminStatement(statements);
    expect([...actionsOf(admin)].sort()).toEqual([...KEY_ADMIN_ACTIONS].sort());
    expect(actionsOf(admin).filter(isUsageAction)).toEqual([]);
  });

  it.each(allPolicies)('never lets the account root use the %s', (_name, statements) => {
    for (const statement of usageStatements(statements)) {
      expect(awsPrincipals(statement)).not.toContainEqual(ROOT);
      expect(JSON.stringify(statement.Principal)).not.toContain(':root');
    }
  });

  it('lets the account root administer (only) in dev without configured administrators', () => {
    expect(awsPrincipals(adminStatement(devKeys.data))).toEqual([ROOT]);
    expect(awsPrincipals(adminStatement(devKeys.audit))).toEqual([ROOT]);
  });

  it('in prod, lets only the configured administrators and the bootstrap execution role administer, not the root', () => {
    for (const statements of [prodKeys.data, prodKeys.audit]) {
      const principals = awsPrincipals(adminStatement(statements));
      expect(principals).toHaveLength(2);
      expect(principals).toEqual(expect.arrayContaining([PROD_PRINCIPALS.keyAdminPrincipals[0], CFN_EXEC_ROLE]));
      expect(JSON.stringify(statements)).not.toContain(':root');
    }
  });

  it('names no service principal in the data key policy', () => {
    for (const statement of [...devKeys.data, ...prodKeys.data]) {
      expect(servicePrincipals(statement)).toEqual([]);
    }
  });

  it('allows data key usage only through S3 or Kinesis, from this account', () => {
    for (const statement of [...usageStatements(devKeys.data), ...usageStatements(prodKeys.data)]) {
      const equals = statement.Condition?.StringEquals ?? {};
      expect([`s3.${TEST_ENV.region}.amazonaws.com`, `kinesis.${TEST_ENV.region}.amazonaws.com`]).toContain(
        equals['kms:ViaService'],
      );
      expect(equals['kms:CallerAccount']).toBe(TEST_ENV.account);
    }
  });

  it('allows data key usage through Kinesis only for the trade stream', () => {
    const streamArn = `arn:aws:kinesis:${TEST_ENV.region}:${TEST_ENV.account}:stream/trading-data-lake-dev-trades`;
    const viaKinesis = usageStatements(devKeys.data).filter(
      (statement) =>
        statement.Condition?.StringEquals?.['kms:ViaService'] === `kinesis.${TEST_ENV.region}.amazonaws.com`,
    );
    expect(viaKinesis.length).toBeGreaterThan(0);
    for (const statement of viaKinesis) {
      expect(statement.Condition?.StringEquals?.['kms:EncryptionContext:aws:kinesis:arn']).toBe(streamArn);
    }
  });

  // The grants the access matrix needs, statement by statement (DESIGN §2a, §3); who else may use the
  // key is proven by the access-matrix tests.
  it.each([
    ['writer', (r: typeof dev) => r.stack.ingestion.writerRole, 'kms:GenerateDataKey', 's3'],
    ['writer', (r: typeof dev) => r.stack.ingestion.writerRole, 'kms:Decrypt', 'kinesis'],
    ['producer', (r: typeof dev) => r.stack.roles.producer, 'kms:GenerateDataKey', 'kinesis'],
    ['analyst', (r: typeof dev) => r.stack.roles.analyst, 'kms:Decrypt', 's3'],
    ['data engineer', (r: typeof dev) => r.stack.roles.dataEngineer, 'kms:Decrypt', 's3'],
    ['data engineer', (r: typeof dev) => r.stack.roles.dataEngineer, 'kms:Decrypt', 'kinesis'],
  ])('names the %s role in the data key policy for %s via %s', (_who, role, action, via) => {
    for (const [result, statements] of [
      [dev, devKeys.data],
      [prod, prodKeys.data],
    ] as const) {
      const roleArn = getAttArn(logicalIdOf(role(result)));
      const match = statements.filter(
        (statement) =>
          actionsOf(statement).includes(action) &&
          awsPrincipals(statement).some((principal) => JSON.stringify(principal) === JSON.stringify(roleArn)) &&
          statement.Condition?.StringEquals?.['kms:ViaService'] === `${via}.${TEST_ENV.region}.amazonaws.com`,
      );
      expect(match).toHaveLength(1);
    }
  });

  it('never names the producer for S3 or the analyst for Kinesis in the data key policy', () => {
    const producer = JSON.stringify(getAttArn(logicalIdOf(dev.stack.roles.producer)));
    const analyst = JSON.stringify(getAttArn(logicalIdOf(dev.stack.roles.analyst)));
    const auditor = JSON.stringify(getAttArn(logicalIdOf(dev.stack.roles.auditor)));
    for (const statement of devKeys.data) {
      const principals = awsPrincipals(statement).map((p) => JSON.stringify(p));
      const via = statement.Condition?.StringEquals?.['kms:ViaService'];
      if (principals.includes(producer)) expect(via).toBe(`kinesis.${TEST_ENV.region}.amazonaws.com`);
      if (principals.includes(analyst)) expect(via).toBe(`s3.${TEST_ENV.region}.amazonaws.com`);
      expect(principals).not.toContain(auditor);
    }
  });

  it('lets CloudTrail use the audit key only for this trail', () => {
    const trailArn = `arn:aws:cloudtrail:${TEST_ENV.region}:${TEST_ENV.account}:trail/trading-data-lake-dev-trail`;
    const cloudTrail = devKeys.audit.filter((s) => servicePrincipals(s).includes('cloudtrail.amazonaws.com'));
    const usage = cloudTrail.filter((s) => actionsOf(s).some(isUsageAction));
    expect(usage).toHaveLength(1);
    expect(actionsOf(usage[0])).toEqual(['kms:GenerateDataKey*']);
    expect(usage[0].Condition).toEqual({
      StringEquals: { 'aws:SourceArn': trailArn, 'kms:EncryptionContext:aws:cloudtrail:arn': trailArn },
    });
    const others = cloudTrail.filter((s) => s !== usage[0]);
    expect(others.map(actionsOf)).toEqual([['kms:DescribeKey']]);
  });

  it("lets CloudWatch Logs use the audit key only for this stack's log groups", () => {
    const logsStatements = devKeys.audit.filter((s) =>
      servicePrincipals(s).includes(`logs.${TEST_ENV.region}.amazonaws.com`),
    );
    expect(logsStatements).toHaveLength(1);
    expect(logsStatements[0].Condition).toEqual({
      ArnEquals: {
        'kms:EncryptionContext:aws:logs:arn': [
          `arn:aws:logs:${TEST_ENV.region}:${TEST_ENV.account}:log-group:/trading-data-lake/dev/trade-writer`,
          `arn:aws:logs:${TEST_ENV.region}:${TEST_ENV.account}:log-group:/trading-data-lake/dev/cloudtrail`,
        ],
      },
    });
  });

  it('names every log group the audit key encrypts in its CloudWatch Logs statement, and no other', () => {
    for (const result of [dev, prod]) {
      const auditKeyArn = { 'Fn::GetAtt': [logicalIdOf(result.stack.auditKey.key), 'Arn'] };
      const encrypted = (Object.values(result.template.findResources('AWS::Logs::LogGroup')) as any[])
        .filter((group) => JSON.stringify(group.Properties.KmsKeyId) === JSON.stringify(auditKeyArn))
        .map(
          (group) => `arn:aws:logs:${TEST_ENV.region}:${TEST_ENV.account}:log-group:${group.Properties.LogGroupName}`,
        );
      const statements = keyPolicyStatements(result.template, logicalIdOf(result.stack.auditKey.key)).filter((s) =>
        servicePrincipals(s).includes(`logs.${TEST_ENV.region}.amazonaws.com`),
      );
      expect(encrypted.length).toBeGreaterThanOrEqual(2);
      expect(
        [...((statements[0].Condition?.ArnEquals?.['kms:EncryptionContext:aws:logs:arn'] as string[]) ?? [])].sort(),
      ).toEqual(encrypted.sort());
    }
  });

  it('lets the auditor use the audit key only through S3 (trail files, audit results), and names no other role in it', () => {
    const roles = devKeys.audit.filter((s) => awsPrincipals(s).length > 0 && s.Sid !== 'KeyAdministration');
    expect(roles.flatMap(actionsOf).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    for (const statement of roles) {
      expect(awsPrincipals(statement)).toEqual([getAttArn(logicalIdOf(dev.stack.roles.auditor))]);
      expect(statement.Condition?.StringEquals?.['kms:ViaService']).toBe(`s3.${TEST_ENV.region}.amazonaws.com`);
    }
  });

  it('lets CloudWatch alarms publish to the topic encrypted with the audit key, without any other usage', () => {
    const cloudWatch = devKeys.audit.filter((s) => servicePrincipals(s).includes('cloudwatch.amazonaws.com'));
    expect(cloudWatch).toHaveLength(1);
    expect(actionsOf(cloudWatch[0]).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
  });

  it('names exactly the service principals of DESIGN §2a in the audit key policy', () => {
    expect([...new Set(devKeys.audit.flatMap(servicePrincipals))].sort()).toEqual(
      ['cloudtrail.amazonaws.com', 'cloudwatch.amazonaws.com', `logs.${TEST_ENV.region}.amazonaws.com`].sort(),
    );
  });

  it('builds key policy ARNs from fixed names, never from the trail or log group resources', () => {
    const audit = JSON.stringify(devKeys.audit);
    expect(audit).not.toMatch(/"Fn::GetAtt":\["(AuditTrail|IngestionWriterLogGroup|AuditTrailLogGroup)/);
    expect(dev.template.toJSON().Resources[logicalIdOf(dev.stack.auditKey.key)].DependsOn).toBeUndefined();
  });

  it('gives CloudTrail no statement when the trail is turned off', () => {
    const noTrail = synthApp({ createTrail: 'false' });
    const statements = keyPolicyStatements(noTrail.template, logicalIdOf(noTrail.stack.auditKey.key));
    expect(statements.flatMap(servicePrincipals)).not.toContain('cloudtrail.amazonaws.com');
    noTrail.template.resourceCountIs('AWS::CloudTrail::Trail', 0);
  });
});
