/**
 * Realistic trades for the benchmark, reproducible from a seed: UUID v4 trade ids, about 500
 * symbols, every field of DESIGN §5, executed around midnight UTC so that a batch spans two `dt`
 * partitions, arriving in Kinesis a few milliseconds later.
 */
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { kinesisRecord, seededRandom } from '../fixtures/trade-events';

function uuidV4(next: () => number): string {
  let hex = '';
  for (let i = 0; i < 32; i += 1) {
    let digit = Math.floor(next() * 16);
    if (i === 12) digit = 4;
    if (i === 16) digit = 8 + (digit & 3);
    hex += digit.toString(16);
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const VENUES = [
  ['XNAS', 'USD'],
  ['XNYS', 'USD'],
  ['ARCX', 'USD'],
  ['BATS', 'USD'],
  ['IEXG', 'USD'],
  ['EDGX', 'USD'],
  ['XLON', 'GBP'],
  ['XETR', 'EUR'],
] as const;

/** The producer texts of `count` trades and their arrival times (seconds, ms fraction). */
export function realisticTrades(count: number, seed = 42): { texts: string[]; arrivals: number[] } {
  const next = seededRandom(seed);
  const symbols: { symbol: string; price: number }[] = [];
  const seen = new Set<string>();
  while (symbols.length < 500) {
    let symbol = '';
    const length = 1 + Math.floor(next() * 5);
    for (let i = 0; i < length; i += 1) symbol += LETTERS[Math.floor(next() * 26)];
    if (next() < 0.03) symbol += `.${LETTERS[Math.floor(next() * 2)]}`;
    if (seen.has(symbol)) continue;
    seen.add(symbol);
    symbols.push({ symbol, price: 5 + next() * 995 });
  }
  // From 30 seconds before midnight UTC to 30 seconds after: two partitions.
  let executedMs = Date.UTC(2026, 2, 11, 23, 59, 30);
  const stepMs = 60_000 / count;
  const texts: string[] = [];
  const arrivals: number[] = [];
  for (let i = 0; i < count; i += 1) {
    executedMs += stepMs * 2 * next();
    const instrument = symbols[Math.floor(next() * symbols.length)];
    instrument.price *= 1 + (next() - 0.5) / 500;
    const [venue, currency] = VENUES[Math.floor(next() * VENUES.length)];
    const trade = {
      trade_id: uuidV4(next),
      symbol: instrument.symbol,
      side: next() < 0.5 ? 'BUY' : 'SELL',
      quantity: next() < 0.7 ? 100 * (1 + Math.floor(next() * 20)) : 1 + Math.floor(next() * 999),
      price: instrument.price.toFixed(instrument.price < 10 ? 4 : 2),
      executed_at: new Date(Math.floor(executedMs)).toISOString(),
      currency,
      venue,
      account_id: `ACC-${String(Math.floor(next() * 2000)).padStart(6, '0')}`,
      trader_id: `TR-${String(Math.floor(next() * 300)).padStart(4, '0')}`,
    };
    texts.push(JSON.stringify(trade));
    arrivals.push(Math.floor(executedMs + 5 + next() * 45) / 1000);
  }
  return { texts, arrivals };
}

/** A Kinesis event of the trades, its sequence numbers starting at record number `firstIndex`. */
export function tradeEvent(
  trades: { texts: readonly string[]; arrivals: readonly number[] },
  firstIndex: number,
): KinesisStreamEvent {
  const base64 = trades.texts.map((text) => Buffer.from(text, 'utf8').toString('base64'));
  const Records: KinesisStreamRecord[] = base64.map((data, i) =>
    kinesisRecord(
      {
        base64: data,
        partitionKey: JSON.parse(trades.texts[i]).trade_id,
        approximateArrivalTimestamp: trades.arrivals[i],
      },
      firstIndex + i,
    ),
  );
  return { Records };
}
