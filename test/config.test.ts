import {
  type ConfigError,
  ConfigErrors,
  closestKey,
  isCdkContextKey,
  loadConfig,
  permissionSetPatternOf,
  SETTINGS,
  UnknownContextKeyError,
} from '../lib/config';
import { trustPolicyLength } from '../lib/security/trust-policy';
import { cdkJsonContext, PROD_PRINCIPALS } from './support/app';

const load = (context: Record<string, unknown>) => loadConfig(context);
const PROD = { stage: 'prod', ...PROD_PRINCIPALS };
const ANALYSTS_PERMISSION_SET =
  'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Analysts_????????????????';

/** The errors a context produces (none: an empty list). */
function errorsOf(context: Record<string, unknown>): readonly ConfigError[] {
  try {
    load(context);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigErrors)) throw error;
    return error.errors;
  }
}

/** The one error a context produces, checked to name the key, show the value and say what is allowed. */
function onlyError(context: Record<string, unknown>, key: string, value: unknown, allowed: RegExp): ConfigError {
  const errors = errorsOf(context);
  expect(errors.map((error) => error.key)).toEqual([key]);
  const error = errors[0] as ConfigError;
  expect(error.value).toEqual(value);
  expect(error.message).toContain(`'${key}'`);
  expect(error.message).toContain(value === undefined ? ': missing' : JSON.stringify(value));
  expect(error.message).toMatch(allowed);
  return error;
}

describe('configuration defaults', () => {
  it('defaults to dev with stage-suffixed aliases, on-demand stream, 168 h retention and no reserved concurrency', () => {
    expect(load({})).toEqual({
      stage: 'dev',
      keyAlias: 'alias/trading-data-key-dev',
      auditKeyAlias: 'alias/trading-audit-key-dev',
      producerPrincipals: [],
      analystPrincipals: [],
      dataEngineerPrincipals: [],
      auditorPrincipals: [],
      keyAdminPrincipals: [],
      roleTrustPolicyQuota: 2048,
      streamCapacity: { mode: 'on-demand' },
      streamRetentionHours: 168,
      logRetentionDays: 365,
      writerReservedConcurrency: undefined,
      batchSize: 10000,
      batchingWindowSeconds: 60,
      maxRetryAttempts: 10,
      maxRecordAgeHours: 24,
      parallelizationFactor: 1,
      createTrail: true,
      athenaBytesScannedCutoff: 10 * 1024 ** 3,
      alarmEmail: undefined,
      recordsRetention: { mode: 'none' },
      archiveAfterDays: 90,
      expireAfterRetention: false,
      noncurrentVersionDays: 90,
      accessLogDays: 365,
      auditReadDataEvents: true,
      curationSchedule: 'rate(1 hour)',
      reconcileDays: 35,
    });
  });

  it('uses the unsuffixed alias in prod', () => {
    expect(load(PROD).keyAlias).toBe('alias/trading-data-key');
  });

  it('reads strings from -c key=value as numbers, booleans and lists', () => {
    const config = load({
      streamCapacity: '4',
      createTrail: 'false',
      writerReservedConcurrency: '8',
      analystPrincipals: 'arn:aws:iam::111111111111:role/a, arn:aws:iam::111111111111:role/b',
      producerPrincipals: '["arn:aws:iam::222222222222:root"]',
      archiveAfterDays: '120',
      expireAfterRetention: 'true',
      recordsRetention: 'governance:30d',
      auditReadDataEvents: 'false',
      reconcileDays: '7',
    });
    expect(config.streamCapacity).toEqual({ mode: 'provisioned', shards: 4 });
    expect(config.createTrail).toBe(false);
    expect(config.writerReservedConcurrency).toBe(8);
    expect(config.analystPrincipals).toEqual(['arn:aws:iam::111111111111:role/a', 'arn:aws:iam::111111111111:role/b']);
    expect(config.producerPrincipals).toEqual(['arn:aws:iam::222222222222:root']);
    expect(config.archiveAfterDays).toBe(120);
    expect(config.expireAfterRetention).toBe(true);
    expect(config.auditReadDataEvents).toBe(false);
    expect(config.reconcileDays).toBe(7);
  });

  it('keeps a false or zero that is given, rather than the default (defaults apply to absent keys only)', () => {
    const config = load({
      createTrail: false,
      auditReadDataEvents: false,
      batchingWindowSeconds: 0,
      maxRetryAttempts: 0,
    });
    expect(config.createTrail).toBe(false);
    expect(config.auditReadDataEvents).toBe(false);
    expect(config.batchingWindowSeconds).toBe(0);
    expect(config.maxRetryAttempts).toBe(0);
  });

  it('reads a null from cdk.json as absent', () => {
    expect(load({ alarmEmail: null, streamCapacity: null }).streamCapacity).toEqual({ mode: 'on-demand' });
  });
});

