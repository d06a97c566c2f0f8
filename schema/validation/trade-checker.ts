/**
 * The trade-field table (schema/trade-fields.ts) compiled into checks on a scanned JSON object.
 *
 * Guarantees: a record passes exactly when every field of the table holds a value its JSON types
 * and rule allow (an optional one may be absent or null), no name is given twice or differs from
 * another only by case, no reserved (ingestion) name is used, every record rule holds, and the
 * partition date is inside the window. The verdict is deterministic, and the first failing check
 * decides the message: names, then the fields in table order with the partition field last, then the
 * record rules, then the window. Proven by test/schema/validation/trade-checker.test.ts (every rule
 * of the vocabulary, both ways, and a table with one more field) and, for the writer's output being
 * unchanged by the table, test/handler/plan-golden.test.ts.
 *
 * Checked by hand on the scanner's byte ranges: a schema library would cost more per record than
 * reading the record. The table is compiled once per checker into plain data that one switch reads,
 * so adding a row adds no code and costs one more pass of the same loop.
 */
import {
  INGESTION_FIELDS,
  type IngestionField,
  PARTITION_SOURCE_FIELD,
  RECORD_RULES,
  type RecordRule,
  TRADE_FIELDS,
  type TradeField,
} from '../trade-fields';
import type { DateWindow } from './date-window';
import {
  JSON_FALSE,
  JSON_NULL,
  JSON_NUMBER,
  JSON_STRING,
  JSON_TRUE,
  type JsonObjectView,
  STRING_NON_ASCII,
  UNRESOLVED_NAME,
} from './json-object';
import { REJECTIONS, type Rejection, schemaRejection } from './rejection';
import { UtcDateReader } from './utc-date';

/** What a checker is built from. Each defaults to the shared table. */
export interface TradeSchema {
  readonly fields?: readonly TradeField[];
  readonly recordRules?: readonly RecordRule[];
  readonly ingestionFields?: readonly IngestionField[];
}

const UNKNOWN = -1;

// What a field asks of a value of each JSON type. NOT_ACCEPTED: the type is not one of the field's.
const NOT_ACCEPTED = 0;
const ANY = 1;
const STRING_LENGTH = 2;
const STRING_PATTERN = 3;
const STRING_ENUM = 4;
const STRING_DECIMAL = 5;
const STRING_TIMESTAMP = 6;
const NUMBER_INTEGER_LITERAL = 2;
const NUMBER_POSITIVE = 3;
const NUMBER_WHOLE = 4;

const ZERO = 0x30;
const NINE = 0x39;
const DOT = 0x2e;
const DASH = 0x2d;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const ASCII = 128;

/** Names are lower-case ASCII: Athena's JSON SerDe lower-cases member names, Glue column names are lower case. */
const FIELD_NAME = /^[a-z][a-z0-9_]*$/;

/** One field of the table, compiled. Every instance has the same shape, so the check loop stays monomorphic. */
class CompiledField {
  stringCheck = NOT_ACCEPTED;
  numberCheck = NOT_ACCEPTED;
  acceptsBoolean = false;
  minLength = 0;
  maxLength = 0;
  /** Allowed ASCII bytes of a pattern: 1 where allowed. */
  charset: Uint8Array = new Uint8Array(0);
  enumValues: readonly Uint8Array[] = [];
  min = 0;
  max = 0;
  isPartition = false;
  /** A record rule reads its value: the check records it. */
  tracked = false;
  readonly required: boolean;
  readonly rejection: Rejection;

  constructor(
    readonly field: TradeField,
    /** Its index among the known names, and in the per-record state. */
    readonly index: number,
  ) {
    this.required = field.required;
    this.rejection = schemaRejection(field);
  }
}

