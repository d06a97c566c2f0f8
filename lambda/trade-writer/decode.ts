import { REJECTIONS, type Rejection } from '../../schema/validation/rejection';

const EQUALS = 0x3d;
const INITIAL_CAPACITY = 64 * 1024;

/**
 * The decoded bytes of the current record, in a buffer reused record after record (a Kinesis
 * record is at most 1 MiB; the buffer grows to the largest one seen).
 */
export class RecordBytes {
  buffer: Buffer = Buffer.allocUnsafe(INITIAL_CAPACITY);
  /** First byte of the JSON text (after a byte order mark, if any). */
  start = 0;
  /** One past the last byte. */
  end = 0;
}

/**
 * Decodes a Kinesis record's `data` (base64 of the producer's bytes) into `into.buffer` from offset
 * `at` (the writer decodes straight into the object body it will most likely append the record to).
 * Returns a rejection when it is not base64.
 *
 * Base64 is checked by length: Node's decoder skips characters outside the alphabet and stops at
 * padding, so any such character makes the output shorter than a well-formed input of the same
 * length gives; this costs nothing per byte. Like Node itself it accepts the URL-safe characters
 * `-` and `_` and ignores non-zero trailing bits: both still decode to exactly one byte sequence.
 * A leading UTF-8 byte order mark is dropped, which RFC 8259 allows a parser to do.
 */
export function decodeRecordData(data: string, into: RecordBytes, at = 0): Rejection | undefined {
  const length = data.length;
  if ((length & 3) !== 0) return REJECTIONS.notBase64;
  let padding = 0;
  if (length > 0 && data.charCodeAt(length - 1) === EQUALS) {
    padding = data.charCodeAt(length - 2) === EQUALS ? 2 : 1;
  }
  const expected = (length >> 2) * 3 - padding;
  if (into.buffer.length < at + expected) {
    into.buffer = Buffer.allocUnsafe(Math.max(at + expected, into.buffer.length * 2));
  }
  const written = expected === 0 ? 0 : into.buffer.write(data, at, expected, 'base64');
  if (written !== expected) return REJECTIONS.notBase64;
  const bytes = into.buffer;
  const bom = expected >= 3 && bytes[at] === 0xef && bytes[at + 1] === 0xbb && bytes[at + 2] === 0xbf;
  into.start = bom ? at + 3 : at;
  into.end = at + expected;
  return undefined;
}