describe('a bad value stops synth with a message naming the key, the value and what is allowed', () => {
  it.each([
    [{ stage: 'staging' }, 'stage', 'staging', /'dev' or 'prod'/],
    [{ keyAlias: 'trading-key' }, 'keyAlias', 'trading-key', /alias\/<name>/],
    [{ keyAlias: 'alias/aws/s3' }, 'keyAlias', 'alias/aws/s3', /not under 'alias\/aws\/'/],
    [{ analystPrincipals: 'analysts' }, 'analystPrincipals', 'analysts', /IAM ARNs/],
    [
      { producerPrincipals: ['arn:aws:iam::12345:role/x'] },
      'producerPrincipals',
      ['arn:aws:iam::12345:role/x'],
      /"arn:aws:iam::12345:role\/x" is not an IAM ARN/,
    ],
    [{ streamCapacity: 'lots' }, 'streamCapacity', 'lots', /'on-demand' or a whole number of shards/],
    [{ streamCapacity: 0 }, 'streamCapacity', 0, /from 1 to 500/],
    [{ streamRetentionHours: 24 }, 'streamRetentionHours', 24, /from 168/],
    [{ logRetentionDays: 42 }, 'logRetentionDays', 42, /one of 1, 3, 5/],
    [{ writerReservedConcurrency: -1 }, 'writerReservedConcurrency', -1, /'off' or a whole number/],
    [{ batchSize: 20000 }, 'batchSize', 20000, /from 1 to 10000/],
    [{ batchingWindowSeconds: 301 }, 'batchingWindowSeconds', 301, /0 to 300/],
    [{ maxRetryAttempts: 'many' }, 'maxRetryAttempts', 'many', /whole number/],
    [{ maxRecordAgeHours: 168 }, 'maxRecordAgeHours', 168, /below the minimum stream retention of 168/],
    [{ parallelizationFactor: 11 }, 'parallelizationFactor', 11, /from 1 to 10/],
    [{ createTrail: 'yes' }, 'createTrail', 'yes', /true or false/],
    [{ athenaBytesScannedCutoff: 1000 }, 'athenaBytesScannedCutoff', 1000, /at least 10485760/],
    [{ alarmEmail: 'ops' }, 'alarmEmail', 'ops', /an email address/],
    [{ archiveAfterDays: 0 }, 'archiveAfterDays', 0, /from 1 to 36500/],
    [{ archiveAfterDays: '90.5' }, 'archiveAfterDays', '90.5', /whole number of days/],
    [{ expireAfterRetention: 'no' }, 'expireAfterRetention', 'no', /true or false/],
    [{ noncurrentVersionDays: 0 }, 'noncurrentVersionDays', 0, /from 1 to 36500/],
    [{ accessLogDays: 36501 }, 'accessLogDays', 36501, /from 1 to 36500/],
    [{ auditReadDataEvents: 1 }, 'auditReadDataEvents', 1, /true or false/],
    [{ reconcileDays: 0 }, 'reconcileDays', 0, /from 1 to 366/],
    [{ reconcileDays: 400 }, 'reconcileDays', 400, /from 1 to 366/],
    [{ reconcileDays: 1.5 }, 'reconcileDays', 1.5, /whole number/],
  ])('rejects %j', (context, key, value, allowed) => {
    onlyError(context, key, value, allowed);
  });

  it("rejects reserved concurrency below an on-demand stream's four starting shards x parallelization factor", () => {
    onlyError(
      { streamCapacity: 'on-demand', parallelizationFactor: 10, writerReservedConcurrency: 1 },
      'writerReservedConcurrency',
      1,
      /at least the on-demand stream's 4 starting shards x parallelizationFactor = 40/,
    );
    expect(load({ streamCapacity: 'on-demand', writerReservedConcurrency: 4 }).writerReservedConcurrency).toBe(4);
  });

  it('rejects the same alias for the data key and the audit key', () => {
    onlyError(
      { keyAlias: 'alias/trading', auditKeyAlias: 'alias/trading' },
      'auditKeyAlias',
      'alias/trading',
      /an alias other than keyAlias \(alias\/trading\)/,
    );
  });

  it('rejects reserved concurrency below shards x parallelization factor', () => {
    onlyError(
      { streamCapacity: 4, parallelizationFactor: 2, writerReservedConcurrency: 7 },
      'writerReservedConcurrency',
      7,
      /at least shards x parallelizationFactor = 8/,
    );
  });
});

