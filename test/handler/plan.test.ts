import { createBatchPlanner, planBatch } from '../../lambda/trade-writer/plan';
import { membersDigest } from '../../schema/object-keys';
import { optionalString, TRADE_FIELDS } from '../../schema/trade-fields';
import { kinesisEvent, kinesisRecord, SHARD_ID, sequenceNumber, tradeJson } from '../../tools/fixtures/trade-events';

const INGESTION = new Date('2026-03-11T15:00:00Z');
const linesOf = (body: Buffer) => body.toString('utf8').split('\n').slice(0, -1);

describe('planning a batch', () => {
  it('puts every record in exactly one object: trades by dt, the rest in quarantine', () => {
    const event = kinesisEvent([
      tradeJson({ executed_at: '2026-03-10T10:00:00Z' }),
      'nope',
      tradeJson({ executed_at: '2026-03-11T10:00:00Z' }),
      tradeJson({ executed_at: '2026-03-10T11:00:00Z' }),
    ]);
    const plan = planBatch(event.Records, INGESTION);
    expect(
      plan.objects.map(({ kind, dt, records, firstSequenceNumber, lastSequenceNumber }) => ({
        kind,
        dt,
        records,
        first: firstSequenceNumber,
        last: lastSequenceNumber,
      })),
    ).toEqual([
      { kind: 'trades', dt: '2026-03-10', records: 2, first: sequenceNumber(0), last: sequenceNumber(3) },
      { kind: 'quarantine', dt: '2026-03-11', records: 1, first: sequenceNumber(1), last: sequenceNumber(1) },
      { kind: 'trades', dt: '2026-03-11', records: 1, first: sequenceNumber(2), last: sequenceNumber(2) },
    ]);
    expect(plan.quarantined).toEqual([{ sequenceNumber: sequenceNumber(1), reason: 'NOT_JSON' }]);
    expect(plan.objects.reduce((sum, { body }) => sum + linesOf(body).length, 0)).toBe(4);
  });

  it('gives the same objects for the same records and ingestion time', () => {
    const event = kinesisEvent([tradeJson(), 'nope', tradeJson({ executed_at: '2026-03-10T10:00:00Z' })]);
    const first = planBatch(event.Records, INGESTION);
    const second = planBatch(event.Records, INGESTION);
    expect(second.objects.map(({ key, body }) => [key, body.toString()])).toEqual(
      first.objects.map(({ key, body }) => [key, body.toString()]),
    );
  });

  it('keys an object by the lowest and highest sequence number in it, as numbers', () => {
    const records = [
      kinesisRecord({ text: tradeJson(), sequenceNumber: '100' }, 0),
      kinesisRecord({ text: tradeJson(), sequenceNumber: '99' }, 1),
      kinesisRecord({ text: tradeJson(), sequenceNumber: '1000' }, 2),
    ];
    const [object] = planBatch(records, INGESTION).objects;
    expect([object.firstSequenceNumber, object.lastSequenceNumber]).toEqual(['99', '1000']);
    const members = membersDigest([{ sequenceNumber: '100' }, { sequenceNumber: '99' }, { sequenceNumber: '1000' }]);
    expect(object.key).toBe(`trades/dt=2026-03-11/${SHARD_ID}-99-1000-${members}.jsonl.gz`);
  });

  it('keeps records of two shards apart, though Lambda never mixes them', () => {
    const records = [
      kinesisRecord({ text: tradeJson(), shardId: 'shardId-000000000001' }, 0),
      kinesisRecord({ text: tradeJson(), shardId: 'shardId-000000000002' }, 1),
    ];
    const plan = planBatch(records, INGESTION);
    expect(plan.objects.map(({ key }) => key.split('/')[2].slice(0, 20))).toEqual([
      'shardId-000000000001',
      'shardId-000000000002',
    ]);
    expect(linesOf(plan.objects[1].body).map((line) => JSON.parse(line).shard_id)).toEqual(['shardId-000000000002']);
  });

  it('writes arrival times to the millisecond, though the event gives them as fractional seconds', () => {
    const arrivals = [1545084650.987, 1545084650.001, 1545084659.999, 1545084660, 1545084720.05];
    const records = arrivals.map((approximateArrivalTimestamp, i) =>
      kinesisRecord({ text: tradeJson(), approximateArrivalTimestamp }, i),
    );
    const [object] = planBatch(records, INGESTION).objects;
    expect(linesOf(object.body).map((line) => JSON.parse(line).arrival_time)).toEqual([
      '2018-12-17T22:10:50.987Z',
      '2018-12-17T22:10:50.001Z',
      '2018-12-17T22:10:59.999Z',
      '2018-12-17T22:11:00.000Z',
      '2018-12-17T22:12:00.050Z',
    ]);
  });

  it('writes the same arrival time text in trade lines as in quarantine lines, and none when it is missing', () => {
    const arrivals = [1545084650.007, 1545084601.05, 1545084609.5, -1.5, 1773273599.9995, Number.NaN];
    const records = arrivals.flatMap((approximateArrivalTimestamp, i) => [
      kinesisRecord({ text: tradeJson(), approximateArrivalTimestamp }, 2 * i),
      kinesisRecord({ text: 'nope', approximateArrivalTimestamp }, 2 * i + 1),
    ]);
    const [trades, quarantine] = planBatch(records, INGESTION).objects;
    const expected = arrivals.map((seconds) =>
      Number.isNaN(seconds) ? '' : new Date(Math.round(seconds * 1000)).toISOString(),
    );
    expect(linesOf(trades.body).map((line) => JSON.parse(line).arrival_time)).toEqual(expected);
    expect(linesOf(quarantine.body).map((line) => JSON.parse(line).arrival_time)).toEqual(expected);
  });

  it('stores a trade that came with a byte order mark without the mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(tradeJson())]);
    const [object] = planBatch([kinesisRecord({ bytes }, 0), kinesisRecord({ bytes }, 1)], INGESTION).objects;
    expect(linesOf(object.body).map((line) => line.slice(0, 12))).toEqual(['{"trade_id":', '{"trade_id":']);
  });

  it('stores trades whole whatever the length of their shard id', () => {
    const shardId = `shardId-${'9'.repeat(3000)}`;
    const records = [0, 1, 2].map((i) => kinesisRecord({ text: tradeJson({ trade_id: `T-${i}` }), shardId }, i));
    const [object] = planBatch(records, INGESTION).objects;
    expect(linesOf(object.body).map((line) => [JSON.parse(line).trade_id, JSON.parse(line).shard_id])).toEqual([
      ['T-0', shardId],
      ['T-1', shardId],
      ['T-2', shardId],
    ]);
  });

  it("sizes trade bodies from each date's share of the batch, and a planner reused for the next batch plans it as a new one would", () => {
    const dates = ['2026-03-09', '2026-03-10', '2026-03-11'];
    const spread = kinesisEvent(
      Array.from({ length: 30 }, (_, i) => tradeJson({ trade_id: `S-${i}`, executed_at: `${dates[i % 3]}T10:00:00Z` })),
    ).Records;
    const oneDate = kinesisEvent([tradeJson({ trade_id: 'O-1' }), 'nope', tradeJson({ trade_id: 'O-2' })]).Records;
    const planner = createBatchPlanner();
    const contents = (plan: ReturnType<typeof planBatch>) =>
      plan.objects.map(({ key, body, records }) => [key, records, body.length, body.toString('utf8')]);
    const spreadPlan = planner.plan(spread, INGESTION);
    expect(spreadPlan.objects.map(({ dt, records }) => [dt, records])).toEqual(dates.map((dt) => [dt, 10]));
    expect(contents(spreadPlan)).toEqual(contents(planBatch(spread, INGESTION)));
    for (const { dt, body } of spreadPlan.objects) {
      expect(new Set(linesOf(body).map((line) => JSON.parse(line).executed_at.slice(0, 10)))).toEqual(new Set([dt]));
    }
    expect(contents(planner.plan(oneDate, INGESTION))).toEqual(contents(planBatch(oneDate, INGESTION)));
    expect(contents(planner.plan(spread, INGESTION))).toEqual(contents(planBatch(spread, INGESTION)));
  });

  it('gathers each date of a batch spread over many dates, thousands of records, in the order they came', () => {
    const dates = ['2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10', '2026-03-11'];
    // Runs of 1 to 3 records of a date, then another date: more lines than the planner first keeps room for.
    const records = Array.from({ length: 2500 }, (_, i) =>
      kinesisRecord(
        {
          text: tradeJson({ trade_id: `G-${i}`, executed_at: `${dates[Math.floor(i / (1 + (i % 3))) % 7]}T10:00:00Z` }),
        },
        i,
      ),
    );
    const expected = new Map<string, string[]>();
    for (const [i, record] of records.entries()) {
      const dt = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString()).executed_at.slice(0, 10);
      expected.set(dt, [...(expected.get(dt) ?? []), `G-${i}`]);
    }
    const planner = createBatchPlanner();
    for (const plan of [planner.plan(records, INGESTION), planner.plan(records.slice(0, 1200), INGESTION)]) {
      const planned = plan.objects.map(({ dt, records: count, body }) => {
        const ids = linesOf(body).map((line) => JSON.parse(line).trade_id);
        expect(ids).toHaveLength(count);
        return [dt, ids];
      });
      const lineCount = planned.reduce((sum, [, ids]) => sum + ids.length, 0);
      const wanted = [...expected].map(([dt, ids]) => [dt, ids.filter((id) => Number(id.slice(2)) < lineCount)]);
      expect(planned).toEqual(wanted.filter(([, ids]) => ids.length > 0));
    }
  });
});

