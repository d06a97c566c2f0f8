/**
 * A validating JSON scanner over UTF-8 bytes that keeps the members of the outermost object as
 * byte ranges.
 *
 * Guarantees: it accepts exactly the texts JSON.parse accepts (RFC 8259), reads every name and
 * string as JSON.parse reads a lone string token, and never overflows the stack (it is iterative).
 * Proven by test/schema/validation/json-object.test.ts: a differential test against JSON.parse on
 * generated and mutated texts (a bounded sample in `npm test`, 60,000 texts in `npm run test:slow`),
 * with V8's JavaScript parser as the reference for what a text means (Node 24's JSON.parse misreads
 * one escaped name), plus each grammar edge by name. A scanner taught names to try first at each
 * place ({@link JsonObjectView.useNames}, as the trade checker does) gives every text of that test
 * the same verdict and members as an untaught one (the same test).
 *
 * It builds no values: the writer copies the producer's bytes and reads only the few fields the
 * schema needs, which costs a fraction of JSON.parse and its garbage. It does not check UTF-8: bytes
 * above 0x7f are valid JSON only inside strings, and {@link JsonObjectView.hasNonAscii} says when a
 * string has one. It lives in schema/validation/ with the trade checks because it is pure (no I/O,
 * no AWS): producers, the CLI and the local pipeline validate with the writer's own code.
 */

/** Type of a member's value. */
export const JSON_STRING = 1;
export const JSON_NUMBER = 2;
export const JSON_TRUE = 3;
export const JSON_FALSE = 4;
export const JSON_NULL = 5;
export const JSON_OBJECT = 6;
export const JSON_ARRAY = 7;

/** A string token holds a backslash escape: its value must be decoded, not read from the bytes. */
export const STRING_ESCAPED = 1;
/** A string token holds bytes above 0x7f: read it as UTF-8, not Latin-1. */
export const STRING_NON_ASCII = 2;

/** {@link JsonObjectView.keyName} of a member whose name the scan did not match. */
export const UNRESOLVED_NAME = -1;

/** Result of {@link JsonObjectView.scan}. */
export const SCANNED_OBJECT = 0;
export const SCANNED_OTHER_JSON = 1;
export const SCANNED_INVALID = 2;

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const SLASH = 0x2f;
const ZERO = 0x30;
const ONE = 0x31;
const NINE = 0x39;
const COLON = 0x3a;
const UPPER_A = 0x41;
const UPPER_E = 0x45;
const UPPER_F = 0x46;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const LOWER_A = 0x61;
const LOWER_B = 0x62;
const LOWER_E = 0x65;
const LOWER_F = 0x66;
const LOWER_L = 0x6c;
const LOWER_N = 0x6e;
const LOWER_R = 0x72;
const LOWER_S = 0x73;
const LOWER_T = 0x74;
const LOWER_U = 0x75;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** 1 for a byte a string holds as itself (0x20-0x7f but quote and backslash), else 0: one load a byte instead of four comparisons. */
const PLAIN_STRING_BYTE = new Uint8Array(256);
PLAIN_STRING_BYTE.fill(1, SPACE, 0x80);
PLAIN_STRING_BYTE[QUOTE] = 0;
PLAIN_STRING_BYTE[BACKSLASH] = 0;

function isHexDigit(code: number): boolean {
  return (code >= ZERO && code <= NINE) || (code >= UPPER_A && code <= UPPER_F) || (code >= LOWER_A && code <= LOWER_F);
}

/** The value of the hex digit `code` (isHexDigit already true). */
function hexValue(code: number): number {
  return code <= NINE ? code - ZERO : (code | 0x20) - LOWER_A + 10;
}

/** The UTF-16 code unit of the four hex digits at `at` (already checked). */
function codeUnitAt(bytes: Buffer, at: number): number {
  return (
    (hexValue(bytes[at]) << 12) |
    (hexValue(bytes[at + 1]) << 8) |
    (hexValue(bytes[at + 2]) << 4) |
    hexValue(bytes[at + 3])
  );
}

function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

/**
 * The members of one JSON object, reused record after record so that scanning allocates nothing.
 * Ranges are byte offsets into `bytes`; a string's range includes its quotes.
 */
