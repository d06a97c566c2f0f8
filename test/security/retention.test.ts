import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { RemovalPolicy } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { createAccessLogsBucket } from '../../lib/security/secure-bucket';
import type { TradingDataLakeStack } from '../../lib/trading-data-lake-stack';
import { scenario } from '../access/scenarios';
import { evaluateScenario } from '../access/support/access-matrix';
import { type SynthesizedStack, synthesizeStack } from '../access/support/synthesized-stack';
import { PROD_PRINCIPALS, synthApp, TEST_ENV } from '../support/app';
import { bucketPolicyStatements, logicalIdOf, type TemplateStatement } from '../support/template';

// Records retention (docs/design.md §9, issue #11) on the synthesized templates: which buckets are locked, in
// which mode and for how long, the lifecycle that waits for the retention, the bucket policy of a
// locked bucket, and governance mode simulated (the access matrix covers dev without retention and
// prod with compliance:6y). Expected values are written out, never computed by lib/.

const { account, region } = TEST_ENV;
const KEY_ADMIN = PROD_PRINCIPALS.keyAdminPrincipals[0];
const DEPLOY_ROLE = {
  'Fn::Sub': `arn:\${AWS::Partition}:iam::${account}:role/cdk-hnb659fds-cfn-exec-role-${account}-${region}`,
};
const ACCOUNT_ROOT = `arn:aws:iam::${account}:root`;

interface Variant {
  readonly stack: TradingDataLakeStack;
  readonly template: Template;
}

// Once per file. Dev keeps no records by default; prod's test app keeps compliance:6y. The governance
// variants are also simulated, so they come with their resolved policies.
const dev: Variant = synthApp();
/** Governance in days, no key administrators, current versions expire after the retention. */
const devGovernance: SynthesizedStack = synthesizeStack('dev', {
  recordsRetention: 'governance:30d',
  expireAfterRetention: 'true',
});
/** Governance in years, with a configured key administrator. */
const devGovernanceYears: SynthesizedStack = synthesizeStack('dev', {
  recordsRetention: 'governance:2y',
  keyAdminPrincipals: [KEY_ADMIN],
});
const prod: Variant = synthApp({ stage: 'prod', ...PROD_PRINCIPALS });
/** Compliance with expiry after retention, a later archive, and no trail of its own. */
const prodExpiring: Variant = synthApp({
  stage: 'prod',
  ...PROD_PRINCIPALS,
  expireAfterRetention: 'true',
  archiveAfterDays: '400',
  createTrail: 'false',
});

type BucketRole = 'lake' | 'failedBatch' | 'trail' | 'accessLogs' | 'results' | 'engineerResults' | 'auditResults';

/** Logical id of each bucket of a variant (the trail's only where there is a trail). */
function bucketIds({ stack }: Variant): Partial<Record<BucketRole, string>> {
  return {
    lake: logicalIdOf(stack.lake.bucket),
    failedBatch: logicalIdOf(stack.ingestion.failedBatchBucket),
    trail: stack.audit && logicalIdOf(stack.audit.trailBucket),
    accessLogs: logicalIdOf(stack.node.findChild('AccessLogsBucket')),
    results: logicalIdOf(stack.analytics.analysts.resultsBucket),
    engineerResults: logicalIdOf(stack.analytics.engineers.resultsBucket),
    auditResults: stack.auditAnalytics && logicalIdOf(stack.auditAnalytics.queries.resultsBucket),
  };
}

function bucketProps(variant: Variant, role: BucketRole): Record<string, any> {
  const id = bucketIds(variant)[role];
  if (id === undefined) throw new Error(`no ${role} bucket in this variant`);
  return variant.template.toJSON().Resources[id].Properties;
}

const rulesOf = (variant: Variant, role: BucketRole): Record<string, any>[] =>
  bucketProps(variant, role).LifecycleConfiguration.Rules;
const ruleOf = (variant: Variant, role: BucketRole, id: string) =>
  rulesOf(variant, role).find((rule) => rule.Id === id);
const policyOf = (variant: Variant, role: BucketRole): TemplateStatement[] =>
  bucketPolicyStatements(variant.template, bucketIds(variant)[role] as string);
