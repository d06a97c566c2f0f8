/**
 * The data layout of the lake (docs/design.md §5): prefixes, the partition column and the columns of the raw
 * tables (derived from the trade-field table), shared by the writer, the Glue tables, the CLI, the
 * local pipeline and the tests. Pure data: no AWS SDK, no aws-cdk-lib, so every side can import it.
 */
import { INGESTION_FIELDS, SUB_SEQUENCE_NUMBER_FIELD, TRADE_FIELDS } from './trade-fields';

/** Prefix of valid trades; the raw table's location. */
export const TRADES_PREFIX = 'trades/';
/** Prefix of records that cannot be trades; the quarantine table's location. */
export const QUARANTINE_PREFIX = 'quarantine/';
/**
 * The one object key `trades verify` sends an unencrypted PutObject to, to prove that the lake's
 * bucket policy refuses it (lib/raw-zone/lake-bucket.ts, grantUnencryptedPutProbe). Outside
 * `trades/` and `quarantine/`, so no table reads it, and no object is ever stored under it.
 */
export const VERIFY_PROBE_KEY = 'verify-probe/never-written';

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

/** A column of the local DuckDB run, in DuckDB types, in the same order as the Glue table's. */
export interface DuckDbColumn {
  readonly name: string;
  readonly type: string;
}

/** A column as each engine types it. */
interface LayoutColumn {
  readonly name: string;
  readonly glueType: string;
  readonly duckdbType: string;
  readonly comment: string;
}

const TRADE_LINE_COLUMNS: readonly LayoutColumn[] = [...TRADE_FIELDS, ...INGESTION_FIELDS];

/** A quarantine line holds exactly these members, in this order (lambda/trade-writer/encode.ts writes them). */
const QUARANTINE_LINE_COLUMNS: readonly LayoutColumn[] = [
  { name: 'reason', glueType: 'string', duckdbType: 'VARCHAR', comment: 'reason code, e.g. NOT_JSON, SCHEMA' },
  { name: 'message', glueType: 'string', duckdbType: 'VARCHAR', comment: 'what was wrong, for a human' },
  {
    name: 'raw_data',
    glueType: 'string',
    duckdbType: 'VARCHAR',
    comment: 'the Kinesis record data as received, base64',
  },
  { name: 'shard_id', glueType: 'string', duckdbType: 'VARCHAR', comment: 'Kinesis shard id' },
  { name: 'sequence_number', glueType: 'string', duckdbType: 'VARCHAR', comment: 'Kinesis sequence number' },
  {
    name: SUB_SEQUENCE_NUMBER_FIELD,
    glueType: 'int',
    duckdbType: 'INTEGER',
    comment: 'position of the user record in a KPL aggregate, from 0; NULL for a plain record or a whole aggregate',
  },
  { name: 'partition_key', glueType: 'string', duckdbType: 'VARCHAR', comment: 'Kinesis partition key' },
  {
    name: 'arrival_time',
    glueType: 'string',
    duckdbType: 'VARCHAR',
    comment: 'approximate arrival time, ISO 8601 UTC',
  },
  {
    name: 'ingestion_time',
    glueType: 'string',
    duckdbType: 'VARCHAR',
    comment: 'time the writer handled the record, ISO 8601 UTC',
  },
];

const glueColumn = ({ name, glueType, comment }: LayoutColumn): ColumnDefinition => ({ name, type: glueType, comment });
const duckdbColumn = ({ name, duckdbType }: LayoutColumn): DuckDbColumn => ({ name, type: duckdbType });

/**
 * Columns of the raw trades table: the producer's fields (trade-fields.ts) and the ingestion fields
 * the writer splices into each line.
 */
export const TRADE_COLUMNS: readonly ColumnDefinition[] = TRADE_LINE_COLUMNS.map(glueColumn);

/** Columns of the quarantine table: one row per record that could not be a trade. */
export const QUARANTINE_COLUMNS: readonly ColumnDefinition[] = QUARANTINE_LINE_COLUMNS.map(glueColumn);

/** {@link TRADE_COLUMNS} in DuckDB types, for reading trade lines in the local run. */
export const TRADE_DUCKDB_COLUMNS: readonly DuckDbColumn[] = TRADE_LINE_COLUMNS.map(duckdbColumn);

/** {@link QUARANTINE_COLUMNS} in DuckDB types. */
export const QUARANTINE_DUCKDB_COLUMNS: readonly DuckDbColumn[] = QUARANTINE_LINE_COLUMNS.map(duckdbColumn);

/** The fields a producer may send, in column order (any other field is stored and ignored by the tables). */
export const PRODUCER_FIELDS: readonly string[] = TRADE_FIELDS.map(({ name }) => name);

/** The fields a producer must send. */
export const REQUIRED_PRODUCER_FIELDS: readonly string[] = TRADE_FIELDS.filter(({ required }) => required).map(
  ({ name }) => name,
);

/** What an absent optional field means, by field name: `currency` USD, `exec_type` NEW, `version` 1. */
export const TRADE_FIELD_DEFAULTS: Readonly<Record<string, string | number>> = Object.fromEntries(
  TRADE_FIELDS.flatMap(({ name, default: value }) => (value === undefined ? [] : [[name, value]])),
);

/** The values an enumerated field allows, by field name: `side` and `exec_type`. */
export const TRADE_FIELD_VALUES: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  TRADE_FIELDS.flatMap(({ name, rule }) => (rule.kind === 'enum' ? [[name, rule.values]] : [])),
);

/** The names a producer may not use, in any case: the writer adds them to the lines it stores. */
export const RESERVED_FIELDS: readonly string[] = INGESTION_FIELDS.map(({ name }) => name);

/**
 * How many days after its ingestion date a trade's `dt` may fall (a producer clock slightly ahead
 * at midnight). The writer quarantines later dates; partition projection's range must reach as far
 * (`NOW+1DAYS`) or such a trade stays invisible until its date comes.
 */
export const PARTITION_DAYS_AHEAD = 1;
