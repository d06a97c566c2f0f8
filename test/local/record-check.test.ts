import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { gzip } from '../../lambda/trade-writer/encode';
import { planBatch } from '../../lambda/trade-writer/plan';
import { DuckDbLake } from '../../local/duckdb-lake';
import { checkRecords, countLake, identityName, type RecordCheck } from '../../local/lake-count';
import type { LakeObject } from '../../local/lake-mirror';
import { readSentRecords, type SentRecord, writeSentRecords } from '../../local/sent-records';
import { kinesisEvent, SHARD_ID, sequenceNumber, tradeJson } from '../../tools/fixtures/trade-events';

/**
 * The lake checked record by record against what the producer sent (issue: a lost copy of a re-sent
 * record, and a valid record quarantined in place of a lost invalid one, kept the counts equal).
 * The lakes are what the writer stores for a batch; the records sent say, independently of the
 * writer, where each one must land.
 */

const INGESTION = new Date('2026-03-11T15:00:00Z');
const RESENT = tradeJson({ trade_id: 'T-2', executed_at: '2026-03-11T10:00:00Z' });

/** The batch as sent: record i has sequence number i on one shard; a deliberate re-send of T-2 is record 2. */
const SENT_BATCH: readonly { readonly text: string; readonly zone: SentRecord['zone'] }[] = [
  { text: tradeJson({ trade_id: 'T-1', executed_at: '2026-03-11T09:00:00Z' }), zone: 'trades' },
  { text: RESENT, zone: 'trades' },
  { text: RESENT, zone: 'trades' },
  { text: tradeJson({ trade_id: 'T-3', executed_at: '2026-03-11T11:00:00Z' }), zone: 'trades' },
  { text: 'not json', zone: 'quarantine' },
  { text: tradeJson({ side: 'HOLD' }), zone: 'quarantine' },
];

const SENT: readonly SentRecord[] = SENT_BATCH.map(({ zone }, index) => ({
  shardId: SHARD_ID,
  sequenceNumber: sequenceNumber(index),
  subSequenceNumber: null,
  zone,
}));

const folders: string[] = [];
const lakes: DuckDbLake[] = [];

