import { JSON_NULL, JSON_NUMBER, JSON_STRING, type JsonObjectView, STRING_NON_ASCII } from './json-object';
import { REJECTIONS, type Rejection } from './rejection';
import { utcDateOfBytes } from './utc-date';

/**
 * The trade schema of DESIGN §5, checked by hand on a scanned JSON object: a schema library would
 * cost more per record than reading the record. Shared by the writer and the tests.
 */

/** Fields a producer may send. Any other field is kept in the line and ignored by the tables. */
export const TRADE_FIELDS = [
  'trade_id',
  'symbol',
  'side',
  'quantity',
  'price',
  'executed_at',
  'currency',
  'venue',
  'account_id',
  'trader_id',
] as const;

/** Fields the writer splices into every trade line; a producer may not send them, in any case. */
export const INGESTION_FIELDS = ['shard_id', 'sequence_number', 'arrival_time', 'ingestion_time'] as const;

/** The longest string trade_id accepted, in UTF-16 code units (JavaScript string length). */
export const MAX_TRADE_ID_LENGTH = 128;
/** The longest symbol accepted. */
export const MAX_SYMBOL_LENGTH = 16;

/** The UTC dates (inclusive, `YYYY-MM-DD`) a trade's `executed_at` may fall on. */
export interface DateWindow {
  readonly earliest: string;
  readonly latest: string;
}

const KNOWN_FIELDS: readonly string[] = [...TRADE_FIELDS, ...INGESTION_FIELDS];
const FIELD_INDEX: ReadonlyMap<string, number> = new Map(KNOWN_FIELDS.map((name, index) => [name, index]));
const FIRST_INGESTION_FIELD = TRADE_FIELDS.length;
const UNKNOWN = -1;
const [TRADE_ID, SYMBOL, SIDE, QUANTITY, PRICE, EXECUTED_AT, CURRENCY, VENUE, ACCOUNT_ID, TRADER_ID] = TRADE_FIELDS.map(
  (name) => FIELD_INDEX.get(name) ?? UNKNOWN,
);

/** Known names are told apart by length and first byte: a table lookup, then one comparison. */
const MAX_NAME_LENGTH = 15;
const NAME_TABLE_WIDTH = 128;
const KNOWN_FIELD_BYTES = KNOWN_FIELDS.map((name) => Buffer.from(name, 'latin1'));
const FIELD_BY_LENGTH_AND_FIRST_BYTE = (() => {
  const table = new Int8Array((MAX_NAME_LENGTH + 1) * NAME_TABLE_WIDTH).fill(UNKNOWN);
  KNOWN_FIELDS.forEach((name, index) => {
    const slot = name.length * NAME_TABLE_WIDTH + name.charCodeAt(0);
    if (name.length > MAX_NAME_LENGTH || table[slot] !== UNKNOWN)
      throw new Error(`field name ${name} needs a wider table`);
    table[slot] = index;
  });
  return table;
})();

const ZERO = 0x30;
const NINE = 0x39;
const UPPER_A = 0x41;
const UPPER_Z = 0x5a;
const DOT = 0x2e;
const DASH = 0x2d;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

// Where each known field is among the members of the record being checked; reused, never shared
// across calls because checking is synchronous.
const memberOfField = new Int32Array(KNOWN_FIELDS.length);

/** The index in KNOWN_FIELDS of member `member`'s name, or UNKNOWN. */
function knownFieldOf(view: JsonObjectView, member: number): number {
  if (view.keyFlags[member] !== 0) return FIELD_INDEX.get(view.keyOf(member)) ?? UNKNOWN;
  const bytes = view.bytes;
  const start = view.keyStart[member] + 1;
  const length = view.keyEnd[member] - 1 - start;
  const first = bytes[start];
  if (length > MAX_NAME_LENGTH || first >= NAME_TABLE_WIDTH) return UNKNOWN;
  const field = FIELD_BY_LENGTH_AND_FIRST_BYTE[length * NAME_TABLE_WIDTH + first];
  if (field === UNKNOWN) return UNKNOWN;
  const name = KNOWN_FIELD_BYTES[field];
  for (let at = 1; at < length; at += 1) if (bytes[start + at] !== name[at]) return UNKNOWN;
  return field;
}

/**
 * Maps the record's members to the known fields. Rejects names that would make the stored line
 * ambiguous: a name given twice, the same name in another case (Athena's JSON SerDe lower-cases
 * names and fails the whole query on a collision), or an ingestion field the writer adds itself.
 */
