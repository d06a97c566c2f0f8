import { ConfigError, loadConfig } from '../lib/config';
import { PROD_PRINCIPALS } from './support/app';

const load = (context: Record<string, unknown>) => loadConfig((key) => context[key]);
const expectError = (context: Record<string, unknown>, key: string, value: unknown, allowed: RegExp) => {
  let error: unknown;
  try {
    load(context);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const configError = error as ConfigError;
  expect(configError.key).toBe(key);
  expect(configError.value).toEqual(value);
  expect(configError.message).toContain(`'${key}'`);
  expect(configError.message).toContain(JSON.stringify(value));
  expect(configError.message).toMatch(allowed);
};

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
    });
  });

  it('uses the unsuffixed alias in prod', () => {
    expect(load({ stage: 'prod', ...PROD_PRINCIPALS }).keyAlias).toBe('alias/trading-data-key');
  });

  it('reads strings from -c key=value as numbers, booleans and lists', () => {
    const config = load({
      streamCapacity: '4',
      createTrail: 'false',
      writerReservedConcurrency: '8',
      analystPrincipals: 'arn:aws:iam::111111111111:role/a, arn:aws:iam::111111111111:role/b',
      producerPrincipals: '["arn:aws:iam::222222222222:root"]',
    });
    expect(config.streamCapacity).toEqual({ mode: 'provisioned', shards: 4 });
    expect(config.createTrail).toBe(false);
    expect(config.writerReservedConcurrency).toBe(8);
    expect(config.analystPrincipals).toEqual(['arn:aws:iam::111111111111:role/a', 'arn:aws:iam::111111111111:role/b']);
    expect(config.producerPrincipals).toEqual(['arn:aws:iam::222222222222:root']);
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
      /IAM ARNs/,
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
  ])('rejects %j', (context, key, value, allowed) => {
    expectError(context, key, value, allowed);
  });

  it('rejects reserved concurrency below shards x parallelization factor', () => {
    expectError(
      { streamCapacity: 4, parallelizationFactor: 2, writerReservedConcurrency: 7 },
      'writerReservedConcurrency',
      7,
      /at least shards x parallelizationFactor = 8/,
    );
  });

  it.each(['producerPrincipals', 'analystPrincipals', 'dataEngineerPrincipals', 'auditorPrincipals'])(
    'in prod, refuses to synth without explicit %s',
    (key) => {
      const context: Record<string, unknown> = { stage: 'prod', ...PROD_PRINCIPALS };
      delete context[key];
      expectError(context, key, null, /in prod/);
    },
  );

  it('in prod, refuses an empty list of principals', () => {
    expectError({ stage: 'prod', ...PROD_PRINCIPALS, analystPrincipals: [] }, 'analystPrincipals', [], /in prod/);
  });
});