/** `A-Z0-9.-` as a table of the allowed ASCII bytes: `x-y` is a range, a `-` first or last is itself. */
export function charsetTable(charset: string): Uint8Array {
  const table = new Uint8Array(ASCII);
  for (let at = 0; at < charset.length; at += 1) {
    const from = charset.charCodeAt(at);
    const isRange = at + 2 < charset.length && charset[at + 1] === '-';
    const to = isRange ? charset.charCodeAt(at + 2) : from;
    if (from >= ASCII || to >= ASCII || to < from) throw new Error(`charset ${charset}: ASCII ranges only`);
    table.fill(1, from, to + 1);
    if (isRange) at += 2;
  }
  return table;
}

function asciiBytes(value: string, what: string): Uint8Array {
  const bytes = Buffer.from(value, 'latin1');
  if (value.length === 0 || bytes.some((code) => code >= ASCII)) throw new Error(`${what}: ${value} is not ASCII`);
  return bytes;
}

function compileField(field: TradeField, index: number): CompiledField {
  const compiled = new CompiledField(field, index);
  const { rule, name } = field;
  const refuse = (type: string): never => {
    throw new Error(`trade field ${name}: its rule ${rule.kind} does not read JSON ${type}`);
  };
  if (!FIELD_NAME.test(name)) throw new Error(`trade field ${name}: names are lower-case ASCII, [a-z][a-z0-9_]*`);
  if (field.json.length === 0) throw new Error(`trade field ${name}: no JSON type`);
  for (const type of field.json) {
    if (type === 'boolean') {
      if (rule.kind !== 'any') refuse(type);
      compiled.acceptsBoolean = true;
      continue;
    }
    const isString = type === 'string';
    let check: number;
    switch (rule.kind) {
      case 'any':
        check = ANY;
        break;
      case 'id':
        check = isString ? STRING_LENGTH : NUMBER_INTEGER_LITERAL;
        compiled.minLength = 1;
        compiled.maxLength = rule.maxLength;
        break;
      case 'pattern':
        check = isString ? STRING_PATTERN : refuse(type);
        compiled.charset = charsetTable(rule.charset);
        compiled.minLength = rule.minLength;
        compiled.maxLength = rule.maxLength;
        break;
      case 'enum':
        check = isString ? STRING_ENUM : refuse(type);
        compiled.enumValues = rule.values.map((value) => asciiBytes(value, `trade field ${name}`));
        break;
      case 'positive':
        check = isString ? STRING_DECIMAL : NUMBER_POSITIVE;
        break;
      case 'timestamp':
        check = isString ? STRING_TIMESTAMP : refuse(type);
        break;
      case 'wholeNumber':
        check = isString ? refuse(type) : NUMBER_WHOLE;
        if (
          !(Number.isSafeInteger(rule.min) && Number.isSafeInteger(rule.max) && rule.min >= 0 && rule.min <= rule.max)
        )
          throw new Error(`trade field ${name}: bounds must be safe integers, 0 <= min <= max`);
        compiled.min = rule.min;
        compiled.max = rule.max;
        break;
    }
    if (isString) compiled.stringCheck = check;
    else compiled.numberCheck = check;
  }
  if (compiled.minLength > compiled.maxLength) throw new Error(`trade field ${name}: minLength above maxLength`);
  const fallback = field.default;
  if (fallback !== undefined) {
    if (field.required) throw new Error(`trade field ${name}: required with a default`);
    // A record rule reads an absent field as its default, so the default must be a value the field allows.
    const allowed =
      rule.kind === 'enum'
        ? rule.values.includes(String(fallback))
        : rule.kind === 'wholeNumber'
          ? typeof fallback === 'number' && fallback >= rule.min && fallback <= rule.max
          : true;
    if (!allowed) throw new Error(`trade field ${name}: its default ${fallback} breaks its own rule`);
  }
  return compiled;
}

/** A record rule, compiled: the fields by index, the triggering values as enum indexes. */
interface CompiledRecordRule {
  readonly whenField: number;
  /** Bit i set: the `when` field's value i triggers the rule. */
  readonly triggers: number;
  /** Index of the `when` field's default, or UNKNOWN when it has none. */
  readonly whenDefault: number;
  readonly requireField: number;
  readonly requireDefault: number;
  readonly atLeast: number;
  readonly rejection: Rejection;
}

