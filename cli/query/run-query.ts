import {
  type AthenaClient,
  GetQueryExecutionCommand,
  paginateGetQueryResults,
  type QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { type Actor, CliError, callAws, describeActor } from '../errors';
import { EXIT } from '../exit-codes';
import { notice, type Output } from '../output/output';
import { describeCost, queryCost, type Unbilled } from './athena-price';
import { startWaitingLine } from './waiting';

/** Where a query runs, and as whom. */
export interface AthenaTarget {
  readonly athena: AthenaClient;
  readonly workGroup: string;
  /** The query's default database (QueryExecutionContext), as the named queries are saved with. */
  readonly database: string;
  readonly actor: Actor;
}

export interface QueryRequest {
  readonly sql: string;
  /** SQL literals, one per `?`, in order (parameters.ts). */
  readonly executionParameters: readonly string[];
  /** More to say when the query fails, given Athena's reason. @default nothing */
  readonly failureHint?: (reason: string) => string | undefined;
}

/** Subscribes to the person's request to stop (Ctrl-C); returns the unsubscribe. */
export type Interrupts = (onInterrupt: () => void) => () => void;

export interface QueryIo {
  readonly output: Output;
  readonly sleep: (ms: number) => Promise<void>;
  readonly interrupts: Interrupts;
}

export interface ResultColumn {
  readonly name: string;
  /** Athena's type: `varchar`, `bigint`, `decimal`, `double`, `date`, … */
  readonly type: string;
}

export interface QueryResult {
  readonly queryExecutionId: string;
  readonly columns: readonly ResultColumn[];
  /** Each cell as Athena returns it: text, or null for SQL NULL. */
  readonly rows: readonly (readonly (string | null)[])[];
  readonly execution: QueryExecution;
  /** The sentence about the data scanned and its cost. */
  readonly cost: string;
}

/**
 * GetQueryExecution is polled after 250 ms, then 1.5 times longer each time up to 2 s: a short query
 * answers within a second, and a long one costs no more than one call every two seconds.
 */
export const FIRST_POLL_MS = 250;
export const MAX_POLL_MS = 2000;
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
/** GetQueryResults returns at most 1,000 rows a page. */
const RESULTS_PAGE_SIZE = 1000;

/** SIGINT (Ctrl-C) of this process, for as long as a query runs. */
export const processInterrupts: Interrupts = (onInterrupt) => {
  process.on('SIGINT', onInterrupt);
  return () => {
    process.off('SIGINT', onInterrupt);
  };
};

function unbilledOf(execution: QueryExecution): Unbilled {
  if (execution.Status?.State === 'FAILED') return 'failed';
  return execution.StatementType === 'DDL' ? 'ddl' : undefined;
}

/**
 * Runs `request` in the target's workgroup and waits for it: GetQueryExecution with backoff, a line
 * of progress on a terminal, StopQueryExecution on Ctrl-C. Returns every row (GetQueryResults, page
 * by page) once it succeeded; throws a CliError with Athena's reason when it failed, was cancelled
 * or was stopped.
 */
export async function runQuery(target: AthenaTarget, request: QueryRequest, io: QueryIo): Promise<QueryResult> {
  const { athena, workGroup, actor } = target;
  const on = `workgroup ${workGroup}`;
  const started = await callAws({ action: 'athena:StartQueryExecution', resource: on, actor }, () =>
    athena.send(
      new StartQueryExecutionCommand({
        QueryString: request.sql,
        WorkGroup: workGroup,
        QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: target.database },
        ExecutionParameters: request.executionParameters.length > 0 ? [...request.executionParameters] : undefined,
      }),
    ),
  ).catch((error: unknown) => {
    const cause = error instanceof CliError ? error.cause : error;
    if (cause instanceof Error && cause.name === 'InvalidRequestException') {
      throw new CliError(`Athena refused the query in ${on}: ${cause.message}`, EXIT.FAILED, { cause });
    }
    throw error;
  });
  const id = started.QueryExecutionId;
  if (id === undefined) throw new CliError('athena:StartQueryExecution returned no query execution id.', EXIT.FAILED);
  notice(io.output, `Query ${id} runs in ${on} as ${describeActor(actor)}; Ctrl-C stops it.`);

  const read = () =>
    callAws({ action: 'athena:GetQueryExecution', resource: `query ${id}`, actor }, () =>
      athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
    ).then((response) => response.QueryExecution ?? {});

  let interrupted = false;
  let wake: () => void = () => {};
  const interruption = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const unsubscribe = io.interrupts(() => {
    interrupted = true;
    wake();
  });
  const waiting = startWaitingLine(io.output.stderr);
  let execution: QueryExecution = {};
  try {
    let delay = FIRST_POLL_MS;
    for (;;) {
      execution = await read();
      waiting.update(execution.Status?.State ?? 'QUEUED', execution.Statistics?.DataScannedInBytes ?? 0);
      if (TERMINAL.has(execution.Status?.State ?? '') || interrupted) break;
      await Promise.race([io.sleep(delay), interruption]);
      if (interrupted) break;
      delay = Math.min(MAX_POLL_MS, delay * 1.5);
    }
    if (interrupted && !TERMINAL.has(execution.Status?.State ?? '')) {
      await callAws({ action: 'athena:StopQueryExecution', resource: `query ${id}`, actor }, () =>
        athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id })),
      );
      execution = await read();
    }
  } finally {
    waiting.stop();
    unsubscribe();
  }

  const region = await athena.config.region();
  const scanned = execution.Statistics?.DataScannedInBytes ?? 0;
  const cost = describeCost(queryCost(scanned, region, unbilledOf(execution)), unbilledOf(execution));
  const state = execution.Status?.State;
  const reason = execution.Status?.StateChangeReason ?? execution.Status?.AthenaError?.ErrorMessage;
  if (interrupted) {
    throw new CliError(
      `Query ${id} stopped at your request (Ctrl-C; StopQueryExecution sent, state ${state}). ${cost}`,
      EXIT.FAILED,
    );
  }
  if (state === 'FAILED') {
    const because = reason ?? 'Athena gave no reason';
    const retryable = execution.Status?.AthenaError?.Retryable
      ? ' Athena marks the error as one that may pass: run the query again.'
      : '';
    const hint = request.failureHint?.(because);
    throw new CliError(`Query ${id} failed: ${because}${retryable}${hint ? ` ${hint}` : ''}`, EXIT.FAILED);
  }
  if (state === 'CANCELLED') {
    throw new CliError(`Query ${id} was cancelled: ${reason ?? 'Athena gave no reason'}. ${cost}`, EXIT.FAILED);
  }

  const { columns, rows } = await readResults(athena, id, actor, execution);
  return { queryExecutionId: id, columns, rows, execution, cost };
}

