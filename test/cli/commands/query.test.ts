import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  type StartQueryExecutionCommandInput,
} from '@aws-sdk/client-athena';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { EXIT } from '../../../cli/exit-codes';
import { runTrades } from '../../../cli/program';
import { NAMED_QUERIES } from '../../../cli/query/named-queries';
import { DATABASES, OUTPUTS, ROLES, roleOfCall, stackIsDeployed, WORK_GROUPS } from '../deployed-stack';
import { testEnvironment } from '../environment';
import { awsError } from '../support';

const cloudFormationMock = mockClient(CloudFormationClient);
const stsMock = mockClient(STSClient);
const athenaMock = mockClient(AthenaClient);

const vwap = NAMED_QUERIES.find(({ query }) => query.name === 'vwap-by-symbol');
if (vwap === undefined) throw new Error('schema/queries/ has no vwap-by-symbol');

const VWAP_ROWS = {
  ResultSet: {
    ResultSetMetadata: {
      ColumnInfo: [
        { Name: 'symbol', Type: 'varchar' },
        { Name: 'currency', Type: 'varchar' },
        { Name: 'vwap', Type: 'double' },
        { Name: 'volume', Type: 'decimal' },
        { Name: 'trades', Type: 'bigint' },
      ],
    },
    Rows: [
      { Data: ['symbol', 'currency', 'vwap', 'volume', 'trades'].map((VarCharValue) => ({ VarCharValue })) },
      { Data: ['ABC', 'USD', '101.25', '1500.00000000', '12'].map((VarCharValue) => ({ VarCharValue })) },
      {
        Data: [
          { VarCharValue: 'XYZ.B' },
          {},
          { VarCharValue: '7.5' },
          { VarCharValue: '100.00000000' },
          { VarCharValue: '1' },
        ],
      },
    ],
  },
};

function queryRunsAndSucceeds(scannedBytes = 1234567) {
  athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-42' });
  athenaMock
    .on(GetQueryExecutionCommand)
    .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' }, StatementType: 'DML' } })
    .resolves({
      QueryExecution: {
        Status: { State: 'SUCCEEDED' },
        StatementType: 'DML',
        Statistics: { DataScannedInBytes: scannedBytes },
      },
    });
  athenaMock.on(GetQueryResultsCommand).resolves(VWAP_ROWS);
}

const started = () =>
  athenaMock
    .commandCalls(StartQueryExecutionCommand)
    .map((call) => call.args[0].input as StartQueryExecutionCommandInput);

async function run(args: string[]) {
  const test = testEnvironment();
  const code = await runTrades(args, test.env);
  return { ...test, code };
}

beforeEach(() => {
  cloudFormationMock.reset();
  stsMock.reset();
  athenaMock.reset();
  stackIsDeployed(cloudFormationMock, stsMock);
});

