import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { KinesisStreamRecord } from 'aws-lambda';
import { planBatch } from '../../lambda/trade-writer/plan';
import { QUARANTINE_COLUMNS, TRADE_COLUMNS } from '../../schema/layout';
import { REJECTIONS } from '../../schema/validation/rejection';
import { aggregate } from '../../tools/fixtures/kpl-aggregates';
import {
  kinesisEvent,
  kinesisRecord,
  type RecordSpec,
  SHARD_ID,
  sequenceNumber,
  tradeJson,
  writerKey,
} from '../../tools/fixtures/trade-events';
import { goldenCorpus } from './golden-corpus';
import { s3Error, writerHarness } from './harness';

const writer = writerHarness();
afterAll(() => writer.restore());
beforeEach(() => {
  writer.s3.reset();
  writer.s3.on(PutObjectCommand).resolves({ ETag: '"etag"' });
});

const parsedLines = (prefix: string) =>
  writer
    .sent()
    .filter(({ key }) => key.startsWith(prefix))
    .flatMap(({ lines }) => lines.map((line) => JSON.parse(line)));

/** A Kinesis record spec holding `texts` as one KPL aggregate; user record i has partition key `upk-<i>`. */
function aggregated(texts: readonly string[]): RecordSpec {
  const { partitionKey, data } = aggregate(texts.map((text, i) => ({ partitionKey: `upk-${i}`, data: text })));
  return { bytes: data, partitionKey };
}

const tradesOn = (dt: string, count: number, prefix: string) =>
  Array.from({ length: count }, (_, i) =>
    tradeJson({ trade_id: `${prefix}-${i}`, executed_at: `${dt}T12:00:0${i % 10}Z` }),
  );

describe('a KPL aggregated record', () => {
  const texts = tradesOn('2026-03-11', 5, 'A');

  it('writes every user record once, as a trade line with its sequence and sub-sequence number', async () => {
    const response = await writer.invoke(kinesisEvent([aggregated(texts)]));
    expect(response).toEqual({ batchItemFailures: [] });
    const [object] = writer.sent();
    expect(object.key).toBe(
      writerKey(
        'trades/dt=2026-03-11/',
        [0, 1, 2, 3, 4].map((sub) => [0, sub] as const),
      ),
    );
    expect(object.lines.map((line) => JSON.parse(line))).toEqual(
      texts.map((text, i) => ({
        ...JSON.parse(text),
        shard_id: SHARD_ID,
        sequence_number: sequenceNumber(0),
        sub_sequence_number: i,
        arrival_time: '2026-03-11T14:30:00.123Z',
        ingestion_time: '2026-03-11T15:00:00.000Z',
      })),
    );
    // The producer's bytes as sent, the ingestion fields spliced in, in the columns' order.
    expect(object.lines[2].startsWith(texts[2].slice(0, -1))).toBe(true);
    expect(Object.keys(JSON.parse(object.lines[0]))).toEqual(TRADE_COLUMNS.map(({ name }) => name));
    expect(writer.metrics()).toMatchObject({ TradesWritten: 5, RecordsQuarantined: 0, AggregatedRecords: 1 });
  });

  it('quarantines a bad trade inside an aggregate alone, with its own bytes, partition key and sub-sequence number', async () => {
    const withBadTrade = [texts[0], tradeJson({ side: 'HOLD' }), texts[2], 'not json'];
    await writer.invoke(kinesisEvent([aggregated(withBadTrade)]));
    expect(parsedLines('trades/').map((line) => [line.trade_id, line.sub_sequence_number])).toEqual([
      ['A-0', 0],
      ['A-2', 2],
    ]);
    const quarantine = parsedLines('quarantine/');
    expect(quarantine).toEqual([
      expect.objectContaining({
        reason: 'SCHEMA',
        raw_data: Buffer.from(withBadTrade[1]).toString('base64'),
        sequence_number: sequenceNumber(0),
        sub_sequence_number: 1,
        partition_key: 'upk-1',
      }),
      expect.objectContaining({
        reason: 'NOT_JSON',
        raw_data: Buffer.from('not json').toString('base64'),
        sub_sequence_number: 3,
        partition_key: 'upk-3',
      }),
    ]);
    expect(Object.keys(quarantine[0])).toEqual(QUARANTINE_COLUMNS.map(({ name }) => name));
    const warning = writer
      .output()
      .map((line) => JSON.parse(line))
      .find((entry) => entry.level === 'WARN');
    expect(warning).toMatchObject({
      sequenceNumbers: [sequenceNumber(0), sequenceNumber(0)],
      subSequenceNumbers: [1, 3],
    });
  });

  it('splits the user records of one aggregate by the date of each trade, every object keyed by the Kinesis sequence number', async () => {
    const acrossMidnight = [...tradesOn('2026-03-10', 2, 'D10'), ...tradesOn('2026-03-11', 2, 'D11')];
    await writer.invoke(kinesisEvent([aggregated([acrossMidnight[0], acrossMidnight[2], acrossMidnight[1]])]));
    const idsByKey = Object.fromEntries(
      writer.sent().map(({ key, lines }) => [key, lines.map((line) => JSON.parse(line).sub_sequence_number)]),
    );
    expect(idsByKey).toEqual({
      [writerKey('trades/dt=2026-03-10/', [
        [0, 0],
        [0, 2],
      ])]: [0, 2],
      [writerKey('trades/dt=2026-03-11/', [[0, 1]])]: [1],
    });
  });
});

