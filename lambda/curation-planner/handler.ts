import type { Logger } from '@aws-lambda-powertools/logger';
import { namedDayCutoffOf } from '../../schema/curation/window';
import type { PlannerEvent, RunPlan } from './contract';
import type { RawDayListing, StateReader } from './lake';
import { MAX_CARRIED_DAYS, newSince, planRun, reconciledDays, requestedDays } from './plan';

/** Days listed at once: a run lists reconcileDays prefixes, each one page or a few. */
const LISTING_CONCURRENCY = 8;

export interface PlannerDependencies {
  readonly listing: RawDayListing;
  readonly state: StateReader;
  readonly reconcileDays: number;
  readonly logger: Logger;
}

export type CurationPlannerHandler = (event: PlannerEvent) => Promise<RunPlan>;

/** Maps `items` through `task`, at most `limit` at a time, keeping their order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * The planner: checks the execution input (a refused input fails the run with InvalidCurationInput),
 * reads the last successful run's watermark and unreconciled days, lists the raw prefixes of the
 * reconciled days for objects modified since, and returns the run's plan. It only reads: the state machine writes the
 * watermark once the run's days are merged and reconciled (and the vacuum date once its VACUUM has
 * succeeded), so a run that fails before that is planned again from the same watermark.
 */
export function createCurationPlanner(deps: PlannerDependencies): CurationPlannerHandler {
  return async (event) => {
    const runStart = new Date(event.executionStartTime);
    if (Number.isNaN(runStart.getTime())) {
      throw new Error(`curation planner: executionStartTime "${event.executionStartTime}" is not a time`);
    }
    const requested = requestedDays(event.executionInput, runStart);
    const state = await deps.state.read();
    const since = newSince(state);
    const listed = reconciledDays(runStart, deps.reconcileDays, since);
    const hasNew = await mapLimited(listed, LISTING_CONCURRENCY, (day) =>
      deps.listing.hasObjectModifiedSince(day, since),
    );
    const withNewObjects = listed.filter((_day, index) => hasNew[index]);
    const plan = planRun({ runStart, requested, withNewObjects, state });
    deps.logger.info('curation run planned', {
      watermark: state?.watermark ?? null,
      listedDays: listed.length,
      daysWithNewObjects: withNewObjects,
      requestedDays: requested,
      carriedUnreconciledDays: plan.carriedUnreconciledDays,
      days: plan.dayList,
      vacuum: plan.vacuum,
      cutoff: plan.cutoff,
      namedDayCutoff: requested.length > 0 ? namedDayCutoffOf(runStart) : null,
    });
    if (plan.droppedUnreconciledDays.length > 0) {
      deps.logger.warn('unreconciled days no longer merged again: more than the most a run carries', {
        droppedUnreconciledDays: plan.droppedUnreconciledDays,
        maxCarriedDays: MAX_CARRIED_DAYS,
      });
    }
    return plan;
  };
}
