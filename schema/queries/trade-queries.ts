import { TRADE_STATUSES } from '../curation/columns';
import { streamPositionKeys } from '../curation/event-order';
import { CURATED_TABLE, quotedName } from '../curation/tables';
import { TRADE_FIELD_DEFAULTS } from '../layout';
import { QUARANTINE_TABLE, TRADES_TABLE } from '../tables';

/**
 * The named queries of the analytics and engineering workgroups (Athena engine 3) and of the local run
 * (DuckDB), written in the subset both read alike (issue #10): explicit casts, no integer division,
 * no approximate functions, `dt` compared as a string, nothing dialect-only. Parameters are Athena's
 * `?` execution parameters (a date is given as a quoted string, `'2026-01-02'`).
 *
 * The common questions read `curated.trades` (docs/design.md §10): one row per trade at its latest version,
 * so no query deduplicates, and the aggregates leave cancelled trades out. Prices stay
 * decimal(38,18); a notional multiplies a quantity at 8 decimals by the price at 10, so that the
 * product keeps 20 integer digits (decimal(38,18)) in both engines. The one ratio, VWAP, is divided
 * in double: Trino divides decimals exactly and DuckDB in double, and dividing two exact sums cast to
 * double gives both engines the same answer.
 *
 * The raw table stays for forensics: its queries show every event and every copy of one, numbering
 * the copies of an event (trade_id, exec_type, version) in stream order (docs/design.md §5).
 */

/** The tables a query may read. */
export type QueryTable = 'curated' | 'trades' | 'quarantine';

/** How a query names each table: quoted SQL references (`"database"."table"`). */
export type QueryTables = Readonly<Record<QueryTable, string>>;

export interface TradeQuery {
  /** Construct id. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** The tables it reads: only a workgroup whose users may read all of them saves it. */
  readonly tables: readonly QueryTable[];
  readonly sql: (tables: QueryTables) => string;
}

/** The references of the three tables, from their Glue databases (or DuckDB schemas). */
export function queryTables(databases: { readonly raw?: string; readonly curated?: string }): QueryTables {
  return {
    curated: quotedName({ database: databases.curated, table: CURATED_TABLE }),
    trades: quotedName({ database: databases.raw, table: TRADES_TABLE }),
    quarantine: quotedName({ database: databases.raw, table: QUARANTINE_TABLE }),
  };
}

const ACTIVE = `status = '${TRADE_STATUSES.active}'`;
const QUANTITY = 'CAST(quantity AS decimal(38,8))';
const NOTIONAL = `${QUANTITY} * CAST(price AS decimal(38,10))`;

const sqlDefault = (field: string) => {
  const value = TRADE_FIELD_DEFAULTS[field];
  if (value === undefined) throw new Error(`trade queries: ${field} has no default`);
  return typeof value === 'number' ? `${value}` : `'${value}'`;
};
/** A raw column read as the curated table reads it: absent means its default. */
const rawWithDefault = (field: string) => `coalesce(t.${field}, ${sqlDefault(field)})`;

/** The number of each copy of a raw event, 1 for the first received (stream order). */
const COPY_NUMBER = `row_number() OVER (PARTITION BY t.trade_id, ${rawWithDefault('exec_type')}, ${rawWithDefault('version')} ORDER BY ${streamPositionKeys('t').join(', ')})`;