describe('verdicts that change between two attempts of a batch (a deploy of other rules during a retry)', () => {
  // Attempt 1 runs rules under which `strategy` must be a string, so record 1 is quarantined; its
  // trades object is stored, its quarantine object fails. A deploy drops the rule; Lambda retries
  // the batch, and record 1 is now a trade in the same range as the stored trades object.
  const strict = createBatchPlanner({ fields: [...TRADE_FIELDS, optionalString('strategy', 'trading strategy')] });
  const loose = createBatchPlanner();
  const batch = kinesisEvent([
    tradeJson({ trade_id: 'T-0' }),
    tradeJson({ trade_id: 'T-1', strategy: 7 }),
    tradeJson({ trade_id: 'T-2' }),
  ]).Records;
  const tradeIdsOf = (body: Buffer) => linesOf(body).map((line) => JSON.parse(line).trade_id as string);

  /** The trades stored after both attempts, as the writer stores: a key already present is a 412, taken as written. */
  function storedAfterRetry(keyOf: (key: string) => string): string[] {
    const stored = new Map<string, string[]>();
    for (const object of strict.plan(batch, INGESTION).objects) {
      if (object.kind === 'trades') stored.set(keyOf(object.key), tradeIdsOf(object.body));
    }
    for (const object of loose.plan(batch, INGESTION).objects) {
      if (!stored.has(keyOf(object.key))) stored.set(keyOf(object.key), tradeIdsOf(object.body));
    }
    return [...new Set([...stored.values()].flat())].sort();
  }

  it('keys the trades object of the range anew once it holds the record that changed sides', () => {
    const [before] = strict.plan(batch, INGESTION).objects.filter(({ kind }) => kind === 'trades');
    const [after] = loose.plan(batch, INGESTION).objects.filter(({ kind }) => kind === 'trades');
    expect([before?.firstSequenceNumber, before?.lastSequenceNumber]).toEqual([
      after?.firstSequenceNumber,
      after?.lastSequenceNumber,
    ]);
    expect(after?.key).not.toBe(before?.key);
  });

  it('loses no record: the retry writes the object that gained it', () => {
    expect(storedAfterRetry((key) => key)).toEqual(['T-0', 'T-1', 'T-2']);
  });

  it('would lose it with keys that name the range alone, as they did before', () => {
    const rangeOnly = (key: string) => key.replace(/-[0-9a-f]{8}\.jsonl\.gz$/, '.jsonl.gz');
    expect(storedAfterRetry(rangeOnly)).toEqual(['T-0', 'T-2']);
  });
});
