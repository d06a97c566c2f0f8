import type { FaultCounts } from './chaos';

/**
 * The one line a script reads at the end of a run (issues #10 and #12):
 *
 *   sent=N events=E invalid=I written=W quarantined=Q duplicates=D trades=T objects=O bytes_per_trade=X seconds=S curated=C curated_bytes_per_trade_vwap=V lost=L unexpected=U
 *
 * From the producer's side: `sent` Kinesis user records, `events` distinct valid trade events,
 * `invalid` records that cannot be trades, `trades` distinct trade_ids of the valid events. From
 * what landed, counted from the objects: `written`, `quarantined`, `duplicates`, `objects`,
 * `bytes_per_trade`. From the curated files: `curated` (rows) and `curated_bytes_per_trade_vwap`.
 * From the producer's records compared with the objects, identity by identity: `lost` (records sent
 * that are not in the zone they were meant for) and `unexpected` (records found where none was sent);
 * they come after the curated fields, so that every field before them keeps its place.
 * The curated zone's fields come after `seconds`, so that the first ten keep the places issue #10
 * gave them, and with `--chaos` the faults injected come last (`faults_stale`, added after the
 * others, last of all): every field has one place whatever the options, except the faults, which
 * only a chaos run has.
 */

/** The fields of the summary line, in their order. */
export interface Summary {
  readonly sent: number;
  readonly events: number;
  readonly invalid: number;
  readonly written: number;
  readonly quarantined: number;
  readonly duplicates: number;
  readonly trades: number;
  readonly objects: number;
  readonly bytesPerTrade: number;
  readonly seconds: number;
  /** Rows of curated.trades, read from its Parquet files: `trades` when every trade is there once. */
  readonly curated: number;
  /** Compressed bytes of the curated columns a day's VWAP reads, per trade of that day. */
  readonly curatedBytesPerTradeVwap: number;
  /** Records sent that are not under their identity in `trades/` (valid) or `quarantine/` (invalid). */
  readonly lost: number;
  /** Identities found in `trades/` or `quarantine/` that no record sent for that zone has. */
  readonly unexpected: number;
  /** With `--chaos`: the faults injected. */
  readonly faults?: FaultCounts;
}

/** A figure of the summary line: one decimal. */
export function oneDecimal(value: number): string {
  return (Math.round(value * 10) / 10).toFixed(1);
}

export function summaryLine(summary: Summary): string {
  const fields: [string, string | number][] = [
    ['sent', summary.sent],
    ['events', summary.events],
    ['invalid', summary.invalid],
    ['written', summary.written],
    ['quarantined', summary.quarantined],
    ['duplicates', summary.duplicates],
    ['trades', summary.trades],
    ['objects', summary.objects],
    ['bytes_per_trade', oneDecimal(summary.bytesPerTrade)],
    ['seconds', oneDecimal(summary.seconds)],
    ['curated', summary.curated],
    ['curated_bytes_per_trade_vwap', oneDecimal(summary.curatedBytesPerTradeVwap)],
    ['lost', summary.lost],
    ['unexpected', summary.unexpected],
  ];
  if (summary.faults !== undefined) {
    const { unavailable, hung, redelivered, stale } = summary.faults;
    fields.push(
      ['faults', unavailable + hung + redelivered + stale],
      ['faults_503', unavailable],
      ['faults_hung', hung],
      ['faults_redelivered', redelivered],
      ['faults_stale', stale],
    );
  }
  return fields.map(([name, value]) => `${name}=${value}`).join(' ');
}

/** The fields of a summary line, by name (numbers where the value is one). */
export function parseSummaryLine(line: string): Record<string, number> {
  const fields: Record<string, number> = {};
  for (const field of line.trim().split(/\s+/)) {
    const equals = field.indexOf('=');
    if (equals <= 0) throw new Error(`not a summary field: ${JSON.stringify(field)}`);
    fields[field.slice(0, equals)] = Number(field.slice(equals + 1));
  }
  return fields;
}

/**
 * What the summary's counts say went wrong, in words; empty when written = events and quarantined =
 * invalid. Necessary, not sufficient: `checkRecords` (lake-count.ts) compares the records themselves.
 */
export function lossesOf(summary: Pick<Summary, 'events' | 'written' | 'invalid' | 'quarantined'>): string[] {
  const compare = (found: number, expected: number, what: string, where: string): string | undefined => {
    if (found === expected) return undefined;
    return found < expected
      ? `${expected - found} ${what} missing from ${where}`
      : `${found - expected} more ${what} in ${where} than the producer sent`;
  };
  return [
    compare(summary.written, summary.events, 'trade events', 'the raw zone'),
    compare(summary.quarantined, summary.invalid, 'invalid records', 'quarantine'),
  ].filter((loss): loss is string => loss !== undefined);
}