export const TRADE_QUERIES: readonly TradeQuery[] = [
  {
    id: 'VolumeBySymbolQuery',
    name: 'volume-and-notional-by-symbol',
    description:
      'Active trades, volume and notional per symbol and currency for one trade date (parameter: trade date, YYYY-MM-DD)',
    tables: ['curated'],
    sql: ({ curated }) => `SELECT symbol,
       currency,
       count(*) AS trades,
       sum(${QUANTITY}) AS volume,
       sum(${NOTIONAL}) AS notional
FROM ${curated}
WHERE trade_date = CAST(? AS date)
  AND ${ACTIVE}
GROUP BY symbol, currency
ORDER BY notional DESC, symbol, currency`,
  },
  {
    id: 'VwapBySymbolQuery',
    name: 'vwap-by-symbol',
    description:
      'Volume-weighted average price, volume, low and high per symbol and currency for one trade date, active trades (parameter: trade date, YYYY-MM-DD)',
    tables: ['curated'],
    sql: ({ curated }) => `SELECT symbol,
       currency,
       CAST(sum(${NOTIONAL}) AS double) / CAST(sum(${QUANTITY}) AS double) AS vwap,
       sum(${QUANTITY}) AS volume,
       min(price) AS low,
       max(price) AS high,
       count(*) AS trades
FROM ${curated}
WHERE trade_date = CAST(? AS date)
  AND ${ACTIVE}
GROUP BY symbol, currency
ORDER BY symbol, currency`,
  },
  {
    id: 'TradeByIdQuery',
    name: 'trade-by-id',
    description:
      'One trade as it stands, cancelled or not, its latest version (parameters: first trade date, last trade date, trade_id)',
    tables: ['curated'],
    sql: ({ curated }) => `SELECT trade_id,
       status,
       exec_type,
       version,
       trade_date,
       symbol,
       side,
       quantity,
       price,
       currency,
       executed_at,
       venue,
       account_id,
       trader_id,
       shard_id,
       sequence_number,
       sub_sequence_number,
       arrival_time,
       ingestion_time
FROM ${curated}
WHERE trade_date BETWEEN CAST(? AS date) AND CAST(? AS date)
  AND trade_id = ?`,
  },
  {
    id: 'TradeEventsQuery',
    name: 'trade-events-by-id',
    description:
      'Forensics: every event of one trade_id in the raw table, and every copy received of each (parameters: first dt, last dt, trade_id)',
    tables: ['trades'],
    sql: ({ trades }) => `SELECT t.dt,
       t.trade_id,
       ${rawWithDefault('exec_type')} AS exec_type,
       ${rawWithDefault('version')} AS version,
       t.symbol,
       t.side,
       t.quantity,
       t.price,
       ${rawWithDefault('currency')} AS currency,
       t.executed_at,
       t.venue,
       t.account_id,
       t.trader_id,
       t.shard_id,
       t.sequence_number,
       t.sub_sequence_number,
       t.arrival_time,
       t.ingestion_time,
       ${COPY_NUMBER} AS copy_number
FROM ${trades} t
WHERE t.dt BETWEEN ? AND ?
  AND t.trade_id = ?
ORDER BY version, exec_type, copy_number`,
  },
  {
    id: 'RawEventsByTypeQuery',
    name: 'raw-events-by-type',
    description:
      'Forensics: distinct events and copies received beyond the first, per exec_type, in one raw day (parameter: dt, YYYY-MM-DD)',
    tables: ['trades'],
    // The dt predicate sits in the SELECT of the window function, so the partition is pruned.
    sql: ({ trades }) => `WITH received AS (
  SELECT ${rawWithDefault('exec_type')} AS exec_type,
         ${COPY_NUMBER} AS copy_number
  FROM ${trades} t
  WHERE t.dt = ?
)
SELECT exec_type,
       count(CASE WHEN copy_number = 1 THEN 1 END) AS events,
       count(CASE WHEN copy_number > 1 THEN 1 END) AS extra_copies
FROM received
GROUP BY exec_type
ORDER BY exec_type`,
  },
  {
    id: 'QuarantineByReasonQuery',
    name: 'quarantine-by-reason',
    description: 'Quarantined records per reason for one day (parameter: dt, YYYY-MM-DD); data engineers only',
    tables: ['quarantine'],
    // A retried or bisected batch can quarantine the same record in two objects: count records, not
    // rows; a record is its shard, sequence and sub-sequence number (NULL outside a KPL aggregate).
    sql: ({ quarantine }) => `SELECT reason,
       count(DISTINCT concat(shard_id, '/', sequence_number, '/', coalesce(CAST(sub_sequence_number AS varchar), ''))) AS records,
       min(arrival_time) AS first_arrival,
       max(arrival_time) AS last_arrival
FROM ${quarantine}
WHERE dt = ?
GROUP BY reason
ORDER BY records DESC, reason`,
  },
];
