import { expectationOf, type GeneratedRecord, generateTrades } from '../../../cli/produce/generate-trades';
import { INVALID_VARIANTS } from '../../../cli/produce/invalid-records';
import { regularSession } from '../../../cli/produce/trading-day';
import { PARTITION_START_DATE, PRODUCER_FIELDS, TRADE_FIELD_VALUES } from '../../../schema/layout';
import { createTradeValidator } from '../../../schema/validation/validate-trade';

const now = new Date('2026-03-16T18:00:00Z');
const validator = createTradeValidator();
const mixed = generateTrades({ count: 3000, seed: 42, invalidRatio: 0.1, corrections: 0.2, duplicates: 0.05, now });
const valid = mixed.records.filter((record) => record.intended.ok);
const events = valid.map((record) => record.event!);

/** The records whose verdict from the writer's validator differs from the intended one, with both. */
function disagreements(records: readonly GeneratedRecord[]) {
  return records
    .map((record) => ({
      defect: record.defect,
      verdict: validator.validate(record.data, now),
      intended: record.intended,
    }))
    .filter(({ verdict, intended }) => JSON.stringify(verdict) !== JSON.stringify(intended));
}

describe('generateTrades: the writer agrees with what was generated', () => {
  it("gives every valid record the writer's pass, on the partition date intended", () => {
    expect(valid.length).toBeGreaterThan(2000);
    expect(disagreements(valid)).toEqual([]);
  });

  it('makes the writer quarantine every invalid record for the reason and with the message intended', () => {
    const invalid = mixed.records.filter((record) => !record.intended.ok);
    expect(invalid.length).toBe(300);
    expect(disagreements(invalid)).toEqual([]);
  });

  it('makes each defect of the variant table the writer rejects as the variant says', () => {
    const [base] = events;
    for (const variant of INVALID_VARIANTS) {
      const verdict = validator.validate(variant.bytes(base as any, now), now);
      expect({ defect: variant.defect, ...verdict }).toEqual({
        defect: variant.defect,
        ok: false,
        ...variant.rejection,
      });
    }
  });

  it('meets every reason the writer can give a producer (all but NOT_BASE64, which no SDK can send)', () => {
    expect(Object.keys(mixed.expected.invalidByReason).sort()).toEqual(
      ['DATE_OUT_OF_RANGE', 'DUPLICATE_KEY', 'NOT_JSON', 'NOT_OBJECT', 'NOT_UTF8', 'RESERVED_FIELD', 'SCHEMA'].sort(),
    );
  });
});

describe('generateTrades: realistic trades', () => {
  it('trades hundreds of symbols on both sides', () => {
    expect(new Set(events.map(({ symbol }) => symbol)).size).toBeGreaterThan(200);
    expect(new Set(events.map(({ side }) => side))).toEqual(new Set(TRADE_FIELD_VALUES.side));
  });

  it('writes prices as decimal strings of cents (or sub-pennies under a dollar) and positive whole quantities', () => {
    const wrong = events.filter(
      ({ price, quantity }) =>
        !/^\d+\.(\d{2}|\d{4})$/.test(price) ||
        !(Number(price) > 0) ||
        (price.split('.')[1].length === 4 && Number(price) >= 1.5) ||
        !(Number.isInteger(quantity) && quantity > 0),
    );
    expect(wrong).toEqual([]);
    expect(events.some(({ price }) => price.split('.')[1].length === 4)).toBe(true);
  });

  it("spreads NEW trades over the day's New York session, as UTC or New York time", () => {
    const session = regularSession('2026-03-16');
    const times = events.filter(({ exec_type }) => (exec_type ?? 'NEW') === 'NEW').map((e) => e.executed_at);
    const outside = times.filter(
      (time) =>
        !/^2026-03-16T\d{2}:\d{2}:\d{2}\.\d{3}(Z|-04:00)$/.test(time) ||
        Date.parse(time) < session.startMs ||
        Date.parse(time) >= session.endMs,
    );
    expect(outside).toEqual([]);
    const hours = new Set(times.map((time) => new Date(time).getUTCHours()));
    expect([...hours].sort()).toEqual([13, 14, 15, 16, 17, 18, 19]);
    expect(times.some((time) => time.endsWith('Z')) && times.some((time) => time.endsWith('-04:00'))).toBe(true);
  });

  it('uses only the fields of the trade-field table, each in its allowed values', () => {
    const names = new Set(events.flatMap((event) => Object.keys(event)));
    expect([...names].filter((name) => !PRODUCER_FIELDS.includes(name))).toEqual([]);
    const execTypes = new Set(events.map((event) => event.exec_type).filter((type) => type !== undefined));
    expect([...execTypes].sort()).toEqual([...TRADE_FIELD_VALUES.exec_type].sort());
  });

  it('never puts a line break in a record, so JSON Lines frames each one exactly', () => {
    expect(mixed.records.filter((record) => record.data.includes(0x0a))).toEqual([]);
  });
});

