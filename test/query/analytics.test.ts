import { TRADE_QUERIES } from '../../schema/queries/trade-queries';
import { synthApp, TEST_ENV } from '../support/app';
import { actionsOf, asArray, identityStatements, logicalIdOf, resourceProps } from '../support/template';

const { stack, template } = synthApp();
const WORKGROUPS = {
  analysts: { name: 'trading-data-lake-dev-analytics', queries: stack.analytics.analysts },
  engineers: { name: 'trading-data-lake-dev-engineering', queries: stack.analytics.engineers },
} as const;
const workGroupProps = (which: keyof typeof WORKGROUPS) =>
  resourceProps(template, logicalIdOf(WORKGROUPS[which].queries.workGroup));
const namedQueriesIn = (workGroupName: string) =>
  (Object.values(template.findResources('AWS::Athena::NamedQuery')) as any[]).filter(
    (q) => q.Properties.WorkGroup === workGroupName,
  );
const workGroupArn = (name: string) => `arn:aws:athena:${TEST_ENV.region}:${TEST_ENV.account}:workgroup/${name}`;

describe.each(Object.keys(WORKGROUPS) as (keyof typeof WORKGROUPS)[])('the %s workgroup', (which) => {
  const { name, queries } = WORKGROUPS[which];

  it('enforces its configuration, publishes metrics and cuts off queries by bytes scanned', () => {
    const workGroup = workGroupProps(which);
    expect(workGroup.Name).toBe(name);
    expect(workGroup.WorkGroupConfiguration).toMatchObject({
      EnforceWorkGroupConfiguration: true,
      PublishCloudWatchMetricsEnabled: true,
      BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
    });
  });

  it('encrypts results with SSE_KMS under the data key ARN, in a results bucket of its own', () => {
    const results = workGroupProps(which).WorkGroupConfiguration.ResultConfiguration;
    expect(results.EncryptionConfiguration).toEqual({
      EncryptionOption: 'SSE_KMS',
      KmsKey: { 'Fn::GetAtt': [logicalIdOf(stack.dataKey.key), 'Arn'] },
    });
    expect(results.OutputLocation).toEqual({
      'Fn::Join': ['', ['s3://', { Ref: logicalIdOf(queries.resultsBucket) }, '/results/']],
    });
    expect(results.ExpectedBucketOwner).toBe(TEST_ENV.account);
    expect(logicalIdOf(queries.resultsBucket)).not.toBe(logicalIdOf(stack.lake.bucket));
  });

  it('denies a PutObject into its results bucket that names another encryption or another key', () => {
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
      (p: any) => p.Properties.Bucket.Ref === logicalIdOf(queries.resultsBucket),
    ) as any;
    const bySid = Object.fromEntries(policy.Properties.PolicyDocument.Statement.map((st: any) => [st.Sid, st]));
    expect(bySid.DenyWriteWithOtherEncryption).toMatchObject({
      Effect: 'Deny',
      Action: 's3:PutObject',
      Condition: {
        Null: { 's3:x-amz-server-side-encryption': 'false' },
        StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
      },
    });
    expect(bySid.DenyWriteWithOtherKey).toMatchObject({
      Effect: 'Deny',
      Action: 's3:PutObject',
      Condition: {
        Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' },
        StringNotEquals: {
          's3:x-amz-server-side-encryption-aws-kms-key-id': { 'Fn::GetAtt': [logicalIdOf(stack.dataKey.key), 'Arn'] },
        },
      },
    });
  });
});

describe('workgroups', () => {
  it('keep data engineers’ results apart from analysts’: each workgroup writes to a bucket of its own', () => {
    expect(logicalIdOf(stack.analytics.engineers.resultsBucket)).not.toBe(
      logicalIdOf(stack.analytics.analysts.resultsBucket),
    );
  });

  it('take the bytes-scanned cutoff from config', () => {
    const small = synthApp({ athenaBytesScannedCutoff: '104857600' });
    // The curation workgroup's cutoff is the job's own (lib/curated-zone).
    const cutoffs = (Object.values(small.template.findResources('AWS::Athena::WorkGroup')) as any[])
      .filter((w) => w.Properties.Name !== 'trading-data-lake-dev-curation')
      .map((w) => w.Properties.WorkGroupConfiguration.BytesScannedCutoffPerQuery);
    expect(cutoffs).toEqual([104857600, 104857600, 104857600]);
  });
});

describe('named queries', () => {
  it('saves the curated queries and the raw forensics for analysts, and never a query over quarantine', () => {
    const saved = namedQueriesIn(WORKGROUPS.analysts.name);
    expect(saved.map((q) => q.Properties.Name).sort()).toEqual(
      [
        'trade-by-id',
        'volume-and-notional-by-symbol',
        'vwap-by-symbol',
        'trade-events-by-id',
        'raw-events-by-type',
      ].sort(),
    );
    for (const query of saved) expect(query.Properties.QueryString).not.toMatch(/"quarantine"/);
  });

  it('saves every query, quarantine by reason included, for data engineers', () => {
    expect(
      namedQueriesIn(WORKGROUPS.engineers.name)
        .map((q) => q.Properties.Name)
        .sort(),
    ).toEqual(TRADE_QUERIES.map((q) => q.name).sort());
  });

  it('runs every saved query against the lake database', () => {
    for (const { name } of Object.values(WORKGROUPS)) {
      for (const query of namedQueriesIn(name)) expect(query.Properties.Database).toBe('trading_data_lake_dev');
    }
  });
});

describe('query grants', () => {
  const analyst = identityStatements(template, logicalIdOf(stack.roles.analyst));
  const engineer = identityStatements(template, logicalIdOf(stack.roles.dataEngineer));
  const resourcesOf = (statements: typeof analyst, action: string) =>
    statements
      .filter((s) => actionsOf(s).includes(action))
      .flatMap((s) => asArray(s.Resource as unknown[]))
      .map(String);

  it('lets analysts read the trades table only, never the quarantine table', () => {
    const resources = resourcesOf(analyst, 'glue:GetTable');
    expect(resources).toContain(
      `arn:aws:glue:${TEST_ENV.region}:${TEST_ENV.account}:table/trading_data_lake_dev/trades`,
    );
    expect(resources.some((r) => r.includes('quarantine'))).toBe(false);
  });

  it('lets data engineers read the quarantine table as well', () => {
    expect(resourcesOf(engineer, 'glue:GetTable')).toContain(
      `arn:aws:glue:${TEST_ENV.region}:${TEST_ENV.account}:table/trading_data_lake_dev/quarantine`,
    );
  });

  it('lets analysts query in the analytics workgroup only, and data engineers in their own only', () => {
    expect(resourcesOf(analyst, 'athena:StartQueryExecution')).toEqual([workGroupArn(WORKGROUPS.analysts.name)]);
    expect(resourcesOf(engineer, 'athena:StartQueryExecution')).toEqual([workGroupArn(WORKGROUPS.engineers.name)]);
  });

  it('lets everyone who queries read the catalog and the default database, which the Athena console needs', () => {
    const auditor = identityStatements(template, logicalIdOf(stack.roles.auditor));
    for (const statements of [analyst, engineer, auditor]) {
      expect(resourcesOf(statements, 'glue:GetDatabase')).toEqual(
        expect.arrayContaining([
          `arn:aws:glue:${TEST_ENV.region}:${TEST_ENV.account}:catalog`,
          `arn:aws:glue:${TEST_ENV.region}:${TEST_ENV.account}:database/default`,
        ]),
      );
    }
  });
});