function mapMembers(view: JsonObjectView): Rejection | undefined {
  memberOfField.fill(UNKNOWN);
  let otherNames: string[] | undefined;
  for (let member = 0; member < view.count; member += 1) {
    const field = knownFieldOf(view, member);
    if (field >= FIRST_INGESTION_FIELD) return REJECTIONS.reservedField;
    if (field === UNKNOWN) {
      otherNames ??= [];
      otherNames.push(view.keyOf(member).toLowerCase());
    } else if (memberOfField[field] !== UNKNOWN) {
      return REJECTIONS.duplicateKey;
    } else {
      memberOfField[field] = member;
    }
  }
  if (otherNames !== undefined) {
    // Only a name outside the schema can collide with another one by case alone.
    const seen = new Set<string>();
    for (const name of otherNames) {
      const field = FIELD_INDEX.get(name) ?? UNKNOWN;
      if (field >= FIRST_INGESTION_FIELD) return REJECTIONS.reservedField;
      if (seen.has(name) || (field !== UNKNOWN && memberOfField[field] !== UNKNOWN)) return REJECTIONS.duplicateKey;
      seen.add(name);
    }
  }
  return undefined;
}

/**
 * The ASCII text of a string member as a byte range: the record's own bytes when the token has no
 * escape, else the decoded value copied into a scratch buffer. The fields read this way (symbol,
 * side, price, currency, executed_at) allow only ASCII, so reading them builds no string.
 */
class AsciiSpan {
  bytes: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  private scratch = Buffer.alloc(64);

  /** Points the span at member `member`'s string value; false when it is not an ASCII string. */
  read(view: JsonObjectView, member: number): boolean {
    if (member === UNKNOWN || view.valueType[member] !== JSON_STRING) return false;
    const flags = view.valueFlags[member];
    if (flags === 0) {
      this.bytes = view.bytes;
      this.start = view.valueStart[member] + 1;
      this.end = view.valueEnd[member] - 1;
      return true;
    }
    // Bytes above 0x7f stay above 0x7f once decoded.
    if ((flags & STRING_NON_ASCII) !== 0) return false;
    const value = view.stringValueOf(member);
    if (this.scratch.length < value.length) this.scratch = Buffer.alloc(value.length * 2);
    for (let at = 0; at < value.length; at += 1) {
      const code = value.charCodeAt(at);
      if (code > 0x7f) return false;
      this.scratch[at] = code;
    }
    this.bytes = this.scratch;
    this.start = 0;
    this.end = value.length;
    return true;
  }

  get length(): number {
    return this.end - this.start;
  }

  at(offset: number): number {
    return this.bytes[this.start + offset];
  }
}

const span = new AsciiSpan();

function isSymbol(value: AsciiSpan): boolean {
  const length = value.length;
  if (length === 0 || length > MAX_SYMBOL_LENGTH) return false;
  for (let at = 0; at < length; at += 1) {
    const code = value.at(at);
    const allowed =
      (code >= UPPER_A && code <= UPPER_Z) || (code >= ZERO && code <= NINE) || code === DOT || code === DASH;
    if (!allowed) return false;
  }
  return true;
}

function isSide(value: AsciiSpan): boolean {
  if (value.length === 3) return value.at(0) === 0x42 && value.at(1) === 0x55 && value.at(2) === 0x59; // BUY
  if (value.length !== 4) return false;
  return value.at(0) === 0x53 && value.at(1) === 0x45 && value.at(2) === 0x4c && value.at(3) === 0x4c; // SELL
}

/** Digits with an optional fraction (`12`, `0.000000000000000001`), not all zeros. */
function isPositiveDecimal(value: AsciiSpan): boolean {
  const length = value.length;
  let at = 0;
  let nonZero = false;
  while (at < length) {
    const code = value.at(at);
    if (code < ZERO || code > NINE) break;
    if (code !== ZERO) nonZero = true;
    at += 1;
  }
  if (at === 0) return false;
  if (at < length) {
    if (value.at(at) !== DOT || at + 1 === length) return false;
    for (at += 1; at < length; at += 1) {
      const code = value.at(at);
      if (code < ZERO || code > NINE) return false;
      if (code !== ZERO) nonZero = true;
    }
  }
  return nonZero;
}

function isIsoCurrency(value: AsciiSpan): boolean {
  if (value.length !== 3) return false;
  for (let at = 0; at < 3; at += 1) {
    const code = value.at(at);
    if (code < UPPER_A || code > UPPER_Z) return false;
  }
  return true;
}

/** The member holding a field, or UNKNOWN when absent. */
function memberOf(field: number): number {
  return memberOfField[field];
}

function isString(view: JsonObjectView, member: number): boolean {
  return member !== UNKNOWN && view.valueType[member] === JSON_STRING;
}

