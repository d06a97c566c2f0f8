import { createContext, runInContext } from 'node:vm';
import {
  JSON_ARRAY,
  JSON_FALSE,
  JSON_NULL,
  JSON_NUMBER,
  JSON_OBJECT,
  JSON_STRING,
  JSON_TRUE,
  JsonObjectView,
  SCANNED_INVALID,
  SCANNED_OBJECT,
  SCANNED_OTHER_JSON,
} from '../../../schema/validation/json-object';
import { seededRandom } from '../../../tools/fixtures/trade-events';

const view = new JsonObjectView();

function scan(text: string | Buffer): number {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return view.scan(bytes, 0, bytes.length);
}

/** What JSON.parse says about a text: an object, other JSON, or not JSON. */
function parseVerdict(text: string): number {
  try {
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? SCANNED_OBJECT : SCANNED_OTHER_JSON;
  } catch {
    return SCANNED_INVALID;
  }
}

// One context for every reference read: a literal has no side effects, and a new context per read
// cost most of this file's time.
const REFERENCE_CONTEXT = createContext({});

/**
 * What a valid JSON text means, read without JSON.parse. V8 in Node 24 (seen on 24.11.1 and
 * 24.21.0; not on Node 20) misreads the one-character escaped object key `"\/"` as `"\\"` once the
 * process has parsed the key `"\\"`; string values and lone string tokens are unaffected. A JSON
 * text is also a JavaScript literal with the same meaning (ES2019), which V8's JavaScript parser
 * reads. (`__proto__` is the one name whose meaning differs; the generator never makes it.)
 */
function referenceValue(json: string): unknown {
  return runInContext(`(${json})`, REFERENCE_CONTEXT);
}

/** The members the scanner found, read back by the reference: [name, value] in text order. */
function members(): [string, unknown][] {
  return Array.from({ length: view.count }, (_, i) => [
    view.keyOf(i),
    referenceValue(view.bytes.toString('utf8', view.valueStart[i], view.valueEnd[i])),
  ]);
}

const STRING_PIECES = [
  'a',
  'Z',
  ' ',
  '\\"',
  '\\\\',
  '\\/',
  '\\b',
  '\\f',
  '\\n',
  '\\r',
  '\\t',
  '\\u00e9',
  '\\uD83D\\uDE00',
  'é',
  '€',
  '😀',
  ':',
  ',',
  '{',
  ']',
];
const NUMBERS = [
  '0',
  '-0',
  '1',
  '-1',
  '12.5',
  '0.000000000000000001',
  '1e3',
  '1E+3',
  '2e-7',
  '-0.5E-10',
  '12345678901234567890',
  '1e400',
];

const WHITESPACE = ['', '', ' ', '\n', '\t', '\r\n '];

function pickFrom<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)];
}

function randomValue(next: () => number, depth: number): string {
  const choice = Math.floor(next() * (depth > 3 ? 6 : 8));
  const pick = <T>(items: readonly T[]): T => pickFrom(next, items);
  const ws = () => pick(WHITESPACE);
  switch (choice) {
    case 0:
      return `"${Array.from({ length: Math.floor(next() * 5) }, () => pick(STRING_PIECES)).join('')}"`;
    case 1:
      return pick(NUMBERS);
    case 2:
      return pick(['true', 'false', 'null']);
    case 3:
    case 4:
    case 5:
      return `"${pick(['trade_id', 'price', 'x', 'é'])}"`;
    case 6:
      return `[${Array.from({ length: Math.floor(next() * 4) }, () => ws() + randomValue(next, depth + 1) + ws()).join(',')}]`;
    default:
      return randomObject(next, depth);
  }
}

