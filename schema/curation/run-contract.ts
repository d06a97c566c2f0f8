/**
 * What a curation run takes and returns: the input of a Step Functions execution of the curation job
 * and the output of one that succeeded. Shared by the planner (lambda/curation-planner), the state
 * machine (lib/curated-zone) and whoever starts a run (`trades curate`, `trades replay`, the schedule).
 */
import { partitionDayProblem } from './values';

/**
 * The execution input. `{}` (the schedule's) merges the days whose raw prefixes got objects since the
 * last successful run, within the last `reconcileDays`; `days` adds days to merge whatever their
 * age (late trades, replays). Any other member is refused, so a typo never runs silently as `{}`.
 */
export interface CurationRunInput {
  /**
   * Raw partitions (`YYYY-MM-DD`, UTC) to merge in addition to those found. A run that names days
   * waits for a run in progress (OTHER_RUN_WAIT) instead of ending SKIPPED.
   */
  readonly days?: readonly string[];
}

/** The most days one execution input may name: a year and a leap day. */
export const MAX_REQUESTED_DAYS = 366;

/** Name of the error a run fails with when its input is refused (the execution's `error`). */
export const INVALID_INPUT_ERROR = 'InvalidCurationInput';

/**
 * How a run that names days waits for another run in progress (runs never overlap): it checks again
 * every `checkEverySeconds`, for at most `atMostSeconds` after its start, then fails with
 * OTHER_RUN_STILL_IN_PROGRESS_ERROR. Half the run's 6-hour timeout: the other half is left for its
 * own work (one day up to its watermark takes at most 1 h 48 min, curation-definition.ts). A run that
 * names no days (the schedule's) does not wait: it ends SKIPPED, and the next one lists what it would have.
 */
export const OTHER_RUN_WAIT = { checkEverySeconds: 300, atMostSeconds: 3 * 3600 } as const;

/** Name of the error a run that names days fails with when another run was still in progress after OTHER_RUN_WAIT. */
export const OTHER_RUN_STILL_IN_PROGRESS_ERROR = 'OtherCurationRunStillInProgress';

/**
 * Every problem of an execution input at `now`, or none. A day must be a partition the raw table
 * can hold: a calendar date from 2020-01-01 to tomorrow (UTC).
 */
export function curationInputProblems(input: unknown, now: Date): string[] {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return ['the input must be a JSON object such as {} or {"days": ["2026-01-02"]}'];
  }
  const problems = Object.keys(input)
    .filter((key) => key !== 'days')
    .map((key) => `unknown member "${key}": the input takes only "days"`);
  const days = (input as { days?: unknown }).days;
  if (days === undefined) return problems;
  if (!Array.isArray(days)) return [...problems, '"days" must be an array of dates written YYYY-MM-DD'];
  if (days.length > MAX_REQUESTED_DAYS) {
    problems.push(`"days" names ${days.length} days; one run takes at most ${MAX_REQUESTED_DAYS}`);
  }
  days.forEach((day, index) => {
    const problem = typeof day === 'string' ? partitionDayProblem(day, now) : 'not a string';
    if (problem !== undefined) problems.push(`days[${index}] ${JSON.stringify(day)}: ${problem}`);
  });
  return problems;
}

/** One merged day in the output of a run: its reconciliation counts (statements.ts, reconciliationQuery). */
export interface DayReconciliation {
  readonly day: string;
  readonly rawTrades: number;
  readonly curatedTrades: number;
  readonly duplicateRows: number;
  /** rawTrades - curatedTrades + duplicateRows: 0 when the day is reconciled (the UnreconciledTrades metric). */
  readonly unreconciledTrades: number;
}

/** The output of an execution that succeeded. */
export type CurationRunOutput =
  | {
      /**
       * Another run was in progress (runs never overlap) and this one named no days: nothing was done,
       * and the next scheduled run lists what this one would have. A run that names days waits instead.
       */
      readonly outcome: 'SKIPPED';
      readonly reason: string;
    }
  | {
      readonly outcome: 'CURATED';
      /** The days merged, in order: found by listing, and those of the input. */
      readonly days: readonly string[];
      readonly reconciliation: readonly DayReconciliation[];
      /** Whether this run also ran the day's VACUUM and duplicate check. */
      readonly vacuumed: boolean;
      /** Raw objects modified after this instant are looked for by the next run. */
      readonly watermark: string;
      /**
       * The days of `reconciliation` that did not reconcile: the next run merges and counts them again,
       * new objects or not. Absent from the output of a run before this member existed.
       */
      readonly unreconciledDays?: readonly string[];
      /** Unreconciled days of earlier runs given up because more were carried than a run takes (plan.ts, MAX_CARRIED_DAYS). */
      readonly droppedUnreconciledDays?: readonly string[];
    };
