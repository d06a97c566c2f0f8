/**
 * Plans one curation run (docs/design.md §10). Pure: the listing is done by the caller, so the same inputs
 * always give the same plan.
 */
import { curationInputProblems, INVALID_INPUT_ERROR } from '../../schema/curation/run-contract';
import { mergeSlots, optimizeSlots, reconciliationParameters } from '../../schema/curation/statements';
import { addDays, athenaStringParameter, isCalendarDay, requireDay, utcDayOf } from '../../schema/curation/values';
import { cutoffOf, mergeWindow, namedDayCutoffOf } from '../../schema/curation/window';
import { PARTITION_DAYS_AHEAD } from '../../schema/layout';
import type { CurationState, DayPlan, RunPlan } from './contract';

/**
 * How much earlier than the watermark a raw object may say it was modified and still be new: the
 * writer stamps `ingestion_time` with its own clock, S3 sets LastModified with its own. Listing
 * a little too much only merges a day again, which changes nothing.
 */
export const CLOCK_SKEW_MINUTES = 5;

/**
 * The most unreconciled days of the state a run merges again besides the days it lists and is told.
 * Each carried day is merged and reconciled by every run, hourly, until one counts it right: at 100
 * million trades a day, about twice its raw bytes scanned (on the order of 16 GB) and some minutes of
 * the run's six hours, every hour. Days that never reconcile (a value Athena cannot type, a defect)
 * would otherwise pile up until the runs outlast their timeout before saving the watermark, and then
 * no run makes progress at all. Two weeks of days, the newest kept: more than that unreconciled at
 * once is not a late trade but a fault to fix, and the alarm has been in ALARM since the first of them.
 */
export const MAX_CARRIED_DAYS = 14;

/** An execution input the planner refuses; the state machine fails the run with this error name. */
export class InvalidCurationInput extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`curation input refused: ${problems.join('; ')}`);
    this.name = INVALID_INPUT_ERROR;
  }
}

/** The days the execution input names, checked: throws InvalidCurationInput. */
export function requestedDays(executionInput: unknown, runStart: Date): string[] {
  const problems = curationInputProblems(executionInput, runStart);
  if (problems.length > 0) throw new InvalidCurationInput(problems);
  return [...((executionInput as { days?: readonly string[] }).days ?? [])];
}

/**
 * The raw partitions a run lists: the last `reconcileDays` days (today included) and those ahead,
 * reaching back further when the objects new to this run (`since`, see newSince) were written on an
 * earlier UTC day. The writer counts a trade as late (LateTrades) only when its date is before its
 * own day's window; a trade written at 23:50 and dated on that window's first day lands after the
 * day's last run, and a run of the next day must still list its date. Every object modified since
 * `since` holds dates from `since`'s window on, so listing from there misses none, however long the
 * job was stopped.
 */
