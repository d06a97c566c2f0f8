import { Duration } from 'aws-cdk-lib';

/** How a "the job stopped starting" alarm watches a schedule: periods of `period`, all of them empty. */
export interface HeartbeatWindow {
  readonly period: Duration;
  readonly evaluationPeriods: number;
}

const HOUR_S = 3600;
const DAY_S = 86_400;
/** CloudWatch evaluates at most 7 days (periods of an hour or more), and a period is at most a day. */
const MAX_WINDOW_S = 7 * DAY_S;

/**
 * The window in which a schedule must have started at least one execution, or undefined when no
 * CloudWatch alarm can tell (a cron that does not fire every day, a rate longer than the 7 days an
 * alarm can look back). A `rate()` gets twice its interval (one late or failed start is no alarm), at
 * least an hour; a daily-or-more `cron()` gets two whole days.
 */
export function heartbeatWindow(expression: string): HeartbeatWindow | undefined {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate !== null) {
    const unit = rate[2].startsWith('minute') ? 60 : rate[2].startsWith('hour') ? HOUR_S : DAY_S;
    const interval = Number(rate[1]) * unit;
    const window = Math.max(2 * interval, HOUR_S);
    // Past 7 days an alarm cannot look; any 7 days still hold a start while the interval is shorter.
    if (window > MAX_WINDOW_S) return interval < MAX_WINDOW_S ? days(7) : undefined;
    if (window <= DAY_S) return { period: Duration.seconds(Math.ceil(window / HOUR_S) * HOUR_S), evaluationPeriods: 1 };
    return days(Math.ceil(window / DAY_S));
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (cron !== null) {
    const [, , dayOfMonth, month, dayOfWeek, year] = cron[1].trim().split(/\s+/);
    const every = (field: string | undefined) => field === undefined || field === '*' || field === '?';
    return every(dayOfMonth) && every(month) && every(dayOfWeek) && every(year) ? days(2) : undefined;
  }
  return undefined;
}

function days(count: number): HeartbeatWindow {
  return { period: Duration.days(1), evaluationPeriods: count };
}
