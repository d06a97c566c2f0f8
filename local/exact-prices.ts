import { gunzipSync } from 'node:zlib';
import { JSON_NUMBER, JSON_STRING, JsonObjectView, SCANNED_OBJECT } from '../schema/validation/json-object';

/**
 * DuckDB reads a JSON number through a double, also into a VARCHAR column: a price sent as the JSON
 * number 64123.123456789012345678 reads as '64123.12345678901', and 1.10 as '1.1'. The writer keeps
 * the producer's text (docs/design.md §5), so the local run recovers it: this pass reads the top-level
 * `price` token of every trade line as written, and the local `trades` view takes its text for
 * prices that were JSON numbers. Prices sent as strings are exact in DuckDB already.
 *
 * The line is scanned with the schema's JSON scanner, which reads top-level members only, so a
 * `price` inside a nested object the producer added is never taken for the trade's.
 */

/** The field whose text is recovered. */
export const EXACT_TEXT_FIELD = 'price';

/** One price as written, with the record it belongs to. */
export interface ExactPrice {
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** Position in a KPL aggregated record; null for a plain record, whose line has no such field. */
  readonly subSequenceNumber: number | null;
  readonly price: string;
}

const NEWLINE = 0x0a;

/** The prices sent as JSON numbers in one trades object (gzip JSON Lines), as the writer stored their text. */
export function exactPricesOf(objectBody: Buffer): ExactPrice[] {
  const text = gunzipSync(objectBody);
  const view = new JsonObjectView();
  const prices: ExactPrice[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf(NEWLINE, start);
    if (end === -1) end = text.length;
    if (view.scan(text, start, end) === SCANNED_OBJECT) {
      let shardId: string | undefined;
      let sequenceNumber: string | undefined;
      let subSequenceNumber: number | null = null;
      let price: string | undefined;
      for (let member = 0; member < view.count; member += 1) {
        const key = view.keyOf(member);
        const type = view.valueType[member];
        if (key === EXACT_TEXT_FIELD && type === JSON_NUMBER) {
          price = text.toString('latin1', view.valueStart[member], view.valueEnd[member]);
        } else if (key === 'shard_id' && type === JSON_STRING) {
          shardId = view.stringValueOf(member);
        } else if (key === 'sequence_number' && type === JSON_STRING) {
          sequenceNumber = view.stringValueOf(member);
        } else if (key === 'sub_sequence_number' && type === JSON_NUMBER) {
          subSequenceNumber = view.numberValueOf(member);
        }
      }
      if (price !== undefined && shardId !== undefined && sequenceNumber !== undefined) {
        prices.push({ shardId, sequenceNumber, subSequenceNumber, price });
      }
    }
    start = end + 1;
  }
  return prices;
}