describe('records retention (docs/design.md §9)', () => {
  it.each([
    ['none', { mode: 'none' }],
    ['governance:30d', { mode: 'GOVERNANCE', days: 30 }],
    ['governance:7y', { mode: 'GOVERNANCE', years: 7 }],
    ['compliance:6y', { mode: 'COMPLIANCE', years: 6 }],
    ['governance:36500d', { mode: 'GOVERNANCE', days: 36500 }],
    ['compliance:100y', { mode: 'COMPLIANCE', years: 100 }],
  ])('reads %s', (text, expected) => {
    expect(load({ recordsRetention: text }).recordsRetention).toEqual(expected);
  });

  it.each([
    ['compliance:2190d', /compliance retention is given in whole years/],
    ['governance:0d', /1 day to 100 years/],
    ['governance:36501d', /1 day to 100 years/],
    ['compliance:101y', /1 day to 100 years/],
    ['compliance', /not of the form mode:<N>d or mode:<N>y/],
    ['legal-hold:6y', /not of the form/],
    ['COMPLIANCE:6y', /not of the form/],
  ])('rejects %s, saying why', (text, why) => {
    onlyError({ recordsRetention: text }, 'recordsRetention', text, why);
  });

  it('refuses to synthesize prod until it is set, naming the choices, what compliance means and the usual periods', () => {
    const { recordsRetention: _, ...withoutRetention } = PROD;
    const error = onlyError(withoutRetention, 'recordsRetention', undefined, /in prod/);
    expect(error.message).toContain("'none', 'governance:<N>d' (1 to 36500), 'governance:<N>y' or 'compliance:<N>y'");
    expect(error.message).toMatch(/compliance: no one, the account root included, can shorten it or delete a locked/);
    expect(error.message).toMatch(/6 years for SEC 17a-4 trade blotters/);
    expect(error.message).toMatch(/5 years for CFTC 1\.31/);
  });

  it('accepts none in prod when it is chosen explicitly', () => {
    expect(load({ ...PROD, recordsRetention: 'none' }).recordsRetention).toEqual({ mode: 'none' });
  });

  it('refuses expireAfterRetention without a retention to expire after', () => {
    onlyError({ expireAfterRetention: true }, 'expireAfterRetention', true, /recordsRetention is none/);
    expect(load({ expireAfterRetention: true, recordsRetention: 'governance:1y' }).expireAfterRetention).toBe(true);
  });
});

describe('lifecycle and curation settings', () => {
  it('keeps lake objects in Standard while the curation job may still re-read their day', () => {
    onlyError({ archiveAfterDays: 30, reconcileDays: 35 }, 'archiveAfterDays', 30, /at least reconcileDays = 35/);
    expect(load({ archiveAfterDays: 35, reconcileDays: 35 }).archiveAfterDays).toBe(35);
    expect(load({ archiveAfterDays: 7, reconcileDays: 7 }).archiveAfterDays).toBe(7);
  });

  it.each([
    'rate(1 hour)',
    'rate(15 minutes)',
    'rate(1 minute)',
    'rate(2 days)',
    'cron(0 * * * ? *)',
    'cron(15 2 ? * MON-FRI *)',
    'cron(0 3 L * ? *)',
    'cron(0/30 8-18 ? * 2-6 *)',
  ])('accepts the EventBridge Scheduler expression %s', (expression) => {
    expect(load({ curationSchedule: expression }).curationSchedule).toBe(expression);
  });

  it.each([
    ['rate(1 hours)', /singular for 1 and plural otherwise/],
    ['rate(5 hour)', /singular for 1 and plural otherwise/],
    ['rate(0 minutes)', /positive whole number/],
    ['rate(1 week)', /neither rate\(\.\.\.\) nor cron/],
    ['0 * * * ? *', /neither rate\(\.\.\.\) nor cron/],
    ['at(2026-01-02T03:00:00)', /one-time at\(\) schedule would curate once/],
    ['cron(0 * * * *)', /Expected 6 values, but got 5/],
    ['cron(0 * * * * *)', /Cannot specify both daysOfMonth and daysOfWeek field \(one of them must be \?\)/],
    ['cron(60 * * * ? *)', /bigger than upper limit '59'/],
    ['cron(0 24 * * ? *)', /bigger than upper limit '23'/],
  ])('rejects the schedule %s, saying why', (expression, why) => {
    onlyError({ curationSchedule: expression }, 'curationSchedule', expression, why);
  });
});

