import { createContext, runInContext } from 'node:vm';
import {
  JsonObjectView,
  SCANNED_INVALID,
  SCANNED_OBJECT,
  SCANNED_OTHER_JSON,
  UNRESOLVED_NAME,
} from '../../../schema/validation/json-object';
import { seededRandom } from '../../../tools/fixtures/trade-events';

/**
 * The JSON scanner's oracle and its differential test against JSON.parse, shared by the bounded run
 * in `npm test` (json-object.test.ts) and the full run in `npm run test:slow`
 * (json-object.full.test.ts). The same seed in both: the bounded run is a prefix of the full one.
 */

export const view = new JsonObjectView();

/**
 * A second scanner that tries known names first at each place, taught as the trade checker teaches
 * it: every text gets from it the verdict and the members `view` gives.
 */
const KNOWN_NAMES = ['trade_id', 'price', 'k'].map((name) => Buffer.from(name, 'latin1'));
const namedView = new JsonObjectView();
namedView.useNames(KNOWN_NAMES);

function expectNamedViewToAgree(bytes: Buffer, verdict: number): void {
  const named = namedView.scan(bytes, 0, bytes.length);
  const where = JSON.stringify(bytes.toString('utf8'));
  if (named !== verdict)
    throw new Error(`with known names the scanner said ${named}, without ${verdict}, for ${where}`);
  if (verdict !== SCANNED_OBJECT) return;
  const same =
    namedView.count === view.count &&
    namedView.hasLineBreak === view.hasLineBreak &&
    namedView.hasNonAscii === view.hasNonAscii &&
    namedView.hasLoneSurrogate === view.hasLoneSurrogate &&
    Array.from({ length: view.count }).every(
      (_, i) =>
        namedView.keyStart[i] === view.keyStart[i] &&
        namedView.keyEnd[i] === view.keyEnd[i] &&
        namedView.keyFlags[i] === view.keyFlags[i] &&
        namedView.valueStart[i] === view.valueStart[i] &&
        namedView.valueEnd[i] === view.valueEnd[i] &&
        namedView.valueType[i] === view.valueType[i] &&
        namedView.valueFlags[i] === view.valueFlags[i] &&
        (namedView.keyName[i] === UNRESOLVED_NAME || view.keyOf(i) === KNOWN_NAMES[namedView.keyName[i]].toString()),
    );
  if (!same) throw new Error(`with known names the scanner found other members in ${where}`);
  for (let i = 0; i < view.count; i += 1) {
    const name = KNOWN_NAMES.findIndex((known) => known.toString() === view.keyOf(i));
    if (name !== UNRESOLVED_NAME) namedView.expectName(i, name);
  }
}

export function scan(text: string | Buffer): number {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const verdict = view.scan(bytes, 0, bytes.length);
  expectNamedViewToAgree(bytes, verdict);
  return verdict;
}

/** What JSON.parse says about a text: an object, other JSON, or not JSON. */
export function parseVerdict(text: string): number {
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
export function referenceValue(json: string): unknown {
  return runInContext(`(${json})`, REFERENCE_CONTEXT);
}

/** The members the scanner found, read back by the reference: [name, value] in text order. */
export function members(): [string, unknown][] {
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
 * Generates `rounds` valid JSON texts (objects mostly) and two mutations of each, and expects the
 * scanner's verdict to be JSON.parse's on every one, and the members it finds to mean what the
 * reference reads.
 */
export function expectScannerToAgreeWithJsonParse(rounds: number): void {
  const next = seededRandom(20260311);
  let objects = 0;
  let invalid = 0;
  for (let i = 0; i < rounds; i += 1) {
    const valid = next() < 0.8 ? randomObject(next, 0) : randomValue(next, 0);
    for (const candidate of [valid, mutate(valid, next), mutate(mutate(valid, next), next)]) {
      // The scanner reads bytes: compare with JSON.parse of what those bytes say (a mutation that
      // splits a surrogate pair leaves a lone surrogate, which UTF-8 writes as U+FFFD).
      const text = Buffer.from(candidate, 'utf8').toString('utf8');
      const expected = parseVerdict(text);
      const got = scan(text);
      if (got !== expected) throw new Error(`scanner said ${got}, JSON.parse ${expected}, for ${JSON.stringify(text)}`);
      if (got === SCANNED_OBJECT) {
        objects += 1;
        // Both keep the last of equal names; the scanner keeps all, in order.
        expect(Object.fromEntries(members())).toEqual(referenceValue(text));
      }
      if (got === SCANNED_INVALID) invalid += 1;
    }
  }
  expect(objects).toBeGreaterThan(rounds / 4);
  expect(invalid).toBeGreaterThan(rounds / 4);
}