describe('an aggregate that cannot be read', () => {
  const { data } = aggregate(tradesOn('2026-03-11', 3, 'C').map((text, i) => ({ partitionKey: `p${i}`, data: text })));
  const flipped = (at: number) => {
    const copy = Buffer.from(data);
    copy[at] ^= 0x01;
    return copy;
  };
  // An empty AggregatedRecord message is zero bytes: the magic number, then the MD5 of nothing.
  const empty = Buffer.concat([data.subarray(0, 4), createHash('md5').digest()]);
  // A well-formed message (the library's own protobuf type, a valid MD5) whose second user record
  // names partition key 5 of a table of one: aws-kinesis-agg hands that record out without a key.
  const { AggregatedRecord, magic } = require('aws-kinesis-agg/lib/common');
  const message = Buffer.from(
    AggregatedRecord.encode(
      AggregatedRecord.fromObject({
        partition_key_table: ['p0'],
        records: [
          { partition_key_index: 0, data: Buffer.from(tradeJson({ trade_id: 'K0' })) },
          { partition_key_index: 5, data: Buffer.from(tradeJson({ trade_id: 'K1' })) },
        ],
      }),
    ).finish(),
  );
  const keyOutOfRange = Buffer.concat([magic, message, createHash('md5').update(message).digest()]);

  it.each([
    ['a checksum that does not match the payload', flipped(data.length - 1), REJECTIONS.badAggregate],
    ['a payload changed in transit', flipped(20), REJECTIONS.badAggregate],
    ['a record truncated after the magic number', data.subarray(0, 40), REJECTIONS.badAggregate],
    ['only the magic number', data.subarray(0, 4), REJECTIONS.badAggregate],
    ['no user record in it', empty, REJECTIONS.emptyAggregate],
    ['a user record whose partition key index is outside the key table', keyOutOfRange, REJECTIONS.badAggregate],
  ])('is quarantined whole, with its sequence number and its data as delivered: %s', async (_, bytes, rejection) => {
    const event = kinesisEvent([tradeJson({ trade_id: 'before' }), { bytes, partitionKey: 'agg-pk' }]);
    expect(await writer.invoke(event)).toEqual({ batchItemFailures: [] });
    expect(parsedLines('quarantine/')).toEqual([
      {
        reason: rejection.reason,
        message: rejection.message,
        raw_data: event.Records[1].kinesis.data,
        shard_id: SHARD_ID,
        sequence_number: sequenceNumber(1),
        sub_sequence_number: null,
        partition_key: 'agg-pk',
        arrival_time: '2026-03-11T14:30:00.124Z',
        ingestion_time: '2026-03-11T15:00:00.000Z',
      },
    ]);
    expect(parsedLines('trades/').map(({ trade_id }) => trade_id)).toEqual(['before']);
    expect(writer.metrics()).toMatchObject({ TradesWritten: 1, RecordsQuarantined: 1, AggregatedRecords: 1 });
  });
});