describe('generateTrades: lifecycle and duplicates', () => {
  it('sends each correction and cancel after the earlier events of its trade, with a higher version', () => {
    const seen = new Map<string, number>();
    const outOfOrder: unknown[] = [];
    let lifecycle = 0;
    for (const record of mixed.records) {
      if (record.kind === 'invalid' || record.kind === 'duplicate') continue;
      const { trade_id, exec_type, version = 1 } = record.event!;
      const previous = seen.get(trade_id);
      const inOrder =
        record.kind === 'new'
          ? previous === undefined && (exec_type ?? 'NEW') === 'NEW' && version === 1
          : previous !== undefined &&
            version > previous &&
            exec_type === (record.kind === 'correct' ? 'CORRECT' : 'CANCEL');
      if (!inOrder) outOfOrder.push({ kind: record.kind, event: record.event, previous });
      if (record.kind !== 'new') lifecycle += 1;
      seen.set(trade_id, version);
    }
    expect(outOfOrder).toEqual([]);
    expect(lifecycle).toBe(mixed.expected.corrections + mixed.expected.cancels);
    expect(mixed.expected.corrections).toBeGreaterThan(0);
    expect(mixed.expected.cancels).toBeGreaterThan(0);
  });

  it('never corrects or cancels a trade after its cancel', () => {
    const cancelled = new Set<string>();
    const afterCancel: unknown[] = [];
    for (const record of mixed.records) {
      if (record.kind === 'invalid' || record.kind === 'duplicate') continue;
      if (cancelled.has(record.event!.trade_id)) afterCancel.push(record.event);
      if (record.kind === 'cancel') cancelled.add(record.event!.trade_id);
    }
    expect(cancelled.size).toBeGreaterThan(0);
    expect(afterCancel).toEqual([]);
  });

  it('makes duplicates byte-for-byte re-sends of an earlier valid event, with its partition key', () => {
    const sentBefore = new Set<string>();
    const duplicates = mixed.records.filter((record) => record.kind === 'duplicate');
    expect(duplicates.length).toBe(150);
    const unmatched: GeneratedRecord[] = [];
    for (const record of mixed.records) {
      const key = `${record.partitionKey}|${record.data.toString('base64')}`;
      if (record.kind !== 'duplicate') {
        if (record.intended.ok) sentBefore.add(key);
      } else if (!sentBefore.has(key) || !record.intended.ok) unmatched.push(record);
    }
    expect(unmatched).toEqual([]);
  });

  it('moves some corrections to the day before, and never before the first partition date', () => {
    const moved = generateTrades({ count: 3000, seed: 1, corrections: 0.5, now, tradeDate: '2020-01-02' });
    const dates = new Set(moved.records.map((record) => (record.intended.ok ? record.intended.dt : '')));
    expect([...dates].sort()).toEqual([PARTITION_START_DATE, '2020-01-02']);
  });
});

