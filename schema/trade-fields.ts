/**
 * The fields of a trade (docs/design.md §5) as one declarative table, and the fields the writer adds to
 * every stored line. Everything that needs to know what a trade is derives from here: the writer's
 * validator (schema/validation/), its rejection messages, the Glue columns and the DuckDB columns
 * (layout.ts), and the producers' field names, defaults and allowed values.
 *
 * Adding an optional field is one row (`optionalString('strategy', '…')`); nothing else changes:
 * test/handler/handler.test.ts ("a writer built with one more optional field in its table") adds one
 * to a copy of the table and shows the writer stores it and quarantines a value that breaks it.
 * Pure data: no AWS SDK, no aws-cdk-lib, nothing from lambda/ or lib/ (biome.json enforces it).
 */

/** A JSON type a field may hold. An optional field may also be absent or `null`. */
export type JsonType = 'string' | 'number' | 'boolean';

/**
 * What a field's value must be, beyond its JSON type. Each rule says what it asks of each JSON type
 * it reads; a table whose field lists a type its rule cannot read is refused when a validator is
 * built from it.
 */
export type FieldRule =
  /** A string of 1 to `maxLength` UTF-16 code units, or a number written as an integer literal (digits, optional minus, no fraction, no exponent). */
  | { readonly kind: 'id'; readonly maxLength: number }
  /** An ASCII string of `minLength` to `maxLength` characters, each in `charset` (regex class syntax without brackets: `A-Z0-9.-`). */
  | { readonly kind: 'pattern'; readonly charset: string; readonly minLength: number; readonly maxLength: number }
  /** One of `values`, exactly (ASCII, case-sensitive). */
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  /** A number: finite and > 0. A string: a decimal `digits[.digits]`, not all zeros, no sign, no exponent. */
  | { readonly kind: 'positive' }
  /** An RFC 3339 timestamp (the ISO 8601 profile with a zone) on a real calendar date. */
  | { readonly kind: 'timestamp' }
  /** A number written as an integer literal without sign, from `min` to `max`. */
  | { readonly kind: 'wholeNumber'; readonly min: number; readonly max: number }
  /** Any value of the field's JSON types. */
  | { readonly kind: 'any' };

/** How a query computes with a column that is stored as text (Athena engine 3, Trino). */
export type TrinoCast =
  /** `CAST(<column> AS <castTo>)`. */
  | { readonly castTo: string }
  /** `<parseWith>(<column>)`: Trino's CAST refuses the `T` of ISO 8601, its from_iso8601_* functions read it. */
  | { readonly parseWith: string };

/** One field a producer may send. */
export interface TradeField {
  /** The JSON member name; lower case, as Glue and Athena's JSON SerDe see it. */
  readonly name: string;
  /** The JSON types accepted. */
  readonly json: readonly JsonType[];
  /** A required field must be present and not null; an optional one may be absent or null. */
  readonly required: boolean;
  /** What an absent or null optional field means. The writer stores the trade as sent; readers apply it. */
  readonly default?: string | number;
  readonly rule: FieldRule;
  /** The quarantine message (reason `SCHEMA`) when the field breaks its type or rule: a fixed text, never a piece of the payload. */
  readonly message: string;
  /** Column type in the Glue table (Hive DDL). */
  readonly glueType: string;
  /** Column type in the local DuckDB run. */
  readonly duckdbType: string;
  /** How a query computes with it when its column type is not the type to compute in. @default none: use the column */
  readonly trinoCast?: TrinoCast;
  /** Column comment. */
  readonly comment: string;
}

/** A field the writer splices into trade lines; a producer may not send it, in any case. */
export interface IngestionField {
  readonly name: string;
  readonly glueType: string;
  readonly duckdbType: string;
  readonly comment: string;
}

/** A rule on the whole record: when `when.field` holds one of `when.oneOf`, `require.field` must be at least `require.atLeast`. Absent fields count as their defaults. */
export interface RecordRule {
  readonly when: { readonly field: string; readonly oneOf: readonly string[] };
  readonly require: { readonly field: string; readonly atLeast: number };
  /** The quarantine message (reason `SCHEMA`). */
  readonly message: string;
}

