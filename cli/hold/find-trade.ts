import { gunzipSync } from 'node:zlib';
import { JSON_NUMBER, JSON_STRING, JsonObjectView, SCANNED_OBJECT } from '../../schema/validation/json-object';

const LINE_FEED = 0x0a;

/**
 * The trades whose events are lines of a trades object (gzip JSON Lines, docs/design.md §5): each `trade_id`
 * with how many lines carry it. Each line is the producer's JSON with the ingestion fields spliced in;
 * `trade_id` is taken as the producer sent it: a string by its value, a number by its digits (a 20-digit
 * number that no double holds keeps every digit). Read with the writer's own JSON scanner; a line that
 * is not an object, or has no string or number `trade_id`, is no trade's.
 */
export function tradeIdsIn(gzipBody: Uint8Array): Map<string, number> {
  const bytes = gunzipSync(gzipBody);
  const view = new JsonObjectView();
  const lines = new Map<string, number>();
  let start = 0;
  while (start < bytes.length) {
    const newline = bytes.indexOf(LINE_FEED, start);
    const end = newline === -1 ? bytes.length : newline;
    if (end > start && view.scan(bytes, start, end) === SCANNED_OBJECT) {
      const tradeId = tradeIdOf(view);
      if (tradeId !== undefined) lines.set(tradeId, (lines.get(tradeId) ?? 0) + 1);
    }
    start = end + 1;
  }
  return lines;
}

/**
 * How many lines of a trades object are events of the trade `tradeId` (`--trade-id 12345678901234567890`
 * finds a 20-digit number by its digits).
 */
export function tradeLinesIn(gzipBody: Uint8Array, tradeId: string): number {
  return tradeIdsIn(gzipBody).get(tradeId) ?? 0;
}

function tradeIdOf(view: JsonObjectView): string | undefined {
  for (let member = 0; member < view.count; member++) {
    if (view.keyOf(member) !== 'trade_id') continue;
    const type = view.valueType[member];
    if (type === JSON_STRING) return view.stringValueOf(member);
    if (type === JSON_NUMBER) return view.bytes.toString('latin1', view.valueStart[member], view.valueEnd[member]);
    return undefined;
  }
  return undefined;
}