describe('batches that mix plain and aggregated records', () => {
  // 0 plain (10th), 1 aggregate (10th, 11th, 10th), 2 plain (11th), 3 aggregate (11th), 4 plain not JSON.
  const mixed = kinesisEvent([
    tradeJson({ trade_id: 'P0', executed_at: '2026-03-10T09:00:00Z' }),
    aggregated([
      tradeJson({ trade_id: 'A1-0', executed_at: '2026-03-10T10:00:00Z' }),
      tradeJson({ trade_id: 'A1-1', executed_at: '2026-03-11T10:00:00Z' }),
      tradeJson({ trade_id: 'A1-2', executed_at: '2026-03-10T10:00:01Z' }),
    ]),
    tradeJson({ trade_id: 'P2', executed_at: '2026-03-11T11:00:00Z' }),
    aggregated([tradeJson({ trade_id: 'A3-0', executed_at: '2026-03-11T12:00:00Z' })]),
    'not json',
  ]);
  // The objects of the batch, by their members: plain records by index, user records as [index, sub].
  const TENTH = writerKey('trades/dt=2026-03-10/', [0, [1, 0], [1, 2]]);
  const ELEVENTH = writerKey('trades/dt=2026-03-11/', [[1, 1], 2, [3, 0]]);
  const QUARANTINE = writerKey('quarantine/dt=2026-03-11/', [4]);

  it('keys objects by the first and last Kinesis sequence number and gives only user records a sub-sequence number', async () => {
    await writer.invoke(mixed);
    const linesByKey = Object.fromEntries(
      writer
        .sent()
        .map(({ key, lines }) => [
          key,
          lines.map((line) => [JSON.parse(line).trade_id ?? 'quarantined', JSON.parse(line).sub_sequence_number]),
        ]),
    );
    expect(linesByKey).toEqual({
      [TENTH]: [
        ['P0', undefined],
        ['A1-0', 0],
        ['A1-2', 2],
      ],
      [ELEVENTH]: [
        ['A1-1', 1],
        ['P2', undefined],
        ['A3-0', 0],
      ],
      [QUARANTINE]: [['quarantined', null]],
    });
    expect(writer.metrics()).toMatchObject({ TradesWritten: 6, RecordsQuarantined: 1, AggregatedRecords: 2 });
  });

  it('checkpoints at the aggregate when an object holding some of its user records fails, so Lambda retries it whole', async () => {
    writer.s3.on(PutObjectCommand, { Key: ELEVENTH }).rejects(s3Error('SlowDown', 503));
    expect(await writer.invoke(mixed)).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber(1) }] });
  });

  it('checkpoints at the first Kinesis record of the failed object, plain or aggregated', async () => {
    writer.s3.on(PutObjectCommand, { Key: TENTH }).rejects(s3Error('SlowDown', 503));
    expect(await writer.invoke(mixed)).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber(0) }] });
    writer.s3.reset();
    writer.s3.on(PutObjectCommand).resolves({ ETag: '"etag"' });
    writer.s3.on(PutObjectCommand, { Key: QUARANTINE }).rejects(s3Error('InternalError', 500));
    expect(await writer.invoke(mixed)).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber(4) }] });
  });

  it('writes a retry from the aggregate into new objects and loses none of its user records', async () => {
    writer.s3.on(PutObjectCommand, { Key: ELEVENTH }).rejectsOnce(s3Error('SlowDown', 503));
    await writer.invoke(mixed);
    const firstAttempt = writer.sent().length;
    // Lambda resumes from the checkpoint: the aggregate and every record after it.
    expect(await writer.invoke({ Records: mixed.Records.slice(1) })).toEqual({ batchItemFailures: [] });
    const retried = writer.sent().slice(firstAttempt);
    expect(retried.map(({ key }) => key)).toEqual([
      writerKey('trades/dt=2026-03-10/', [
        [1, 0],
        [1, 2],
      ]),
      ELEVENTH,
      QUARANTINE,
    ]);
    const [failed] = writer.sent().filter(({ key }) => key === ELEVENTH);
    expect(retried[1].lines).toEqual(failed.lines);
    expect(retried[1].lines.map((line) => JSON.parse(line).trade_id)).toEqual(['A1-1', 'P2', 'A3-0']);
  });
});