/** The sides of a trade. */
export const SIDES = ['BUY', 'SELL'] as const;
export type Side = (typeof SIDES)[number];

/** FIX execution types a producer may send (docs/design.md §5): a new trade, a correction, a cancel. */
export const EXEC_TYPES = ['NEW', 'CORRECT', 'CANCEL'] as const;
export type ExecType = (typeof EXEC_TYPES)[number];

/** The longest string trade_id accepted, in UTF-16 code units (JavaScript string length). */
export const MAX_TRADE_ID_LENGTH = 128;
/** The longest symbol accepted. */
export const MAX_SYMBOL_LENGTH = 16;
/** The largest version accepted: every engine and every JavaScript producer holds it exactly (bigint, double). */
export const MAX_VERSION = Number.MAX_SAFE_INTEGER;

/** An optional string field with no rule beyond its type: the one-line way to add a field. */
export function optionalString(name: string, comment: string): TradeField {
  return {
    name,
    json: ['string'],
    required: false,
    rule: { kind: 'any' },
    message: `${name}: optional, a string`,
    glueType: 'string',
    duckdbType: 'VARCHAR',
    comment,
  };
}

/**
 * The trade fields, in column order. `trade_id` and `price` are strings in the tables so that a
 * 20-digit id or an 18-decimal price keeps every digit; queries cast price where they compute.
 */
export const TRADE_FIELDS: readonly TradeField[] = [
  {
    name: 'trade_id',
    json: ['string', 'number'],
    required: true,
    rule: { kind: 'id', maxLength: MAX_TRADE_ID_LENGTH },
    message:
      'trade_id: required, a non-empty string of at most 128 characters or an integer written without fraction or exponent',
    glueType: 'string',
    duckdbType: 'VARCHAR',
    comment: 'producer trade id, string or integer as sent',
  },
  {
    name: 'symbol',
    json: ['string'],
    required: true,
    rule: { kind: 'pattern', charset: 'A-Z0-9.-', minLength: 1, maxLength: MAX_SYMBOL_LENGTH },
    message: 'symbol: required, 1 to 16 characters of A-Z, 0-9, "." and "-"',
    glueType: 'string',
    duckdbType: 'VARCHAR',
    comment: 'instrument symbol, [A-Z0-9.-]{1,16}',
  },
  {
    name: 'side',
    json: ['string'],
    required: true,
    rule: { kind: 'enum', values: SIDES },
    message: 'side: required, "BUY" or "SELL"',
    glueType: 'string',
    duckdbType: 'VARCHAR',
    comment: 'BUY or SELL',
  },
  {
    name: 'quantity',
    json: ['number'],
    required: true,
    rule: { kind: 'positive' },
    message: 'quantity: required, a finite number > 0',
    glueType: 'double',
    duckdbType: 'DOUBLE',
    comment: 'quantity, > 0',
  },
  {
    name: 'price',
    json: ['number', 'string'],
    required: true,
    rule: { kind: 'positive' },
    message: 'price: required, a finite number > 0 or a decimal string > 0 such as "101.25"',
    glueType: 'string',
    duckdbType: 'VARCHAR',
    trinoCast: { castTo: 'decimal(38,18)' },
    comment: 'price as sent, exact; cast to decimal(38,18) to compute',
  },
  {
    name: 'executed_at',
    json: ['string'],
    required: true,
    rule: { kind: 'timestamp' },
    message:
      'executed_at: required, an ISO 8601 timestamp with a zone and a real calendar date, as YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)',
    glueType: 'string',
    duckdbType: 'VARCHAR',
    trinoCast: { parseWith: 'from_iso8601_timestamp' },
    comment: 'ISO 8601 timestamp with zone; decides dt',
  },
  {
    name: 'currency',
    json: ['string'],
    required: false,
    default: 'USD',
    rule: { kind: 'pattern', charset: 'A-Z', minLength: 3, maxLength: 3 },
    message: 'currency: optional, an ISO 4217 code of three letters A-Z',
    glueType: 'string',
    duckdbType: 'VARCHAR',
    comment: 'ISO 4217 code, USD when absent',
  },
  optionalString('venue', 'optional execution venue'),
  optionalString('account_id', 'optional account'),
  optionalString('trader_id', 'optional trader'),
  {
    name: 'exec_type',
    json: ['string'],
    required: false,
    default: 'NEW',
    rule: { kind: 'enum', values: EXEC_TYPES },
    message: 'exec_type: optional, "NEW", "CORRECT" or "CANCEL" (NEW when absent)',
    glueType: 'string',
    duckdbType: 'VARCHAR',
    comment: 'NEW, CORRECT or CANCEL; NEW when absent',
  },
  {
    name: 'version',
    json: ['number'],
    required: false,
    default: 1,
    rule: { kind: 'wholeNumber', min: 1, max: MAX_VERSION },
    message:
      'version: optional, a whole number from 1 to 9007199254740991 written without fraction or exponent (1 when absent)',
    glueType: 'bigint',
    duckdbType: 'BIGINT',
    comment: "the producer's version of the trade, 1 when absent; the highest is current",
  },
];

