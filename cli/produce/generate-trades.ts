import { randomInt } from 'node:crypto';
import { PARTITION_START_DATE } from '../../schema/layout';
import { EXEC_TYPES, type ExecType, SIDES, type Side } from '../../schema/trade-fields';
import { dateWindow } from '../../schema/validation/date-window';
import type { RejectionReason } from '../../schema/validation/rejection';
import { INVALID_VARIANTS, type IntendedRejection, type InvalidVariant, type TradeObject } from './invalid-records';
import { Random, seedOf } from './random';
import { type Instrument, InstrumentPicker, instrumentUniverse } from './symbols';
import { DAY_MS, isCalendarDate, regularSession, timestamp, utcDate } from './trading-day';

/**
 * Synthetic trades as trading systems send them (docs/design.md §5), and what the lake must hold once
 * they are in: a pure function of its options, so that `trades produce`, the local pipeline and the
 * tests share one generator and one expectation. Field names, allowed values and defaults come from
 * the shared trade-field table (schema/trade-fields.ts).
 */

export interface GenerateTradesOptions {
  /** How many user records to make: valid events, duplicates and invalid records together. */
  readonly count: number;
  /** Makes a run reproducible: the same seed and options give the same bytes. @default a random seed */
  readonly seed?: number | string;
  /** Share of records, in [0, 1], that the writer must quarantine, spread over every kind of defect. @default 0 */
  readonly invalidRatio?: number;
  /** Share of valid events, in [0, 0.9], that correct (CORRECT) or cancel (CANCEL) an earlier trade. @default 0 */
  readonly corrections?: number;
  /** Share of records, in [0, 0.5], that re-send an earlier valid event byte for byte. @default 0 */
  readonly duplicates?: number;
  /** The trading day, `YYYY-MM-DD`; trades fall in its New York regular session. @default the UTC date of `now` */
  readonly tradeDate?: string;
  /** The ingestion time the records are meant for: it decides which dates the writer accepts. @default the system clock */
  readonly now?: Date;
  /** How many symbols trade. @default 400 */
  readonly symbols?: number;
}

/** A valid event as the producer sends it. Optional members are absent rather than null. */
export interface TradeEvent {
  readonly trade_id: string;
  readonly symbol: string;
  readonly side: Side;
  readonly quantity: number;
  readonly price: string;
  readonly executed_at: string;
  readonly currency?: string;
  readonly venue?: string;
  readonly account_id?: string;
  readonly trader_id?: string;
  readonly exec_type?: ExecType;
  readonly version?: number;
}

export type RecordKind = 'new' | 'correct' | 'cancel' | 'duplicate' | 'invalid';

/** The verdict the writer is meant to give a record (validateTrade's, without its class). */
export type IntendedVerdict = { readonly ok: true; readonly dt: string } | ({ readonly ok: false } & IntendedRejection);

/** One Kinesis user record. */
export interface GeneratedRecord {
  /** The trade_id (an invalid record's too, or a key of its own when its trade_id is the defect). */
  readonly partitionKey: string;
  /** The record's bytes. Never holds a line break, so JSON Lines frames them exactly. */
  readonly data: Buffer;
  readonly kind: RecordKind;
  readonly intended: IntendedVerdict;
  /** The event a valid record or a duplicate carries. */
  readonly event?: TradeEvent;
  /** What an invalid record gets wrong. */
  readonly defect?: string;
}

/** Where a trade stands after all its events: a row of the curated zone (docs/design.md §10). */
export interface ExpectedTrade {
  readonly tradeId: string;
  /** The highest version sent. */
  readonly version: number;
  readonly execType: ExecType;
  readonly status: 'ACTIVE' | 'CANCELLED';
  /** The UTC date of the latest event's executed_at: the curated row's trade_date. */
  readonly tradeDate: string;
  /** The latest event as sent. */
  readonly event: TradeEvent;
}

/** What the lake must hold once every record is in (the local pipeline's summary compares against it). */
export interface ExpectedOutcome {
  /** The seed used: pass it as `seed` (or `--seed`) to make the same records again. */
  readonly seed: number;
  /** User records made: every one of them goes onto the stream. */
  readonly userRecords: number;
  /** Distinct valid events by (trade_id, exec_type, version), defaults applied: the raw table, deduplicated. */
  readonly validEvents: number;
  readonly newTrades: number;
  readonly corrections: number;
  readonly cancels: number;
  /** Re-sends of an earlier valid event; they add no valid event. */
  readonly duplicates: number;
  /** Records the writer quarantines. */
  readonly invalidRecords: number;
  readonly invalidByReason: Readonly<Partial<Record<RejectionReason, number>>>;
  /** Distinct trade_ids among valid events: the rows of curated.trades. */
  readonly tradeIds: number;
  /** Distinct valid events by UTC date (the raw table's `dt` partitions). */
  readonly validEventsByDate: Readonly<Record<string, number>>;
  /** Each trade's latest state, sorted by trade_id. */
  readonly trades: readonly ExpectedTrade[];
}

