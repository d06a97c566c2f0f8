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
import type { RecordZone, SentRecord } from './sent-records';

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

/** Identities a loss or a surprise names, at most: enough to find them in the objects, not a flood. */
export const NAMED_IDENTITIES = 10;

/** What the record check found, zone by zone. */
export interface RecordCheck {
  /** Records sent that are not under their identity in the zone they were meant for. */
  readonly lost: number;
  /** Identities found in a zone that no record sent for that zone has. */
  readonly unexpected: number;
  /** One line per zone that lost records, naming up to {@link NAMED_IDENTITIES} of them. */
  readonly losses: readonly string[];
  /** One line per zone that holds records not sent for it, naming up to {@link NAMED_IDENTITIES}. */
  readonly surprises: readonly string[];
}

/** How a record is named in a loss: Lambda's `shardId:sequenceNumber`, and `:n` for a user record of an aggregate. */
export function identityName(shardId: string, sequenceNumber: string, subSequenceNumber: number | null): string {
  return `${shardId}:${sequenceNumber}${subSequenceNumber === null ? '' : `:${subSequenceNumber}`}`;
}

const ZONE_PREFIX: Readonly<Record<RecordZone, string>> = { trades: TRADES_PREFIX, quarantine: QUARANTINE_PREFIX };
const ZONE_RECORDS: Readonly<Record<RecordZone, string>> = { trades: 'valid records', quarantine: 'invalid records' };

/**
 * Compares, identity by identity, what was sent with what landed: every valid record sent must be in
 * `trades/` under the identity PutRecords gave it, every invalid one in `quarantine/`, and nothing
 * may be found in either that was not sent for it. Counts cannot prove this: a lost copy of a
 * deliberate re-send leaves the event counted by the other copy, and a valid record quarantined
 * cancels out an invalid one lost. Copies of one record (a retried or redelivered write) are one
 * identity.
 */
export async function checkRecords(lake: DuckDbLake, sent: readonly SentRecord[]): Promise<RecordCheck> {
  const { connection } = lake;
  await connection.run(
    'CREATE OR REPLACE TEMP TABLE sent_records (shard_id VARCHAR, sequence_number VARCHAR, sub_sequence_number INTEGER, zone VARCHAR)',
  );
  const appender = await connection.createAppender('sent_records');
  for (const { shardId, sequenceNumber, subSequenceNumber, zone } of sent) {
    appender.appendVarchar(shardId);
    appender.appendVarchar(sequenceNumber);
    if (subSequenceNumber === null) appender.appendNull();
    else appender.appendInteger(subSequenceNumber);
    appender.appendVarchar(zone);
    appender.endRow();
  }
  appender.closeSync();
  const identity = 'shard_id, sequence_number, sub_sequence_number';
  // Set operations compare NULLs as equal: a plain record's NULL sub-sequence number matches itself.
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE found_records AS
SELECT DISTINCT ${identity}, 'trades' AS zone FROM ${sqlIdentifier(TRADES_TABLE)}
UNION SELECT DISTINCT ${identity}, 'quarantine' AS zone FROM ${sqlIdentifier(QUARANTINE_TABLE)}`,
  );
  const differences = async (from: string, without: string) => {
    const { rows } = await lake.query(
      `WITH d AS (SELECT ${identity}, zone FROM ${from} EXCEPT SELECT ${identity}, zone FROM ${without}),
numbered AS (SELECT *, count(*) OVER (PARTITION BY zone) AS total,
  row_number() OVER (PARTITION BY zone ORDER BY shard_id, length(sequence_number), sequence_number, sub_sequence_number) AS n FROM d)
SELECT zone, total, shard_id, sequence_number, sub_sequence_number FROM numbered WHERE n <= ${NAMED_IDENTITIES} ORDER BY zone DESC, n`,
    );
    const byZone = new Map<RecordZone, { total: number; names: string[] }>();
    for (const [zone, total, shardId, sequenceNumber, subSequence] of rows) {
      const entry = byZone.get(zone as RecordZone) ?? { total: Number(total), names: [] };
      entry.names.push(
        identityName(String(shardId), String(sequenceNumber), subSequence === null ? null : Number(subSequence)),
      );
      byZone.set(zone as RecordZone, entry);
    }
    return byZone;
  };
  const named = ({ total, names }: { total: number; names: string[] }) =>
    `${names.join(', ')}${total > names.length ? ` and ${total - names.length} more` : ''}`;
  const lost = await differences('sent_records', 'found_records');
  const unexpected = await differences('found_records', 'sent_records');
  const sum = (byZone: Map<RecordZone, { total: number }>) =>
    [...byZone.values()].reduce((total, zone) => total + zone.total, 0);
  return {
    lost: sum(lost),
    unexpected: sum(unexpected),
    losses: [...lost].map(
      ([zone, found]) =>
        `${found.total} ${ZONE_RECORDS[zone]} sent are not in ${ZONE_PREFIX[zone]} under their identity: ${named(found)}`,
    ),
    surprises: [...unexpected].map(
      ([zone, found]) =>
        `${found.total} records in ${ZONE_PREFIX[zone]} were not sent as ${ZONE_RECORDS[zone]}: ${named(found)}`,
    ),
  };
}