function randomObject(next: () => number, depth: number): string {
  const ws = () => pickFrom(next, WHITESPACE);
  const name = () => randomValue(next, 5).replace(/^[^"].*$/, '"k"');
  const members = Array.from(
    { length: Math.floor(next() * 5) },
    () => `${ws()}${name()}${ws()}:${ws()}${randomValue(next, depth + 1)}${ws()}`,
  );
  return `{${members.join(',')}}`;
}

const MUTATIONS = [
  '',
  ' ',
  ',',
  ':',
  '"',
  '\\',
  '{',
  '}',
  '[',
  ']',
  '0',
  '-',
  '.',
  'e',
  'n',
  't',
  '\u0001',
  '\u00e9',
  'x',
];

function mutate(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const insert = MUTATIONS[Math.floor(next() * MUTATIONS.length)];
  const remove = next() < 0.5 ? 1 : 0;
  return text.slice(0, at) + insert + text.slice(at + remove);
}

/**
 * Rounds of the differential test, three texts each. `npm test` runs the first 2,000 (a minute for
 * the whole suite on two cores, DESIGN §9); `npm run test:slow` (CI) sets TEST_SIZE=full for all
 * 20,000, the same seed, so the bounded run is a prefix of the full one.
 */
const DIFFERENTIAL_ROUNDS = process.env.TEST_SIZE === 'full' ? 20_000 : 2_000;

describe('the JSON scanner', () => {
  it(`accepts and rejects exactly what JSON.parse does, on ${DIFFERENTIAL_ROUNDS * 3} generated texts and mutations`, () => {
    const next = seededRandom(20260311);
    let objects = 0;
    let invalid = 0;
    for (let i = 0; i < DIFFERENTIAL_ROUNDS; i += 1) {
      const valid = next() < 0.8 ? randomObject(next, 0) : randomValue(next, 0);
      for (const candidate of [valid, mutate(valid, next), mutate(mutate(valid, next), next)]) {
        // The scanner reads bytes: compare with JSON.parse of what those bytes say (a mutation that
        // splits a surrogate pair leaves a lone surrogate, which UTF-8 writes as U+FFFD).
        const text = Buffer.from(candidate, 'utf8').toString('utf8');
        const expected = parseVerdict(text);
        const got = scan(text);
        if (got !== expected)
          throw new Error(`scanner said ${got}, JSON.parse ${expected}, for ${JSON.stringify(text)}`);
        if (got === SCANNED_OBJECT) {
          objects += 1;
          // Both keep the last of equal names; the scanner keeps all, in order.
          expect(Object.fromEntries(members())).toEqual(referenceValue(text));
        }
        if (got === SCANNED_INVALID) invalid += 1;
      }
    }
    expect(objects).toBeGreaterThan(DIFFERENTIAL_ROUNDS / 4);
    expect(invalid).toBeGreaterThan(DIFFERENTIAL_ROUNDS / 4);
  });

  it.each([
    ['an empty text', ''],
    ['whitespace only', ' \n'],
    ['a trailing comma', '{"a":1,}'],
    ['a leading zero', '{"a":01}'],
    ['a bare decimal point', '{"a":1.}'],
    ['an exponent without digits', '{"a":1e}'],
    ['a plus sign', '{"a":+1}'],
    ['a raw control character in a string', '{"a":"x\u0001"}'],
    ['a raw line feed in a string', '{"a":"x\ny"}'],
    ['an unknown escape', '{"a":"\\x41"}'],
    ['a short unicode escape', '{"a":"\\u12"}'],
    ['single quotes', "{'a':1}"],
    ['a comment', '{"a":1 /* no */}'],
    ['two values', '{"a":1} {"b":2}'],
    ['an unterminated string', '{"a":"x'],
    ['an unclosed object', '{"a":{"b":1}'],
    ['a misnested bracket', '{"a":[1}]'],
    ['a byte order mark', '\uFEFF{"a":1}'],
    ['NaN', '{"a":NaN}'],
    ['a truncated literal', '{"a":tru}'],
  ])('rejects %s, as JSON.parse does', (_, text) => {
    expect(parseVerdict(text)).toBe(SCANNED_INVALID);
    expect(scan(text)).toBe(SCANNED_INVALID);
  });

  it('records each top-level member with its type, duplicates included', () => {
    expect(scan('{"s":"x","n":-1.5e3,"t":true,"f":false,"z":null,"o":{"a":[]},"a":[{}],"s":"y"}')).toBe(SCANNED_OBJECT);
    expect(Array.from(view.valueType.subarray(0, view.count))).toEqual([
      JSON_STRING,
      JSON_NUMBER,
      JSON_TRUE,
      JSON_FALSE,
      JSON_NULL,
      JSON_OBJECT,
      JSON_ARRAY,
      JSON_STRING,
    ]);
    expect(members()).toEqual([
      ['s', 'x'],
      ['n', -1500],
      ['t', true],
      ['f', false],
      ['z', null],
      ['o', { a: [] }],
      ['a', [{}]],
      ['s', 'y'],
    ]);
  });

  it('reads escaped and non-ASCII names and strings as JSON.parse does', () => {
    expect(scan('{"pric\\u0065":"\\u20ac 1","名前":"値"}')).toBe(SCANNED_OBJECT);
    expect(view.keyOf(0)).toBe('price');
    expect(view.stringValueOf(0)).toBe('€ 1');
    expect(view.keyOf(1)).toBe('名前');
    expect(view.stringValueOf(1)).toBe('値');
    expect(view.hasNonAscii).toBe(true);
  });

  it('reads the escaped name "\\/" as "/" even after the name "\\\\" (V8 in Node 24 does not, in JSON.parse)', () => {
    // Puts V8 (Node 24) in the state where JSON.parse('{"\\/":1}') returns the name "\\".
    JSON.parse('{"\\\\":1}');
    expect(scan('{"\\\\":1}')).toBe(SCANNED_OBJECT);
    expect(view.keyOf(0)).toBe('\\');
    expect(scan('{"\\/":1}')).toBe(SCANNED_OBJECT);
    expect(view.keyOf(0)).toBe('/');
    expect(scan('{"x":"😀","\\/":"price"}')).toBe(SCANNED_OBJECT);
    expect(view.keyOf(1)).toBe('/');
  });

  it('scans nesting a million levels deep without overflowing the stack', () => {
    const deep = `{"a":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`;
    expect(scan(deep)).toBe(SCANNED_OBJECT);
    expect(view.count).toBe(1);
  });

  it('finds more members than its initial room', () => {
    const wide = `{${Array.from({ length: 1000 }, (_, i) => `"k${i}":${i}`).join(',')}}`;
    expect(scan(wide)).toBe(SCANNED_OBJECT);
    expect(view.count).toBe(1000);
    expect(members()[999]).toEqual(['k999', 999]);
  });

  it('notes raw line breaks between tokens', () => {
    scan('{"a":1}');
    expect(view.hasLineBreak).toBe(false);
    scan('{\r\n"a":1\n}');
    expect(view.hasLineBreak).toBe(true);
  });
});
