import { CliError } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';
import { inParallel } from '../replay/in-parallel';

/** What one task of a settled run came to: its value, or the error it failed with. */
export type Settled<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

/**
 * Maps `items` through `task` with at most `limit` running at once, as inParallel does, but runs every
 * item whatever the others do and returns each outcome in input order: a legal hold placed or lifted
 * on some versions and not on others must be reported version by version, never stopped half-way and
 * left unsaid. (Replay keeps inParallel's first-failure stop: its records are retried by the next run.)
 */
export async function settledInParallel<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<Settled<R>[]> {
  return inParallel(items, limit, async (item, index): Promise<Settled<R>> => {
    try {
      return { ok: true, value: await task(item, index) };
    } catch (error) {
      return { ok: false, error };
    }
  });
}

/**
 * How bad each exit code is when several calls failed differently: the one a plain re-run is least
 * likely to cure comes first. Throttling passes by itself; a failed call needs a look; a denial needs a
 * grant; a setup fault (an expired session, no network) stops every call; a defect is trades' own.
 */
const SEVERITY: Readonly<Record<ExitCode, number>> = {
  [EXIT.OK]: 0,
  [EXIT.THROTTLED]: 1,
  [EXIT.USAGE]: 2,
  [EXIT.FAILED]: 3,
  [EXIT.ACCESS_DENIED]: 4,
  [EXIT.AWS_SETUP]: 5,
  [EXIT.INTERNAL]: 6,
};

/**
 * The error that decides how a run with failures ends: the first defect (an error trades does not
 * explain, reported with its stack), else the first CliError of the worst exit code. Undefined when
 * nothing failed.
 */
export function worstError(errors: readonly unknown[]): unknown {
  const defect = errors.findIndex((error) => !(error instanceof CliError));
  if (defect !== -1) return errors[defect];
  let worst: CliError | undefined;
  for (const error of errors as readonly CliError[]) {
    if (worst === undefined || SEVERITY[error.exitCode] > SEVERITY[worst.exitCode]) worst = error;
  }
  return worst;
}
