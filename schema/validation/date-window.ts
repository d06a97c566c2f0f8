/**
 * Which partition dates a trade may have at a given ingestion time: the one rule of validation that
 * depends on the clock. Proven by test/schema/validation/date-window.test.ts and, through the
 * checker, by the window cases of trade-checker.test.ts.
 */
import { PARTITION_DAYS_AHEAD, PARTITION_START_DATE } from '../layout';

/** The UTC dates (inclusive, `YYYY-MM-DD`) a trade's partition date may fall on. */
export interface DateWindow {
  readonly earliest: string;
  readonly latest: string;
}

const DAY_MS = 86_400_000;

/**
 * The dates a trade may be partitioned into: from the first date partition projection enumerates
 * to PARTITION_DAYS_AHEAD after ingestion (a producer clock slightly ahead at midnight). A trade
 * outside would be stored where no query looks, so it goes to quarantine instead.
 */
export function dateWindow(ingestionTime: Date): DateWindow {
  return {
    earliest: PARTITION_START_DATE,
    latest: new Date(ingestionTime.getTime() + PARTITION_DAYS_AHEAD * DAY_MS).toISOString().slice(0, 10),
  };
}