const bySid = (statements: TemplateStatement[], sid: string) => statements.filter((s) => s.Sid === sid);

const LOCKED: readonly BucketRole[] = ['lake', 'failedBatch', 'trail'];
const NEVER_LOCKED: readonly BucketRole[] = ['accessLogs', 'results', 'engineerResults', 'auditResults'];
const ALL: readonly BucketRole[] = [...LOCKED, ...NEVER_LOCKED];

const LOCKING = [
  ['dev, governance:30d', devGovernance, { Mode: 'GOVERNANCE', Days: 30 }],
  ['dev, governance:2y', devGovernanceYears, { Mode: 'GOVERNANCE', Years: 2 }],
  ['prod, compliance:6y', prod, { Mode: 'COMPLIANCE', Years: 6 }],
] as const;

/** The most days each retention lasts: S3 counts years itself, so up to one leap day per four years. */
const RETENTION_DAYS = { 'dev, governance:30d': 30, 'dev, governance:2y': 731, 'prod, compliance:6y': 2192 } as const;

describe('Object Lock (docs/design.md §9)', () => {
  it('offers no Object Lock option for the access-log bucket (a compile error, checked by tsc)', () => {
    const lockedLogs = () =>
      createAccessLogsBucket(dev.stack, 'LockedLogs', {
        removalPolicy: RemovalPolicy.RETAIN,
        expireAfterDays: 365,
        noncurrentVersionDays: 90,
        // @ts-expect-error S3 refuses a locked bucket as a server access log target: there is no such option.
        objectLock: { defaultRetention: { mode: 'COMPLIANCE', years: 6 }, deployRoleArn: '', governanceBypassArns: [] },
      });
    expect(typeof lockedLogs).toBe('function');
  });

  it.each(ALL)('locks no bucket without a retention (dev default none): %s', (role) => {
    expect(bucketProps(dev, role).ObjectLockEnabled).toBeUndefined();
    expect(bucketProps(dev, role).ObjectLockConfiguration).toBeUndefined();
  });

  describe.each(LOCKING)('%s', (_name, variant, defaultRetention) => {
    it.each(LOCKED)('locks the %s bucket with that default mode and period', (role) => {
      expect(bucketProps(variant, role).ObjectLockEnabled).toBe(true);
      expect(bucketProps(variant, role).ObjectLockConfiguration).toEqual({
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: defaultRetention },
      });
    });

    it.each(NEVER_LOCKED)(
      'never locks the %s bucket (an access-log target cannot be locked; results are deleted early)',
      (role) => {
        expect(bucketProps(variant, role).ObjectLockEnabled).toBeUndefined();
        expect(bucketProps(variant, role).ObjectLockConfiguration).toBeUndefined();
      },
    );

    it('locks the lake, failed-batch and trail buckets and no other bucket of the stack', () => {
      const locked = Object.entries(variant.template.findResources('AWS::S3::Bucket'))
        .filter(([, bucket]) => bucket.Properties.ObjectLockEnabled !== undefined)
        .map(([id]) => id)
        .sort();
      const ids = bucketIds(variant);
      expect(locked).toEqual(LOCKED.map((role) => ids[role]).sort());
    });
  });

  it('writes a period in years as years, as S3 counts them, never as 365-day blocks (what CDK would render)', () => {
    const retention = bucketProps(prod, 'lake').ObjectLockConfiguration.Rule.DefaultRetention;
    expect(retention).toEqual({ Mode: 'COMPLIANCE', Years: 6 });
    expect(retention.Days).toBeUndefined();
  });

  it('locks the lake and failed-batch buckets of a stack without a trail of its own', () => {
    for (const role of ['lake', 'failedBatch'] as const) {
      expect(bucketProps(prodExpiring, role).ObjectLockConfiguration.Rule.DefaultRetention).toEqual({
        Mode: 'COMPLIANCE',
        Years: 6,
      });
    }
    expect(bucketIds(prodExpiring).trail).toBeUndefined();
  });

  // the reference design (docs/design.md §13) says a change of setting happens in place. CloudFormation documents the Object Lock
  // configuration (mode, period) as "No interruption" and the top-level ObjectLockEnabled flag as
  // "Replacement"; the CDK CLI's resource spec, which `cdk diff` reads, says the same. When this test
  // fails, the spec changed: update docs/retention.md ("Changing recordsRetention").
  it('matches what the CDK CLI says a change does: the default retention in place, ObjectLockEnabled by replacement', () => {
    const database = path.join(path.dirname(require.resolve('aws-cdk/package.json')), 'db.json.gz');
    const spec = JSON.parse(zlib.gunzipSync(fs.readFileSync(database)).toString('utf8'));
    const bucket = Object.values(spec.schema.resource.entities as Record<string, any>).find(
      (resource) => resource.cloudFormationType === 'AWS::S3::Bucket',
    );
    expect(bucket.properties.ObjectLockEnabled.causesReplacement).toBe('yes');
    expect(bucket.properties.ObjectLockConfiguration.causesReplacement).toBeUndefined();
    expect(bucket.properties.LifecycleConfiguration.causesReplacement).toBeUndefined();
  });
});