function compileRecordRule(rule: RecordRule, fields: readonly TradeField[]): CompiledRecordRule {
  const whenField = fields.findIndex(({ name }) => name === rule.when.field);
  const requireField = fields.findIndex(({ name }) => name === rule.require.field);
  const when = fields[whenField];
  const required = fields[requireField];
  if (when?.rule.kind !== 'enum') throw new Error(`record rule: ${rule.when.field} is not an enumerated field`);
  if (required?.rule.kind !== 'wholeNumber')
    throw new Error(`record rule: ${rule.require.field} is not a whole number`);
  const values = when.rule.values;
  if (values.length > 31) throw new Error(`record rule: ${when.name} has more than 31 values`);
  let triggers = 0;
  for (const value of rule.when.oneOf) {
    const index = values.indexOf(value);
    if (index === UNKNOWN) throw new Error(`record rule: ${value} is not a value of ${when.name}`);
    triggers |= 1 << index;
  }
  return {
    whenField,
    triggers,
    whenDefault: typeof when.default === 'string' ? values.indexOf(when.default) : UNKNOWN,
    requireField,
    requireDefault: typeof required.default === 'number' ? required.default : Number.NaN,
    atLeast: rule.require.atLeast,
    rejection: schemaRejection(rule),
  };
}

/**
 * The ASCII text of a string member as a byte range: the record's own bytes when the token has no
 * escape, else the decoded value copied into a scratch buffer. The fields read this way allow only
 * ASCII, so reading them builds no string.
 */
class AsciiSpan {
  bytes: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  private scratch = Buffer.alloc(64);