describe('prod', () => {
  it.each(['producerPrincipals', 'analystPrincipals', 'dataEngineerPrincipals', 'auditorPrincipals'])(
    'refuses to synth without explicit %s',
    (key) => {
      const context: Record<string, unknown> = { ...PROD };
      delete context[key];
      onlyError(context, key, undefined, /in prod, the principals who may assume the/);
    },
  );

  it('refuses an empty list of principals', () => {
    onlyError({ ...PROD, analystPrincipals: [] }, 'analystPrincipals', [], /in prod/);
  });

  it('refuses logRetentionDays under 365, because PCI DSS 10.7 keeps audit logs a year', () => {
    onlyError({ ...PROD, logRetentionDays: 180 }, 'logRetentionDays', 180, /in prod, at least 365 days: PCI DSS 10\.7/);
    expect(load({ ...PROD, logRetentionDays: 400 }).logRetentionDays).toBe(400);
    // Dev keeps the shorter periods CloudWatch Logs offers.
    expect(load({ logRetentionDays: 30 }).logRetentionDays).toBe(30);
  });

  it('refuses accessLogDays under 365 for the same reason', () => {
    onlyError({ ...PROD, accessLogDays: '90' }, 'accessLogDays', '90', /in prod, at least 365 days: PCI DSS 10\.7/);
    expect(load({ accessLogDays: 90 }).accessLogDays).toBe(90);
  });
});