describe('lifecycle (docs/design.md §9)', () => {
  const ARCHIVE = (days: number) => ({
    Id: 'ArchiveToGlacierInstantRetrieval',
    Status: 'Enabled',
    // At least 128 KiB: ObjectSizeGreaterThan is strict, and the schema types it as a string.
    ObjectSizeGreaterThan: '131071',
    Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: days }],
  });

  it.each([
    ['dev', dev],
    ['prod', prod],
  ] as const)(
    'moves lake objects of at least 128 KiB to Glacier Instant Retrieval after archiveAfterDays (90 by default) in %s',
    (_stage, variant) => {
      expect(ruleOf(variant, 'lake', 'ArchiveToGlacierInstantRetrieval')).toEqual(ARCHIVE(90));
    },
  );

  it('takes archiveAfterDays from config', () => {
    expect(ruleOf(prodExpiring, 'lake', 'ArchiveToGlacierInstantRetrieval')).toEqual(ARCHIVE(400));
  });

  it("writes S3's default minimum transition size where a bucket transitions, and only there", () => {
    expect(bucketProps(dev, 'lake').LifecycleConfiguration.TransitionDefaultMinimumObjectSize).toBe(
      'all_storage_classes_128K',
    );
    for (const role of ALL.filter((candidate) => candidate !== 'lake')) {
      expect(bucketProps(dev, role).LifecycleConfiguration.TransitionDefaultMinimumObjectSize).toBeUndefined();
      expect(rulesOf(dev, role).some((rule) => rule.Transitions !== undefined)).toBe(false);
    }
  });

  it('keeps the size filter off the rule that aborts incomplete uploads (CloudFormation refuses the two in one rule)', () => {
    for (const variant of [dev, prod, prodExpiring]) {
      for (const rule of rulesOf(variant, 'lake')) {
        if (rule.ObjectSizeGreaterThan !== undefined) expect(rule.AbortIncompleteMultipartUpload).toBeUndefined();
      }
    }
  });

  describe.each(LOCKING)('%s', (name, variant) => {
    const days = RETENTION_DAYS[name];

    it.each(LOCKED)(
      'expires noncurrent versions of the %s bucket no earlier than the retention ends, and then their delete markers',
      (role) => {
        expect(ruleOf(variant, role, 'ExpireNoncurrentVersions')).toEqual({
          Id: 'ExpireNoncurrentVersions',
          Status: 'Enabled',
          // noncurrentVersionDays is 90: the longer of the two.
          NoncurrentVersionExpiration: { NoncurrentDays: Math.max(90, days) },
          ExpiredObjectDeleteMarker: true,
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        });
      },
    );

    it.each(NEVER_LOCKED)('leaves the lifecycle of the %s bucket as without a retention', (role) => {
      const noncurrent = ruleOf(variant, role, 'ExpireNoncurrentVersions');
      expect(noncurrent).toEqual(ruleOf(dev, role, 'ExpireNoncurrentVersions'));
      expect(noncurrent?.ExpiredObjectDeleteMarker).toBeUndefined();
    });

    it('never expires a current version of a locked bucket before its retention ends', () => {
      for (const role of LOCKED) {
        for (const rule of rulesOf(variant, role)) {
          if (rule.ExpirationInDays !== undefined) expect(rule.ExpirationInDays).toBeGreaterThanOrEqual(days);
        }
      }
    });
  });

  it('keeps current versions of locked buckets by default (expireAfterRetention off)', () => {
    for (const variant of [devGovernanceYears, prod]) {
      for (const role of LOCKED) {
        expect(rulesOf(variant, role).filter((rule) => rule.ExpirationInDays !== undefined)).toEqual([]);
      }
    }
  });

  it.each([
    ['dev, governance:30d', devGovernance, ['lake', 'failedBatch', 'trail'], 30],
    ['prod, compliance:6y, no trail', prodExpiring, ['lake', 'failedBatch'], 2192],
  ] as const)(
    'expires current versions once their retention has passed with expireAfterRetention (%s)',
    (_name, variant, roles, days) => {
      for (const role of roles) {
        expect(ruleOf(variant, role, 'ExpireCurrentVersionsAfterRetention')).toEqual({
          Id: 'ExpireCurrentVersionsAfterRetention',
          Status: 'Enabled',
          ExpirationInDays: days,
        });
      }
      for (const role of NEVER_LOCKED.filter((candidate) => bucketIds(variant)[candidate] !== undefined)) {
        expect(ruleOf(variant, role, 'ExpireCurrentVersionsAfterRetention')).toBeUndefined();
      }
    },
  );

  it('keeps that expiry out of the transition rule, so a retention shorter than archiveAfterDays still deploys', () => {
    // S3 refuses a rule whose expiration does not come after its transition; 30 days < 90 here.
    const expiry = ruleOf(devGovernance, 'lake', 'ExpireCurrentVersionsAfterRetention')!;
    const archive = ruleOf(devGovernance, 'lake', 'ArchiveToGlacierInstantRetrieval')!;
    expect(expiry.Transitions).toBeUndefined();
    expect(archive.ExpirationInDays).toBeUndefined();
    expect(expiry.ExpirationInDays).toBeLessThan(archive.Transitions[0].TransitionInDays);
  });
});

