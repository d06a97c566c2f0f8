/**
 * What the curation planner promises the infrastructure and the state machine that call it: the
 * environment it reads, the event it takes, the plan it returns and the state object it reads. The
 * only file of lambda/curation-planner that lib/ may import (biome.json's noRestrictedImports).
 */
import type { MergeSlots, OptimizeSlots } from '../../schema/curation/statements';

/** Environment variables the planner reads; lib/curated-zone sets them. */
export const PLANNER_ENV = {
  /** The lake bucket whose `trades/dt=…/` prefixes are listed. */
  lakeBucketName: 'LAKE_BUCKET_NAME',
  /** The curated bucket, which holds the run state object. */
  curatedBucketName: 'CURATED_BUCKET_NAME',
  /** How many days back (today included) each run lists. */
  reconcileDays: 'RECONCILE_DAYS',
} as const;

/**
 * Key of the run state in the curated bucket: read by the planner, written by the state machine once
 * a run's days are merged and reconciled, and again once its VACUUM has succeeded.
 */
export const CURATION_STATE_KEY = 'curation/state.json';

/** What the state machine remembers between runs. */
export interface CurationState {
  readonly version: 1;
  /** Raw objects modified at or after this instant (less a clock-skew margin) are new to the next run. */
  readonly watermark: string;
  /** The UTC day of the last VACUUM. */
  readonly lastVacuumDate?: string;
  /**
   * The days the last run merged whose reconciliation did not come out 0, in order. The next run
   * merges and counts them again whether or not they have new objects (up to MAX_CARRIED_DAYS, plan.ts),
   * so `UnreconciledTrades` stays above 0 until a run counts each of them right. Written by the state
   * machine from the run's reconciliation (the planner cannot know it); absent before the first run
   * that wrote it.
   */
  readonly unreconciledDays?: readonly string[];
}

/** The planner's event, built by the state machine from its context. */
export interface PlannerEvent {
  /** The execution's input, as given (checked here: see schema/curation/run-contract.ts). */
  readonly executionInput: unknown;
  /** The execution's start time (ISO 8601): every retry of the planner plans the same run. */
  readonly executionStartTime: string;
}

/** One day to merge, with the literals and parameters its statements take. */
export interface DayPlan {
  readonly day: string;
  /**
   * Raw rows of the day ingested before this instant are merged and reconciled: the run's start for
   * a day the input names, the run's settled cutoff for a day found by listing (schema/curation/window.ts).
   */
  readonly cutoff: string;
  /** Literals of the MERGE template (statements.ts, mergeSlots). */
  readonly slots: MergeSlots;
  /** The reconciliation's parameters, quoted as Athena takes string execution parameters. */
  readonly reconciliationParameters: readonly string[];
}

/** What one run does. */
export interface RunPlan {
  readonly runStart: string;
  /**
   * The settled cutoff (the run's start less SETTLE_MINUTES): that of the days found by listing, and
   * the next state's watermark. A day the input names is merged up to the run's start (DayPlan.cutoff).
   */
  readonly cutoff: string;
  /** The days to merge, in order. */
  readonly days: readonly DayPlan[];
  /** The same days as plain dates (the run's output names them). */
  readonly dayList: readonly string[];
  /** Literals of the OPTIMIZE template, when there are days. */
  readonly optimizeSlots?: OptimizeSlots;
  /** Whether this run runs the day's VACUUM and duplicate check. */
  readonly vacuum: boolean;
  /** The state's unreconciled days this run merges and counts again (they are among `dayList`). */
  readonly carriedUnreconciledDays: readonly string[];
  /**
   * The state's unreconciled days beyond MAX_CARRIED_DAYS (the oldest): not merged by this run and no
   * longer carried. The planner logs them and the run's output names them; merge them by name once
   * the cause is fixed.
   */
  readonly droppedUnreconciledDays: readonly string[];
  /**
   * The state the state machine writes once every day is merged and reconciled, before any
   * maintenance: this run's watermark, and the last VACUUM's date as it was. A maintenance statement
   * that keeps failing then never holds the watermark back (every run would merge again every day
   * since), and never counts as the day's VACUUM. The state machine adds `unreconciledDays` from the
   * run's reconciliation.
   */
  readonly stateAfterMerge: CurationState;
  /**
   * The state written once this run's VACUUM has succeeded: the same watermark, today's date (and the
   * same `unreconciledDays`, added by the state machine). Only when `vacuum`.
   */
  readonly stateAfterVacuum?: CurationState;
}