export class JsonObjectView {
  bytes: Buffer = Buffer.alloc(0);
  /** Members of the outermost object, in text order (duplicates included). */
  count = 0;
  keyStart = new Int32Array(16);
  keyEnd = new Int32Array(16);
  keyFlags = new Uint8Array(16);
  valueStart = new Int32Array(16);
  valueEnd = new Int32Array(16);
  valueType = new Uint8Array(16);
  valueFlags = new Uint8Array(16);
  /**
   * Per member, the index in {@link resolvedNames} of its name, or {@link UNRESOLVED_NAME} when the
   * scan did not match it (the caller then reads the name itself).
   */
  keyName = new Int16Array(16);
  /**
   * Names (ASCII bytes, no quote or backslash) the next scans try first: a producer sends its members
   * in one order, so member i of a record is nearly always named as member i of the one before
   * ({@link expectName}). A name matched this way is its bytes and its closing quote, exactly what
   * scanning the string finds, so the verdict is the same; the caller is spared reading the name.
   */
  private knownNames: readonly Uint8Array[] | undefined;
  /** The names the last scan matched against (`keyName` indexes them). */
  resolvedNames: readonly Uint8Array[] | undefined;
  private expectedName = new Int16Array(16).fill(UNRESOLVED_NAME);
  /** The text holds a raw CR or LF, which valid JSON allows only as whitespace between tokens. */
  hasLineBreak = false;
  /** A string holds a byte above 0x7f: the only place valid JSON can have one. */
  hasNonAscii = false;
  /**
   * A string holds a `\u` escape of a lone surrogate (a high one not followed by a low one, or a low
   * one alone): valid JSON, as JSON.parse reads it, but no Unicode text; DuckDB refuses the whole
   * file that holds it, and other readers replace it. The scan's verdict is unchanged; the trade
   * checks refuse it.
   */
  hasLoneSurrogate = false;
  private stringFlags = 0;
  private containers = new Uint8Array(32);

  /** Scans `bytes[start, end)`. Returns SCANNED_OBJECT, SCANNED_OTHER_JSON or SCANNED_INVALID. */
  scan(bytes: Buffer, start: number, end: number): number {
    this.bytes = bytes;
    this.count = 0;
    this.hasLineBreak = false;
    this.hasNonAscii = false;
    this.hasLoneSurrogate = false;
    const names = this.knownNames;
    this.resolvedNames = names;
    let depth = 0;
    let at = this.skipWhitespace(start, end);
    const outerIsObject = at < end && bytes[at] === OPEN_BRACE;
    // Parse states: a value is expected, a key is expected, or a value has just ended.
    let expectKey = false;
    for (;;) {
      if (expectKey) {
        if (at >= end || bytes[at] !== QUOTE) return SCANNED_INVALID;
        const keyStart = at;
        let name = UNRESOLVED_NAME;
        if (depth === 1 && names !== undefined && this.count < this.expectedName.length) {
          name = this.expectedName[this.count];
          if (name !== UNRESOLVED_NAME) {
            const expected = names[name];
            const length = expected.length;
            let matched = 0;
            if (at + length + 1 < end)
              while (matched < length && bytes[at + 1 + matched] === expected[matched]) matched += 1;
            if (matched === length && bytes[at + 1 + length] === QUOTE) at += length + 2;
            else name = UNRESOLVED_NAME;
          }
        }
        if (name === UNRESOLVED_NAME) {
          at = this.scanString(at, end);
          if (at < 0) return SCANNED_INVALID;
          if (depth === 1) this.addMember(keyStart, at, this.stringFlags, UNRESOLVED_NAME);
        } else {
          this.addMember(keyStart, at, 0, name);
        }
        at = this.skipWhitespace(at, end);
        if (at >= end || bytes[at] !== COLON) return SCANNED_INVALID;
        at = this.skipWhitespace(at + 1, end);
        expectKey = false;
      }

      // A value starts at `at`.
      if (at >= end) return SCANNED_INVALID;
      const valueStart = at;
      const code = bytes[at];
      let type: number;
      if (code === OPEN_BRACE || code === OPEN_BRACKET) {
        if (depth === 1 && outerIsObject) this.startContainerValue(valueStart, code);
        if (depth === this.containers.length) this.containers = growBytes(this.containers, depth * 2);
        this.containers[depth] = code;
        depth += 1;
        at = this.skipWhitespace(at + 1, end);
        if (at < end && bytes[at] === (code === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET)) {
          depth -= 1;
          at += 1;
          type = 0;
        } else {
          expectKey = code === OPEN_BRACE;
          continue;
        }
      } else if (code === QUOTE) {
        at = this.scanString(at, end);
        type = JSON_STRING;
      } else if (code === MINUS || isDigit(code)) {
        at = this.scanNumber(at, end);
        type = JSON_NUMBER;
      } else if (code === LOWER_T) {
        at = this.scanLiteral(at, end, LOWER_R, LOWER_U, LOWER_E, 0);
        type = JSON_TRUE;
      } else if (code === LOWER_F) {
        at = this.scanLiteral(at, end, LOWER_A, LOWER_L, LOWER_S, LOWER_E);
        type = JSON_FALSE;
      } else if (code === LOWER_N) {
        at = this.scanLiteral(at, end, LOWER_U, LOWER_L, LOWER_L, 0);
        type = JSON_NULL;
      } else {
        return SCANNED_INVALID;
      }
      if (at < 0) return SCANNED_INVALID;
      if (depth === 1 && outerIsObject && type !== 0) {
        this.setValue(valueStart, at, type, type === JSON_STRING ? this.stringFlags : 0);
      } else if (depth === 1 && outerIsObject) {
        // An empty container closed: it is the whole value of the member.
        this.valueEnd[this.count - 1] = at;
      }

      // After a value: a comma, a closing bracket (which may end more containers), or the end.
      for (;;) {
        at = this.skipWhitespace(at, end);
        if (depth === 0) return at === end ? (outerIsObject ? SCANNED_OBJECT : SCANNED_OTHER_JSON) : SCANNED_INVALID;
        if (at >= end) return SCANNED_INVALID;
        const container = this.containers[depth - 1];
        const next = bytes[at];
        if (next === COMMA) {
          at = this.skipWhitespace(at + 1, end);
          expectKey = container === OPEN_BRACE;
          break;
        }
        if (next !== (container === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET)) return SCANNED_INVALID;
        depth -= 1;
        at += 1;
        if (depth === 1 && outerIsObject) this.valueEnd[this.count - 1] = at;
      }
    }
  }

