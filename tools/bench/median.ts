/**
 * The bench's one median: of an even count, the upper of the middle two. So the median is always
 * one of the values, a real invocation's or a real run's figure, and the run it names exists
 * (runs.ts). measure-handler.ts, writer-bench.ts and runs.ts all take it from here.
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median: no values');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
