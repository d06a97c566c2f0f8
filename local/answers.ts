import Table from 'cli-table3';
import { TRADE_STATUSES } from '../schema/curation/columns';
import { quotedName } from '../schema/curation/tables';
import { TRADE_FIELD_DEFAULTS } from '../schema/layout';
import { TRADE_QUERIES, type TradeQuery } from '../schema/queries/trade-queries';
import { QUARANTINE_TABLE, TRADES_TABLE } from '../schema/tables';
import { type DuckDbLake, LOCAL_CURATION_TABLES, LOCAL_QUERY_TABLES, type QueryAnswer } from './duckdb-lake';

/**
 * The named queries of the analytics workgroup, run locally as a user would run them in Athena:
 * the same SQL text, the same table names, the parameters bound as `?` execution parameters.
 * What a run asks them: the busiest trade date, the busiest raw day, the day records were
 * quarantined, and the whole story of the trade that changed most.
 */

/** What the run knows about the data, to fill in the queries' parameters. */
export interface QueryContext {
  /** The trade_date with the most active curated trades. */
  readonly busiestTradeDate: string;
  /** The raw `dt` with the most trade lines. */
  readonly busiestRawDate: string;
  /** The `dt` of the quarantine objects (the ingestion date). */
  readonly quarantineDate: string;
  /** The trade with the most distinct events (corrections, a cancel), and the raw dates they fall on. */
  readonly sampleTrade: { readonly tradeId: string; readonly firstDate: string; readonly lastDate: string };
}

/** The parameters of each named query, in the order of its `?` (the query's description says what they are). */
export const QUERY_PARAMETERS: Readonly<Record<string, (context: QueryContext) => readonly string[]>> = {
  'volume-and-notional-by-symbol': ({ busiestTradeDate }) => [busiestTradeDate],
  'vwap-by-symbol': ({ busiestTradeDate }) => [busiestTradeDate],
  'trade-by-id': ({ sampleTrade }) => [sampleTrade.firstDate, sampleTrade.lastDate, sampleTrade.tradeId],
  'trade-events-by-id': ({ sampleTrade }) => [sampleTrade.firstDate, sampleTrade.lastDate, sampleTrade.tradeId],
  'raw-events-by-type': ({ busiestRawDate }) => [busiestRawDate],
  'quarantine-by-reason': ({ quarantineDate }) => [quarantineDate],
};

/** Finds the parameters worth asking about in what landed (after `DuckDbLake.curate`). */
export async function queryContext(lake: DuckDbLake, today: string): Promise<QueryContext> {
  const first = async (sql: string): Promise<string | undefined> =>
    (await lake.query(sql)).rows[0]?.[0] as string | undefined;
  const busiestTradeDate = await first(
    `SELECT CAST(trade_date AS VARCHAR) FROM ${quotedName(LOCAL_CURATION_TABLES.curated)} WHERE status = '${TRADE_STATUSES.active}' GROUP BY trade_date ORDER BY count(*) DESC, trade_date LIMIT 1`,
  );
  const busiestRawDate = await first(`SELECT dt FROM "${TRADES_TABLE}" GROUP BY dt ORDER BY count(*) DESC, dt LIMIT 1`);
  const quarantineDate = await first(
    `SELECT dt FROM "${QUARANTINE_TABLE}" GROUP BY dt ORDER BY count(*) DESC, dt LIMIT 1`,
  );
  // Distinct events, not lines: a retry's copies must not change which trade a run shows.
  const sample = await lake.query(
    `SELECT trade_id, min(dt), max(dt) FROM "${TRADES_TABLE}" GROUP BY trade_id ORDER BY count(DISTINCT (coalesce(exec_type, '${TRADE_FIELD_DEFAULTS.exec_type}'), coalesce(version, ${TRADE_FIELD_DEFAULTS.version}))) DESC, trade_id LIMIT 1`,
  );
  const [tradeId, firstDate, lastDate] = (sample.rows[0] ?? []) as (string | undefined)[];
  return {
    busiestTradeDate: busiestTradeDate ?? today,
    busiestRawDate: busiestRawDate ?? today,
    quarantineDate: quarantineDate ?? today,
    sampleTrade: { tradeId: tradeId ?? '', firstDate: firstDate ?? today, lastDate: lastDate ?? today },
  };
}

/** One named query with the parameters it ran with and its answer. */
export interface NamedAnswer {
  readonly query: TradeQuery;
  readonly parameters: readonly string[];
  readonly answer: QueryAnswer;
}

/** Runs every named query of `queries` with the parameters from `context`. */
export async function answerNamedQueries(
  lake: DuckDbLake,
  context: QueryContext,
  queries: readonly TradeQuery[] = TRADE_QUERIES,
): Promise<NamedAnswer[]> {
  const answers: NamedAnswer[] = [];
  for (const query of queries) {
    const parametersOf = QUERY_PARAMETERS[query.name];
    if (parametersOf === undefined) throw new Error(`no local parameters for the named query ${query.name}`);
    const parameters = parametersOf(context);
    answers.push({ query, parameters, answer: await lake.query(query.sql(LOCAL_QUERY_TABLES), parameters) });
  }
  return answers;
}

/** A DECIMAL as DuckDB prints it, with its scale's trailing zeros (`413520.00000000`). */
const PADDED_DECIMAL = /^(-?\d+)(?:\.(\d*?))0+$/;

function cell(value: unknown, type = ''): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(4);
  const text = String(value);
  // For the eye only, and for DECIMAL columns only: a text column shows the producer's text as it is.
  const padded = type.startsWith('DECIMAL') ? PADDED_DECIMAL.exec(text) : null;
  if (padded === null) return text;
  return padded[2] ? `${padded[1]}.${padded[2]}` : (padded[1] as string);
}

/** More columns than this do not fit a terminal side by side: each row is then shown as a column of its own. */
const WIDE_ANSWER_COLUMNS = 8;

/** A query's answer as a table for a terminal, with at most `maxRows` rows. */
export function formatAnswer({ query, parameters, answer }: NamedAnswer, maxRows = 10): string {
  const shown = answer.rows.slice(0, maxRows);
  let table: InstanceType<typeof Table>;
  if (answer.columns.length > WIDE_ANSWER_COLUMNS) {
    table = new Table({ head: ['', ...shown.map((_, i) => `row ${i + 1}`)], style: { head: [], border: [] } });
    answer.columns.forEach((column, c) => {
      table.push([column, ...shown.map((row) => cell(row[c], answer.types[c]))]);
    });
  } else {
    table = new Table({ head: [...answer.columns], style: { head: [], border: [] } });
    for (const row of shown) table.push(row.map((value, c) => cell(value, answer.types[c])));
  }
  const more = answer.rows.length > maxRows ? `\n… ${answer.rows.length - maxRows} more rows` : '';
  const title = `${query.name} (${parameters.join(', ')}): ${query.description}`;
  return `${title}\n${table.toString()}${more}`;
}
