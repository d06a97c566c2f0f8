import type { Random } from './random';

/** An instrument the generator trades, with where its price starts and how it is quoted. */
export interface Instrument {
  readonly symbol: string;
  /** The price the day opens at. */
  readonly open: number;
  /** Decimal places of a quote: 2, or 4 for a stock under one dollar (sub-penny quotes, Reg NMS rule 612). */
  readonly decimals: number;
  /** Relative share of the day's trades: a few names trade far more than the rest. */
  readonly weight: number;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function ticker(random: Random): string {
  const length = random.pick([1, 2, 3, 3, 3, 4, 4, 4, 4]);
  let symbol = '';
  for (let at = 0; at < length; at += 1) symbol += LETTERS[random.int(0, LETTERS.length - 1)];
  // Share classes and when-issued lines use the two punctuation marks the symbol rule allows.
  if (random.chance(0.03)) symbol += `.${random.pick(['A', 'B'])}`;
  else if (random.chance(0.01)) symbol += '-WI';
  return symbol;
}

/**
 * `count` distinct symbols, from the seed: opening prices log-uniform from $3 to $900 (5% penny
 * stocks from $0.05), and Zipf-like weights so that volume concentrates on the first names.
 */
export function instrumentUniverse(random: Random, count: number): Instrument[] {
  const symbols = new Set<string>();
  while (symbols.size < count) symbols.add(ticker(random));
  return [...symbols].map((symbol, rank) => {
    const penny = random.chance(0.05);
    const [low, high] = penny ? [0.05, 1] : [3, 900];
    const open = Math.exp(Math.log(low) + random.float() * (Math.log(high) - Math.log(low)));
    return { symbol, open, decimals: penny ? 4 : 2, weight: 1 / (rank + 1) ** 0.8 };
  });
}

/** Picks instruments by weight in O(log n). */
export class InstrumentPicker {
  private readonly cumulative: number[] = [];

  constructor(readonly instruments: readonly Instrument[]) {
    let total = 0;
    for (const { weight } of instruments) {
      total += weight;
      this.cumulative.push(total);
    }
  }

  pick(random: Random): number {
    const target = random.float() * this.cumulative[this.cumulative.length - 1];
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.cumulative[middle] > target) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