describe('trades query', () => {
  it("runs a named query of schema/queries/ as the analyst, in the analysts' workgroup, with its date", async () => {
    queryRunsAndSucceeds();
    const { code, stdout, stderr, sleeps } = await run(['query', 'vwap-by-symbol', '--date', '2026-11-30']);
    expect(code).toBe(EXIT.OK);
    expect(stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn)).toEqual([ROLES.analyst]);
    expect(stsMock.commandCalls(AssumeRoleCommand)[0]?.args[0].input.RoleSessionName).toMatch(/^trades-query-/);
    expect(started()).toEqual([
      {
        QueryString: vwap.sql({ raw: DATABASES.raw, curated: DATABASES.curated }),
        WorkGroup: WORK_GROUPS.analytics,
        QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: DATABASES.raw },
        ExecutionParameters: ["'2026-11-30'"],
      },
    ]);
    for (const call of athenaMock.calls()) expect(await roleOfCall(call)).toBe('analyst');
    expect(sleeps).toEqual([250]);
    expect(stdout.text()).toBe(
      [
        '┌────────┬──────────┬────────┬───────────────┬────────┐',
        '│ symbol │ currency │   vwap │        volume │ trades │',
        '├────────┼──────────┼────────┼───────────────┼────────┤',
        '│ ABC    │ USD      │ 101.25 │ 1500.00000000 │     12 │',
        '│ XYZ.B  │          │    7.5 │  100.00000000 │      1 │',
        '└────────┴──────────┴────────┴───────────────┴────────┘',
        '',
      ].join('\n'),
    );
    expect(stderr.text()).toContain(
      `Query q-42 runs in workgroup ${WORK_GROUPS.analytics} as the role ${ROLES.analyst} (stack output AnalystRoleArn); Ctrl-C stops it.`,
    );
    expect(stderr.text()).toContain(
      '2 rows (query q-42). Data scanned: 1.18 MB (billed as 10 MB, the minimum a query). trades has no Athena price for eu-west-1',
    );
  });

  it("runs as the data engineer, in the data engineers' workgroup, with --as engineer", async () => {
    queryRunsAndSucceeds();
    const { code } = await run(['query', 'quarantine-by-reason', '--date', '2026-11-30', '--as', 'engineer']);
    expect(code).toBe(EXIT.OK);
    expect(stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn)).toEqual([
      ROLES.dataEngineer,
    ]);
    expect(started()[0]?.WorkGroup).toBe(WORK_GROUPS.engineering);
    for (const call of athenaMock.calls()) expect(await roleOfCall(call)).toBe('dataEngineer');
  });

  it('prints JSON with numbers for integers and doubles, decimals as exact text, NULL as null', async () => {
    queryRunsAndSucceeds();
    const { stdout } = await run(['query', 'vwap-by-symbol', '--date', '2026-11-30', '--format', 'json']);
    expect(JSON.parse(stdout.text())).toEqual([
      { symbol: 'ABC', currency: 'USD', vwap: 101.25, volume: '1500.00000000', trades: 12 },
      { symbol: 'XYZ.B', currency: null, vwap: 7.5, volume: '100.00000000', trades: 1 },
    ]);
  });

  it('prints CSV as Athena gives the text', async () => {
    queryRunsAndSucceeds();
    const { stdout } = await run(['query', 'vwap-by-symbol', '--date', '2026-11-30', '--format', 'csv']);
    expect(stdout.text()).toBe(
      'symbol,currency,vwap,volume,trades\r\nABC,USD,101.25,1500.00000000,12\r\nXYZ.B,,7.5,100.00000000,1\r\n',
    );
  });

  it('runs SQL of your own, its ? filled from --param by the column it is compared with', async () => {
    queryRunsAndSucceeds();
    const sql = 'SELECT count(*) AS n FROM trades WHERE dt = ? AND symbol = ?';
    const { code } = await run(['query', sql, '--param', 'symbol=ABC', '--param', 'dt=2026-11-30']);
    expect(code).toBe(EXIT.OK);
    expect(started()[0]).toMatchObject({ QueryString: sql, ExecutionParameters: ["'2026-11-30'", "'ABC'"] });
  });

  it('lists the named queries and their parameters without a query, and needs no AWS', async () => {
    const { code, stdout } = await run(['query', '--format', 'json']);
    expect(code).toBe(EXIT.OK);
    const listed = JSON.parse(stdout.text());
    expect(listed.map((row: { name: string }) => row.name)).toEqual(NAMED_QUERIES.map(({ query }) => query.name));
    expect(listed.find((row: { name: string }) => row.name === 'trade-by-id')).toMatchObject({
      parameters: 'first_trade_date (date), last_trade_date (date), trade_id',
    });
    expect(cloudFormationMock.calls()).toHaveLength(0);
  });
});

