import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { CliError } from '../../../cli/errors';
import { EXIT } from '../../../cli/exit-codes';
import { FIRST_POLL_MS, MAX_POLL_MS, type QueryIo, runQuery } from '../../../cli/query/run-query';
import { MemoryStream } from '../support';

const athenaMock = mockClient(AthenaClient);
const athena = new AthenaClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const actor = {
  kind: 'role',
  roleArn: 'arn:aws:iam::111111111111:role/analyst',
  source: 'stack output AnalystRoleArn',
} as const;
const target = { athena, workGroup: 'wg', database: 'db', actor };
const request = { sql: 'SELECT 1', executionParameters: [] };

function io(overrides: Partial<QueryIo> = {}) {
  const stderr = new MemoryStream();
  const sleeps: number[] = [];
  let unsubscribed = 0;
  const value: QueryIo = {
    output: { stdout: new MemoryStream(), stderr },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    interrupts: () => () => {
      unsubscribed += 1;
    },
    ...overrides,
  };
  return { io: value, stderr, sleeps, unsubscribed: () => unsubscribed };
}

const execution = (State: string, extra: QueryExecution = {}): { QueryExecution: QueryExecution } => ({
  QueryExecution: {
    QueryExecutionId: 'q-1',
    StatementType: 'DML',
    ...extra,
    Status: { State: State as never, ...extra.Status },
    Statistics: { DataScannedInBytes: 2048, ...extra.Statistics },
  },
});

const column = (Name: string, Type = 'varchar') => ({ Name, Type });
const row = (...cells: (string | undefined)[]) => ({ Data: cells.map((VarCharValue) => ({ VarCharValue })) });

beforeEach(() => {
  athenaMock.reset();
  athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
});

