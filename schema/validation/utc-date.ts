/**
 * The UTC calendar date (`YYYY-MM-DD`) of a timestamp, parsed by hand.
 *
 * Guarantees: accepts exactly RFC 3339, the profile of ISO 8601 with a zone: `YYYY-MM-DDTHH:MM:SS`,
 * an optional fraction of 1 to 9 digits, then `Z` or `+HH:MM` / `-HH:MM`; `T` and `Z` upper case,
 * seconds 00-59 (no leap second, no 24:00), offsets up to ±14:00, and a real calendar date. Proven by
 * test/schema/validation/utc-date.test.ts (against Date for every day of a leap and a common year,
 * and against each malformed form).
 *
 * Date.parse is not used: V8 rolls 2026-02-30 over to March 2 instead of failing (docs/design.md §14), and
 * what it accepts beyond ISO 8601 differs between engines.
 */

const ZERO = 0x30;
const DASH = 0x2d;
const PLUS = 0x2b;
const COLON = 0x3a;
const DOT = 0x2e;
const UPPER_T = 0x54;
const UPPER_Z = 0x5a;
const MINUTES_PER_DAY = 1440;
/**
 * ±14:00, the widest offset in use (UTC+14, Kiribati; UTC-12 the other way) and the widest Trino
 * reads: RFC 3339 allows up to 23:59, but a trade Athena cannot parse would reach the raw table and
 * never the curated one, so it is quarantined here instead.
 */
const MAX_OFFSET_MINUTES = 14 * 60;

/** Two decimal digits at `at` (before `end`) as a number, or -1. */
function twoDigits(bytes: Uint8Array, at: number, end: number): number {
  if (at + 2 > end) return -1;
  const tens = bytes[at] - ZERO;
  const ones = bytes[at + 1] - ZERO;
  if (!(tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9)) return -1;
  return tens * 10 + ones;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month of the proleptic Gregorian calendar (month 1-12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : `${value}`;
}

/** Formats a calendar date as `YYYY-MM-DD`; years outside 0-9999 give a string no partition can have. */
export function formatDate(year: number, month: number, day: number): string {
  const yyyy = year >= 0 && year <= 9999 ? `${year}`.padStart(4, '0') : `${year}`;
  return `${yyyy}-${pad2(month)}-${pad2(day)}`;
}

/** The date `days` (-1, 0 or +1) after the given valid date. */
function shiftDate(year: number, month: number, day: number, days: number): string {
  let y = year;
  let m = month;
  let d = day + days;
  if (d < 1) {
    m -= 1;
    if (m < 1) {
      m = 12;
      y -= 1;
    }
    d = daysInMonth(y, m);
  } else if (d > daysInMonth(y, m)) {
    d = 1;
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return formatDate(y, m, d);
}

/**
 * Reads UTC dates out of byte ranges. It remembers the last date it built: the trades of a batch
 * nearly all share one, so the bytes are compared instead of building the same string again. One
 * reader per validator, never shared module-wide.
 */
export class UtcDateReader {
  private readonly dates = new Map<number, string>();
  private lastKey = -1;
  private lastDate = '';

  /**
   * Returns the UTC date of the RFC 3339 timestamp in `bytes[start, end)` (ASCII), or undefined when
   * it is not one (including impossible calendar dates such as 2026-02-30 and times such as 25:00).
   */
  dateOf(bytes: Uint8Array, start: number, end: number): string | undefined {
    if (end - start < 20) return undefined;
    const century = twoDigits(bytes, start, end);
    const yearOfCentury = twoDigits(bytes, start + 2, end);
    const month = twoDigits(bytes, start + 5, end);
    const day = twoDigits(bytes, start + 8, end);
    const hour = twoDigits(bytes, start + 11, end);
    const minute = twoDigits(bytes, start + 14, end);
    const second = twoDigits(bytes, start + 17, end);
    if (
      century < 0 ||
      yearOfCentury < 0 ||
      bytes[start + 4] !== DASH ||
      bytes[start + 7] !== DASH ||
      bytes[start + 10] !== UPPER_T ||
      bytes[start + 13] !== COLON ||
      bytes[start + 16] !== COLON ||
      month < 1 ||
      month > 12 ||
      day < 1 ||
      hour < 0 ||
      hour > 23 ||
      minute < 0 ||
      minute > 59 ||
      second < 0 ||
      second > 59
    ) {
      return undefined;
    }
    const year = century * 100 + yearOfCentury;
    if (day > daysInMonth(year, month)) return undefined;

    let at = start + 19;
    if (bytes[at] === DOT) {
      const fractionStart = at + 1;
      at = fractionStart;
      while (at < end && bytes[at] >= ZERO && bytes[at] <= ZERO + 9) at += 1;
      const fractionDigits = at - fractionStart;
      if (fractionDigits < 1 || fractionDigits > 9) return undefined;
    }
    if (at >= end) return undefined;

    const zone = bytes[at];
    let offsetMinutes = 0;
    if (zone === UPPER_Z) {
      if (at + 1 !== end) return undefined;
    } else if (zone === PLUS || zone === DASH) {
      const offsetHour = twoDigits(bytes, at + 1, end);
      const offsetMinute = twoDigits(bytes, at + 4, end);
      if (
        at + 6 !== end ||
        bytes[at + 3] !== COLON ||
        offsetHour < 0 ||
        offsetMinute < 0 ||
        offsetMinute > 59 ||
        offsetHour * 60 + offsetMinute > MAX_OFFSET_MINUTES
      ) {
        return undefined;
      }
      offsetMinutes = (zone === PLUS ? 1 : -1) * (offsetHour * 60 + offsetMinute);
    } else {
      return undefined;
    }

    const utcMinuteOfDay = hour * 60 + minute - offsetMinutes;
    if (utcMinuteOfDay >= 0 && utcMinuteOfDay < MINUTES_PER_DAY) {
      // Same calendar day in UTC: the date is the text itself, already checked above.
      return this.sameDayDate(year, month, day);
    }
    return shiftDate(year, month, day, utcMinuteOfDay < 0 ? -1 : 1);
  }

  /**
   * The text of a checked date, the same string for the same date: a batch spread over many dates
   * (late trades) formats each once, and its readers compare identical strings.
   */
  private sameDayDate(year: number, month: number, day: number): string {
    const key = (year * 100 + month) * 100 + day;
    if (key === this.lastKey) return this.lastDate;
    let date = this.dates.get(key);
    if (date === undefined) {
      if (this.dates.size >= MAX_CACHED_DATES) this.dates.clear();
      date = `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
      this.dates.set(key, date);
    }
    this.lastKey = key;
    this.lastDate = date;
    return date;
  }
}

/** Dates a reader keeps formatted: far more than a batch spans, few enough to stay small. */
const MAX_CACHED_DATES = 4096;

/** The UTC date of an RFC 3339 timestamp string, or undefined; a character above U+007F is never RFC 3339. */
export function utcDateOf(timestamp: string): string | undefined {
  const bytes = Buffer.from(timestamp, 'utf8');
  return bytes.length === timestamp.length ? new UtcDateReader().dateOf(bytes, 0, bytes.length) : undefined;
}