export interface GeneratedTrades {
  /** In the order they are to be sent: a trade's events follow its NEW. */
  readonly records: readonly GeneratedRecord[];
  readonly expected: ExpectedOutcome;
}

/** The most records one run makes; more would not fit comfortably in memory. */
export const MAX_RECORDS = 1_000_000;
export const MAX_CORRECTIONS = 0.9;
export const MAX_DUPLICATES = 0.5;
const DEFAULT_SYMBOLS = 400;

const VENUES = ['XNYS', 'XNAS', 'ARCX', 'BATS', 'EDGX', 'IEXG', 'XCHI', 'MEMX'] as const;
/** Share of a trade's corrections that move its execution to the day before (a late booking fixed). */
const DATE_MOVE_SHARE = 0.1;
const CANCEL_SHARE = 0.25;
/** Every reason equally often, whatever the number of variants each has: a small run still meets them all. */
const VARIANTS_BY_REASON: readonly (readonly InvalidVariant[])[] = [
  ...new Set(INVALID_VARIANTS.map(({ rejection }) => rejection.reason)),
].map((reason) => INVALID_VARIANTS.filter(({ rejection }) => rejection.reason === reason));

/** A trade while it is being generated. */
interface TradeState {
  readonly id: string;
  readonly instrument: Instrument;
  fields: TradeObject;
  version: number;
  /** Where its latest event sits in the sending order. */
  lastSlot: number;
}

interface Slotted {
  readonly slot: number;
  readonly record: GeneratedRecord;
}

function checkRatio(name: string, value: number | undefined, max: number): number {
  const ratio = value ?? 0;
  if (!(Number.isFinite(ratio) && ratio >= 0 && ratio <= max)) {
    throw new RangeError(`${name} must be a number from 0 to ${max}, not ${value}`);
  }
  return ratio;
}

/** The valid events, duplicates and invalid records to make, from the options. */
function plan(count: number, invalidRatio: number, corrections: number, duplicates: number) {
  const invalid = Math.round(count * invalidRatio);
  const remaining = count - invalid;
  const resends = Math.min(Math.round(count * duplicates), Math.max(remaining - 1, 0));
  const events = remaining - resends;
  const lifecycle = events === 0 ? 0 : Math.min(Math.round(events * corrections), events - 1);
  return { invalid, resends, lifecycle, newTrades: events - lifecycle };
}

function serialize(fields: TradeObject): Buffer {
  return Buffer.from(JSON.stringify(fields), 'utf8');
}

function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.max(Math.round(value * scale), 1) / scale;
}

function quantity(random: Random): number {
  const kind = random.float();
  if (kind < 0.7) return 100 * random.int(1, 50);
  if (kind < 0.95) return random.int(1, 99);
  return 100 * random.int(100, 500);
}

