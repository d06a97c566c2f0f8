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
    const faults = faultsOf(new Chaos('seed-7', { outage: 1, hang: 0, redelivery: 0 }), 400, 8);
    const outageLengths = faults.map((attempts) => attempts.findIndex((fault) => fault !== 'unavailable'));
    expect(Math.min(...outageLengths)).toBe(1);
    expect(Math.max(...outageLengths)).toBe(4);
    // Longer than the SDK's three attempts: the writer reports those to Lambda.
    expect(outageLengths.filter((length) => length > 3).length).toBeGreaterThan(0);
    expect(faults.every((attempts) => attempts.slice(4).every((fault) => fault === 'none'))).toBe(true);
  });

  it('injects each fault at about its rate and counts what it injected', () => {
    const chaos = new Chaos('seed-7', { outage: 0.3, hang: 0.1, redelivery: 0.25 });
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
    });
    expect(redelivered / 2000).toBeGreaterThan(0.2);
    expect(redelivered / 2000).toBeLessThan(0.3);
  });

  it('scripts the first object of the first shard: four 503s, then a write stored but never answered', () => {
    const chaos = new Chaos('any-seed', { outage: 0, hang: 0, redelivery: 0 });
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
    const chaos = new Chaos('any-seed', { outage: 0, hang: 0, redelivery: 0 });
    expect(chaos.redeliver('shardId-000000000000#0+1250@1')).toBe(true);
    expect(chaos.redeliver('shardId-000000000000#0+625@2')).toBe(false);
    expect(chaos.redeliver('shardId-000000000001#0+2500@0')).toBe(false);
  });
});