afterAll(() => {
  for (const lake of lakes) lake.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** What the writer stores for `texts` (record i at sequence number i), as objects. */
function writerObjects(texts: readonly string[]): LakeObject[] {
  const plan = planBatch(kinesisEvent(texts).Records, INGESTION);
  return plan.objects.map(({ key, body }) => ({ key, body: gzip(body) }));
}

/** `objects` without the line of the record with `sequence`. */
function withoutRecord(objects: readonly LakeObject[], sequence: string): LakeObject[] {
  return objects.map(({ key, body }) => {
    const lines = gunzipSync(body).toString('utf8').split('\n');
    const kept = lines.filter((line) => line === '' || JSON.parse(line).sequence_number !== sequence);
    return { key, body: kept.length === lines.length ? body : gzip(Buffer.from(kept.join('\n'), 'utf8')) };
  });
}

async function lakeOf(objects: readonly LakeObject[]): Promise<DuckDbLake> {
  const folder = mkdtempSync(join(tmpdir(), 'record-check-'));
  folders.push(folder);
  for (const { key, body } of objects) {
    mkdirSync(dirname(join(folder, key)), { recursive: true });
    writeFileSync(join(folder, key), body);
  }
  const lake = await DuckDbLake.open(folder, []);
  lakes.push(lake);
  return lake;
}

const EVENTS = 3;
const INVALID = 2;

describe('the lake checked against the records sent', () => {
  it('finds nothing lost and nothing unexpected when every record landed where it was meant to', async () => {
    const lake = await lakeOf(writerObjects(SENT_BATCH.map(({ text }) => text)));
    expect(await checkRecords(lake, SENT)).toEqual<RecordCheck>({ lost: 0, unexpected: 0, losses: [], surprises: [] });
  });

  it('reports a lost copy of a re-sent record, which the counts cannot see', async () => {
    const full = writerObjects(SENT_BATCH.map(({ text }) => text));
    const lost = sequenceNumber(2);
    const objects = withoutRecord(full, lost);
    expect(objects).not.toEqual(full);
    const lake = await lakeOf(objects);

    // The other copy still counts the event: the counts say nothing was lost.
    const counted = await countLake(lake, objects);
    expect({ written: counted.written, quarantined: counted.quarantined }).toEqual({
      written: EVENTS,
      quarantined: INVALID,
    });
    expect(await checkRecords(lake, SENT)).toEqual<RecordCheck>({
      lost: 1,
      unexpected: 0,
      losses: [`1 valid records sent are not in trades/ under their identity: ${identityName(SHARD_ID, lost, null)}`],
      surprises: [],
    });
  });

  it('reports a valid record quarantined and an invalid one stored as a trade, though the counts stay equal', async () => {
    // The writer got the texts of records 0 and 4 the other way round: T-1 under the invalid
    // record's identity, the invalid text under T-1's.
    const texts = SENT_BATCH.map(({ text }) => text);
    const swapped = [texts[4], ...texts.slice(1, 4), texts[0], ...texts.slice(5)] as string[];
    const objects = writerObjects(swapped);
    const lake = await lakeOf(objects);

    const counted = await countLake(lake, objects);
    expect({ written: counted.written, quarantined: counted.quarantined }).toEqual({
      written: EVENTS,
      quarantined: INVALID,
    });
    const valid = identityName(SHARD_ID, sequenceNumber(0), null);
    const invalid = identityName(SHARD_ID, sequenceNumber(4), null);
    expect(await checkRecords(lake, SENT)).toEqual<RecordCheck>({
      lost: 2,
      unexpected: 2,
      losses: [
        `1 valid records sent are not in trades/ under their identity: ${valid}`,
        `1 invalid records sent are not in quarantine/ under their identity: ${invalid}`,
      ],
      surprises: [
        `1 records in trades/ were not sent as valid records: ${invalid}`,
        `1 records in quarantine/ were not sent as invalid records: ${valid}`,
      ],
    });
  });

  it('reports a record found that was never sent, and a user record of an aggregate by its sub-sequence number', async () => {
    const lake = await lakeOf(writerObjects(SENT_BATCH.map(({ text }) => text)));
    const aggregated: SentRecord = { ...SENT[0], subSequenceNumber: 0 } as SentRecord;
    const check = await checkRecords(lake, [aggregated, ...SENT.slice(1)]);
    const plain = identityName(SHARD_ID, sequenceNumber(0), null);
    expect(check).toMatchObject({ lost: 1, unexpected: 1 });
    expect(check.losses).toEqual([
      `1 valid records sent are not in trades/ under their identity: ${identityName(SHARD_ID, sequenceNumber(0), 0)}`,
    ]);
    expect(check.surprises).toEqual([`1 records in trades/ were not sent as valid records: ${plain}`]);
  });

  it('names at most ten identities of a loss, and says how many more', async () => {
    const lake = await lakeOf(writerObjects(SENT_BATCH.map(({ text }) => text)));
    const unsent: SentRecord[] = Array.from({ length: 12 }, (_, index) => ({
      shardId: 'shardId-000000000001',
      sequenceNumber: sequenceNumber(100 + index),
      subSequenceNumber: null,
      zone: 'quarantine',
    }));
    const check = await checkRecords(lake, [...SENT, ...unsent]);
    expect(check.lost).toBe(12);
    expect(check.losses).toHaveLength(1);
    const [line = ''] = check.losses;
    expect(line).toMatch(/^12 invalid records sent are not in quarantine\/ under their identity: /);
    expect(line).toContain(identityName('shardId-000000000001', sequenceNumber(109), null));
    expect(line).not.toContain(sequenceNumber(110));
    expect(line).toMatch(/ and 2 more$/);
  });
});

describe('the records sent, kept for a recount', () => {
  it('read back as written, a plain record without a sub-sequence number', () => {
    const folder = mkdtempSync(join(tmpdir(), 'sent-records-'));
    folders.push(folder);
    const records: SentRecord[] = [...SENT, { ...(SENT[0] as SentRecord), subSequenceNumber: 7 }];
    writeSentRecords(join(folder, 'sent.csv.gz'), records);
    expect(readSentRecords(join(folder, 'sent.csv.gz'))).toEqual(records);
  });
});