/** Generates `count` user records and what the lake must hold after them. */
export function generateTrades(options: GenerateTradesOptions): GeneratedTrades {
  const { count } = options;
  if (!(Number.isSafeInteger(count) && count >= 0 && count <= MAX_RECORDS)) {
    throw new RangeError(`count must be a whole number from 0 to ${MAX_RECORDS}, not ${count}`);
  }
  const invalidRatio = checkRatio('invalidRatio', options.invalidRatio, 1);
  const correctionRatio = checkRatio('corrections', options.corrections, MAX_CORRECTIONS);
  const duplicateRatio = checkRatio('duplicates', options.duplicates, MAX_DUPLICATES);
  const symbolCount = options.symbols ?? DEFAULT_SYMBOLS;
  if (!(Number.isSafeInteger(symbolCount) && symbolCount >= 1 && symbolCount <= 5000)) {
    throw new RangeError(`symbols must be a whole number from 1 to 5000, not ${symbolCount}`);
  }
  const now = options.now ?? new Date();
  const tradeDate = options.tradeDate ?? utcDate(now.getTime());
  const window = dateWindow(now);
  if (!isCalendarDate(tradeDate))
    throw new RangeError(`tradeDate must be a calendar date YYYY-MM-DD, not ${tradeDate}`);
  if (tradeDate < window.earliest || tradeDate > window.latest) {
    throw new RangeError(
      `tradeDate ${tradeDate} is outside the dates the writer accepts at ${now.toISOString()}: ${window.earliest} to ${window.latest}`,
    );
  }
  const seed = options.seed === undefined ? randomInt(2 ** 31) : seedOf(options.seed);
  const random = new Random(seed);
  const counts = plan(count, invalidRatio, correctionRatio, duplicateRatio);
  const picker = new InstrumentPicker(instrumentUniverse(random, symbolCount));
  const lastPrice = picker.instruments.map(({ open }) => open);
  const session = regularSession(tradeDate);
  const idPrefix = `T${tradeDate.replace(/-/g, '')}-${(seed >>> 0).toString(36).padStart(7, '0')}`;
  const accounts = Array.from({ length: 200 }, () => `ACC-${random.int(10000, 99999)}`);
  const traders = Array.from({ length: 60 }, () => `TRD-${random.int(100, 999)}`);

  const slotted: Slotted[] = [];
  const trades: TradeState[] = [];
  const validRecords: Slotted[] = [];
  /** Slots of the NEW trades run 0 … newTrades-1; later events land between their trade's last slot and the end. */
  const end = Math.max(counts.newTrades, 1);
  const slotAfter = (slot: number) => slot + (end - slot) * (1 - random.float());

  /** A fifth of the venues stamp New York time with its offset; the rest send UTC. */
  const timeOf = (ms: number, local: boolean) => timestamp(ms, local ? session.offsetMinutes : 0);

  const addValid = (trade: TradeState, kind: RecordKind, slot: number) => {
    const data = serialize(trade.fields);
    const event = JSON.parse(data.toString('utf8')) as TradeEvent;
    const record: GeneratedRecord = {
      partitionKey: trade.id,
      data,
      kind,
      intended: { ok: true, dt: utcDate(Date.parse(event.executed_at)) },
      event,
    };
    const entry = { slot, record };
    slotted.push(entry);
    validRecords.push(entry);
    trade.lastSlot = slot;
  };

  const sessionMs = session.endMs - session.startMs;
  for (let k = 0; k < counts.newTrades; k += 1) {
    const index = picker.pick(random);
    const instrument = picker.instruments[index];
    lastPrice[index] *= 1 + (random.float() - 0.5) * 0.004;
    const price = roundTo(lastPrice[index], instrument.decimals);
    const executedMs = Math.floor(session.startMs + ((k + random.float()) / counts.newTrades) * sessionMs);
    const id = `${idPrefix}-${String(k + 1).padStart(7, '0')}`;
    const fields: Record<string, string | number> = {
      trade_id: id,
      symbol: instrument.symbol,
      side: random.pick(SIDES),
      quantity: quantity(random),
      price: price.toFixed(instrument.decimals),
      executed_at: timeOf(executedMs, random.chance(0.2)),
    };
    if (random.chance(0.6)) fields.currency = 'USD';
    if (random.chance(0.9)) fields.venue = random.pick(VENUES);
    if (random.chance(0.8)) fields.account_id = random.pick(accounts);
    if (random.chance(0.7)) fields.trader_id = random.pick(traders);
    // Half of the NEW events leave exec_type and version to their defaults, as older producers do.
    if (random.chance(0.5)) {
      fields.exec_type = EXEC_TYPES[0];
      fields.version = 1;
    }
    const trade: TradeState = { id, instrument, fields, version: 1, lastSlot: k };
    trades.push(trade);
    addValid(trade, 'new', k);
  }

  const active = [...trades];
  for (let j = 0; j < counts.lifecycle; j += 1) {
    const at = random.int(0, active.length - 1);
    const trade = active[at];
    // The last active trade is never cancelled, so every later event still has a trade to correct.
    const cancel = active.length > 1 && random.chance(CANCEL_SHARE);
    trade.version += 1;
    if (cancel) {
      trade.fields = { ...trade.fields, exec_type: 'CANCEL', version: trade.version };
      // Swap-remove: the pick is random, so order does not matter, and splice would be O(n) per cancel.
      active[at] = active[active.length - 1];
      active.pop();
    } else {
      const fields: Record<string, string | number> = { ...trade.fields, exec_type: 'CORRECT', version: trade.version };
      const change = random.float();
      if (change < 0.7) {
        const price = Number(fields.price) * (1 + (random.float() - 0.5) * 0.02);
        fields.price = roundTo(price, trade.instrument.decimals).toFixed(trade.instrument.decimals);
      }
      if (change >= 0.6) fields.quantity = quantity(random);
      const executed = String(fields.executed_at);
      const dayBeforeMs = Date.parse(executed) - DAY_MS;
      if (utcDate(dayBeforeMs) >= PARTITION_START_DATE && random.chance(DATE_MOVE_SHARE)) {
        fields.executed_at = timeOf(dayBeforeMs, !executed.endsWith('Z'));
      }
      trade.fields = fields;
    }
    addValid(trade, cancel ? 'cancel' : 'correct', slotAfter(trade.lastSlot));
  }

  const originals = [...validRecords];
  for (let j = 0; j < counts.resends; j += 1) {
    const original = random.pick(originals);
    slotted.push({ slot: slotAfter(original.slot), record: { ...original.record, kind: 'duplicate' } });
  }

  for (let j = 0; j < counts.invalid; j += 1) {
    const variant = random.pick(random.pick(VARIANTS_BY_REASON));
    const index = picker.pick(random);
    const instrument = picker.instruments[index];
    const id = `${idPrefix}-X${String(j + 1).padStart(6, '0')}`;
    const base: TradeObject = {
      trade_id: id,
      symbol: instrument.symbol,
      side: random.pick(SIDES),
      quantity: quantity(random),
      price: roundTo(lastPrice[index], instrument.decimals).toFixed(instrument.decimals),
      executed_at: timeOf(session.startMs + Math.floor(random.float() * sessionMs), random.chance(0.2)),
      currency: 'USD',
      venue: random.pick(VENUES),
    };
    slotted.push({
      slot: random.float() * end,
      record: {
        partitionKey: id,
        data: variant.bytes(base, now),
        kind: 'invalid',
        intended: { ok: false, ...variant.rejection },
        defect: variant.defect,
      },
    });
  }

  // A stable sort: an event pushed after another at the same slot stays after it.
  const records = slotted.sort((a, b) => a.slot - b.slot).map(({ record }) => record);
  return { records, expected: expectationOf(seed, records) };
}

