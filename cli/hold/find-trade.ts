import { gunzipSync } from 'node:zlib';
import { JSON_NUMBER, JSON_STRING, JsonObjectView, SCANNED_OBJECT } from '../../schema/validation/json-object';

const LINE_FEED = 0x0a;

/**
 * How many lines of a trades object (gzip JSON Lines, DESIGN §5) are events of the trade `tradeId`.
 * Each line is the producer's JSON with the ingestion fields spliced in; `trade_id` is compared as the
 * producer sent it: a string by its value, a number by its digits (`--trade-id 12345678901234567890`
 * finds a 20-digit number that no double holds). Read with the writer's own JSON scanner.
 */
export function tradeLinesIn(gzipBody: Uint8Array, tradeId: string): number {
  const bytes = gunzipSync(gzipBody);
  const view = new JsonObjectView();
  let lines = 0;
  let start = 0;
  while (start < bytes.length) {
    const newline = bytes.indexOf(LINE_FEED, start);
    const end = newline === -1 ? bytes.length : newline;
    if (end > start && view.scan(bytes, start, end) === SCANNED_OBJECT && holdsTrade(view, tradeId)) lines += 1;
    start = end + 1;
  }
  return lines;
}

function holdsTrade(view: JsonObjectView, tradeId: string): boolean {
  for (let member = 0; member < view.count; member++) {
    if (view.keyOf(member) !== 'trade_id') continue;
    const type = view.valueType[member];
    if (type === JSON_STRING) return view.stringValueOf(member) === tradeId;
    if (type === JSON_NUMBER) {
      return view.bytes.toString('latin1', view.valueStart[member], view.valueEnd[member]) === tradeId;
    }
    return false;
  }
  return false;
}
