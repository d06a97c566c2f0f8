import { RESERVED_FIELDS } from '../layout';
import type { RecordRule, TradeField } from '../trade-fields';

/**
 * Why a record cannot be a trade. Every rejection is permanent: the record goes to quarantine with
 * its raw bytes and counts as processed (docs/design.md §6). Messages are fixed strings, never text copied
 * from the payload or from V8's parser, so a quarantine line is the same on every Node version and
 * a log line can never carry trade data. A field's message lives in its row of the trade-field
 * table (schema/trade-fields.ts); the reason is then `SCHEMA`.
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
  | 'DATE_OUT_OF_RANGE'
  | 'BAD_AGGREGATE';

/** A permanent failure of one record. */
export interface Rejection {
  readonly reason: RejectionReason;
  readonly message: string;
}

function rejection(reason: RejectionReason, message: string): Rejection {
  return Object.freeze({ reason, message });
}

/** `a, b, c or d` */
function alternatives(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** The rejection of a record whose field, or whole record, breaks a rule of the trade-field table. */
export function schemaRejection(rule: TradeField | RecordRule): Rejection {
  return rejection('SCHEMA', rule.message);
}

/** Every rejection that is not about one field's value; the writer, producers and the tests share these. */
export const REJECTIONS = {
  notBase64: rejection('NOT_BASE64', 'record data is not valid base64'),
  notUtf8: rejection('NOT_UTF8', 'record data is not valid UTF-8'),
  // Valid JSON (JSON.parse reads it), but no Unicode text: DuckDB refuses the whole file that holds
  // it, and other readers replace it, so the line would not read back as it was validated.
  loneSurrogate: rejection(
    'NOT_UTF8',
    'record data escapes a lone UTF-16 surrogate (\\uD800-\\uDFFF without its pair): not Unicode text',
  ),
  notJson: rejection('NOT_JSON', 'record data is not valid JSON'),
  notObject: rejection('NOT_OBJECT', 'record data is JSON but not a JSON object'),
  duplicateKey: rejection(
    'DUPLICATE_KEY',
    'a field name occurs twice (compared case-insensitively, as the Athena JSON SerDe does)',
  ),
  // Athena reads such a name as the field (case.insensitive is on by default in the OpenX JSON
  // SerDe), so a `"VERSION":"abc"` or `"Exec_Type":"CANCEL"` would reach its column unchecked.
  caseVariantField: rejection(
    'DUPLICATE_KEY',
    "a field name differs from a trade field's name only by case (the Athena JSON SerDe would read it as that field, unchecked)",
  ),
  reservedField: rejection(
    'RESERVED_FIELD',
    `the record carries a field the writer adds itself: ${alternatives(RESERVED_FIELDS)} (any case)`,
  ),
  // Of a whole Kinesis record that starts with the KPL magic number: its user records cannot be
  // told apart, so it is quarantined as it came, with its sequence number (docs/design.md §5).
  badAggregate: rejection(
    'BAD_AGGREGATE',
    'record data starts with the KPL aggregation magic number F3 89 9A C2 but is not an aggregated record: it does not decode, or its MD5 checksum does not match',
  ),
  emptyAggregate: rejection('BAD_AGGREGATE', 'KPL aggregated record that holds no user record'),
  dateOutOfRange: rejection(
    'DATE_OUT_OF_RANGE',
    'executed_at falls on a UTC date that partition projection does not cover: before the first partition date or more than one day after ingestion',
  ),
} as const;