function keyOf(event: TradeEvent): string {
  return JSON.stringify([event.trade_id, event.exec_type ?? EXEC_TYPES[0], event.version ?? 1]);
}

/** What the lake holds after `records`, computed from the records alone (so it also checks the generator). */
export function expectationOf(seed: number, records: readonly GeneratedRecord[]): ExpectedOutcome {
  const events = new Map<string, TradeEvent>();
  const latest = new Map<string, TradeEvent>();
  const invalidByReason: Partial<Record<RejectionReason, number>> = {};
  const validEventsByDate: Record<string, number> = {};
  let duplicates = 0;
  let invalidRecords = 0;
  for (const record of records) {
    if (!record.intended.ok) {
      invalidRecords += 1;
      invalidByReason[record.intended.reason] = (invalidByReason[record.intended.reason] ?? 0) + 1;
      continue;
    }
    const event = record.event;
    if (event === undefined) throw new Error('a valid record without its event');
    const key = keyOf(event);
    if (events.has(key)) {
      duplicates += 1;
      continue;
    }
    events.set(key, event);
    validEventsByDate[record.intended.dt] = (validEventsByDate[record.intended.dt] ?? 0) + 1;
    const current = latest.get(event.trade_id);
    if (current === undefined || (current.version ?? 1) < (event.version ?? 1)) latest.set(event.trade_id, event);
  }
  const byType = (type: ExecType) => [...events.values()].filter((event) => (event.exec_type ?? 'NEW') === type).length;
  const trades = [...latest.values()]
    .sort((a, b) => (a.trade_id < b.trade_id ? -1 : a.trade_id > b.trade_id ? 1 : 0))
    .map((event): ExpectedTrade => {
      const execType = event.exec_type ?? 'NEW';
      return {
        tradeId: event.trade_id,
        version: event.version ?? 1,
        execType,
        status: execType === 'CANCEL' ? 'CANCELLED' : 'ACTIVE',
        tradeDate: utcDate(Date.parse(event.executed_at)),
        event,
      };
    });
  return {
    seed,
    userRecords: records.length,
    validEvents: events.size,
    newTrades: byType('NEW'),
    corrections: byType('CORRECT'),
    cancels: byType('CANCEL'),
    duplicates,
    invalidRecords,
    invalidByReason,
    tradeIds: latest.size,
    validEventsByDate,
    trades,
  };
}
