import { sequenceHash } from '../../schema/object-keys';

// In the slow project (jest.config.js): 200,000 hashes take jest a few seconds a case.
describe('the sequence-number hash of object keys (schema/object-keys.ts)', () => {
  it.each([
    ['consecutive sequence numbers', 0],
    ['sequence numbers 10^21 apart', 21],
  ])('collides no more often than chance on %s (200,000 of them)', (_, power) => {
    // A 32-bit hash of n distinct inputs collides about n^2 / 2^33 times by chance: 4.7 here.
    // FNV-1a over whole words, tried first, collided 1,280 and 4,480 times on these.
    const first = '49590338271490256608559692538361571095921575989136588898';
    // first + i x 10^power, by the nine digits above 10^power (no carry out of them here).
    const end = first.length - power;
    const window = Number(first.slice(end - 9, end));
    const count = 200_000;
    const hashes = new Set<number>();
    for (let i = 0; i < count; i += 1) {
      hashes.add(sequenceHash(`${first.slice(0, end - 9)}${window + i}${first.slice(end)}`));
    }
    expect(count - hashes.size).toBeLessThanOrEqual(20);
  });
});