function isNumber(view: JsonObjectView, member: number): boolean {
  return member !== UNKNOWN && view.valueType[member] === JSON_NUMBER;
}

/** An optional field is absent, null, or a string. */
function isOptionalString(view: JsonObjectView, member: number): boolean {
  return member === UNKNOWN || view.valueType[member] === JSON_NULL || view.valueType[member] === JSON_STRING;
}

// A number token this short without an exponent can neither overflow to Infinity nor underflow to
// 0, so its sign and digits decide the tests below without converting it.
const SHORT_NUMBER = 30;

/** A number member whose value (as JSON.parse reads it) is finite and > 0. */
function isPositiveNumber(view: JsonObjectView, member: number): boolean {
  if (!isNumber(view, member)) return false;
  const bytes = view.bytes;
  const start = view.valueStart[member];
  const end = view.valueEnd[member];
  if (end - start <= SHORT_NUMBER) {
    let nonZero = false;
    let exponent = false;
    for (let at = start; at < end && !exponent; at += 1) {
      const code = bytes[at];
      if (code === DASH) return false;
      if (code === LOWER_E || code === UPPER_E) exponent = true;
      else if (code > ZERO && code <= NINE) nonZero = true;
    }
    if (!exponent) return nonZero;
  }
  // JSON has no Infinity, but a literal such as 1e400 reads as it.
  const value = view.numberValueOf(member);
  return value > 0 && Number.isFinite(value);
}

/**
 * A number member written as an integer literal: digits with an optional minus, no fraction, no
 * exponent. A double cannot tell 12345678901234567890.5 from an integer, and `1.0` or `1e3` would
 * be a different trade_id than `1` or `1000` to every query that compares the stored text.
 */
function isIntegerLiteral(view: JsonObjectView, member: number): boolean {
  if (!isNumber(view, member)) return false;
  const bytes = view.bytes;
  for (let at = view.valueStart[member]; at < view.valueEnd[member]; at += 1) {
    const code = bytes[at];
    if (code === DOT || code === LOWER_E || code === UPPER_E) return false;
  }
  return true;
}

function isTradeId(view: JsonObjectView, member: number): boolean {
  if (isString(view, member)) {
    const length =
      view.valueFlags[member] === 0
        ? view.valueEnd[member] - view.valueStart[member] - 2
        : view.stringValueOf(member).length;
    return length > 0 && length <= MAX_TRADE_ID_LENGTH;
  }
  // The stored text keeps every digit of a 20-digit id even though a double would not.
  return isIntegerLiteral(view, member);
}

function isPrice(view: JsonObjectView, member: number): boolean {
  if (isString(view, member)) return span.read(view, member) && isPositiveDecimal(span);
  return isPositiveNumber(view, member);
}

function isCurrency(view: JsonObjectView, member: number): boolean {
  if (isString(view, member)) return span.read(view, member) && isIsoCurrency(span);
  return isOptionalString(view, member);
}

/**
 * Checks a scanned JSON object against the trade schema. Returns the partition date (the UTC date
 * of `executed_at`, `YYYY-MM-DD`) of a valid trade, or why it is not one. Deterministic: the same
 * bytes and window always give the same answer, which keeps object keys stable across retries.
 */
export function checkTrade(view: JsonObjectView, window: DateWindow): string | Rejection {
  const nameProblem = mapMembers(view);
  if (nameProblem !== undefined) return nameProblem;

  if (!isTradeId(view, memberOf(TRADE_ID))) return REJECTIONS.tradeId;
  if (!(span.read(view, memberOf(SYMBOL)) && isSymbol(span))) return REJECTIONS.symbol;
  if (!(span.read(view, memberOf(SIDE)) && isSide(span))) return REJECTIONS.side;
  if (!isPositiveNumber(view, memberOf(QUANTITY))) return REJECTIONS.quantity;
  if (!isPrice(view, memberOf(PRICE))) return REJECTIONS.price;
  if (!isCurrency(view, memberOf(CURRENCY))) return REJECTIONS.currency;
  if (!isOptionalString(view, memberOf(VENUE))) return REJECTIONS.venue;
  if (!isOptionalString(view, memberOf(ACCOUNT_ID))) return REJECTIONS.accountId;
  if (!isOptionalString(view, memberOf(TRADER_ID))) return REJECTIONS.traderId;

  const dt = span.read(view, memberOf(EXECUTED_AT)) ? utcDateOfBytes(span.bytes, span.start, span.end) : undefined;
  if (dt === undefined) return REJECTIONS.executedAt;
  if (dt < window.earliest || dt > window.latest) return REJECTIONS.dateOutOfRange;
  return dt;
}