describe('generateTrades: the expectation', () => {
  it('counts what the records hold: every record once, events keyed by (trade_id, exec_type, version)', () => {
    const { expected } = mixed;
    expect(expected.userRecords).toBe(3000);
    expect(expected.invalidRecords + expected.duplicates + expected.validEvents).toBe(3000);
    const keys = new Set(events.map((e) => `${e.trade_id}|${e.exec_type ?? 'NEW'}|${e.version ?? 1}`));
    expect(expected.validEvents).toBe(keys.size);
    expect(expected.newTrades + expected.corrections + expected.cancels).toBe(expected.validEvents);
    expect(expected.tradeIds).toBe(new Set(events.map((e) => e.trade_id)).size);
    expect(expected.tradeIds).toBe(expected.newTrades);
    expect(Object.values(expected.validEventsByDate).reduce((a, b) => a + b, 0)).toBe(expected.validEvents);
  });

  it("gives each trade its highest version's event and status, CANCELLED after a cancel", () => {
    const byId = new Map(mixed.expected.trades.map((trade) => [trade.tradeId, trade]));
    expect(byId.size).toBe(mixed.expected.tradeIds);
    expect(events.filter((event) => byId.get(event.trade_id)!.version < (event.version ?? 1))).toEqual([]);
    for (const trade of mixed.expected.trades) {
      const versions = events.filter((e) => e.trade_id === trade.tradeId).map((e) => e.version ?? 1);
      if (trade.version !== Math.max(...versions)) throw new Error(`${trade.tradeId}: not its highest version`);
    }
    const cancelled = mixed.records.filter((r) => r.kind === 'cancel').map((r) => r.event!.trade_id);
    for (const id of cancelled) expect(byId.get(id)).toMatchObject({ status: 'CANCELLED', execType: 'CANCEL' });
    expect(mixed.expected.trades.filter((t) => t.status === 'CANCELLED')).toHaveLength(cancelled.length);
    const ids = mixed.expected.trades.map((t) => t.tradeId);
    expect(ids).toEqual([...ids].sort());
  });

  it('is recomputed from the records alone to the same result', () => {
    expect(expectationOf(mixed.expected.seed, mixed.records)).toEqual(mixed.expected);
  });
});

describe('generateTrades: options', () => {
  it('reproduces the same records from the same seed, and others from another', () => {
    const options = { count: 500, invalidRatio: 0.1, corrections: 0.2, duplicates: 0.05, now };
    const bytes = (seed: number | string) =>
      generateTrades({ ...options, seed }).records.map((record) => record.data.toString('base64'));
    expect(bytes(7)).toEqual(bytes(7));
    expect(bytes('run-a')).toEqual(bytes('run-a'));
    expect(bytes(8)).not.toEqual(bytes(7));
  });

  it('reports a random seed when none is given, and that seed reproduces the run', () => {
    const first = generateTrades({ count: 50, now });
    const again = generateTrades({ count: 50, now, seed: first.expected.seed });
    expect(again.records.map((r) => r.data.toString())).toEqual(first.records.map((r) => r.data.toString()));
  });

  it('makes plain NEW trades with no invalid records, corrections or duplicates by default', () => {
    const plain = generateTrades({ count: 200, seed: 3, now });
    expect(plain.records.every((record) => record.kind === 'new')).toBe(true);
    expect(plain.expected).toMatchObject({ validEvents: 200, tradeIds: 200, invalidRecords: 0, duplicates: 0 });
  });

  it('makes only invalid records at a ratio of 1', () => {
    const allInvalid = generateTrades({ count: 40, seed: 3, invalidRatio: 1, now });
    expect(allInvalid.expected).toMatchObject({ userRecords: 40, invalidRecords: 40, validEvents: 0, tradeIds: 0 });
  });

  it.each([
    [{ count: -1 }, /count/],
    [{ count: 1.5 }, /count/],
    [{ count: 10, invalidRatio: 1.5 }, /invalidRatio/],
    [{ count: 10, corrections: 0.95 }, /corrections/],
    [{ count: 10, duplicates: 0.6 }, /duplicates/],
    [{ count: 10, tradeDate: '2026-02-30' }, /calendar date/],
    [{ count: 10, tradeDate: '2019-12-31' }, /outside the dates the writer accepts/],
    [{ count: 10, tradeDate: '2026-03-18' }, /outside the dates the writer accepts/],
  ])('refuses %j', (options, message) => {
    expect(() => generateTrades({ now, ...options })).toThrow(message);
  });

  it('accepts the day after ingestion, the last date the writer takes', () => {
    const tomorrow = generateTrades({ count: 20, seed: 1, tradeDate: '2026-03-17', now });
    expect(tomorrow.records.every((r) => r.intended.ok && r.intended.dt === '2026-03-17')).toBe(true);
    expect(disagreements(tomorrow.records)).toEqual([]);
  });
});
