import type { KinesisStreamRecord } from 'aws-lambda';
import { kinesisRecord, seededRandom } from '../../tools/fixtures/trade-events';

/**
 * Ten thousand generated records, most of them valid trades and the rest broken in one or several
 * ways at once (every field, every rejection reason, escapes, line breaks, byte order marks, case
 * collisions, reserved names), in twenty batches of 500 over three shards. The corpus of the golden
 * test (plan-golden.test.ts) and of the aggregation differential test (aggregation.test.ts).
 */

/** JSON texts per field: the first is valid, the others break the field or sit on its edges. */
export const FIELD_VALUES: Record<string, readonly string[]> = {
  trade_id: [
    '"T-1"',
    '42',
    '""',
    `"${'x'.repeat(128)}"`,
    `"${'x'.repeat(129)}"`,
    '1.5',
    'null',
    '12345678901234567890',
    '1e3',
    '1.0',
    '-7',
    'true',
    '{"a":1}',
    '"é"',
    '"\\u00e9x"',
    '"\\ud83d\\ude00"',
    `"${'é'.repeat(128)}"`,
  ],
  symbol: [
    '"AAPL"',
    '"BRK.B"',
    '"BRK.B-W"',
    '""',
    '"ABCDEFGHIJKLMNOPQ"',
    '"ABCDEFGHIJKLMNOP"',
    '"aapl"',
    '"AA PL"',
    '"ÄPL"',
    '"\\u0041APL"',
    'null',
    '7',
    '"A\\nB"',
    '"A_B"',
  ],
  side: ['"BUY"', '"SELL"', '"buy"', '"HOLD"', '"S\\u0045LL"', 'null', '1', '"BUYS"', '"SEL"', '""'],
  quantity: [
    '100',
    '0.5',
    '0',
    '-1',
    '"100"',
    '1e400',
    '1e-400',
    '-0.0',
    '1E2',
    '0.000',
    'null',
    '123456789012345678901234567890123',
    '0.00000000000000000000000000000000001',
    '1e-5',
  ],
  price: [
    '"187.25"',
    '"0"',
    '"0.000"',
    '"-1.5"',
    '"1."',
    '".5"',
    '" 1.5"',
    '"NaN"',
    '0',
    'true',
    '64123.123456789012345678',
    '"0.000000000000000001"',
    '"007.50"',
    '"1\\u002e5"',
    '1e400',
    'null',
    '"1e3"',
    '"€1"',
  ],
  executed_at: [
    '"2026-03-11T14:30:00.123Z"',
    '"2026-03-10T23:30:00-05:00"',
    '"2026-03-12T23:59:59Z"',
    '"2026-03-13T00:00:00Z"',
    '"2019-12-31T23:59:59Z"',
    '"2020-01-01T00:30:00+01:00"',
    '"2026-02-30T10:00:00Z"',
    '"2026-03-11 10:00:00"',
    '1773239400',
    '"2026-03-11T14:30:00"',
    '"2026-03-11T24:00:00Z"',
    '"2026-03-11T10:00:00\\u005a"',
    'null',
    '"2026-03-11T14:30:00.1234567890Z"',
    '"2026-03-11T00:30:00+01:00"',
    '"2026-03-11T14:30:00.123é"',
  ],
  currency: ['"USD"', '"EUR"', '"usd"', '"USDT"', '840', 'null', '"U\\u0053D"', '"€UR"'],
  venue: ['"XNAS"', 'null', '7', '{"id":1}', '["T"]', '"é"', 'true'],
  account_id: ['"ACC-1"', 'null', '7', '{"id":1}', '"\\u0041"'],
  trader_id: ['"TR-1"', 'null', '["T"]', 'false'],
};

/** Members a producer might add besides the trade fields: unknown, colliding by case, reserved. */
const EXTRA_MEMBERS = [
  '"note":"x"',
  '"strategy":{"id":"S1"}',
  '"Note":1',
  '"PRICE":"2"',
  '"Symbol":"X"',
  '"shard_id":"x"',
  '"SEQUENCE_NUMBER":1',
  '"arrival_time":null',
  '"Ingestion_Time":"x"',
  '"pric\\u0065":"2"',
  '"tags":["a","b"]',
  '"nested":{"price":"-1","shard_id":1}',
];

const WHITESPACE = ['', '', '', ' ', '\n', '\r\n  ', '\t'];

function record(next: () => number): Uint8Array | string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const members: string[] = [];
  for (const [field, values] of Object.entries(FIELD_VALUES)) {
    const roll = next();
    if (roll < 0.02) continue;
    members.push(`"${field}":${roll < 0.9 ? values[0] : pick(values)}`);
  }
  if (next() < 0.1) members.push(pick(EXTRA_MEMBERS));
  if (next() < 0.03) members.push(members[Math.floor(next() * members.length)]);
  if (next() < 0.2) members.sort(() => next() - 0.5);
  const ws = next() < 0.15 ? () => pick(WHITESPACE) : () => '';
  let text = `${ws()}{${members.map((member) => `${ws()}${member.replace(':', `${ws()}:${ws()}`)}${ws()}`).join(',')}}${ws()}`;

  const damage = next();
  if (damage < 0.01) text = text.slice(0, Math.floor(next() * text.length));
  else if (damage < 0.02) text = `[${text}]`;
  else if (damage < 0.025) text = '"just a string"';
  else if (damage < 0.03) return `${Buffer.from(text).toString('base64')}!`;
  else if (damage < 0.035) return Buffer.from(text.replace('"', '"\xff'), 'latin1');
  else if (damage < 0.04) return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
  return Buffer.from(text, 'utf8');
}

/** The batches, the same on every run, with the ingestion time each is planned at. */
export function goldenCorpus(): { records: KinesisStreamRecord[]; ingestionTime: Date }[] {
  const next = seededRandom(8);
  const batches: { records: KinesisStreamRecord[]; ingestionTime: Date }[] = [];
  let index = 0;
  for (let batch = 0; batch < 20; batch += 1) {
    const records: KinesisStreamRecord[] = [];
    for (let i = 0; i < 500; i += 1) {
      const data = record(next);
      const spec = typeof data === 'string' ? { base64: data } : { bytes: data };
      records.push(kinesisRecord({ ...spec, shardId: `shardId-00000000000${batch % 3}` }, index));
      index += 1;
    }
    // Two ingestion times: the day after ingestion moves the last partition date a projection covers.
    batches.push({
      records,
      ingestionTime: new Date(batch % 2 === 0 ? '2026-03-11T15:00:00Z' : '2026-03-12T00:00:01Z'),
    });
  }
  return batches;
}