describe('bucket policy of a locked bucket (docs/design.md §9)', () => {
  describe.each(LOCKING)('%s', (_name, variant) => {
    it.each(LOCKED)('denies PutBucketObjectLockConfiguration on the %s bucket to all but the deploy role', (role) => {
      expect(bySid(policyOf(variant, role), 'DenyObjectLockConfigurationChanges')).toEqual([
        {
          Sid: 'DenyObjectLockConfigurationChanges',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 's3:PutBucketObjectLockConfiguration',
          Resource: { 'Fn::GetAtt': [bucketIds(variant)[role], 'Arn'] },
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': DEPLOY_ROLE } },
        },
      ]);
    });

    it.each(NEVER_LOCKED)('puts no Object Lock statement in the policy of the %s bucket', (role) => {
      const sids = policyOf(variant, role).map((statement) => statement.Sid);
      expect(sids).not.toContain('DenyObjectLockConfigurationChanges');
      expect(sids).not.toContain('DenyGovernanceRetentionBypass');
    });
  });

  it.each([
    ['dev without key administrators: the account root user alone', devGovernance, [ACCOUNT_ROOT]],
    ['dev with a key administrator: the administrator', devGovernanceYears, [KEY_ADMIN]],
    ['prod: the configured key administrators', prod, [...PROD_PRINCIPALS.keyAdminPrincipals]],
  ] as const)('denies BypassGovernanceRetention on every locked bucket to all but, in %s', (_name, variant, arns) => {
    for (const role of LOCKED) {
      expect(bySid(policyOf(variant, role), 'DenyGovernanceRetentionBypass')).toEqual([
        {
          Sid: 'DenyGovernanceRetentionBypass',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 's3:BypassGovernanceRetention',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketIds(variant)[role], 'Arn'] }, '/*']] },
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': arns } },
        },
      ]);
    }
  });

  it('denies legal-hold changes on the lake to all but the data engineer role, and holds no such Deny elsewhere', () => {
    for (const variant of [devGovernance, prod]) {
      const dataEngineer = { 'Fn::GetAtt': [logicalIdOf(variant.stack.roles.dataEngineer), 'Arn'] };
      expect(bySid(policyOf(variant, 'lake'), 'DenyLegalHoldChangesExceptHolders')).toEqual([
        {
          Sid: 'DenyLegalHoldChangesExceptHolders',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 's3:PutObjectLegalHold',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketIds(variant).lake, 'Arn'] }, '/*']] },
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': [dataEngineer] } },
        },
      ]);
      for (const role of ALL.filter((candidate) => candidate !== 'lake')) {
        expect(bySid(policyOf(variant, role), 'DenyLegalHoldChangesExceptHolders')).toEqual([]);
      }
    }
    expect(bySid(policyOf(dev, 'lake'), 'DenyLegalHoldChangesExceptHolders')).toEqual([]);
  });
});

