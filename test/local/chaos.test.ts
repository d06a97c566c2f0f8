import { generateTrades } from '../../cli/produce';
import { Chaos, type PutFault } from '../../local/chaos';

/** The faults of `attempts` attempts at each of `keys` keys. */
function faultsOf(chaos: Chaos, keys: number, attempts: number): PutFault[][] {
  return Array.from({ length: keys }, (_, key) =>
    Array.from({ length: attempts }, () =>
      chaos.putFault(`trades/dt=2026-03-11/shardId-000000000001-#${key}-#9.jsonl.gz`),
    ),
  );
}

describe('chaos: seeded faults', () => {
  it('decides the same faults for the same seed and identities, whatever order they are asked in', () => {
    const forward = faultsOf(new Chaos('seed-7'), 200, 6);
    const reversed = new Chaos('seed-7');
    const backwards = Array.from({ length: 200 }, (_, i) => 199 - i).map((key) =>
      Array.from({ length: 6 }, () =>
        reversed.putFault(`trades/dt=2026-03-11/shardId-000000000001-#${key}-#9.jsonl.gz`),
      ),
    );
    expect(backwards.reverse()).toEqual(forward);
  });

  it('decides other faults for another seed', () => {
    expect(faultsOf(new Chaos('seed-8'), 200, 6)).not.toEqual(faultsOf(new Chaos('seed-7'), 200, 6));
  });

  it('ends every outage within four attempts, so the writer sees some writes fail and every write land in the end', () => {
    const faults = faultsOf(new Chaos('seed-7', { outage: 1, hang: 0, redelivery: 0, stale: 0 }), 400, 8);
    const outageLengths = faults.map((attempts) => attempts.findIndex((fault) => fault !== 'unavailable'));
    expect(Math.min(...outageLengths)).toBe(1);
    expect(Math.max(...outageLengths)).toBe(4);
    // Longer than the SDK's three attempts: the writer reports those to Lambda.
    expect(outageLengths.filter((length) => length > 3).length).toBeGreaterThan(0);
    expect(faults.every((attempts) => attempts.slice(4).every((fault) => fault === 'none'))).toBe(true);
  });

  it('injects each fault at about its rate and counts what it injected', () => {
    const chaos = new Chaos('seed-7', { outage: 0.3, hang: 0.1, redelivery: 0.25, stale: 0 });
    const faults = faultsOf(chaos, 2000, 1).flat();
    const share = (kind: PutFault) => faults.filter((fault) => fault === kind).length / faults.length;
    expect(share('unavailable')).toBeGreaterThan(0.25);
    expect(share('unavailable')).toBeLessThan(0.35);
    expect(share('hang-before-store') + share('hang-after-store')).toBeGreaterThan(0.04);
    expect(share('hang-before-store') + share('hang-after-store')).toBeLessThan(0.1);
    const redelivered = Array.from({ length: 2000 }, (_, i) => chaos.redeliver(`shard#${i}`)).filter(Boolean).length;
    expect(chaos.faults()).toEqual({
      unavailable: faults.filter((fault) => fault === 'unavailable').length,
      hung: faults.filter((fault) => fault.startsWith('hang')).length,
      redelivered,
      stale: 0,
    });
    expect(redelivered / 2000).toBeGreaterThan(0.2);
    expect(redelivered / 2000).toBeLessThan(0.3);
  });

  it('scripts the first object of the first shard: four 503s, then a write stored but never answered', () => {
    const chaos = new Chaos('any-seed', { outage: 0, hang: 0, redelivery: 0, stale: 0 });
    const first = 'trades/dt=2026-03-11/shardId-000000000000-#0-#2499.jsonl.gz';
    expect(Array.from({ length: 6 }, () => chaos.putFault(first))).toEqual([
      'unavailable',
      'unavailable',
      'unavailable',
      'unavailable',
      'hang-after-store',
      'none',
    ]);
    // The halves of the bisected batch start at position 0 too, and are left to the seed.
    expect(chaos.putFault('trades/dt=2026-03-11/shardId-000000000000-#0-#1249.jsonl.gz')).toBe('none');
    expect(chaos.faults()).toMatchObject({ unavailable: 4, hung: 1 });
  });

  it('delivers the first success at position 0 of the first shard twice, once', () => {
    const chaos = new Chaos('any-seed', { outage: 0, hang: 0, redelivery: 0, stale: 0 });
    expect(chaos.redeliver('shardId-000000000000#0+1250@1')).toBe(true);
    expect(chaos.redeliver('shardId-000000000000#0+625@2')).toBe(false);
    expect(chaos.redeliver('shardId-000000000001#0+2500@0')).toBe(false);
  });
});

describe('chaos: stale re-sends', () => {
  const generated = generateTrades({
    count: 4000,
    seed: 11,
    corrections: 0.2,
    duplicates: 0.02,
    invalidRatio: 0.03,
    now: new Date('2026-03-11T18:00:00Z'),
  });
  const versionsOf = (tradeId: string) =>
    generated.records.filter(({ event, kind }) => event?.trade_id === tradeId && kind !== 'duplicate');

  it('sends again, byte for byte, an older version of about its share of the trades that have a later one', () => {
    const chaos = new Chaos('seed-7', { outage: 0, hang: 0, redelivery: 0, stale: 0.3 });
    const resends = chaos.staleResends(generated.records);
    const corrected = new Set(
      generated.records
        .filter(({ kind }) => kind === 'correct' || kind === 'cancel')
        .map(({ event }) => event?.trade_id),
    );
    expect(resends.length / corrected.size).toBeGreaterThan(0.25);
    expect(resends.length / corrected.size).toBeLessThan(0.35);
    const tradeIds = resends.map(({ event }) => event?.trade_id as string);
    expect(new Set(tradeIds).size).toBe(resends.length);
    for (const resend of resends) {
      const versions = versionsOf(resend.event?.trade_id as string);
      const latest = Math.max(...versions.map(({ event }) => event?.version ?? 1));
      expect(resend.event?.version ?? 1).toBeLessThan(latest);
      // The same bytes as a record of that trade sent before: the event is not a new one.
      expect(versions.some(({ data }) => data.equals(resend.data))).toBe(true);
      expect(resend).toMatchObject({ kind: 'duplicate', intended: { ok: true } });
      expect(resend.partitionKey).toBe(resend.event?.trade_id);
    }
    // Not always the first version: a trade corrected twice may get its second sent again.
    expect(resends.some(({ event }) => (event?.version ?? 1) > 1)).toBe(true);
    expect(chaos.faults()).toMatchObject({ stale: resends.length });
  });

  it('picks the same re-sends for the same seed, others for another, and none at rate 0', () => {
    const rates = { outage: 0, hang: 0, redelivery: 0, stale: 0.3 };
    const picked = (seed: string) =>
      new Chaos(seed, rates).staleResends(generated.records).map(({ data }) => data.toString());
    expect(picked('seed-7')).toEqual(picked('seed-7'));
    expect(picked('seed-8')).not.toEqual(picked('seed-7'));
    expect(new Chaos('seed-7', { ...rates, stale: 0 }).staleResends(generated.records)).toEqual([]);
  });
});
