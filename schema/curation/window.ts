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
 * LastModified is after the new watermark), so nothing is skipped, and a run's MERGE and its
 * reconciliation read exactly the same rows.
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

/** The cutoff of a run that started at `runStart`. */
export function cutoffOf(runStart: Date): string {
  return new Date(runStart.getTime() - SETTLE_MINUTES * 60_000).toISOString();
}