describe('every error of a run is reported at once', () => {
  it('names all four missing principal keys and recordsRetention for -c stage=prod alone, "missing" rather than null', () => {
    let thrown: unknown;
    try {
      load({ stage: 'prod' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigErrors);
    const { errors, message } = thrown as ConfigErrors;
    expect(errors.map((error) => error.key)).toEqual([
      'producerPrincipals',
      'analystPrincipals',
      'dataEngineerPrincipals',
      'auditorPrincipals',
      'recordsRetention',
    ]);
    expect(message.split('\n')[0]).toBe('5 configuration errors:');
    for (const key of errors.map((error) => error.key)) {
      expect(message).toContain(`- Invalid context value for '${key}': missing. Allowed: in prod`);
    }
    expect(message).not.toContain('null');
  });

  it('reports bad values, unknown keys and prod rules together, each once', () => {
    const errors = errorsOf({
      ...PROD,
      streamCapcity: 4,
      batchSize: 0,
      logRetentionDays: 30,
      curationSchedule: 'hourly',
    });
    expect(errors.map((error) => error.key)).toEqual([
      'streamCapcity',
      'logRetentionDays',
      'batchSize',
      'curationSchedule',
    ]);
  });

  it('reads the rest as dev when the stage itself is bad, so that no error follows from the stage alone', () => {
    expect(errorsOf({ stage: 'production', batchSize: 0 }).map((error) => error.key)).toEqual(['stage', 'batchSize']);
  });

  it('gives a single error as one line, without a count', () => {
    expect(() => load({ streamCapacity: 'lots' })).toThrow(
      new ConfigErrors(errorsOf({ streamCapacity: 'lots' })).message,
    );
    expect(new ConfigErrors(errorsOf({ streamCapacity: 'lots' })).message).toBe(
      `Invalid context value for 'streamCapacity': "lots". Allowed: 'on-demand' or a whole number of shards from 1 to 500.`,
    );
  });
});

describe('unknown keys are refused, with the closest known key', () => {
  it.each([
    ['streamCapcity', 'streamCapacity'],
    ['StreamCapacity', 'streamCapacity'],
    ['analystPrincipal', 'analystPrincipals'],
    ['logRetentionDay', 'logRetentionDays'],
    ['recordRetention', 'recordsRetention'],
    ['curationSchedul', 'curationSchedule'],
  ])('suggests %s -> %s', (typo, meant) => {
    const errors = errorsOf({ [typo]: 'x' });
    expect(errors).toHaveLength(1);
    const error = errors[0] as ConfigError;
    expect(error).toBeInstanceOf(UnknownContextKeyError);
    expect(error.key).toBe(typo);
    expect((error as UnknownContextKeyError).suggestion).toBe(meant);
    expect(error.message).toBe(`Unknown context key '${typo}': did you mean '${meant}'?`);
  });

  it('lists the known keys when nothing is close enough to be a typo', () => {
    expect(closestKey('colour')).toBeUndefined();
    const errors = errorsOf({ colour: 'blue' });
    expect(errors.map((error) => error.key)).toEqual(['colour']);
    expect(errors[0]?.message).toBe(`Unknown context key 'colour'. Known keys: ${Object.keys(SETTINGS).join(', ')}.`);
  });

  it("leaves CDK's own keys alone: feature flags, aws:cdk:*, lookups, cli-telemetry, acknowledged-issue-numbers", () => {
    const cdkKeys = {
      ...cdkJsonContext(),
      '@aws-cdk/core:failSynthOnValidationErrors': false,
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:enable-asset-metadata': true,
      'aws:cdk:version-reporting': true,
      'aws:cdk:bundling-stacks': ['**'],
      'aws-cdk:enableDiffNoFail': 'true',
      'availability-zones:account=111111111111:region=eu-west-1': ['eu-west-1a'],
      'cli-telemetry': false,
      'acknowledged-issue-numbers': [32775],
    };
    for (const key of Object.keys(cdkKeys)) expect(isCdkContextKey(key)).toBe(true);
    expect(errorsOf(cdkKeys)).toEqual([]);
  });

  it('treats a known setting and a plain word as the app’s, never as CDK’s', () => {
    expect(isCdkContextKey('streamCapacity')).toBe(false);
    expect(isCdkContextKey('telemetry')).toBe(false);
  });
});

describe('principals: exact ARNs and IAM Identity Center permission sets', () => {
  it('accepts a permission-set pattern, alone or mixed with exact ARNs', () => {
    const principals = ['arn:aws:iam::111111111111:role/analysts', ANALYSTS_PERMISSION_SET];
    expect(load({ analystPrincipals: principals }).analystPrincipals).toEqual(principals);
    expect(load({ analystPrincipals: principals.join(',') }).analystPrincipals).toEqual(principals);
  });

  it('reads the permission set, its account and partition from the pattern', () => {
    expect(permissionSetPatternOf(ANALYSTS_PERMISSION_SET)).toEqual({
      partition: 'aws',
      account: '111111111111',
      permissionSetName: 'Analysts',
      pattern: ANALYSTS_PERMISSION_SET,
    });
    expect(permissionSetPatternOf('arn:aws:iam::111111111111:role/analysts')).toBeUndefined();
  });

  it.each([
    // `_*` would also admit a permission set named Analysts_X.
    'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Analysts_*',
    'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_Analysts_????????????????',
    'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Analysts_???????????????',
    'arn:aws:iam::111111111111:role/*',
    'arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Analysts_????????????????',
    'arn:aws:iam::111111111111:role/AWSReservedSSO_Analysts_????????????????',
  ])('refuses any other wildcard form, showing the accepted one: %s', (pattern) => {
    onlyError(
      { auditorPrincipals: [pattern] },
      'auditorPrincipals',
      [pattern],
      /has a wildcard, but is not of the IAM Identity Center permission-set form\)\. Allowed: .*arn:aws:iam::<account>:role\/aws-reserved\/sso\.amazonaws\.com\/\*AWSReservedSSO_<PermissionSetName>_\?{16}/,
    );
  });

  it('names every bad entry of a list in one error', () => {
    const error = onlyError(
      { producerPrincipals: ['arn:aws:iam::111111111111:role/ok', 'analysts', 'arn:aws:iam::111111111111:role/*'] },
      'producerPrincipals',
      ['arn:aws:iam::111111111111:role/ok', 'analysts', 'arn:aws:iam::111111111111:role/*'],
      /"analysts" is not an IAM ARN/,
    );
    expect(error.message).toMatch(/"arn:aws:iam::111111111111:role\/\*" has a wildcard/);
    expect(error.message).not.toMatch(/"arn:aws:iam::111111111111:role\/ok"[^,]/);
  });

  it('keeps key administrators exact: a key policy names them without wildcards', () => {
    onlyError(
      { keyAdminPrincipals: [ANALYSTS_PERMISSION_SET] },
      'keyAdminPrincipals',
      [ANALYSTS_PERMISSION_SET],
      /has a wildcard: a key policy names its administrators exactly/,
    );
  });
});

describe("trust policies fit IAM's role trust policy quota", () => {
  /** `count` distinct role ARNs of one length (account 111111111111). */
  const roles = (count: number, name = 'trading-system') =>
    Array.from({ length: count }, (_, i) => `arn:aws:iam::111111111111:role/${name}-${String(i).padStart(3, '0')}`);
  /** The most roles of `roles()` whose trust policy fits `quota`. */
  const mostThatFit = (quota: number) => {
    let count = 1;
    while (trustPolicyLength(roles(count + 1)) <= quota) count += 1;
    return count;
  };

  it("accepts principals up to IAM's default 2,048 characters and refuses the one more that passes it", () => {
    const fit = mostThatFit(2048);
    expect(fit).toBeGreaterThan(20);
    expect(load({ producerPrincipals: roles(fit) }).producerPrincipals).toHaveLength(fit);
    const error = onlyError(
      { producerPrincipals: roles(fit + 1) },
      'producerPrincipals',
      roles(fit + 1),
      /fits roleTrustPolicyQuota \(2048 characters, as IAM counts them: no whitespace\).*permission set.*raise the account's 'Role trust policy length' quota \(at most 4096\)/,
    );
    expect(error.message).toContain(
      `${fit + 1} principals make a trust policy of ${trustPolicyLength(roles(fit + 1))} characters; IAM would refuse the role at deploy`,
    );
  });

  it('accepts more once roleTrustPolicyQuota says the account’s quota was raised, up to 4,096', () => {
    const fit = mostThatFit(4096);
    expect(load({ analystPrincipals: roles(fit), roleTrustPolicyQuota: 4096 }).analystPrincipals).toHaveLength(fit);
    expect(load({ analystPrincipals: roles(fit), roleTrustPolicyQuota: '4096' }).roleTrustPolicyQuota).toBe(4096);
    onlyError(
      { analystPrincipals: roles(fit + 1), roleTrustPolicyQuota: 4096 },
      'analystPrincipals',
      roles(fit + 1),
      /4096 characters/,
    );
  });

  it.each([2047, 4097, 'big'])('refuses a roleTrustPolicyQuota outside IAM’s 2,048 to 4,096: %s', (quota) => {
    onlyError({ roleTrustPolicyQuota: quota }, 'roleTrustPolicyQuota', quota, /from 2048 \(IAM's default\) to 4096/);
  });

  it('names every role whose principals do not fit, in one run, beside the other errors', () => {
    const errors = errorsOf({ ...PROD, dataEngineerPrincipals: roles(60), auditorPrincipals: roles(60, 'audit') });
    expect(errors.map((error) => error.key)).toEqual(['dataEngineerPrincipals', 'auditorPrincipals']);
  });

  it('counts a principal named twice once, as the deployed trust policy names it', () => {
    const fit = mostThatFit(2048);
    expect(load({ producerPrincipals: [...roles(fit), ...roles(fit)] }).producerPrincipals).toHaveLength(2 * fit);
  });

  it('counts a permission set by its two ArnLike patterns, so a team of many roles fits as one entry', () => {
    expect(trustPolicyLength([ANALYSTS_PERMISSION_SET])).toBeLessThan(500);
    expect(load({ analystPrincipals: [ANALYSTS_PERMISSION_SET] }).analystPrincipals).toEqual([ANALYSTS_PERMISSION_SET]);
  });
});