describe('a user record', () => {
  it('gets the verdict, the stored bytes and the quarantine row its plain twin gets, across the golden corpus', () => {
    // Each batch of the corpus planned once as sent and once with runs of 1 to 40 of its records
    // aggregated by aws-kinesis-agg. Data that is not base64 cannot be a user record: such records
    // stay plain between the aggregates.
    let compared = 0;
    let aggregates = 0;
    for (const [batch, { records, ingestionTime }] of goldenCorpus().slice(0, 6).entries()) {
      const aggregatedBatch: KinesisStreamRecord[] = [];
      const userRecordsOf = new Map<string, KinesisStreamRecord[]>();
      const shardId = records[0].eventID.split(':')[0];
      for (let next = 0; next < records.length; ) {
        const index = aggregatedBatch.length;
        if (isNotBase64(records[next])) {
          const { data, partitionKey } = records[next].kinesis;
          aggregatedBatch.push(kinesisRecord({ base64: data, partitionKey, shardId }, index));
          next += 1;
          continue;
        }
        const run: KinesisStreamRecord[] = [];
        const size = 1 + ((index * 7 + batch) % 40);
        while (run.length < size && next < records.length && !isNotBase64(records[next])) run.push(records[next++]);
        const { data, partitionKey } = aggregate(
          run.map(({ kinesis }) => ({ partitionKey: kinesis.partitionKey, data: Buffer.from(kinesis.data, 'base64') })),
        );
        const record = kinesisRecord({ bytes: data, partitionKey, shardId }, index);
        aggregatedBatch.push(record);
        userRecordsOf.set(record.kinesis.sequenceNumber, run);
        aggregates += 1;
      }

      const linesOf = (plan: ReturnType<typeof planBatch>) =>
        plan.objects.flatMap(({ kind, dt, body }) =>
          body
            .toString('utf8')
            .split('\n')
            .slice(0, -1)
            .map((line) => ({ kind, dt, line, row: JSON.parse(line) })),
        );
      const plainLines = new Map(
        linesOf(planBatch(records, ingestionTime)).map((line) => [line.row.sequence_number, line]),
      );
      const aggregatedLines = linesOf(planBatch(aggregatedBatch, ingestionTime));
      expect(aggregatedLines).toHaveLength(plainLines.size);
      const producerPart = (line: string) => line.slice(0, line.lastIndexOf(',"shard_id":'));
      for (const { kind, dt, line, row } of aggregatedLines) {
        const run = userRecordsOf.get(row.sequence_number);
        if (run === undefined) {
          expect(row.sub_sequence_number ?? null).toBeNull();
          continue;
        }
        const twin = plainLines.get(run[row.sub_sequence_number].kinesis.sequenceNumber)!;
        expect([kind, dt]).toEqual([twin.kind, twin.dt]);
        if (kind === 'trades') {
          expect(producerPart(line)).toBe(producerPart(twin.line));
        } else {
          const { reason, message, raw_data, partition_key } = twin.row;
          expect(row).toMatchObject({ reason, message, raw_data, partition_key });
        }
        compared += 1;
      }
    }
    expect(aggregates).toBeGreaterThan(50);
    expect(compared).toBeGreaterThan(2_500);
  });
});

function isNotBase64(record: KinesisStreamRecord): boolean {
  return Buffer.from(record.kinesis.data, 'base64').toString('base64') !== record.kinesis.data;
}
