import { createHash } from 'node:crypto';
import { type RandomGenerator, unsafeUniformIntDistribution, xoroshiro128plus } from 'pure-rand';

/**
 * A seeded source of random choices: the same seed gives the same trades on every machine and Node
 * version (pure-rand's xoroshiro128+ and its unbiased integer distribution), which is what makes
 * `--seed` reproduce a run exactly.
 */
export class Random {
  private readonly generator: RandomGenerator;

  constructor(seed: number) {
    this.generator = xoroshiro128plus(seed);
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return unsafeUniformIntDistribution(min, max, this.generator);
  }

  /** A number in [0, 1) with 53 bits of randomness. */
  float(): number {
    const high = unsafeUniformIntDistribution(0, 2 ** 26 - 1, this.generator);
    const low = unsafeUniformIntDistribution(0, 2 ** 27 - 1, this.generator);
    return (high * 2 ** 27 + low) / 2 ** 53;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return p > 0 && this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(0, items.length - 1)];
  }

  /** Fisher–Yates, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let at = items.length - 1; at > 0; at -= 1) {
      const other = this.int(0, at);
      [items[at], items[other]] = [items[other], items[at]];
    }
    return items;
  }
}

/** A seed as the generator takes it: a 32-bit integer as it is, any other text hashed to one. */
export function seedOf(seed: number | string): number {
  if (typeof seed === 'number' && Number.isInteger(seed) && seed >= -(2 ** 31) && seed < 2 ** 32) return seed | 0;
  return createHash('sha256').update(String(seed)).digest().readInt32BE(0);
}
