import { loadWriterConfig } from '../../lambda/trade-writer/config';
import { KEY_ARN } from '../../tools/fixtures/trade-events';

describe('the writer configuration', () => {
  const complete = { DATA_BUCKET_NAME: 'lake-bucket', DATA_KEY_ARN: KEY_ARN };

  it('reads the bucket and the data key ARN', () => {
    expect(loadWriterConfig(complete)).toEqual({ bucketName: 'lake-bucket', keyArn: KEY_ARN });
  });

  it('fails at cold start, naming the variable, when one is missing', () => {
    expect(() => loadWriterConfig({ DATA_KEY_ARN: KEY_ARN })).toThrow(
      'environment variable DATA_BUCKET_NAME is not set',
    );
    expect(() => loadWriterConfig({})).toThrow('DATA_BUCKET_NAME and DATA_KEY_ARN is not set');
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

  it('builds the entry point handler when the environment is complete', () => {
    const entry = coldStart({
      ...complete,
      POWERTOOLS_METRICS_NAMESPACE: 'Test',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    }) as { handler: unknown };
    expect(typeof entry.handler).toBe('function');
  });
});