/** Every row of a query that succeeded, page by page; without the header row Athena puts first. */
async function readResults(
  athena: AthenaClient,
  id: string,
  actor: Actor,
  execution: QueryExecution,
): Promise<{ columns: ResultColumn[]; rows: (string | null)[][] }> {
  const columns: ResultColumn[] = [];
  const rows: (string | null)[][] = [];
  await callAws({ action: 'athena:GetQueryResults', resource: `query ${id}`, actor }, async () => {
    let first = true;
    for await (const page of paginateGetQueryResults(
      { client: athena, pageSize: RESULTS_PAGE_SIZE },
      { QueryExecutionId: id },
    )) {
      const resultSet = page.ResultSet;
      if (first) {
        for (const column of resultSet?.ResultSetMetadata?.ColumnInfo ?? []) {
          columns.push({ name: column.Name ?? column.Label ?? '', type: (column.Type ?? 'varchar').toLowerCase() });
        }
      }
      const pageRows = (resultSet?.Rows ?? []).map((row) => (row.Data ?? []).map((cell) => cell.VarCharValue ?? null));
      // A SELECT's first row holds the column names; other statements (SHOW, DESCRIBE) have none.
      if (first && execution.StatementType === 'DML' && isHeaderRow(pageRows[0], columns)) pageRows.shift();
      rows.push(...pageRows);
      first = false;
    }
  });
  return { columns, rows };
}

function isHeaderRow(row: readonly (string | null)[] | undefined, columns: readonly ResultColumn[]): boolean {
  return row !== undefined && row.length === columns.length && row.every((cell, i) => cell === columns[i]?.name);
}