  private skipWhitespace(from: number, end: number): number {
    const bytes = this.bytes;
    let at = from;
    while (at < end) {
      const code = bytes[at];
      if (code === LF || code === CR) {
        this.hasLineBreak = true;
      } else if (code !== SPACE && code !== TAB) {
        break;
      }
      at += 1;
    }
    return at;
  }

  /** From an opening quote to just past the closing one, or -1. Sets `stringFlags`. */
  private scanString(from: number, end: number): number {
    const bytes = this.bytes;
    let flags = 0;
    let at = from + 1;
    for (;;) {
      // Printable ASCII is nearly all of a trade: skip it in a tight loop.
      let code = 0;
      while (at < end) {
        code = bytes[at];
        if (PLAIN_STRING_BYTE[code] === 0) break;
        at += 1;
      }
      if (at >= end) return -1;
      if (code === QUOTE) {
        this.stringFlags = flags;
        return at + 1;
      }
      if (code === BACKSLASH) {
        flags |= STRING_ESCAPED;
        const escaped = at + 1 < end ? bytes[at + 1] : 0;
        if (escaped === LOWER_U) {
          if (
            at + 5 >= end ||
            !isHexDigit(bytes[at + 2]) ||
            !isHexDigit(bytes[at + 3]) ||
            !isHexDigit(bytes[at + 4]) ||
            !isHexDigit(bytes[at + 5])
          ) {
            return -1;
          }
          const unit = codeUnitAt(bytes, at + 2);
          if (unit >= 0xd800 && unit <= 0xdfff) {
            const low =
              unit <= 0xdbff &&
              at + 11 < end &&
              bytes[at + 6] === BACKSLASH &&
              bytes[at + 7] === LOWER_U &&
              isHexDigit(bytes[at + 8]) &&
              isHexDigit(bytes[at + 9]) &&
              isHexDigit(bytes[at + 10]) &&
              isHexDigit(bytes[at + 11]) &&
              (codeUnitAt(bytes, at + 8) & 0xfc00) === 0xdc00;
            if (low) at += 6;
            else this.hasLoneSurrogate = true;
          }
          at += 6;
        } else if (
          escaped === QUOTE ||
          escaped === BACKSLASH ||
          escaped === SLASH ||
          escaped === LOWER_B ||
          escaped === LOWER_F ||
          escaped === LOWER_N ||
          escaped === LOWER_R ||
          escaped === LOWER_T
        ) {
          at += 2;
        } else {
          return -1;
        }
      } else if (code < SPACE) {
        return -1;
      } else {
        flags |= STRING_NON_ASCII;
        this.hasNonAscii = true;
        at += 1;
      }
    }
  }

