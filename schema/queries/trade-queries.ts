import { type ColumnDefinition, TRADE_COLUMNS } from '../layout';
import { QUARANTINE_TABLE, TRADES_TABLE } from '../tables';

/**
 * The named queries of the analytics workgroup. Delivery is at-least-once, so the raw table may hold a
 * trade twice; every query reads through the same deduplicating CTE (DESIGN §5), which partitions by
 * `dt` and `trade_id` so that the date filter still prunes partitions. Parameters are Athena's `?`
 * execution parameters, filled in the console or with `--execution-parameters`.
 */
export interface TradeQuery {
  /** Construct id. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** The tables it reads: only a workgroup whose users may read all of them saves it. */
  readonly tables: readonly (typeof TRADES_TABLE | typeof QUARANTINE_TABLE)[];
  readonly sql: (tables: { readonly trades: string; readonly quarantine: string }) => string;
}

/** The writer stores a trade as sent; an absent currency means USD (DESIGN §5). */
const DEFAULT_CURRENCY = 'USD';

function tradeColumn(column: ColumnDefinition): string {
  return column.name === 'currency' ? `coalesce(t.currency, '${DEFAULT_CURRENCY}') AS currency` : `t.${column.name}`;
}

/** The deduplicated trades of the dates selected by `dateFilter` (a predicate on `dt`). */
export function deduplicatedTrades(tradesTable: string, dateFilter: string): string {
  return `deduplicated AS (
  SELECT *
  FROM (
    SELECT ${TRADE_COLUMNS.map(tradeColumn).join(', ')}, t.dt,
           row_number() OVER (PARTITION BY dt, trade_id ORDER BY lpad(sequence_number, 129, '0')) AS copy_number
    FROM "${tradesTable}" t
    WHERE ${dateFilter}
  )
  WHERE copy_number = 1
)`;
}

export const TRADE_QUERIES: readonly TradeQuery[] = [
  {
    id: 'VolumeBySymbolQuery',
    name: 'volume-and-notional-by-symbol',
    description: 'Trades, volume and notional per symbol and currency for one day (parameter: dt, YYYY-MM-DD)',
    tables: [TRADES_TABLE],
    sql: ({ trades }) => `WITH ${deduplicatedTrades(trades, 'dt = ?')}
SELECT symbol,
       currency,
       count(*) AS trades,
       sum(quantity) AS volume,
       sum(quantity * CAST(price AS double)) AS notional
FROM deduplicated
GROUP BY 1, 2
ORDER BY notional DESC`,
  },
  {
    id: 'VwapBySymbolQuery',
    name: 'vwap-by-symbol',
    description: 'Volume-weighted average price per symbol and currency for one day (parameter: dt, YYYY-MM-DD)',
    tables: [TRADES_TABLE],
    sql: ({ trades }) => `WITH ${deduplicatedTrades(trades, 'dt = ?')}
SELECT symbol,
       currency,
       sum(quantity * CAST(price AS double)) / sum(quantity) AS vwap,
       sum(quantity) AS volume,
       min(CAST(price AS double)) AS low,
       max(CAST(price AS double)) AS high
FROM deduplicated
GROUP BY 1, 2
ORDER BY symbol, currency`,
  },
  {
    id: 'TradeByIdQuery',
    name: 'trade-by-id',
    description:
      'Everything about one trade_id within a date range: the deduplicated trade and every copy received (parameters: first dt, last dt, trade_id)',
    tables: [TRADES_TABLE],
    sql: ({ trades }) => `SELECT dt,
       trade_id,
       symbol,
       side,
       quantity,
       price,
       coalesce(currency, '${DEFAULT_CURRENCY}') AS currency,
       executed_at,
       venue,
       account_id,
       trader_id,
       shard_id,
       sequence_number,
       arrival_time,
       ingestion_time,
       row_number() OVER (PARTITION BY dt, trade_id ORDER BY lpad(sequence_number, 129, '0')) AS copy_number
FROM "${trades}"
WHERE dt BETWEEN ? AND ?
  AND trade_id = ?
ORDER BY dt, copy_number`,
  },
  {
    id: 'QuarantineByReasonQuery',
    name: 'quarantine-by-reason',
    description: 'Quarantined records per reason for one day (parameter: dt, YYYY-MM-DD); data engineers only',
    tables: [QUARANTINE_TABLE],
    // A retried or bisected batch can quarantine the same record in two objects: count records, not rows.
    sql: ({ quarantine }) => `SELECT reason,
       count(DISTINCT concat(shard_id, '/', sequence_number)) AS records,
       min(arrival_time) AS first_arrival,
       max(arrival_time) AS last_arrival
FROM "${quarantine}"
WHERE dt = ?
GROUP BY reason
ORDER BY records DESC`,
  },
];