  /** Points the span at member `member`'s string value (its type must be JSON_STRING); false when it is not ASCII. */
  read(view: JsonObjectView, member: number): boolean {
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
}

/** Digits with an optional fraction (`12`, `0.000000000000000001`), not all zeros. */
function isPositiveDecimal(bytes: Uint8Array, start: number, end: number): boolean {
  let at = start;
  let nonZero = false;
  while (at < end) {
    const code = bytes[at];
    if (code < ZERO || code > NINE) break;
    if (code !== ZERO) nonZero = true;
    at += 1;
  }
  if (at === start) return false;
  if (at < end) {
    if (bytes[at] !== DOT || at + 1 === end) return false;
    for (at += 1; at < end; at += 1) {
      const code = bytes[at];
      if (code < ZERO || code > NINE) return false;
      if (code !== ZERO) nonZero = true;
    }
  }
  return nonZero;
}

// A number token this short without an exponent can neither overflow to Infinity nor underflow to
// 0, so its sign and digits decide the tests below without converting it.
const SHORT_NUMBER = 30;

/** A number member whose value (as JSON.parse reads it) is finite and > 0. */
function isPositiveNumber(view: JsonObjectView, member: number): boolean {
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
 * be a different id than `1` or `1000` to every query that compares the stored text.
 */
function isIntegerLiteral(view: JsonObjectView, member: number): boolean {
  const bytes = view.bytes;
  for (let at = view.valueStart[member]; at < view.valueEnd[member]; at += 1) {
    const code = bytes[at];
    if (code === DOT || code === LOWER_E || code === UPPER_E) return false;
  }
  return true;
}

/** Digits a safe integer can have: every literal with more is above Number.MAX_SAFE_INTEGER. */
const MAX_SAFE_DIGITS = 16;

/** The value of a number member written as digits only (no sign, fraction or exponent), or -1. */
function wholeNumberOf(view: JsonObjectView, member: number): number {
  const bytes = view.bytes;
  const start = view.valueStart[member];
  const end = view.valueEnd[member];
  if (end - start > MAX_SAFE_DIGITS) return -1;
  let value = 0;
  for (let at = start; at < end; at += 1) {
    const code = bytes[at];
    if (code < ZERO || code > NINE) return -1;
    value = value * 10 + (code - ZERO);
  }
  return value;
}

/**
 * Checks scanned JSON objects against one trade-field table. Built once (per handler, per producer)
 * and reused record after record: it keeps its per-record state in its own buffers, never in module
 * state, and checking is synchronous, so a checker is never in two records at once.
 */
export class TradeChecker {
  /** The table's fields in check order: table order, the partition field last. */
  private readonly checks: readonly CompiledField[];
  private readonly recordRules: readonly CompiledRecordRule[];
  private readonly firstIngestionField: number;
  private readonly fieldIndex: ReadonlyMap<string, number>;
  private readonly knownNameBytes: readonly Uint8Array[];
  private readonly longestName: number;
  /** Known names by (length, first byte): the first at firstBySlot[slot], the next at nextInSlot[name]. */
  private readonly firstBySlot: Int16Array;
  private readonly nextInSlot: Int16Array;

  // Per-record state, by field index.
  private readonly memberOfField: Int32Array;
  /** The names (indexes) of the members of the last record mapped with every name matched by the scan, and their count, or -1. */
  private readonly lastLayout: Int16Array;
  private lastLayoutCount = -1;
  private readonly enumValueOf: Int32Array;
  private readonly wholeValueOf: Float64Array;
  private partitionDate = '';
  private readonly span = new AsciiSpan();
  private readonly dates = new UtcDateReader();

  constructor(schema: TradeSchema = {}) {
    const fields = schema.fields ?? TRADE_FIELDS;
    const ingestionFields = schema.ingestionFields ?? INGESTION_FIELDS;
    const knownNames = [...fields.map(({ name }) => name), ...ingestionFields.map(({ name }) => name)];
    const duplicate = knownNames.find((name, index) => knownNames.indexOf(name) !== index);
    if (duplicate !== undefined) throw new Error(`trade field ${duplicate}: named twice, or an ingestion field`);
    for (const name of knownNames) {
      if (!FIELD_NAME.test(name)) throw new Error(`field ${name}: names are lower-case ASCII, [a-z][a-z0-9_]*`);
    }

    const compiled = fields.map(compileField);
    const partition = compiled.find(({ field }) => field.name === PARTITION_SOURCE_FIELD);
    if (partition === undefined || !partition.field.required || partition.field.rule.kind !== 'timestamp') {
      throw new Error(
        `the trade fields need ${PARTITION_SOURCE_FIELD}, a required timestamp: it decides the partition`,
      );
    }
    partition.isPartition = true;
    // The partition field is checked last, as the writer always has: a record with several faults
    // keeps the message it had, and the window check follows from the date just read.
    this.checks = [...compiled.filter((field) => field !== partition), partition];
    this.recordRules = (schema.recordRules ?? RECORD_RULES).map((rule) => compileRecordRule(rule, fields));
    for (const rule of this.recordRules) {
      compiled[rule.whenField].tracked = true;
      compiled[rule.requireField].tracked = true;
    }

    this.firstIngestionField = fields.length;
    this.fieldIndex = new Map(knownNames.map((name, index) => [name, index]));
    this.knownNameBytes = knownNames.map((name) => Buffer.from(name, 'latin1'));
    this.longestName = Math.max(...knownNames.map((name) => name.length));
    if (knownNames.length > 0x7fff) throw new Error('too many trade fields');
    this.firstBySlot = new Int16Array((this.longestName + 1) * ASCII).fill(UNKNOWN);
    this.nextInSlot = new Int16Array(knownNames.length).fill(UNKNOWN);
    // Inserted last to first, so each slot lists its names in table order.
    for (let index = knownNames.length - 1; index >= 0; index -= 1) {
      const slot = knownNames[index].length * ASCII + knownNames[index].charCodeAt(0);
      this.nextInSlot[index] = this.firstBySlot[slot];
      this.firstBySlot[slot] = index;
    }

    this.memberOfField = new Int32Array(knownNames.length);
    this.lastLayout = new Int16Array(knownNames.length);
    this.enumValueOf = new Int32Array(fields.length);
    this.wholeValueOf = new Float64Array(fields.length);
  }

  /**
   * Checks a scanned JSON object. Returns the partition date (the UTC date of the partition field,
   * `YYYY-MM-DD`) of a valid trade, or why it is not one. Deterministic: the same bytes and window
   * always give the same answer, which keeps object keys stable across retries.
   */
  check(view: JsonObjectView, window: DateWindow): string | Rejection {
    const nameProblem = this.mapMembers(view);
    if (nameProblem !== undefined) return nameProblem;
    const checks = this.checks;
    for (let at = 0; at < checks.length; at += 1) {
      const field = checks[at];
      if (!this.checkField(view, field, this.memberOfField[field.index])) return field.rejection;
    }
    const rules = this.recordRules;
    for (let at = 0; at < rules.length; at += 1) {
      const rule = rules[at];
      if (!this.holds(rule)) return rule.rejection;
    }
    const dt = this.partitionDate;
    if (dt < window.earliest || dt > window.latest) return REJECTIONS.dateOutOfRange;
    return dt;
  }

  /** The index among the known names of member `member`'s name, or UNKNOWN. */
  private knownFieldOf(view: JsonObjectView, member: number): number {
    if (view.keyFlags[member] !== 0) return this.fieldIndex.get(view.keyOf(member)) ?? UNKNOWN;
    // No escape and no byte above 0x7f: the name is its bytes.
    const bytes = view.bytes;
    const start = view.keyStart[member] + 1;
    const length = view.keyEnd[member] - 1 - start;
    if (length > this.longestName || length === 0) return UNKNOWN;
    for (
      let field = this.firstBySlot[length * ASCII + bytes[start]];
      field !== UNKNOWN;
      field = this.nextInSlot[field]
    ) {
      const name = this.knownNameBytes[field];
      let at = 1;
      while (at < length && bytes[start + at] === name[at]) at += 1;
      if (at === length) return field;
    }
    return UNKNOWN;
  }

  /**
   * Maps the record's members to the known fields. Rejects names that would make the stored line
   * ambiguous: a name given twice, the same name in another case (Athena's JSON SerDe lower-cases
   * names and fails the whole query on a collision), a field's name in another case even alone (the
   * SerDe would read it as the field, which was never checked), or an ingestion field the writer
   * adds itself.
   */
  private mapMembers(view: JsonObjectView): Rejection | undefined {
    const memberOfField = this.memberOfField;
    // The scan matched names against this checker's own when the view was last taught by it.
    const resolved = view.resolvedNames === this.knownNameBytes;
    view.useNames(this.knownNameBytes);
    const keyName = view.keyName;
    const count = view.count;
    // The same table fields in the same order as the last record that passed this mapping: the
    // mapping is that record's, already in memberOfField.
    const layout = this.lastLayout;
    if (resolved && count === this.lastLayoutCount) {
      let member = 0;
      while (member < count && keyName[member] === layout[member]) member += 1;
      if (member === count) return undefined;
    }
    this.lastLayoutCount = -1;
    for (let field = 0; field < memberOfField.length; field += 1) memberOfField[field] = UNKNOWN;
    let otherNames: string[] | undefined;
    for (let member = 0; member < view.count; member += 1) {
      let field = resolved ? keyName[member] : UNRESOLVED_NAME;
      if (field === UNRESOLVED_NAME) {
        field = this.knownFieldOf(view, member);
        if (field !== UNKNOWN) view.expectName(member, field);
      }
      if (field >= this.firstIngestionField) return REJECTIONS.reservedField;
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
      // Only a name outside the table can collide with another one by case alone.
      const seen = new Set<string>();
      for (const name of otherNames) {
        const field = this.fieldIndex.get(name) ?? UNKNOWN;
        if (field >= this.firstIngestionField) return REJECTIONS.reservedField;
        if (seen.has(name) || (field !== UNKNOWN && memberOfField[field] !== UNKNOWN)) return REJECTIONS.duplicateKey;
        if (field !== UNKNOWN) return REJECTIONS.caseVariantField;
        seen.add(name);
      }
    } else if (resolved && count <= layout.length) {
      // Every member a field of the table, each once, named as the scan matched it.
      let member = 0;
      while (member < count && keyName[member] !== UNRESOLVED_NAME) member += 1;
      if (member === count) {
        layout.set(keyName.subarray(0, count));
        this.lastLayoutCount = count;
      }
    }
    return undefined;
  }

  private checkField(view: JsonObjectView, field: CompiledField, member: number): boolean {
    if (field.tracked) {
      this.enumValueOf[field.index] = UNKNOWN;
      this.wholeValueOf[field.index] = Number.NaN;
    }
    if (member === UNKNOWN) return !field.required;
    switch (view.valueType[member]) {
      case JSON_STRING:
        return this.checkString(view, field, member);
      case JSON_NUMBER:
        return this.checkNumber(view, field, member);
      case JSON_NULL:
        return !field.required;
      case JSON_TRUE:
      case JSON_FALSE:
        return field.acceptsBoolean;
      default:
        return false;
    }
  }

  private checkString(view: JsonObjectView, field: CompiledField, member: number): boolean {
    const check = field.stringCheck;
    if (check === NOT_ACCEPTED) return false;
    if (check === ANY) return true;
    if (check === STRING_LENGTH) {
      const length =
        view.valueFlags[member] === 0
          ? view.valueEnd[member] - view.valueStart[member] - 2
          : view.stringValueOf(member).length;
      return length >= field.minLength && length <= field.maxLength;
    }
    const span = this.span;
    if (!span.read(view, member)) return false;
    const { bytes, start, end } = span;
    switch (check) {
      case STRING_PATTERN: {
        const length = end - start;
        if (length < field.minLength || length > field.maxLength) return false;
        const charset = field.charset;
        for (let at = start; at < end; at += 1) if (charset[bytes[at]] !== 1) return false;
        return true;
      }
      case STRING_ENUM: {
        const values = field.enumValues;
        for (let value = 0; value < values.length; value += 1) {
          const candidate = values[value];
          if (candidate.length !== end - start) continue;
          let at = 0;
          while (at < candidate.length && bytes[start + at] === candidate[at]) at += 1;
          if (at === candidate.length) {
            if (field.tracked) this.enumValueOf[field.index] = value;
            return true;
          }
        }
        return false;
      }
      case STRING_DECIMAL:
        return isPositiveDecimal(bytes, start, end);
      default: {
        const date = this.dates.dateOf(bytes, start, end);
        if (date === undefined) return false;
        if (field.isPartition) this.partitionDate = date;
        return true;
      }
    }
  }

  private checkNumber(view: JsonObjectView, field: CompiledField, member: number): boolean {
    switch (field.numberCheck) {
      case NOT_ACCEPTED:
        return false;
      case ANY:
        return true;
      case NUMBER_INTEGER_LITERAL:
        // The stored text keeps every digit of a 20-digit id even though a double would not.
        return isIntegerLiteral(view, member);
      case NUMBER_POSITIVE:
        return isPositiveNumber(view, member);
      default: {
        const value = wholeNumberOf(view, member);
        if (value < field.min || value > field.max) return false;
        if (field.tracked) this.wholeValueOf[field.index] = value;
        return true;
      }
    }
  }

  /** Whether a record rule holds for the record just checked; absent fields count as their defaults. */
  private holds(rule: CompiledRecordRule): boolean {
    const sent = this.enumValueOf[rule.whenField];
    const value = sent === UNKNOWN ? rule.whenDefault : sent;
    if (value === UNKNOWN || (rule.triggers & (1 << value)) === 0) return true;
    const whole = this.wholeValueOf[rule.requireField];
    return (Number.isNaN(whole) ? rule.requireDefault : whole) >= rule.atLeast;
  }
}
