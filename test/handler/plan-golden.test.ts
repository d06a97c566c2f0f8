import { createHash } from 'node:crypto';
import { planBatch } from '../../lambda/trade-writer/plan';
import { membersDigest } from '../../schema/object-keys';
import { REJECTIONS } from '../../schema/validation/rejection';
import { FIELD_VALUES, goldenCorpus } from './golden-corpus';

/**
 * A tripwire for refactoring the writer: the ten thousand records of golden-corpus.ts planned into
 * objects. A hash covers every object key, every line of every body and every quarantined record's
 * reason. Change a recorded hash only on purpose, saying why.
 *
 * LEGACY_HASH was recorded on the writer before the trade fields became one shared table (main at
 * 1785b4a). KPL de-aggregation (issue 13) changed two things on purpose, both in quarantine lines
 * only: every line gained `"sub_sequence_number":null` (plain records are not in an aggregate), and
 * the RESERVED_FIELD message names the new reserved field. With those two undone, the output must
 * still hash to LEGACY_HASH: the trade lines, keys, order and every other byte are unchanged.
 * RECORDED_HASH is the output as it is now, recorded when de-aggregation was added.
 *
 * Both were recorded again, on purpose, when a field's name in another case became a rejection even
 * without the field itself (Athena's JSON SerDe reads such a name as the field): three records of the
 * corpus carry "PRICE" or "Symbol" without the required field, and their reason changed from SCHEMA
 * to DUPLICATE_KEY; nothing else did. TRADES_HASH, the trade objects alone (keys and bodies), is what
 * they hashed to before that change and after it.
 *
 * RECORDED_HASH was recorded again, on purpose, when every key gained the digest of its members
 * (`-<8 hex>` before `.jsonl.gz`, schema/object-keys.ts): LEGACY_HASH and TRADES_HASH are taken
 * over the keys without it, and still match, so nothing but the keys changed; a test checks each
 * key's digest against the records in its body.
 */
const LEGACY_HASH = '4b02d14c49a9c434301d5de8eddcf2a744de11d24ba8849ada33739a4db1437e';
const RECORDED_HASH = '8cc3b9753b8508de0ac468cb767204ff55d3f5a4dc720d0a4414e7f3b6f6b17b';
const TRADES_HASH = 'f86e8c5a6c84289fdf6ed7ba091b1e1c47d52d4499928147bd243639af8b2caa';

/** A key as it was before it named its members. */
const rangeKey = (key: string) => key.replace(/-[0-9a-f]{8}\.jsonl\.gz$/, '.jsonl.gz');

/** The RESERVED_FIELD message before sub_sequence_number was reserved. */
const LEGACY_RESERVED_FIELD_MESSAGE =
  'the record carries a field the writer adds itself: shard_id, sequence_number, arrival_time or ingestion_time (any case)';

/** A quarantine line as the writer wrote it before issue 13. Its lines are JSON.stringify's, so this is exact. */
function legacyQuarantineLine(line: string): string {
  const row = JSON.parse(line);
  expect(row.sub_sequence_number).toBeNull();
  delete row.sub_sequence_number;
  if (row.message === REJECTIONS.reservedField.message) row.message = LEGACY_RESERVED_FIELD_MESSAGE;
  return JSON.stringify(row);
}

describe('what the writer writes', () => {
  const current = createHash('sha256');
  const legacy = createHash('sha256');
  const tradesOnly = createHash('sha256');
  const reasons = new Map<string, number>();
  const messages = new Set<string>();
  /** Per object, the digest its key names and the digest of the records its body holds. */
  const digests: [string, string][] = [];
  let trades = 0;
  beforeAll(() => {
    for (const { records, ingestionTime } of goldenCorpus()) {
      const plan = planBatch(records, ingestionTime);
      for (const object of plan.objects) {
        current.update(`${object.key}\n`).update(object.body);
        legacy.update(`${rangeKey(object.key)}\n`);
        const rows = object.body
          .toString('utf8')
          .split('\n')
          .slice(0, -1)
          .map((line) => JSON.parse(line));
        digests.push([
          object.key.slice(-17, -9),
          membersDigest(
            rows.map((row) => ({ sequenceNumber: row.sequence_number, subSequenceNumber: row.sub_sequence_number })),
          ),
        ]);
        if (object.kind === 'trades') {
          tradesOnly.update(`${rangeKey(object.key)}\n`).update(object.body);
          trades += object.records;
          legacy.update(object.body);
          expect(object.body.includes('"sub_sequence_number"')).toBe(false);
          continue;
        }
        const lines = object.body.toString('utf8').split('\n').slice(0, -1);
        for (const line of lines) messages.add(JSON.parse(line).message);
        legacy.update(lines.map((line) => `${legacyQuarantineLine(line)}\n`).join(''));
      }
      for (const { sequenceNumber, reason } of plan.quarantined) {
        current.update(`${sequenceNumber} ${reason}\n`);
        legacy.update(`${sequenceNumber} ${reason}\n`);
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
    }
  });

  it("reaches every reason of a plain record and every field's message", () => {
    expect([...reasons.keys()].sort()).toEqual([
      'DATE_OUT_OF_RANGE',
      'DUPLICATE_KEY',
      'NOT_BASE64',
      'NOT_JSON',
      'NOT_OBJECT',
      'NOT_UTF8',
      'RESERVED_FIELD',
      'SCHEMA',
    ]);
    for (const field of Object.keys(FIELD_VALUES)) {
      expect([...messages].some((message) => message.startsWith(`${field}: `))).toBe(true);
    }
    expect(trades).toBeGreaterThan(3_000);
  });

  it('is byte for byte what it wrote before the trade fields became a shared table, but for the sub-sequence number of quarantine lines', () => {
    expect(legacy.digest('hex')).toBe(LEGACY_HASH);
  });

  it('names in every key the digest of exactly the records its body holds', () => {
    expect(digests.length).toBeGreaterThan(50);
    expect(digests.filter(([named, held]) => named !== held)).toEqual([]);
  });

  it('is byte for byte what it wrote when every key gained the digest of its members', () => {
    expect(current.digest('hex')).toBe(RECORDED_HASH);
  });

  it('writes byte for byte the same trade objects as before case-variant names were refused', () => {
    expect(tradesOnly.digest('hex')).toBe(TRADES_HASH);
  });
});
