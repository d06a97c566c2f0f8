/**
 * Realistic trades for the benchmark, reproducible from a seed: UUID v4 trade ids, 500 symbols,
 * decimal-string prices, every field of docs/design.md §5, executed at random times spread over the dates
 * given (interleaved when there are several), arriving in Kinesis a few milliseconds apart; a share
 * of them broken the ways producers break trades. A batch in Kinesis records, plain or in KPL
 * aggregates built with aws-kinesis-agg.
 */
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { aggregate } from '../fixtures/kpl-aggregates';
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
const DAY_MS = 86_400_000;

/** How a broken trade is broken: the faults a producer makes, each quarantined for its own reason. */
const BREAKAGES: ((trade: Record<string, unknown>, text: string) => string)[] = [
  (trade) => JSON.stringify({ ...trade, quantity: -Number(trade.quantity) }),
  (trade) => JSON.stringify({ ...trade, side: String(trade.side).toLowerCase() }),
  (trade) => JSON.stringify({ ...trade, symbol: undefined }),
  (trade) => JSON.stringify({ ...trade, executed_at: String(trade.executed_at).slice(0, 19) }),
  (_, text) => text.slice(0, text.length - 7),
];

/** What a benchmark batch is made of. */
export interface TradeOptions {
  readonly seed?: number;
  /** UTC dates (`YYYY-MM-DD`) the trades are executed on, in turn. */
  readonly dates: readonly string[];
  /** Share of records broken so that the writer quarantines them. @default 0 */
  readonly invalidShare?: number;
}

/** Producer texts and arrival times (seconds, ms fraction) of a batch. */
export interface Trades {
  readonly texts: string[];
  readonly partitionKeys: string[];
  readonly arrivals: number[];
  /** Texts the writer must quarantine. */
  readonly invalid: number;
}

/** The producer texts of `count` trades and their arrival times. */
export function realisticTrades(count: number, options: TradeOptions): Trades {
  const next = seededRandom(options.seed ?? 42);
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
  const dayStarts = options.dates.map((date) => Date.parse(`${date}T00:00:00Z`));
  const texts: string[] = [];
  const partitionKeys: string[] = [];
  const arrivals: number[] = [];
  let invalid = 0;
  const arrivalStart = Math.max(...dayStarts) + DAY_MS - 60_000;
  for (let i = 0; i < count; i += 1) {
    const executedMs = dayStarts[i % dayStarts.length] + Math.floor(next() * (DAY_MS - 60_000));
    const instrument = symbols[Math.floor(next() * symbols.length)];
    instrument.price *= 1 + (next() - 0.5) / 500;
    const [venue, currency] = VENUES[Math.floor(next() * VENUES.length)];
    const trade: Record<string, unknown> = {
      trade_id: uuidV4(next),
      symbol: instrument.symbol,
      side: next() < 0.5 ? 'BUY' : 'SELL',
      quantity: next() < 0.7 ? 100 * (1 + Math.floor(next() * 20)) : 1 + Math.floor(next() * 999),
      price: instrument.price.toFixed(instrument.price < 10 ? 4 : 2),
      executed_at: new Date(executedMs).toISOString(),
      currency,
      venue,
      account_id: `ACC-${String(Math.floor(next() * 2000)).padStart(6, '0')}`,
      trader_id: `TR-${String(Math.floor(next() * 300)).padStart(4, '0')}`,
    };
    let text = JSON.stringify(trade);
    if (next() < (options.invalidShare ?? 0)) {
      text = BREAKAGES[Math.floor(next() * BREAKAGES.length)](trade, text);
      invalid += 1;
    }
    texts.push(text);
    partitionKeys.push(String(trade.trade_id));
    // A minute of arrivals, as a batching window of 60 s gathers them.
    arrivals.push(Math.floor(arrivalStart + (60_000 * i) / count) / 1000);
  }
  return { texts, partitionKeys, arrivals, invalid };
}

/**
 * A Kinesis event of the trades, one per record, sequence numbers from record number `firstIndex`,
 * from `shardId` (@default the fixtures' shard).
 */
export function tradeEvent(trades: Trades, firstIndex: number, shardId?: string): KinesisStreamEvent {
  const Records: KinesisStreamRecord[] = trades.texts.map((text, i) =>
    kinesisRecord(
      { text, partitionKey: trades.partitionKeys[i], approximateArrivalTimestamp: trades.arrivals[i], shardId },
      firstIndex + i,
    ),
  );
  return { Records };
}

/** The KPL's default AggregationMaxSize (51,200 bytes): the size an aggregate is filled to. */
export const KPL_AGGREGATION_MAX_SIZE = 51_200;

/** The trades in KPL aggregates of at most {@link KPL_AGGREGATION_MAX_SIZE} bytes, as the KPL fills them. */
export function aggregatedTradeEvent(trades: Trades, firstIndex: number): KinesisStreamEvent {
  const Records: KinesisStreamRecord[] = [];
  let run: { partitionKey: string; data: string }[] = [];
  let bytes = 0;
  let arrival = trades.arrivals[0];
  const flush = () => {
    const { partitionKey, data } = aggregate(run);
    Records.push(
      kinesisRecord({ bytes: data, partitionKey, approximateArrivalTimestamp: arrival }, firstIndex + Records.length),
    );
    run = [];
    bytes = 0;
  };
  for (const [i, text] of trades.texts.entries()) {
    // The user record, its partition key and a few bytes of protobuf framing.
    const size = Buffer.byteLength(text) + trades.partitionKeys[i].length + 8;
    if (run.length > 0 && bytes + size > KPL_AGGREGATION_MAX_SIZE - 20) flush();
    if (run.length === 0) arrival = trades.arrivals[i];
    run.push({ partitionKey: trades.partitionKeys[i], data: text });
    bytes += size;
  }
  if (run.length > 0) flush();
  return { Records };
}

/** The UTC date `days` before `now`. */
export function daysBefore(now: Date, days: number): string {
  return new Date(now.getTime() - days * DAY_MS).toISOString().slice(0, 10);
}
