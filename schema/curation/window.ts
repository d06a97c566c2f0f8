/**
 * What one day's merge reads and where it looks for the rows it may replace.
 */
import { addDays, requireDay, requireInstant } from './values';

/**
 * How far (in days, either way) a correction may move a trade and still have its row moved. The
 * MERGE looks for a trade's current row within this many days of the day it merges, because looking
 * through the whole table would read every trade_id ever curated on every run. A trade moved further
 * gets a second row: the daily duplicate check counts it and alarms (docs/curated-zone.md says how to
 * repair it).
 */
export const MOVE_WINDOW_DAYS = 7;

/**
 * A run merges only raw rows ingested this many minutes before it started: an object becomes visible
 * after its PutObject, which the writer finishes within its 2-minute timeout of stamping
 * `ingestion_time`. Every row the cutoff leaves out lies in an object the next run lists (its
 * LastModified is after the new watermark), so nothing is skipped, and a listed day's MERGE and its
 * reconciliation read exactly the same rows. A day the input names is cut at the run's start instead
 * (namedDayCutoffOf); the watermark stays this settled cutoff either way.
 */
export const SETTLE_MINUTES = 15;

/** One day's merge: the raw rows of `day` ingested before `cutoff`, matched against `lookupFrom`..`lookupTo`. */
export interface MergeWindow {
  /** The raw partition merged, `YYYY-MM-DD`. */
  readonly day: string;
  /** Raw rows with `ingestion_time` before this instant are merged (`YYYY-MM-DDTHH:MM:SS.mmmZ`). */
  readonly cutoff: string;
  /** First trade_date searched for the rows a merged event may replace. */
  readonly lookupFrom: string;
  /** Last trade_date searched. */
  readonly lookupTo: string;
}

/** The window of one day's merge with a run's cutoff. */
export function mergeWindow(day: string, cutoff: string): MergeWindow {
  requireDay(day);
  requireInstant(cutoff);
  return { day, cutoff, lookupFrom: addDays(day, -MOVE_WINDOW_DAYS), lookupTo: addDays(day, MOVE_WINDOW_DAYS) };
}

/**
 * The settled cutoff of a run that started at `runStart`: the cutoff of the days it found by listing,
 * and the watermark it saves for the next run.
 */
export function cutoffOf(runStart: Date): string {
  return new Date(runStart.getTime() - SETTLE_MINUTES * 60_000).toISOString();
}

/**
 * The cutoff of a day the execution input names (`trades replay`, `trades curate --date`): the run's
 * start itself, not the settled cutoff. A named day is asked for after its writes finished: `trades
 * replay` starts the run only once the writer's synchronous invoke has returned, seconds after it
 * stamped the replayed rows' `ingestion_time`, and an operator names a day after its late trades. With
 * the settled cutoff those rows would be left out, and a named day older than `reconcileDays` is never
 * listed again, so it would never be merged, while its reconciliation (same cutoff) reported nothing
 * missing.
 *
 * The trade-off: a row of a named day still in flight at the run's start (its object not yet visible)
 * is left out of the MERGE; when the day is within `reconcileDays` a later run merges it (its object is
 * newer than the watermark, which stays the settled cutoff). And a row that becomes visible between the
 * day's MERGE and its reconciliation is counted by the reconciliation and not by the MERGE: the
 * `UnreconciledTrades` alarm says so, and merging the day again (`trades curate --date`) fixes it.
 */
export function namedDayCutoffOf(runStart: Date): string {
  return runStart.toISOString();
}
