/**
 * The values the curation statements carry, checked and written as SQL text. Athena takes execution
 * parameters only in the WHERE clause of SELECT, INSERT INTO, CTAS and UNLOAD ("Use parameterized
 * queries"): a MERGE, an OPTIMIZE and the ON clause of a MERGE need literals. Every literal here is
 * built from a value that matched a strict pattern first, so no quote or other SQL can reach the text.
 */
import { PARTITION_DAYS_AHEAD, PARTITION_START_DATE } from '../layout';
import { daysInMonth } from '../validation/utc-date';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** An instant as `Date.prototype.toISOString` writes it, which is how the writer stamps `ingestion_time`. */
const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DAY_MS = 86_400_000;

/** Whether `text` is a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDay(text: string): boolean {
  const match = DAY.exec(text);
  if (match === null) return false;
  const month = Number(match[2]);
  const day = Number(match[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(Number(match[1]), month);
}

/** The day `days` after `day` (`YYYY-MM-DD`, negative to go back). */
export function addDays(day: string, days: number): string {
  requireDay(day);
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC date of an instant. */
export function utcDayOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/**
 * Why `day` cannot be a partition of the raw table at `now`, or undefined when it can: a calendar
 * date from the first date partition projection enumerates to PARTITION_DAYS_AHEAD after today
 * (the dates the writer accepts).
 */
export function partitionDayProblem(day: string, now: Date): string | undefined {
  if (!isCalendarDay(day)) return 'not a calendar date written YYYY-MM-DD';
  if (day < PARTITION_START_DATE) return `before ${PARTITION_START_DATE}, the first day the raw table holds`;
  const latest = addDays(utcDayOf(now), PARTITION_DAYS_AHEAD);
  if (day > latest) return `after ${latest}, the last day the writer accepts today`;
  return undefined;
}

/** `DATE 'YYYY-MM-DD'`: a literal of the curated table's `trade_date`. */
export function dateLiteral(day: string): string {
  requireDay(day);
  return `DATE '${day}'`;
}

/** `'YYYY-MM-DD'`: a literal of the raw table's `dt`, which is a string (issue #10: dt compared as a string). */
export function dayStringLiteral(day: string): string {
  requireDay(day);
  return `'${day}'`;
}

/** `'2026-01-02T09:45:00.000Z'`: a literal compared with the raw table's `ingestion_time` string. */
export function instantLiteral(instant: string): string {
  requireInstant(instant);
  return `'${instant}'`;
}

/**
 * An Athena execution parameter holding a string: Athena substitutes the parameter's text as SQL, so
 * a string must arrive quoted ("Use parameterized queries"). DuckDB binds the bare value instead.
 */
export function athenaStringParameter(value: string): string {
  if (!DAY.test(value) && !UTC_INSTANT.test(value)) {
    throw new Error(`curation: "${value}" is neither a day (YYYY-MM-DD) nor a UTC instant; it cannot be a parameter`);
  }
  return `'${value}'`;
}

/** Throws unless `day` is a calendar date written `YYYY-MM-DD`. */
export function requireDay(day: string): void {
  if (!isCalendarDay(day)) throw new Error(`curation: "${day}" is not a calendar date written YYYY-MM-DD`);
}

/** Throws unless `instant` is a UTC instant written as `Date.prototype.toISOString` writes it. */
export function requireInstant(instant: string): void {
  if (!UTC_INSTANT.test(instant) || Number.isNaN(Date.parse(instant)) || new Date(instant).toISOString() !== instant) {
    throw new Error(`curation: "${instant}" is not a UTC instant written YYYY-MM-DDTHH:MM:SS.mmmZ`);
  }
}
