import { median } from '../../tools/bench/median';
import { medianRunIndex, parseRuns, summarizeRuns } from '../../tools/bench/runs';

describe('a bench goal judged over several runs', () => {
  it('judges an odd number of runs on the middle one, whatever order they ran in', () => {
    const summary = summarizeRuns([2.23, 1.88, 2.01, 1.97, 2.05], 2);
    expect(summary.median).toBe(2.01);
    expect(summary.meets).toBe(false);
    expect([summary.min, summary.max]).toEqual([1.88, 2.23]);
  });

  it('judges an even number of runs on the upper middle one, a run that happened', () => {
    // The middle two are 1.95 and 2.04: their mean (1.995) would meet the goal, the upper one does not.
    const summary = summarizeRuns([1.9, 2.1, 1.95, 2.04], 2);
    expect(summary.median).toBe(2.04);
    expect(summary.meets).toBe(false);
  });

  it('counts a run exactly at the goal as meeting it, one above as missing it', () => {
    expect(summarizeRuns([1.5, 1.5, 1.501], 1.5)).toMatchObject({ met: 2, meets: true });
    expect(summarizeRuns([1.501, 1.5, 1.502], 1.5)).toMatchObject({ met: 1, meets: false });
  });

  it('keeps the runs in the order they ran, for the report', () => {
    const values = [1.6, 1.5, 1.55];
    const summary = summarizeRuns(values, 1.5);
    expect(summary.values).toEqual([1.6, 1.5, 1.55]);
    values[0] = 9;
    expect(summary.values[0]).toBe(1.6);
  });

  it('refuses to judge no runs at all', () => {
    expect(() => summarizeRuns([], 2)).toThrow('no runs');
  });

  it('shows the run whose value is the median, the first of equal ones', () => {
    expect(medianRunIndex(summarizeRuns([2.23, 1.88, 2.01, 1.97, 2.05], 2))).toBe(2);
    expect(medianRunIndex(summarizeRuns([1.9, 2.1, 1.95, 2.04], 2))).toBe(3);
    expect(medianRunIndex(summarizeRuns([1.6, 1.55, 1.55, 1.5], 1.5))).toBe(1);
    expect(medianRunIndex(summarizeRuns([1.7], 1.5))).toBe(0);
  });
});

describe("the bench's one median", () => {
  it('is the middle value of an odd count and the upper middle one of an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(3);
  });

  it('leaves the values it was given in their order', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('refuses no values at all', () => {
    expect(() => median([])).toThrow('no values');
  });
});

describe('the bench’s --runs option', () => {
  it('is one run when not given', () => {
    expect(parseRuns(undefined)).toBe(1);
  });

  it('takes a whole number from 1 to 50', () => {
    expect(parseRuns('1')).toBe(1);
    expect(parseRuns('10')).toBe(10);
    expect(parseRuns('50')).toBe(50);
  });

  it.each(['0', '51', '2.5', '-3', 'ten', '', '1e1'])('refuses %j with the value and what is allowed', (text) => {
    expect(parseRuns(text)).toEqual({ error: `--runs ${JSON.stringify(text)}: not a whole number from 1 to 50` });
  });
});
