/**
 * A goal judged over several runs of the bench (`--runs N`). On a shared VM one run's median says
 * as much about the machine's minute as about the writer: on one commit the one-date ratio gave
 * 1.88 to 2.23 in nineteen runs, so a single run's "meets" or "misses" is a coin toss near the goal.
 * The verdict is the median of the runs' medians; the range and the count of runs that met the goal
 * are printed beside it so that the reader sees how close it is.
 */

/** A goal's ratio over several runs: each run's median, and what they say together. */
export interface RunsSummary {
  /** The runs' values in the order they ran. */
  readonly values: readonly number[];
  /** The median of the runs (the mean of the middle two for an even count). */
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Runs whose value was at most the goal. */
  readonly met: number;
  /** Whether the median is at most the goal: the verdict. */
  readonly meets: boolean;
}

/** Summarizes one goal's ratio (at most `goal` meets it) over the runs' values. */
export function summarizeRuns(values: readonly number[], goal: number): RunsSummary {
  if (values.length === 0) throw new Error('summarizeRuns: no runs');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return {
    values: [...values],
    median,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    met: values.filter((value) => value <= goal).length,
    meets: median <= goal,
  };
}

/**
 * The index of the run whose value is the median's, or nearest it (the earlier run on a tie): its
 * figures are the ones the table shows and `--record` writes.
 */
export function medianRunIndex(summary: RunsSummary): number {
  let best = 0;
  for (let i = 1; i < summary.values.length; i += 1) {
    if (Math.abs(summary.values[i] - summary.median) < Math.abs(summary.values[best] - summary.median)) best = i;
  }
  return best;
}

/** Parses `--runs N`: a whole number from 1 to 50, or why not. */
export function parseRuns(text: string | undefined): number | { error: string } {
  if (text === undefined) return 1;
  const runs = Number(text);
  if (!/^\d+$/.test(text) || runs < 1 || runs > 50) {
    return { error: `--runs ${JSON.stringify(text)}: not a whole number from 1 to 50` };
  }
  return runs;
}