describe('trades query: errors a person can act on', () => {
  it("prints Athena's reason for a failed query and exits with 1; for an analyst refused a table, how to run it", async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-7' });
    athenaMock.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: {
          State: 'FAILED',
          StateChangeReason:
            'Insufficient permissions to execute the query. User is not authorized to perform: glue:GetTable on quarantine',
        },
      },
    });
    const { code, stderr, stdout } = await run(['query', 'quarantine-by-reason', '--date', '2026-11-30']);
    expect(code).toBe(EXIT.FAILED);
    expect(stdout.text()).toBe('');
    expect(stderr.text()).toContain(
      'error: Query q-7 failed: Insufficient permissions to execute the query. User is not authorized to perform: glue:GetTable on quarantine The analyst role reads curated.trades and the raw trades only (docs/design.md §3); a query of quarantine runs with --as engineer.\n',
    );
    expect(athenaMock.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it("gives no role hint for a column Athena cannot find, although its message says 'not authorized'", async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-9' });
    athenaMock.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: {
          State: 'FAILED',
          StateChangeReason:
            "COLUMN_NOT_FOUND: line 1:8: Column 'notional_usd' cannot be resolved or requester is not authorized to access requested resources",
        },
      },
    });
    const { code, stderr } = await run([
      'query',
      'SELECT notional_usd FROM trades WHERE dt = ?',
      '--date',
      '2026-11-30',
    ]);
    expect(code).toBe(EXIT.FAILED);
    expect(stderr.text()).toMatch(/error: Query q-9 failed: COLUMN_NOT_FOUND: .* requested resources\n$/);
  });

  it.each([
    [['query', 'vwap'], /No named query 'vwap' \(did you mean vwap-by-symbol\?\)/],
    [['query', 'vwap-by-symbol'], /vwap-by-symbol needs trade_date \(--date or --param\)\./],
    [['query', 'vwap-by-symbol', '--date', '2026-02-30'], /Give a calendar date as YYYY-MM-DD/],
    [['query', 'trade-by-id', '--date', '2026-11-30', '--param', 'tradeid=T1'], /has no parameter tradeid/],
    [['query', 'vwap-by-symbol', '--param', 'trade_date'], /Give name=value/],
    [['query', 'vwap-by-symbol', '--date', '2026-11-30', '--as', 'auditor'], /Allowed choices are analyst, engineer/],
    [['query', "SELECT 'open FROM t"], /the SQL ends inside a string/],
  ])('%j is a usage error (exit 2), before any AWS call', async (args, message) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(EXIT.USAGE);
    expect(stderr.text()).toMatch(message);
    expect(cloudFormationMock.calls()).toHaveLength(0);
  });

  it('names athena:StartQueryExecution and the role when the role may not run queries there (exit 4)', async () => {
    athenaMock
      .on(StartQueryExecutionCommand)
      .rejects(awsError('AccessDeniedException', 'not authorized to perform: athena:StartQueryExecution', 400));
    const { code, stderr } = await run(['query', 'vwap-by-symbol', '--date', '2026-11-30']);
    expect(code).toBe(EXIT.ACCESS_DENIED);
    expect(stderr.text()).toContain(
      `error: Access denied: the role ${ROLES.analyst} (stack output AnalystRoleArn) may not athena:StartQueryExecution on workgroup ${WORK_GROUPS.analytics}.`,
    );
  });

  it('says Athena is throttling beyond the retries (exit 5)', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-8' });
    athenaMock.on(GetQueryExecutionCommand).rejects(awsError('TooManyRequestsException', 'Rate exceeded'));
    const { code, stderr } = await run(['query', 'vwap-by-symbol', '--date', '2026-11-30']);
    expect(code).toBe(EXIT.THROTTLED);
    expect(stderr.text()).toContain('error: AWS throttled athena:GetQueryExecution on query q-8 beyond the retries');
  });

  it('names the output a stack deployed before the curated zone lacks (exit 3)', async () => {
    const { CuratedDatabaseName: _, ...older } = OUTPUTS;
    stackIsDeployed(cloudFormationMock, stsMock, older);
    const { code, stderr } = await run(['query', 'vwap-by-symbol', '--date', '2026-11-30']);
    expect(code).toBe(EXIT.AWS_SETUP);
    expect(stderr.text()).toContain('Stack TradingDataLake-dev has no output CuratedDatabaseName');
    expect(athenaMock.calls()).toHaveLength(0);
  });
});