  /** `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, to just past it, or -1. */
  private scanNumber(from: number, end: number): number {
    const bytes = this.bytes;
    let at = from;
    if (bytes[at] === MINUS) at += 1;
    if (at >= end) return -1;
    if (bytes[at] === ZERO) {
      at += 1;
    } else if (bytes[at] >= ONE && bytes[at] <= NINE) {
      while (at < end && isDigit(bytes[at])) at += 1;
    } else {
      return -1;
    }
    if (at < end && bytes[at] === DOT) {
      at += 1;
      if (at >= end || !isDigit(bytes[at])) return -1;
      while (at < end && isDigit(bytes[at])) at += 1;
    }
    if (at < end && (bytes[at] === LOWER_E || bytes[at] === UPPER_E)) {
      at += 1;
      if (at < end && (bytes[at] === PLUS || bytes[at] === MINUS)) at += 1;
      if (at >= end || !isDigit(bytes[at])) return -1;
      while (at < end && isDigit(bytes[at])) at += 1;
    }
    return at;
  }

  /** `true`, `false` or `null`: the first letter is checked, then up to four more (0 = none). */
  private scanLiteral(from: number, end: number, b: number, c: number, d: number, e: number): number {
    const bytes = this.bytes;
    const length = e === 0 ? 4 : 5;
    if (from + length > end) return -1;
    if (bytes[from + 1] !== b || bytes[from + 2] !== c || bytes[from + 3] !== d) return -1;
    if (e !== 0 && bytes[from + 4] !== e) return -1;
    return from + length;
  }

  /** Makes the next scans try `names` (see {@link knownNames}), forgetting what was expected of others. */
  useNames(names: readonly Uint8Array[]): void {
    if (names === this.knownNames) return;
    this.knownNames = names;
    this.expectedName.fill(UNRESOLVED_NAME);
  }

  /**
   * Says that member `member` of the record just scanned is named `names[name]` of
   * {@link knownNames}, so the next scans try that name first at that place.
   */
  expectName(member: number, name: number): void {
    if (member >= this.expectedName.length) {
      const grown = new Int16Array(Math.max(member + 1, this.expectedName.length * 2)).fill(UNRESOLVED_NAME);
      grown.set(this.expectedName);
      this.expectedName = grown;
    }
    this.expectedName[member] = name;
  }

  private addMember(keyStart: number, keyEnd: number, keyFlags: number, name: number): void {
    const index = this.count;
    if (index === this.keyStart.length) this.grow(index * 2);
    this.keyStart[index] = keyStart;
    this.keyEnd[index] = keyEnd;
    this.keyFlags[index] = keyFlags;
    this.keyName[index] = name;
    this.count = index + 1;
  }

  private setValue(start: number, end: number, type: number, flags: number): void {
    const index = this.count - 1;
    this.valueStart[index] = start;
    this.valueEnd[index] = end;
    this.valueType[index] = type;
    this.valueFlags[index] = flags;
  }

  private startContainerValue(start: number, opening: number): void {
    this.setValue(start, start, opening === OPEN_BRACE ? JSON_OBJECT : JSON_ARRAY, 0);
  }

  private grow(size: number): void {
    this.keyStart = growInts(this.keyStart, size);
    this.keyEnd = growInts(this.keyEnd, size);
    this.keyFlags = growBytes(this.keyFlags, size);
    const keyName = new Int16Array(size);
    keyName.set(this.keyName);
    this.keyName = keyName;
    this.valueStart = growInts(this.valueStart, size);
    this.valueEnd = growInts(this.valueEnd, size);
    this.valueType = growBytes(this.valueType, size);
    this.valueFlags = growBytes(this.valueFlags, size);
  }

  /** The JS string a string token stands for (`[start, end)` includes the quotes). */
  stringAt(start: number, end: number, flags: number): string {
    if ((flags & STRING_ESCAPED) !== 0) return JSON.parse(this.bytes.toString('utf8', start, end)) as string;
    return this.bytes.toString((flags & STRING_NON_ASCII) !== 0 ? 'utf8' : 'latin1', start + 1, end - 1);
  }

  /** The name of member `index`. */
  keyOf(index: number): string {
    return this.stringAt(this.keyStart[index], this.keyEnd[index], this.keyFlags[index]);
  }

  /** The string value of member `index` (its type must be JSON_STRING). */
  stringValueOf(index: number): string {
    return this.stringAt(this.valueStart[index], this.valueEnd[index], this.valueFlags[index]);
  }

  /** The number value of member `index` (its type must be JSON_NUMBER), as JSON.parse reads it. */
  numberValueOf(index: number): number {
    // JSON's number grammar is a subset of Number()'s, and both round to the nearest double.
    return Number(this.bytes.toString('latin1', this.valueStart[index], this.valueEnd[index]));
  }
}

function growInts(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(size);
  grown.set(array);
  return grown;
}

function growBytes(array: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  const grown = new Uint8Array(size);
  grown.set(array);
  return grown;
}
