import { PROD_PRINCIPALS, synthApp, TEST_ENV } from '../support/app';
import { actionsOf, asArray, identityStatements, logicalIdOf, resourceProps } from '../support/template';

const dev = synthApp();
const prod = synthApp({ stage: 'prod', ...PROD_PRINCIPALS });

const ROLES = [
  ['producer', 'producerPrincipals'],
  ['analyst', 'analystPrincipals'],
  ['dataEngineer', 'dataEngineerPrincipals'],
  ['auditor', 'auditorPrincipals'],
] as const;

const trust = (result: typeof dev, role: (typeof ROLES)[number][0]) =>
  resourceProps(result.template, logicalIdOf(result.stack.roles[role])).AssumeRolePolicyDocument.Statement;

describe('access roles (docs/design.md §3)', () => {
  it.each(ROLES)('lets only this account assume the %s role in dev', (role) => {
    expect(trust(dev, role)).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TEST_ENV.account}:root` } },
    ]);
  });

  it.each(ROLES)('lets only the configured principals assume the %s role in prod', (role, key) => {
    expect(trust(prod, role)).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: PROD_PRINCIPALS[key][0] } },
    ]);
  });

  it('attaches no AWS managed policy and no inline policy to any role', () => {
    for (const result of [dev, prod]) {
      for (const role of Object.values(result.template.findResources('AWS::IAM::Role')) as any[]) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
        expect(role.Properties.Policies).toBeUndefined();
      }
    }
  });

  it('limits sessions to one hour', () => {
    for (const [role] of ROLES) {
      expect(resourceProps(dev.template, logicalIdOf(dev.stack.roles[role])).MaxSessionDuration).toBe(3600);
    }
  });
});

// The access matrix cannot evaluate these: its IAM data gives GetMetricData and PutMetricData an optional
// `dataset` resource type, so a request on "*" becomes a wildcard simulation, which the harness refuses.
describe("the auditor's CloudWatch metric reads (trades status)", () => {
  const rolesWith = (result: typeof dev, action: string) =>
    (['producer', 'analyst', 'dataEngineer', 'auditor'] as const).filter((role) =>
      identityStatements(result.template, logicalIdOf(result.stack.roles[role])).some((statement) =>
        actionsOf(statement).includes(action),
      ),
    );

  it('lets the auditor alone GetMetricData, on "*" (the action takes no other resource)', () => {
    for (const result of [dev, prod]) {
      expect(rolesWith(result, 'cloudwatch:GetMetricData')).toEqual(['auditor']);
      const statements = identityStatements(result.template, logicalIdOf(result.stack.roles.auditor)).filter(
        (statement) => actionsOf(statement).includes('cloudwatch:GetMetricData'),
      );
      expect(statements.map((statement) => [statement.Effect, asArray(statement.Resource)])).toEqual([
        ['Allow', ['*']],
      ]);
    }
  });

  it('gives no role any CloudWatch action that writes a metric or changes an alarm', () => {
    for (const result of [dev, prod]) {
      const cloudWatchActions = (['producer', 'analyst', 'dataEngineer', 'auditor'] as const).flatMap((role) =>
        identityStatements(result.template, logicalIdOf(result.stack.roles[role]))
          .flatMap(actionsOf)
          .filter((action) => action.startsWith('cloudwatch:')),
      );
      expect([...new Set(cloudWatchActions)].sort()).toEqual(['cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData']);
    }
  });
});

describe('stack outputs', () => {
  it('exports what operators and producers need', () => {
    expect(Object.keys(dev.template.toJSON().Outputs).sort()).toEqual(
      [
        'AlarmNamePrefix',
        'AlarmTopicArn',
        'AuditKeyArn',
        'AuditWorkGroupName',
        'AnalystRoleArn',
        'AuditorRoleArn',
        'BucketName',
        'CuratedBucketName',
        'CuratedDatabaseName',
        'CurationStateMachineArn',
        'CurationWorkGroupName',
        'DataEngineerRoleArn',
        'DatabaseName',
        'EngineerWorkGroupName',
        'FailedBatchBucketName',
        'KeyArn',
        'ProducerRoleArn',
        'StatusMetrics',
        'StreamName',
        'TrailArn',
        'TrailBucketName',
        'WorkGroupName',
        'WriterFunctionName',
        'ReplayFunctionName',
        'MaxRecordAgeHours',
        'RecordsRetention',
      ].sort(),
    );
  });

  it('turns termination protection on in prod only', () => {
    expect(prod.stack.terminationProtection).toBe(true);
    expect(dev.stack.terminationProtection).toBe(false);
  });
});
