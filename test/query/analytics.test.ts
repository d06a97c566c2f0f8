import { QUARANTINE_COLUMNS, TRADE_COLUMNS } from '../../schema/layout';
import { TRADE_QUERIES } from '../../schema/queries/trade-queries';
import { synthApp, TEST_ENV } from '../support/app';
import { actionsOf, asArray, identityStatements, logicalIdOf, resourceProps } from '../support/template';

const { stack, template } = synthApp();
const tables = template.findResources('AWS::Glue::Table');
const tableNamed = (name: string) =>
  (Object.values(tables) as any[]).find((t) => t.Properties.TableInput.Name === name).Properties.TableInput;
const lakeRef = { Ref: logicalIdOf(stack.lake.bucket) };
const workGroup = resourceProps(template, logicalIdOf(stack.analytics.workGroup));
const namedQueries = (Object.values(template.findResources('AWS::Athena::NamedQuery')) as any[]).filter(
  (q) => q.Properties.WorkGroup === 'trading-data-lake-dev-analytics',
);

describe('Glue tables', () => {
  it.each([
    ['trades', 'trades/', TRADE_COLUMNS],
    ['quarantine', 'quarantine/', QUARANTINE_COLUMNS],
  ])('reads %s as gzip JSON Lines under %s with the columns of the shared layout', (name, prefix, columns) => {
    const table = tableNamed(name);
    expect(table.StorageDescriptor.Location).toEqual({ 'Fn::Join': ['', ['s3://', lakeRef, `/${prefix}`]] });
    expect(table.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.openx.data.jsonserde.JsonSerDe');
    expect(table.StorageDescriptor.Columns.map((c: any) => [c.Name, c.Type])).toEqual(
      columns.map((c) => [c.name, c.type]),
    );
    expect(table.Parameters.compressionType).toBe('gzip');
  });

  it.each(['trades', 'quarantine'])('projects dt partitions on %s: no crawler, no MSCK REPAIR', (name) => {
    const table = tableNamed(name);
    expect(table.PartitionKeys).toEqual([{ Name: 'dt', Type: 'string', Comment: 'UTC date, YYYY-MM-DD' }]);
    expect(table.Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': '2020-01-01,NOW+1DAYS',
      'storage.location.template': { 'Fn::Join': ['', ['s3://', lakeRef, `/${name}/dt=\${dt}/`]] },
    });
    template.resourceCountIs('AWS::Glue::Crawler', 0);
  });
});

describe('Athena workgroup', () => {
  it('enforces its configuration, publishes metrics and cuts off queries by bytes scanned', () => {
    expect(workGroup.Name).toBe('trading-data-lake-dev-analytics');
    expect(workGroup.WorkGroupConfiguration).toMatchObject({
      EnforceWorkGroupConfiguration: true,
      PublishCloudWatchMetricsEnabled: true,
      BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
    });
  });

  it('encrypts results with SSE_KMS under the data key ARN, in a results bucket of their own', () => {
    const results = workGroup.WorkGroupConfiguration.ResultConfiguration;
    expect(results.EncryptionConfiguration).toEqual({
      EncryptionOption: 'SSE_KMS',
      KmsKey: { 'Fn::GetAtt': [logicalIdOf(stack.dataKey.key), 'Arn'] },
    });
    expect(results.OutputLocation).toEqual({
      'Fn::Join': ['', ['s3://', { Ref: logicalIdOf(stack.analytics.resultsBucket) }, '/results/']],
    });
    expect(results.ExpectedBucketOwner).toBe(TEST_ENV.account);
    expect(logicalIdOf(stack.analytics.resultsBucket)).not.toBe(logicalIdOf(stack.lake.bucket));
  });

  it('takes the bytes-scanned cutoff from config', () => {
    const small = synthApp({ athenaBytesScannedCutoff: '104857600' });
    small.template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: { BytesScannedCutoffPerQuery: 104857600 },
    });
  });
});

describe('named queries', () => {
  it('answers volume and notional, VWAP, one trade and quarantine by reason', () => {
    expect(namedQueries.map((q) => q.Properties.Name).sort()).toEqual(
      ['quarantine-by-reason', 'trade-by-id', 'volume-and-notional-by-symbol', 'vwap-by-symbol'].sort(),
    );
    for (const query of namedQueries) {
      expect(query.Properties.WorkGroup).toBe('trading-data-lake-dev-analytics');
      expect(query.Properties.Database).toBe('trading_data_lake_dev');
    }
  });

  it.each(TRADE_QUERIES.filter((q) => q.id !== 'QuarantineByReasonQuery').map((q) => [q.name, q] as const))(
    'deduplicates %s per dt and trade_id, keeping the dt filter inside so partitions are pruned',
    (_name, query) => {
      const sql = query.sql({ trades: 'trades', quarantine: 'quarantine' });
      expect(sql).toContain("row_number() OVER (PARTITION BY dt, trade_id ORDER BY lpad(sequence_number, 129, '0'))");
      // The date predicate sits in the same SELECT as the window function, on the raw table.
      expect(sql).toMatch(/FROM "trades"( t)?\s*\n\s*WHERE (t\.)?dt (= \?|BETWEEN \? AND \?)/);
    },
  );

  it.each(TRADE_QUERIES.filter((q) => q.id !== 'QuarantineByReasonQuery').map((q) => [q.name, q] as const))(
    'reads an absent currency as USD in %s',
    (_name, query) => {
      const sql = query.sql({ trades: 'trades', quarantine: 'quarantine' });
      expect(sql).toMatch(/coalesce\((t\.)?currency, 'USD'\) AS currency/);
      expect(sql).not.toMatch(/SELECT t\.\*/);
    },
  );

  it('counts a quarantined record once even when a retry stored it twice', () => {
    const sql = TRADE_QUERIES.find((q) => q.id === 'QuarantineByReasonQuery')!.sql({
      trades: 'trades',
      quarantine: 'quarantine',
    });
    expect(sql).toContain("count(DISTINCT concat(shard_id, '/', sequence_number))");
    expect(sql).toContain('WHERE dt = ?');
  });
});

describe('query grants', () => {
  const analyst = identityStatements(template, logicalIdOf(stack.roles.analyst));
  const engineer = identityStatements(template, logicalIdOf(stack.roles.dataEngineer));
  const glueResources = (statements: typeof analyst) =>
    statements
      .filter((s) => actionsOf(s).includes('glue:GetTable'))
      .flatMap((s) => asArray(s.Resource as unknown[]))
      .map(String);

  it('lets analysts read the trades table only, never the quarantine table', () => {
    const resources = glueResources(analyst);
    expect(resources.some((r) => r.endsWith('table/trading_data_lake_dev/trades'))).toBe(true);
    expect(resources.some((r) => r.includes('quarantine'))).toBe(false);
  });

  it('lets data engineers read the quarantine table as well', () => {
    expect(glueResources(engineer).some((r) => r.endsWith('table/trading_data_lake_dev/quarantine'))).toBe(true);
  });

  it('lets both run queries only in the analytics workgroup', () => {
    for (const statements of [analyst, engineer]) {
      const athena = statements.filter((s) => actionsOf(s).includes('athena:StartQueryExecution'));
      expect(athena).toHaveLength(1);
      expect(athena[0].Resource).toBe(
        `arn:aws:athena:${TEST_ENV.region}:${TEST_ENV.account}:workgroup/trading-data-lake-dev-analytics`,
      );
    }
  });
});
