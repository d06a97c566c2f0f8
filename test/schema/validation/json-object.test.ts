import {
  JSON_ARRAY,
  JSON_FALSE,
  JSON_NULL,
  JSON_NUMBER,
  JSON_OBJECT,
  JSON_STRING,
  JSON_TRUE,
  SCANNED_INVALID,
  SCANNED_OBJECT,
} from '../../../schema/validation/json-object';
import { expectScannerToAgreeWithJsonParse, members, parseVerdict, scan, view } from './json-differential';

/** `npm test` runs 2,000 rounds (three texts each) to stay under its minute; json-object.full.test.ts runs 20,000 in `npm run test:slow`. */
const BOUNDED_ROUNDS = 2_000;

describe('the JSON scanner', () => {
  it(`accepts and rejects exactly what JSON.parse does, on ${BOUNDED_ROUNDS * 3} generated texts and mutations`, () => {
    expectScannerToAgreeWithJsonParse(BOUNDED_ROUNDS);
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

  it('flags a lone surrogate escape without changing its JSON verdict, and not a pair', () => {
    for (const [text, lone] of [
      ['{"a":"\\uD800"}', true],
      ['{"a":{"b":["x\\uDFFF"]}}', true],
      ['{"\\uDBFF\\u0041":1}', true],
      ['{"a":"\\uD83D\\uDE00"}', false],
      ['{"a":"\\u00e9\\uFFFF"}', false],
    ] as const) {
      expect(parseVerdict(text)).toBe(SCANNED_OBJECT);
      expect(scan(text)).toBe(SCANNED_OBJECT);
      expect(view.hasLoneSurrogate).toBe(lone);
    }
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
