import { CliError } from '../../../cli/errors';
import { EXIT } from '../../../cli/exit-codes';
import { settledInParallel, worstError } from '../../../cli/hold/settled';

describe('a settled run of legal-hold calls', () => {
  it('runs every item after a failure and returns each outcome in input order', async () => {
    const started: number[] = [];
    const outcomes = await settledInParallel([1, 2, 3, 4], 2, async (n) => {
      started.push(n);
      if (n === 1) throw new CliError('one failed', EXIT.THROTTLED);
      return n * 10;
    });
    expect(started.sort()).toEqual([1, 2, 3, 4]);
    expect(outcomes).toEqual([
      { ok: false, error: new CliError('one failed', EXIT.THROTTLED) },
      { ok: true, value: 20 },
      { ok: true, value: 30 },
      { ok: true, value: 40 },
    ]);
  });

  it('never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    await settledInParallel([1, 2, 3, 4, 5, 6], 2, async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
    });
    expect(most).toBe(2);
  });
});

describe('the error a run with failures ends with', () => {
  const failure = (exitCode: (typeof EXIT)[keyof typeof EXIT]) => new CliError(`exit ${exitCode}`, exitCode);

  it.each([
    [[EXIT.THROTTLED, EXIT.FAILED], EXIT.FAILED],
    [[EXIT.THROTTLED, EXIT.ACCESS_DENIED, EXIT.FAILED], EXIT.ACCESS_DENIED],
    [[EXIT.ACCESS_DENIED, EXIT.AWS_SETUP], EXIT.AWS_SETUP],
    [[EXIT.THROTTLED, EXIT.THROTTLED], EXIT.THROTTLED],
  ])('of %j is the one that exits %i', (codes, worst) => {
    expect((worstError(codes.map(failure)) as CliError).exitCode).toBe(worst);
  });

  it('is the first of the worst kind, so its message names a real call', () => {
    const first = failure(EXIT.ACCESS_DENIED);
    expect(worstError([failure(EXIT.THROTTLED), first, failure(EXIT.ACCESS_DENIED)])).toBe(first);
  });

  it('is a defect, whatever else failed: trades reports it with its stack', () => {
    const defect = new TypeError('x is undefined');
    expect(worstError([failure(EXIT.AWS_SETUP), defect])).toBe(defect);
  });
});
