/**
 * The data layout of the lake (DESIGN §5): prefixes, the partition column and the columns of the raw
 * tables, shared by the writer, the Glue tables, the CLI, the local pipeline and the tests.
 * Pure data: no AWS SDK, no aws-cdk-lib, so every side can import it.
 */

/** Prefix of valid trades; the raw table's location. */
export const TRADES_PREFIX = 'trades/';
/** Prefix of records that cannot be trades; the quarantine table's location. */
export const QUARANTINE_PREFIX = 'quarantine/';
/** Name of the partition column in both prefixes: `dt=YYYY-MM-DD`. */
export const PARTITION_COLUMN = 'dt';
/** First partition date that partition projection enumerates. */
export const PARTITION_START_DATE = '2020-01-01';

/** A column of a Glue table, in Hive DDL types. */
export interface ColumnDefinition {
  readonly name: string;
  readonly type: string;
  readonly comment: string;
}

/**
 * Columns of the raw trades table: the producer's fields (DESIGN §5) and the ingestion fields the
 * writer splices into each line. `trade_id` and `price` are strings so that a 20-digit id or an
 * 18-decimal price keeps every digit; queries cast price to DECIMAL where they compute.
 */
export const TRADE_COLUMNS: readonly ColumnDefinition[] = [
  { name: 'trade_id', type: 'string', comment: 'producer trade id, string or integer as sent' },
  { name: 'symbol', type: 'string', comment: 'instrument symbol, [A-Z0-9.-]{1,16}' },
  { name: 'side', type: 'string', comment: 'BUY or SELL' },
  { name: 'quantity', type: 'double', comment: 'quantity, > 0' },
  { name: 'price', type: 'string', comment: 'price as sent, exact; cast to decimal(38,18) to compute' },
  { name: 'executed_at', type: 'string', comment: 'ISO 8601 timestamp with zone; decides dt' },
  { name: 'currency', type: 'string', comment: 'ISO 4217 code, USD when absent' },
  { name: 'venue', type: 'string', comment: 'optional execution venue' },
  { name: 'account_id', type: 'string', comment: 'optional account' },
  { name: 'trader_id', type: 'string', comment: 'optional trader' },
  { name: 'shard_id', type: 'string', comment: 'ingestion: Kinesis shard id' },
  { name: 'sequence_number', type: 'string', comment: 'ingestion: Kinesis sequence number (dedup order)' },
  { name: 'arrival_time', type: 'string', comment: 'ingestion: approximate arrival time, ISO 8601 UTC' },
  { name: 'ingestion_time', type: 'string', comment: 'ingestion: time the writer handled the record, ISO 8601 UTC' },
];

/** Columns of the quarantine table: one row per record that could not be a trade. */
export const QUARANTINE_COLUMNS: readonly ColumnDefinition[] = [
  { name: 'reason', type: 'string', comment: 'reason code, e.g. NOT_JSON, SCHEMA' },
  { name: 'message', type: 'string', comment: 'what was wrong, for a human' },
  { name: 'raw_data', type: 'string', comment: 'the Kinesis record data as received, base64' },
  { name: 'shard_id', type: 'string', comment: 'Kinesis shard id' },
  { name: 'sequence_number', type: 'string', comment: 'Kinesis sequence number' },
  { name: 'partition_key', type: 'string', comment: 'Kinesis partition key' },
  { name: 'arrival_time', type: 'string', comment: 'approximate arrival time, ISO 8601 UTC' },
  { name: 'ingestion_time', type: 'string', comment: 'time the writer handled the record, ISO 8601 UTC' },
];

/**
 * How many days after its ingestion date a trade's `dt` may fall (a producer clock slightly ahead
 * at midnight). The writer quarantines later dates; partition projection's range must reach as far
 * (`NOW+1DAYS`) or such a trade stays invisible until its date comes.
 */
export const PARTITION_DAYS_AHEAD = 1;