describe('keys under governance retention', () => {
  it('leave key deletion to the administrators: only compliance retention denies it (key-policies.test.ts)', () => {
    for (const variant of [devGovernance, devGovernanceYears]) {
      for (const key of [variant.stack.dataKey.key, variant.stack.auditKey.key]) {
        const statements = variant.template.toJSON().Resources[logicalIdOf(key)].Properties.KeyPolicy.Statement;
        expect(statements.map((statement: TemplateStatement) => statement.Sid)).not.toContain(
          'DenyKeyDeletionUnderComplianceRetention',
        );
      }
    }
  });

  it('denies the audit key deletion under compliance retention only where it encrypts a locked trail', () => {
    const statements =
      prodExpiring.template.toJSON().Resources[logicalIdOf(prodExpiring.stack.auditKey.key)].Properties.KeyPolicy
        .Statement;
    expect(statements.map((statement: TemplateStatement) => statement.Sid)).not.toContain(
      'DenyKeyDeletionUnderComplianceRetention',
    );
  });
});

// The scenarios of the access matrix (test/access/scenarios.ts), evaluated against governance stacks.
describe('access under governance retention (simulated)', () => {
  const verdict = async (title: string, variant: SynthesizedStack) =>
    (await evaluateScenario(scenario(title), variant.model, variant.refs)).result;

  it.each([
    ['without key administrators', devGovernance],
    ['with a key administrator', devGovernanceYears],
  ] as const)('denies an IAM admin BypassGovernanceRetention on every locked bucket (%s)', async (_name, variant) => {
    for (const object of ['a trades/ object', 'a failed-batch record', 'a trail file']) {
      const title = `denies an IAM admin (* on *) BypassGovernanceRetention on ${object}`;
      const outcome = await evaluateScenario(scenario(title), variant.model, variant.refs);
      expect(outcome).toMatchObject({ result: 'ExplicitlyDenied', explicitDenies: ['DenyGovernanceRetentionBypass'] });
    }
  });

  it('allows the configured key administrator BypassGovernanceRetention, and no one when none is configured', async () => {
    const title =
      'allows the configured key administrator (with AdministratorAccess) BypassGovernanceRetention on a trades/ object';
    expect(await verdict(title, devGovernanceYears)).toBe('Allowed');
    // The same role, not configured as an administrator here: only the root user is exempt.
    expect(await verdict(title, devGovernance)).toBe('ExplicitlyDenied');
  });

  it('allows only the deploy role to change the Object Lock configuration', async () => {
    const title =
      'allows the deploy role (CDK bootstrap CloudFormation execution role) PutBucketObjectLockConfiguration on the lake bucket';
    expect(await verdict(title, devGovernance)).toBe('Allowed');
    expect(
      await verdict('denies an IAM admin (* on *) PutBucketObjectLockConfiguration on the trail bucket', devGovernance),
    ).toBe('ExplicitlyDenied');
  });

  it('lets the data engineer place a legal hold, and not an IAM admin', async () => {
    expect(await verdict('allows the data engineer PutObjectLegalHold on a trades/ object', devGovernance)).toBe(
      'Allowed',
    );
    expect(
      await verdict(
        'denies an IAM admin (* on *) PutObjectLegalHold on a trades/ object (clearing a hold takes the data engineer role)',
        devGovernance,
      ),
    ).toBe('ExplicitlyDenied');
  });
});
