import {
  QUARANTINE_DUCKDB_COLUMNS,
  QUARANTINE_PREFIX,
  TRADE_DUCKDB_COLUMNS,
  TRADE_FIELD_DEFAULTS,
  TRADES_PREFIX,
} from '../schema/layout';
import { QUARANTINE_TABLE, TRADES_TABLE } from '../schema/tables';
import type { DuckDbLake } from './duckdb-lake';
import { sqlIdentifier, sqlString } from './duckdb-lake';
import type { LakeObject } from './lake-mirror';

/**
 * What landed, counted from the objects themselves (never from what the writer reported): DuckDB
 * reads every line of every object, with the schema's column types.
 *
 * - `written`: distinct trade events in the raw zone. An event is (`trade_id`, `exec_type`,
 *   `version`), absent fields read as their defaults: a correction or a cancel is an event of its
 *   own, a producer's deliberate re-send of an event is the same event.
 * - `duplicates`: trade lines beyond the first of each event (re-sends and retried writes alike).
 * - `quarantined`: distinct quarantined records, by shard, sequence and sub-sequence number.
 */

/** The fields that make a trade event (issue #10): a re-send of one counts once. */
export const EVENT_KEY_FIELDS = ['trade_id', 'exec_type', 'version'] as const;

/** What landed in the lake bucket. */
export interface LakeCount {
  readonly written: number;
  readonly duplicates: number;
  readonly quarantined: number;
  /** Trade lines stored (written + duplicates). */
  readonly tradeLines: number;
  /** Trade lines beyond the first of each Kinesis record: copies made by retries, not by the producer. */
  readonly recordCopies: number;
  readonly quarantineLines: number;
  readonly tradeObjects: number;
  readonly quarantineObjects: number;
  /** Compressed bytes of the objects under trades/. */
  readonly tradeBytes: number;
  /** `tradeBytes` per trade line stored. */
  readonly bytesPerTrade: number;
  /** Distinct trade_ids among the events written. */
  readonly tradeIds: number;
}

function fieldValue(name: string): string {
  const fallback = TRADE_FIELD_DEFAULTS[name];
  if (fallback === undefined) return name;
  return `coalesce(${name}, ${typeof fallback === 'number' ? String(fallback) : sqlString(fallback)})`;
}

/** The columns that identify a Kinesis record (and a user record of an aggregate, once lines carry it). */
function recordIdentity(columns: readonly { name: string }[]): string {
  const names = ['shard_id', 'sequence_number', 'sub_sequence_number'].filter((name) =>
    columns.some((column) => column.name === name),
  );
  return `(${names.join(', ')})`;
}

export async function countLake(lake: DuckDbLake, objects: readonly LakeObject[]): Promise<LakeCount> {
  const event = `(${EVENT_KEY_FIELDS.map(fieldValue).join(', ')})`;
  const trades = await lake.query(
    `SELECT count(*), count(DISTINCT ${event}), count(DISTINCT ${recordIdentity(TRADE_DUCKDB_COLUMNS)}), count(DISTINCT trade_id) FROM ${sqlIdentifier(TRADES_TABLE)}`,
  );
  const quarantine = await lake.query(
    `SELECT count(*), count(DISTINCT ${recordIdentity(QUARANTINE_DUCKDB_COLUMNS)}) FROM ${sqlIdentifier(QUARANTINE_TABLE)}`,
  );
  const [tradeLines, written, records, tradeIds] = (trades.rows[0] ?? []).map(Number);
  const [quarantineLines, quarantined] = (quarantine.rows[0] ?? []).map(Number);
  const tradeObjects = objects.filter(({ key }) => key.startsWith(TRADES_PREFIX));
  const tradeBytes = tradeObjects.reduce((sum, { body }) => sum + body.length, 0);
  return {
    written: written ?? 0,
    duplicates: (tradeLines ?? 0) - (written ?? 0),
    quarantined: quarantined ?? 0,
    tradeLines: tradeLines ?? 0,
    recordCopies: (tradeLines ?? 0) - (records ?? 0),
    quarantineLines: quarantineLines ?? 0,
    tradeObjects: tradeObjects.length,
    quarantineObjects: objects.filter(({ key }) => key.startsWith(QUARANTINE_PREFIX)).length,
    tradeBytes,
    bytesPerTrade: tradeLines ? tradeBytes / tradeLines : 0,
    tradeIds: tradeIds ?? 0,
  };
}
