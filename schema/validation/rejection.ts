/**
 * Why a record cannot be a trade. Every rejection is permanent: the record goes to quarantine with
 * its raw bytes and counts as processed (DESIGN §6). Messages are fixed strings, never text copied
 * from the payload or from V8's parser, so a quarantine line is the same on every Node version and
 * a log line can never carry trade data.
 */

/** Reason codes stored in the quarantine table's `reason` column. */
export type RejectionReason =
  | 'NOT_BASE64'
  | 'NOT_UTF8'
  | 'NOT_JSON'
  | 'NOT_OBJECT'
  | 'DUPLICATE_KEY'
  | 'RESERVED_FIELD'
  | 'SCHEMA'
  | 'DATE_OUT_OF_RANGE';

/** A permanent failure of one record. */
export interface Rejection {
  readonly reason: RejectionReason;
  readonly message: string;
}

function rejection(reason: RejectionReason, message: string): Rejection {
  return Object.freeze({ reason, message });
}

/** Every rejection the writer can produce; the handler and the tests share these constants. */
export const REJECTIONS = {
  notBase64: rejection('NOT_BASE64', 'record data is not valid base64'),
  notUtf8: rejection('NOT_UTF8', 'record data is not valid UTF-8'),
  notJson: rejection('NOT_JSON', 'record data is not valid JSON'),
  notObject: rejection('NOT_OBJECT', 'record data is JSON but not a JSON object'),
  duplicateKey: rejection(
    'DUPLICATE_KEY',
    'a field name occurs twice (compared case-insensitively, as the Athena JSON SerDe does)',
  ),
  reservedField: rejection(
    'RESERVED_FIELD',
    'the record carries a field the writer adds itself: shard_id, sequence_number, arrival_time or ingestion_time (any case)',
  ),
  tradeId: rejection(
    'SCHEMA',
    'trade_id: required, a non-empty string of at most 128 characters or an integer written without fraction or exponent',
  ),
  symbol: rejection('SCHEMA', 'symbol: required, 1 to 16 characters of A-Z, 0-9, "." and "-"'),
  side: rejection('SCHEMA', 'side: required, "BUY" or "SELL"'),
  quantity: rejection('SCHEMA', 'quantity: required, a finite number > 0'),
  price: rejection('SCHEMA', 'price: required, a finite number > 0 or a decimal string > 0 such as "101.25"'),
  executedAt: rejection(
    'SCHEMA',
    'executed_at: required, an ISO 8601 timestamp with a zone and a real calendar date, as YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)',
  ),
  currency: rejection('SCHEMA', 'currency: optional, an ISO 4217 code of three letters A-Z'),
  venue: rejection('SCHEMA', 'venue: optional, a string'),
  accountId: rejection('SCHEMA', 'account_id: optional, a string'),
  traderId: rejection('SCHEMA', 'trader_id: optional, a string'),
  dateOutOfRange: rejection(
    'DATE_OUT_OF_RANGE',
    'executed_at falls on a UTC date that partition projection does not cover: before the first partition date or more than one day after ingestion',
  ),
} as const;