describe('runQuery', () => {
  it('polls with a growing backoff, capped at 2 s, until the query ends', async () => {
    const polls = athenaMock.on(GetQueryExecutionCommand);
    for (let i = 0; i < 9; i += 1) polls.resolvesOnce(execution(i < 2 ? 'QUEUED' : 'RUNNING'));
    polls.resolves(execution('SUCCEEDED'));
    athenaMock.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [] } });
    const { io: value, sleeps } = io();
    await runQuery(target, request, value);
    expect(sleeps[0]).toBe(FIRST_POLL_MS);
    for (let i = 1; i < sleeps.length; i += 1) {
      expect(sleeps[i]).toBe(Math.min(MAX_POLL_MS, (sleeps[i - 1] as number) * 1.5));
    }
    expect(sleeps).toHaveLength(9);
    expect(sleeps.at(-1)).toBe(MAX_POLL_MS);
  });

  it('reads every page of the result and drops the header row Athena puts first', async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
    athenaMock
      .on(GetQueryResultsCommand)
      .resolvesOnce({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: [column('symbol'), column('trades', 'bigint')] },
          Rows: [row('symbol', 'trades'), row('AAPL', '3')],
        },
        NextToken: 'page-2',
      })
      .resolvesOnce({ ResultSet: { Rows: [row('symbol', undefined)] } });
    const result = await runQuery(target, request, io().io);
    expect(result.columns).toEqual([
      { name: 'symbol', type: 'varchar' },
      { name: 'trades', type: 'bigint' },
    ]);
    // The second page's first row is data, even where it looks like the header.
    expect(result.rows).toEqual([
      ['AAPL', '3'],
      ['symbol', null],
    ]);
    // The SDK's paginator reuses one input object, so only the last call's NextToken can be seen.
    const pages = athenaMock.commandCalls(GetQueryResultsCommand).map((call) => call.args[0].input);
    expect(pages).toHaveLength(2);
    expect(pages[1]).toEqual({ QueryExecutionId: 'q-1', MaxResults: 1000, NextToken: 'page-2' });
  });

  it('keeps the first row of a statement that has no header (SHOW, DESCRIBE) and bills no DDL', async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED', { StatementType: 'DDL' }));
    athenaMock.on(GetQueryResultsCommand).resolves({
      ResultSet: { ResultSetMetadata: { ColumnInfo: [column('tab_name')] }, Rows: [row('tab_name'), row('trades')] },
    });
    const result = await runQuery(target, request, io().io);
    expect(result.rows).toEqual([['tab_name'], ['trades']]);
    expect(result.cost).toBe('Data scanned: 2.00 KB; DDL statements are not billed.');
  });

  it('stops the query with StopQueryExecution on Ctrl-C, and says what it scanned before it stopped', async () => {
    let interrupt: () => void = () => {};
    const { io: value, unsubscribed } = io({
      interrupts: (onInterrupt) => {
        interrupt = onInterrupt;
        return () => {};
      },
      // The person presses Ctrl-C while trades waits between two polls.
      sleep: () => {
        interrupt();
        return new Promise(() => {});
      },
    });
    athenaMock
      .on(GetQueryExecutionCommand)
      .resolvesOnce(execution('RUNNING'))
      .resolves(execution('CANCELLED', { Statistics: { DataScannedInBytes: 50 * 2 ** 20 } }));
    athenaMock.on(StopQueryExecutionCommand).resolves({});
    const failure = (await runQuery(target, request, value).catch((e) => e)) as CliError;
    expect(failure).toBeInstanceOf(CliError);
    expect(failure.exitCode).toBe(EXIT.FAILED);
    expect(failure.message).toBe(
      "Query q-1 stopped at your request (Ctrl-C; StopQueryExecution sent, state CANCELLED). Data scanned: 50.0 MB: $0.00024 at us-east-1's $5.00 per TB (prices of 2026-12-01).",
    );
    expect(athenaMock.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: 'q-1' },
    ]);
    expect(athenaMock.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
    expect(unsubscribed()).toBe(0);
  });

  it('stops listening for Ctrl-C once the query has ended', async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
    athenaMock.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [] } });
    const { io: value, unsubscribed } = io();
    await runQuery(target, request, value);
    expect(unsubscribed()).toBe(1);
  });

  it("prints Athena's reason for a failed query, and whether Athena thinks it may pass again", async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves(
      execution('FAILED', {
        Status: {
          StateChangeReason: 'TABLE_NOT_FOUND: line 1:15: Table awsdatacatalog.db.nope does not exist',
          AthenaError: { ErrorCategory: 2, ErrorType: 1301, Retryable: false },
        },
      }),
    );
    const failure = (await runQuery(target, request, io().io).catch((e) => e)) as CliError;
    expect(failure.exitCode).toBe(EXIT.FAILED);
    expect(failure.message).toBe(
      'Query q-1 failed: TABLE_NOT_FOUND: line 1:15: Table awsdatacatalog.db.nope does not exist',
    );
    athenaMock
      .on(GetQueryExecutionCommand)
      .resolves(execution('FAILED', { Status: { AthenaError: { ErrorMessage: 'Internal error', Retryable: true } } }));
    const retryable = (await runQuery(target, { ...request, failureHint: () => 'A hint.' }, io().io).catch(
      (e) => e,
    )) as CliError;
    expect(retryable.message).toBe(
      'Query q-1 failed: Internal error Athena marks the error as one that may pass: run the query again. A hint.',
    );
  });

  it("says a query Athena cancelled (the workgroup's bytes-scanned cutoff) was cancelled, and its cost", async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves(
      execution('CANCELLED', {
        Status: { StateChangeReason: 'Query exhausted resources. Bytes scanned limit was exceeded' },
        Statistics: { DataScannedInBytes: 10 * 2 ** 30 },
      }),
    );
    const failure = (await runQuery(target, request, io().io).catch((e) => e)) as CliError;
    expect(failure.message).toBe(
      "Query q-1 was cancelled: Query exhausted resources. Bytes scanned limit was exceeded. Data scanned: 10.0 GB: $0.049 at us-east-1's $5.00 per TB (prices of 2026-12-01).",
    );
  });

  it("says Athena refused the query when StartQueryExecution does (exit 1), with Athena's message", async () => {
    athenaMock.on(StartQueryExecutionCommand).rejects(
      Object.assign(new Error('line 1:8: mismatched input'), {
        name: 'InvalidRequestException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const failure = (await runQuery(target, request, io().io).catch((e) => e)) as CliError;
    expect(failure.exitCode).toBe(EXIT.FAILED);
    expect(failure.message).toBe('Athena refused the query in workgroup wg: line 1:8: mismatched input');
  });

  it('draws the state and the data scanned on a terminal while it waits', async () => {
    const stderr = Object.assign(new MemoryStream(true), {
      columns: 120,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    });
    athenaMock
      .on(GetQueryExecutionCommand)
      .resolves(execution('SUCCEEDED', { Statistics: { DataScannedInBytes: 3 * 2 ** 20 } }));
    athenaMock.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [] } });
    await runQuery(target, request, { ...io().io, output: { stdout: new MemoryStream(), stderr } });
    expect(stderr.text()).toContain('Query q-1 runs in workgroup wg as the role');
    expect(stderr.text()).toContain('Query SUCCEEDED for 0s, 3.00 MB scanned (Ctrl-C stops it)');
  });
});
