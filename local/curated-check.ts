import type { ExpectedTrade } from '../cli/produce';
import { TRADE_DATE_COLUMN } from '../schema/curation/columns';
import { quotedName, type TableRef } from '../schema/curation/tables';
import type { DuckDbLake } from './duckdb-lake';

/**
 * Whether the curated table is what the producer sent (issue #12): one row per trade_id the valid
 * events carried, none other, each at its latest version with its status (a cancelled trade keeps
 * its row, CANCELLED) on the trade date of its latest event. Compared row by row with the generator's
 * `expected.trades`, in DuckDB, so that a million trades cost no JavaScript objects.
 */

/** What is wrong with the curated table; every count 0 when it is right. */
export interface CuratedCheck {
  /** Rows of the curated table. */
  readonly rows: number;
  /** Expected trades without a row. */
  readonly missing: number;
  /** Rows whose trade_id no valid event carried. */
  readonly unexpected: number;
  /** Trade_ids with more than one row. */
  readonly duplicated: number;
  /** Trades whose row is at another version than the latest sent. */
  readonly wrongVersion: number;
  /** Trades whose row says ACTIVE for a cancel, or CANCELLED for a trade not cancelled. */
  readonly wrongStatus: number;
  /** Trades whose row lies on another trade date than their latest event's. */
  readonly wrongTradeDate: number;
  /** The problems in words, with a few trade_ids each; empty when the table is right. */
  readonly problems: readonly string[];
}

const EXPECTED_TABLE = 'expected_curated_trades';

/** How many trade_ids a problem names. */
const EXAMPLES = 3;

/** Compares `curated` (after the MERGE, as the queries read it) with the trades the producer sent. */
export async function checkCurated(
  lake: DuckDbLake,
  curated: TableRef,
  expected: readonly ExpectedTrade[],
): Promise<CuratedCheck> {
  const { connection } = lake;
  await connection.run(
    `CREATE OR REPLACE TABLE ${EXPECTED_TABLE} (trade_id VARCHAR, version BIGINT, status VARCHAR, trade_date VARCHAR)`,
  );
  const appender = await connection.createAppender(EXPECTED_TABLE);
  for (const trade of expected) {
    appender.appendVarchar(trade.tradeId);
    appender.appendBigInt(BigInt(trade.version));
    appender.appendVarchar(trade.status);
    appender.appendVarchar(trade.tradeDate);
    appender.endRow();
  }
  appender.closeSync();

  const table = quotedName(curated);
  const examples = (condition: string) =>
    `array_slice(list(DISTINCT trade_id ORDER BY trade_id) FILTER (WHERE ${condition}), 1, ${EXAMPLES})`;
  const { rows } = await lake.query(
    `WITH curated_rows AS (
  SELECT trade_id, version, status, ${TRADE_DATE_COLUMN} AS trade_date, count(*) OVER (PARTITION BY trade_id) AS copies
  FROM ${table}
),
compared AS (
  SELECT coalesce(c.trade_id, e.trade_id) AS trade_id,
         e.trade_id IS NULL AS unexpected,
         c.trade_id IS NULL AS missing,
         c.copies > 1 AS duplicated,
         c.version IS DISTINCT FROM e.version AS wrong_version,
         c.status IS DISTINCT FROM e.status AS wrong_status,
         c.trade_date IS DISTINCT FROM CAST(e.trade_date AS DATE) AS wrong_trade_date
  FROM curated_rows c
  FULL OUTER JOIN ${EXPECTED_TABLE} e ON c.trade_id = e.trade_id
)
SELECT (SELECT count(*) FROM ${table}) AS curated_rows,
       count(*) FILTER (WHERE missing),
       count(*) FILTER (WHERE unexpected),
       count(DISTINCT trade_id) FILTER (WHERE duplicated),
       count(DISTINCT trade_id) FILTER (WHERE wrong_version AND NOT missing AND NOT unexpected),
       count(DISTINCT trade_id) FILTER (WHERE wrong_status AND NOT missing AND NOT unexpected),
       count(DISTINCT trade_id) FILTER (WHERE wrong_trade_date AND NOT missing AND NOT unexpected),
       ${examples('missing')},
       ${examples('unexpected')},
       ${examples('duplicated')},
       ${examples('wrong_version AND NOT missing AND NOT unexpected')},
       ${examples('wrong_status AND NOT missing AND NOT unexpected')},
       ${examples('wrong_trade_date AND NOT missing AND NOT unexpected')}
FROM compared`,
  );
  await connection.run(`DROP TABLE ${EXPECTED_TABLE}`);
  const row = rows[0] ?? [];
  const count = (index: number) => Number(row[index] ?? 0);
  const ids = (index: number) => ((row[index] ?? []) as string[]).join(', ');
  const check = {
    rows: count(0),
    missing: count(1),
    unexpected: count(2),
    duplicated: count(3),
    wrongVersion: count(4),
    wrongStatus: count(5),
    wrongTradeDate: count(6),
  };
  const problems = [
    [check.missing, 'trades sent have no curated row', 7],
    [check.unexpected, 'curated rows are of no trade sent', 8],
    [check.duplicated, 'trades have more than one curated row', 9],
    [check.wrongVersion, 'trades are not at their latest version', 10],
    [check.wrongStatus, 'trades have the wrong status (a cancel is CANCELLED, anything else ACTIVE)', 11],
    [check.wrongTradeDate, 'trades are not on the trade date of their latest event', 12],
  ]
    .filter(([found]) => (found as number) > 0)
    .map(([found, what, index]) => `${found} ${what} (e.g. ${ids(index as number)})`);
  return { ...check, problems };
}
