/**
 * When trades happen: the regular session of the New York exchanges, 09:30 to 16:00 local time, on a
 * given date, and how an exchange writes the time of an execution (UTC, or its local offset).
 */

const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** The date `YYYY-MM-DD` of an instant, in UTC: the partition `dt` of a trade executed then. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Is `text` a real calendar date `YYYY-MM-DD`? (V8 would roll 2026-02-30 over to March 2, docs/design.md §14.) */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && utcDate(ms) === text;
}

/** `date` plus `days` (negative: earlier). */
export function addDays(date: string, days: number): string {
  return utcDate(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS);
}

const newYorkOffset = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', timeZoneName: 'longOffset' });

/**
 * New York's offset from UTC on `date`, in minutes (-240 in summer, -300 in winter). Read at 12:00
 * UTC, after the 02:00 local switch of a DST day, so it is the offset of that day's session.
 */
export function newYorkOffsetMinutes(date: string): number {
  const name = newYorkOffset.formatToParts(new Date(`${date}T12:00:00Z`)).find(({ type }) => type === 'timeZoneName');
  const match = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name?.value ?? '');
  if (match === null) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/** The regular session of `date` as UTC instants. */
export interface Session {
  readonly date: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly offsetMinutes: number;
}

export function regularSession(date: string): Session {
  const offsetMinutes = newYorkOffsetMinutes(date);
  const midnightLocalMs = Date.parse(`${date}T00:00:00Z`) - offsetMinutes * MINUTE_MS;
  return {
    date,
    startMs: midnightLocalMs + (9 * 60 + 30) * MINUTE_MS,
    endMs: midnightLocalMs + 16 * 60 * MINUTE_MS,
    offsetMinutes,
  };
}

/**
 * An instant as an RFC 3339 timestamp with milliseconds: in UTC (`Z`), or at `offsetMinutes` from
 * it (`-04:00`), as exchanges that stamp local time send it. Both name the same instant.
 */
export function timestamp(ms: number, offsetMinutes = 0): string {
  if (offsetMinutes === 0) return new Date(ms).toISOString();
  const local = new Date(ms + offsetMinutes * MINUTE_MS).toISOString().slice(0, -1);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  const hours = String(Math.floor(absolute / 60)).padStart(2, '0');
  const minutes = String(absolute % 60).padStart(2, '0');
  return `${local}${sign}${hours}:${minutes}`;
}
