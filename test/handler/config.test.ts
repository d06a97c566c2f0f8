import { loadWriterConfig } from '../../lambda/trade-writer/config';
import { KEY_ARN } from '../../tools/fixtures/trade-events';

describe('the writer configuration', () => {
  const complete = { DATA_BUCKET_NAME: 'lake-bucket', DATA_KEY_ARN: KEY_ARN, RECONCILE_DAYS: '35' };

  it("reads the bucket, the data key ARN and the curation job's reconcileDays", () => {
    expect(loadWriterConfig(complete)).toEqual({ bucketName: 'lake-bucket', keyArn: KEY_ARN, reconcileDays: 35 });
    expect(loadWriterConfig({ ...complete, RECONCILE_DAYS: '1' }).reconcileDays).toBe(1);
    expect(loadWriterConfig({ ...complete, RECONCILE_DAYS: '366' }).reconcileDays).toBe(366);
  });

  it('fails at cold start, naming the variable, when one is missing', () => {
    expect(() => loadWriterConfig({ ...complete, DATA_BUCKET_NAME: undefined })).toThrow(
      'environment variable DATA_BUCKET_NAME is not set',
    );
    expect(() => loadWriterConfig({})).toThrow(
      'environment variables DATA_BUCKET_NAME, DATA_KEY_ARN and RECONCILE_DAYS are not set',
    );
  });

  it('refuses to start without the curation window, rather than count no trade as late', () => {
    expect(() => loadWriterConfig({ ...complete, RECONCILE_DAYS: undefined })).toThrow(
      'trade-writer: environment variable RECONCILE_DAYS is not set',
    );
    expect(() => loadWriterConfig({ ...complete, RECONCILE_DAYS: '' })).toThrow('RECONCILE_DAYS is not set');
  });

  it.each([
    ['zero', '0'],
    ['more than a year', '367'],
    ['a fraction', '3.5'],
    ['a negative number', '-35'],
    ['an exponent', '3.5e1'],
    ['hexadecimal', '0x23'],
    ['a value padded with a space', ' 35'],
    ['a unit', '35d'],
    ['a word', 'thirty-five'],
  ])('refuses %s as RECONCILE_DAYS, naming the variable, the range and the value', (_, value) => {
    expect(() => loadWriterConfig({ ...complete, RECONCILE_DAYS: value })).toThrow(
      `trade-writer: RECONCILE_DAYS must be a whole number of days from 1 to 366 (the curation job's reconcileDays, which decides which trades are late); got "${value}"`,
    );
  });

  it.each([
    ['an alias', 'alias/trading-data-key'],
    ['an alias ARN', 'arn:aws:kms:us-east-2:123456789012:alias/trading-data-key'],
    ['a bare key id', '1234abcd-12ab-34cd-56ef-1234567890ab'],
  ])('refuses %s as the key, which the bucket policy would deny on every write', (_, keyArn) => {
    expect(() => loadWriterConfig({ ...complete, DATA_KEY_ARN: keyArn })).toThrow('must be a KMS key ARN');
  });

  /** Loads the entry point afresh with these variables set (undefined: unset), as a cold start would. */
  function coldStart(variables: Record<string, string | undefined>): unknown {
    const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
    const apply = (values: Record<string, string | undefined>) => {
      for (const [name, value] of Object.entries(values)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    };
    apply(variables);
    try {
      let entry: unknown;
      jest.isolateModules(() => {
        entry = require('../../lambda/trade-writer/index');
      });
      return entry;
    } finally {
      apply(saved);
    }
  }

  it('fails the cold start of the entry point when the environment is incomplete', () => {
    expect(() =>
      coldStart({ ...complete, DATA_BUCKET_NAME: undefined, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }),
    ).toThrow('DATA_BUCKET_NAME');
  });

  it('fails the cold start of the entry point when the curation window is missing or unusable', () => {
    const quiet = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    expect(() => coldStart({ ...complete, ...quiet, RECONCILE_DAYS: undefined })).toThrow('RECONCILE_DAYS is not set');
    expect(() => coldStart({ ...complete, ...quiet, RECONCILE_DAYS: '0' })).toThrow('RECONCILE_DAYS must be');
  });

  it('builds the entry point handler when the environment is complete', () => {
    const entry = coldStart({
      ...complete,
      POWERTOOLS_METRICS_NAMESPACE: 'Test',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    }) as { handler: unknown };
    expect(typeof entry.handler).toBe('function');
  });
});
