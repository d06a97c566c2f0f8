/**
 * A goal judged over several runs of the bench (`--runs N`). On a shared VM one run's median says
 * as much about the machine's minute as about the writer: on one commit the one-date ratio gave
 * 1.88 to 2.23 in nineteen runs, so a single run's "meets" or "misses" is a coin toss near the goal.
 * The verdict is the median of the runs' medians; the range and the count of runs that met the goal
 * are printed beside it so that the reader sees how close it is.
 */
import { median } from './median';

/** A goal's ratio over several runs: each run's median, and what they say together. */
export interface RunsSummary {
  /** The runs' values in the order they ran. */
  readonly values: readonly number[];
  /** The median of the runs (median.ts: the upper middle one for an even count, so always a run's value). */
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
  const middle = median(values);
  return {
    values: [...values],
    median: middle,
    min: Math.min(...values),
    max: Math.max(...values),
    met: values.filter((value) => value <= goal).length,
    meets: middle <= goal,
  };
}

/** The first run whose value is the median: its figures are the ones the table shows and `--record` writes. */
export function medianRunIndex(summary: RunsSummary): number {
  return summary.values.indexOf(summary.median);
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