export function reconciledDays(runStart: Date, reconcileDays: number, since?: Date): string[] {
  if (!Number.isInteger(reconcileDays) || reconcileDays < 1) {
    throw new Error(`curation planner: reconcileDays must be a whole number of at least 1, got ${reconcileDays}`);
  }
  const today = utcDayOf(runStart);
  const from = since !== undefined && since < runStart ? utcDayOf(since) : today;
  const days: string[] = [];
  const last = addDays(today, PARTITION_DAYS_AHEAD);
  for (let day = addDays(from, -(reconcileDays - 1)); day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}

/** The instant from which a raw object is new to this run, or undefined on the first run (every object is). */
export function newSince(state: CurationState | undefined): Date | undefined {
  if (state === undefined) return undefined;
  return new Date(Date.parse(state.watermark) - CLOCK_SKEW_MINUTES * 60_000);
}

export interface PlanInputs {
  readonly runStart: Date;
  /** Days of the execution input (requestedDays). */
  readonly requested: readonly string[];
  /** Listed days that have a raw object modified since the watermark. */
  readonly withNewObjects: readonly string[];
  readonly state: CurationState | undefined;
}

/**
 * The state's unreconciled days this run merges again, and those it gives up (beyond
 * MAX_CARRIED_DAYS, the oldest first). A carried day this run lists or is told anyway costs nothing
 * more, so it never counts against the bound and is never given up.
 */
export function carriedDays(
  state: CurationState | undefined,
  mergedAnyway: ReadonlySet<string>,
): { readonly carried: string[]; readonly dropped: string[] } {
  const unreconciled = [...new Set(state?.unreconciledDays ?? [])].sort();
  const extra = unreconciled.filter((day) => !mergedAnyway.has(day));
  const kept = new Set(extra.slice(-MAX_CARRIED_DAYS));
  return {
    carried: unreconciled.filter((day) => mergedAnyway.has(day) || kept.has(day)),
    dropped: extra.filter((day) => !kept.has(day)),
  };
}

/** The run: which days to merge with which literals, whether to VACUUM, and the states to write after each. */
export function planRun(inputs: PlanInputs): RunPlan {
  const cutoff = cutoffOf(inputs.runStart);
  const namedCutoff = namedDayCutoffOf(inputs.runStart);
  const named = new Set(inputs.requested);
  const today = utcDayOf(inputs.runStart);
  const { carried, dropped } = carriedDays(inputs.state, new Set([...inputs.withNewObjects, ...inputs.requested]));
  // A carried day takes the settled cutoff, as a listed one: its MERGE and its reconciliation read the
  // same rows, and every row after the cutoff lies in an object the next run lists or was told.
  const dayList = [...new Set([...inputs.withNewObjects, ...inputs.requested, ...carried])].sort();
  for (const day of dayList) requireDay(day);
  const days: DayPlan[] = dayList.map((day) => {
    // A day both named and listed takes the later cutoff: it covers every row the settled one does.
    const window = mergeWindow(day, named.has(day) ? namedCutoff : cutoff);
    return {
      day,
      cutoff: window.cutoff,
      slots: mergeSlots(window),
      reconciliationParameters: reconciliationParameters(window).map(athenaStringParameter),
    };
  });
  const lastVacuumDate = inputs.state?.lastVacuumDate;
  const vacuum = lastVacuumDate !== today;
  // The next run lists from this run's settled cutoff, whatever the named days' cutoff: every row
  // this run left out (of a listed day, or of a named day still in flight) lies in an object
  // modified after it.
  const watermark = cutoff;
  return {
    runStart: inputs.runStart.toISOString(),
    cutoff,
    days,
    dayList,
    ...(dayList.length > 0 ? { optimizeSlots: optimizeSlots(dayList) } : {}),
    vacuum,
    carriedUnreconciledDays: carried,
    droppedUnreconciledDays: dropped,
    stateAfterMerge: curationState(watermark, lastVacuumDate),
    ...(vacuum ? { stateAfterVacuum: curationState(watermark, today) } : {}),
  };
}

/** A state object as parseState reads it back; no `lastVacuumDate` member before the first VACUUM. */
function curationState(watermark: string, lastVacuumDate: string | undefined): CurationState {
  return { version: 1, watermark, ...(lastVacuumDate === undefined ? {} : { lastVacuumDate }) };
}

/** Reads a state object's text: throws when it is not a state this planner wrote. */
export function parseState(text: string): CurationState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('curation planner: the state object is not JSON; delete it to reconcile the whole window');
  }
  const state = (value !== null && typeof value === 'object' ? value : {}) as Partial<
    Record<keyof CurationState, unknown>
  >;
  const { watermark, lastVacuumDate, unreconciledDays } = state;
  const watermarkOk = typeof watermark === 'string' && !Number.isNaN(Date.parse(watermark));
  const vacuumOk = lastVacuumDate === undefined || typeof lastVacuumDate === 'string';
  const unreconciledOk =
    unreconciledDays === undefined ||
    (Array.isArray(unreconciledDays) && unreconciledDays.every((day) => typeof day === 'string' && isCalendarDay(day)));
  if (state.version !== 1 || !watermarkOk || !vacuumOk || !unreconciledOk) {
    throw new Error(
      'curation planner: the state object is not {"version":1,"watermark":…}; delete it to reconcile the whole window (name its unreconciledDays, if any, with trades curate --date)',
    );
  }
  return {
    version: 1,
    watermark: watermark as string,
    lastVacuumDate: lastVacuumDate as string | undefined,
    // Absent from a state written before unreconciled days were carried: none then.
    ...(unreconciledDays === undefined ? {} : { unreconciledDays: [...(unreconciledDays as string[])] }),
  };
}