/** The field whose UTC date is the partition `dt` of a trade. */
export const PARTITION_SOURCE_FIELD = 'executed_at';

/**
 * Rules on the whole record. The events of one trade may travel on different shards, where sequence
 * numbers say nothing about order, so a correction or a cancel must say which version it is (docs/design.md §5).
 */
export const RECORD_RULES: readonly RecordRule[] = [
  {
    when: { field: 'exec_type', oneOf: ['CORRECT', 'CANCEL'] },
    require: { field: 'version', atLeast: 2 },
    message:
      'version: required above 1 when exec_type is CORRECT or CANCEL, higher than the version of the event it replaces',
  },
];

/**
 * The ingestion field that places a user record inside a KPL aggregated record (docs/design.md §5): with the
 * sequence number, the key of a user record.
 */
export const SUB_SEQUENCE_NUMBER_FIELD = 'sub_sequence_number';

/**
 * The fields the writer adds to trade lines, in column order after the trade fields; a producer may
 * send none of them. Every line carries each of them except `sub_sequence_number`, which only the
 * user records of a KPL aggregate carry.
 */
export const INGESTION_FIELDS: readonly IngestionField[] = [
  { name: 'shard_id', glueType: 'string', duckdbType: 'VARCHAR', comment: 'ingestion: Kinesis shard id' },
  {
    name: 'sequence_number',
    glueType: 'string',
    duckdbType: 'VARCHAR',
    comment: 'ingestion: Kinesis sequence number (dedup order)',
  },
  {
    // Absent (NULL) for a plain Kinesis record: its line stays byte for byte what it was before KPL
    // aggregation was read, and so does every line stored before; Athena's JSON SerDe and DuckDB read
    // an absent member as NULL, so both mean "not aggregated". A sequence number is either an
    // aggregate or a plain record, so NULL never competes with a number for the same sequence number.
    name: SUB_SEQUENCE_NUMBER_FIELD,
    glueType: 'int',
    duckdbType: 'INTEGER',
    comment: 'ingestion: position of the user record in a KPL aggregated record, from 0; NULL for a plain record',
  },
  {
    name: 'arrival_time',
    glueType: 'string',
    duckdbType: 'VARCHAR',
    comment: 'ingestion: approximate arrival time, ISO 8601 UTC',
  },
  {
    name: 'ingestion_time',
    glueType: 'string',
    duckdbType: 'VARCHAR',
    comment: 'ingestion: time the writer handled the record, ISO 8601 UTC',
  },
];

/** The field of `fields` named `name`, or undefined. */
export function tradeField(name: string, fields: readonly TradeField[] = TRADE_FIELDS): TradeField | undefined {
  return fields.find((field) => field.name === name);
}

/** The SQL a Trino query computes with for the field's column (`column` defaults to its name, e.g. `t.price`). */
export function trinoValueOf(field: TradeField, column: string = field.name): string {
  const cast = field.trinoCast;
  if (cast === undefined) return column;
  return 'castTo' in cast ? `CAST(${column} AS ${cast.castTo})` : `${cast.parseWith}(${column})`;
}
