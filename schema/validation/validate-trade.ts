/**
 * Is this a trade the writer would store? The one entry point for producers, the CLI and the local
 * pipeline, and the validation half of the writer's planner: the same bytes get the same verdict
 * everywhere (test/schema/validation/validate-trade.test.ts; the writer's side by
 * test/handler/plan.test.ts).
 *
 * Guarantees: a text is a trade exactly when it is UTF-8, JSON as JSON.parse reads it, an object,
 * and passes the trade-field table (trade-checker.ts); a leading UTF-8 byte order mark is dropped,
 * as the writer drops it. The verdict never depends on anything but the bytes, the table and the
 * partition window that `now` gives.
 */
import { isUtf8 } from 'node:buffer';
import { type DateWindow, dateWindow } from './date-window';
import { JsonObjectView, SCANNED_OBJECT, SCANNED_OTHER_JSON } from './json-object';
import { REJECTIONS, type Rejection, type RejectionReason } from './rejection';
import { TradeChecker, type TradeSchema } from './trade-checker';

/** The verdict on one record. */
export type TradeVerdict =
  | { readonly ok: true; readonly dt: string }
  | { readonly ok: false; readonly reason: RejectionReason; readonly message: string };

export interface ValidateTradeOptions extends TradeSchema {
  /** The ingestion time that decides the latest partition date accepted. @default the system clock */
  readonly now?: Date;
}

/**
 * The scanner and the checker of one table, with their reused buffers. Build one per handler or per
 * producer run and call it record after record; it is synchronous, so it is never in two records at once.
 */
export class TradeValidator {
  /** The members of the record last checked (the writer reads `hasLineBreak` from it). */
  readonly view = new JsonObjectView();
  private readonly checker: TradeChecker;

  constructor(schema: TradeSchema = {}) {
    this.checker = new TradeChecker(schema);
  }

  /** The partition date of the JSON text `bytes[start, end)`, or why it is not a trade. */
  check(bytes: Buffer, start: number, end: number, window: DateWindow): string | Rejection {
    const view = this.view;
    const scanned = view.scan(bytes, start, end);
    // The scan passes every byte: only text with a byte above 0x7f, or text that is not JSON (where
    // NOT_UTF8 is the better reason), needs the UTF-8 check.
    if ((scanned !== SCANNED_OBJECT || view.hasNonAscii) && !isUtf8(bytes.subarray(start, end))) {
      return REJECTIONS.notUtf8;
    }
    if (scanned !== SCANNED_OBJECT) return scanned === SCANNED_OTHER_JSON ? REJECTIONS.notObject : REJECTIONS.notJson;
    if (view.hasLoneSurrogate) return REJECTIONS.loneSurrogate;
    return this.checker.check(view, window);
  }

  /** The verdict on a producer's bytes, as the writer would give it at `now`. */
  validate(bytes: Uint8Array, now: Date = new Date()): TradeVerdict {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const bom = buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf;
    const verdict = this.check(buffer, bom ? 3 : 0, buffer.length, dateWindow(now));
    return typeof verdict === 'string'
      ? { ok: true, dt: verdict }
      : { ok: false, reason: verdict.reason, message: verdict.message };
  }
}

/** A validator for the shared table, or for `schema`'s fields and rules. */
export function createTradeValidator(schema: TradeSchema = {}): TradeValidator {
  return new TradeValidator(schema);
}

/**
 * The verdict on one record's bytes (the producer's JSON text, as it goes into a Kinesis record).
 * Builds a validator per call: to check many records, build one with {@link createTradeValidator}.
 */
export function validateTrade(bytes: Uint8Array, options: ValidateTradeOptions = {}): TradeVerdict {
  const { now, ...schema } = options;
  return new TradeValidator(schema).validate(bytes, now);
}
