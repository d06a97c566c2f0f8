/**
 * The curated zone after a replay: the curation job merges a raw day only when it finds new objects
 * there or is told the day (DESIGN §5b), so a replay must name the days it recovered.
 */

/** What became of the curation of the days a replay recovered. */
export interface CurationStart {
  /** The execution started, or undefined when none was. */
  readonly executionArn?: string;
  /** A line for the person running the replay. */
  readonly note: string;
}

/**
 * Starts the curation job for `days`, the `dt` partitions a replay wrote trades to.
 *
 * NOT WIRED YET: the curation job (Step Functions, stack output CurationStateMachineArn, input
 * `{"days": ["YYYY-MM-DD", ...]}`) is not on main when this is written. Wiring it: StartExecution as
 * the data engineer with that input (checked with the job's own input check), and return its ARN.
 * Until then it starts nothing and says which days to merge.
 */
export async function startCuration(days: readonly string[]): Promise<CurationStart> {
  if (days.length === 0) return { note: 'No trades were recovered: the curated zone has nothing new.' };
  return {
    note: `The curated zone (curated.trades) does not show the recovered trades until the curation job merges ${days.join(', ')}: this version of trades cannot start it yet.`,
  };
}
