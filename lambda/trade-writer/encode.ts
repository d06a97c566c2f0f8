import { gzipSync } from 'node:zlib';
import { finishHash, HASH_SEED, hashBlock } from '../../schema/object-keys';
import type { Rejection } from '../../schema/validation/rejection';

/**
 * zlib level of every object. Level 1 is the fastest; on realistic trades it stores under 80 bytes
 * a trade, while level 6 saves about a tenth more for over twice the compression time, the
 * largest single cost of an invocation after planning (see docs/trade-writer.md).
 */
export const GZIP_LEVEL = 1;
/** zlib's largest hash table (256 KiB): about 5% faster than the default at level 1, same size. */
const GZIP_MEM_LEVEL = 9;

/** What the writer knows about a record besides its data: all of it from the Kinesis event. */
export interface RecordOrigin {
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** The user record's place in a KPL aggregate; null for a plain record or a whole aggregate. */
  readonly subSequenceNumber: number | null;
  /** The user record's own partition key inside an aggregate, else the Kinesis record's. */
  readonly partitionKey: string;
  /** ISO 8601 UTC. */
  readonly arrivalTime: string;
}

/**
 * An ASCII field value that writes its own bytes into a line, so that a value computed per record
 * (the arrival time) need not become a string first.
 */
export interface AsciiValue {
  readonly length: number;
  /** Writes the value at `at` (the caller reserved `length` bytes); returns the offset after it. */
  writeTo(buffer: Buffer, at: number): number;
}

/** The ingestion fields that are the same for every trade of a shard in one invocation. */
export interface IngestionSuffix {
  /** `,"shard_id":"…","sequence_number":"` */
  readonly head: Buffer;
  /** `","ingestion_time":"…"}` and the line break. */
  readonly tail: Buffer;
}

/** Builds the per-shard parts of the ingestion fields, JSON-escaped so a line stays valid JSON. */
export function ingestionSuffix(shardId: string, ingestionTime: string): IngestionSuffix {
  return {
    head: Buffer.from(`,"shard_id":${JSON.stringify(shardId)},"sequence_number":"`, 'utf8'),
    tail: Buffer.from(`","ingestion_time":${JSON.stringify(ingestionTime)}}\n`, 'utf8'),
  };
}

// Constants: only ever copied from, never written, so no call can see another's bytes in them.
const ARRIVAL_TIME_FIELD = Buffer.from('","arrival_time":"', 'latin1');
const SUB_SEQUENCE_NUMBER_MEMBER = Buffer.from('","sub_sequence_number":', 'latin1');
const ARRIVAL_TIME_AFTER_NUMBER = Buffer.from(',"arrival_time":"', 'latin1');
/** Room for a sub-sequence number member: the name and up to 16 digits. */
const SUB_SEQUENCE_NUMBER_ROOM = SUB_SEQUENCE_NUMBER_MEMBER.length + ARRIVAL_TIME_AFTER_NUMBER.length + 16;
/** What appendTrade is given for a plain Kinesis record, which has no sub-sequence number. */
export const NO_SUB_SEQUENCE_NUMBER = -1;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const INITIAL_CAPACITY = 16 * 1024;

/** Writes an ASCII string at `at` (the caller reserved room); returns the offset after it. */
function writeAscii(buffer: Buffer, at: number, value: string): number {
  for (let i = 0; i < value.length; i += 1) buffer[at + i] = value.charCodeAt(i);
  return at + value.length;
}

/**
 * JSON Lines, each line ending in `\n`, in one buffer: the body of a quarantine object, or the lines
 * of every trade of a batch, which the planner then hands out per partition.
 */
export class JsonLines {
  private buffer: Buffer;
  private length = 0;
  /** Lines appended so far. */
  lines = 0;
  /**
   * The `sequenceHash` (schema/object-keys.ts) of the last trade's sequence number, computed while
   * it was copied into the line.
   */
  sequenceHash = 0;

  /** @param capacity bytes to start with: a good estimate saves growing (and copying) the buffer. */
  constructor(capacity = INITIAL_CAPACITY) {
    this.buffer = Buffer.allocUnsafe(Math.max(capacity, INITIAL_CAPACITY));
  }

  /**
   * Makes room for `bytes` more bytes and returns the buffer: a record decoded into it just past
   * {@link end} is appended by {@link appendTrade} without being copied. When the buffer must grow,
   * it grows to hold `expected` more bytes (what the caller knows the rest of its batch needs)
   * instead of doubling.
   */
  spareRoom(bytes: number, expected?: number): Buffer {
    this.reserve(bytes, expected);
    return this.buffer;
  }

  /** Empties the lines, keeping the buffer. */
  reset(): void {
    this.length = 0;
    this.lines = 0;
  }

  /** Where the next line starts. */
  get end(): number {
    return this.length;
  }

  /** Bytes the buffer holds before it must grow. */
  get capacity(): number {
    return this.buffer.length;
  }

  private reserve(bytes: number, expected?: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const size = expected === undefined ? this.buffer.length * 2 : this.length + expected;
    const grown = Buffer.allocUnsafe(Math.max(this.length + bytes, size));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  /** Copies the bytes `[start, end)` into `target` at `at`; returns how many. */
  copyTo(target: Buffer, at: number, start: number, end: number): number {
    return this.buffer.copy(target, at, start, end);
  }

  /** The bytes `[start, end)` (a view: appending more may replace the buffer). */
  slice(start: number, end: number): Buffer {
    return this.buffer.subarray(start, end);
  }

  /**
   * Appends a trade line: the producer's JSON object `source[start, end)` byte for byte, with the
   * ingestion fields spliced in before its closing brace. Numbers are never re-serialized, so an
   * 18-decimal price or a 20-digit trade_id keeps every digit. JSON allows a raw line break only
   * between tokens, so `hasLineBreak` blanks them, keeping a pretty-printed trade on one line
   * without touching a value. `source` may be this body's own buffer past {@link end} (see
   * {@link spareRoom}): the object is then moved into place, or left where it is. A user record of a
   * KPL aggregate also gets its `subSequenceNumber` (a whole number); a plain record, given
   * {@link NO_SUB_SEQUENCE_NUMBER}, gets no such member, so its line is what it always was.
   */
  appendTrade(
    source: Buffer,
    start: number,
    end: number,
    hasLineBreak: boolean,
    sequenceNumber: string,
    subSequenceNumber: number,
    arrivalTime: string | AsciiValue,
    suffix: IngestionSuffix,
  ): void {
    let close = end - 1;
    while (source[close] === SPACE || source[close] === LF || source[close] === CR || source[close] === TAB) close -= 1;
    if (source[close] !== CLOSE_BRACE) throw new Error('appendTrade needs a JSON object');
    // Room for the worst case: a sequence number that needs escaping (six bytes a character).
    this.reserve(
      close -
        start +
        suffix.head.length +
        sequenceNumber.length * 6 +
        SUB_SEQUENCE_NUMBER_ROOM +
        arrivalTime.length +
        suffix.tail.length,
    );
    const buffer = this.buffer;
    const bodyStart = this.length;
    if (source !== buffer) buffer.set(source.subarray(start, close), bodyStart);
    else if (start !== bodyStart) buffer.copyWithin(bodyStart, start, close);
    let at = bodyStart + (close - start);
    if (hasLineBreak) {
      for (let i = bodyStart; i < at; i += 1) if (buffer[i] === LF || buffer[i] === CR) buffer[i] = SPACE;
    }
    buffer.set(suffix.head, at);
    at += suffix.head.length;
    // The sequence number, byte for byte when it is printable ASCII without a quote or backslash
    // (Kinesis's are digits), hashed for the object key on the way (schema/object-keys.ts).
    let plain = true;
    let hash = HASH_SEED;
    let block = 0;
    for (let i = 0; i < sequenceNumber.length; i += 1) {
      const code = sequenceNumber.charCodeAt(i);
      buffer[at + i] = code;
      block = (block << 8) ^ code;
      if ((i & 3) === 3) {
        hash = hashBlock(hash, block);
        block = 0;
      }
      plain = plain && code >= SPACE && code <= 0x7e && code !== QUOTE && code !== BACKSLASH;
    }
    this.sequenceHash = finishHash(hash, block, sequenceNumber.length);
    // Never for a sequence number from Kinesis; escaped rather than trusted.
    at = plain
      ? at + sequenceNumber.length
      : at + buffer.write(JSON.stringify(sequenceNumber).slice(1, -1), at, 'utf8');
    if (subSequenceNumber === NO_SUB_SEQUENCE_NUMBER) {
      buffer.set(ARRIVAL_TIME_FIELD, at);
      at += ARRIVAL_TIME_FIELD.length;
    } else {
      buffer.set(SUB_SEQUENCE_NUMBER_MEMBER, at);
      at += SUB_SEQUENCE_NUMBER_MEMBER.length;
      at = writeAscii(buffer, at, String(subSequenceNumber));
      buffer.set(ARRIVAL_TIME_AFTER_NUMBER, at);
      at += ARRIVAL_TIME_AFTER_NUMBER.length;
    }
    at = typeof arrivalTime === 'string' ? writeAscii(buffer, at, arrivalTime) : arrivalTime.writeTo(buffer, at);
    buffer.set(suffix.tail, at);
    this.length = at + suffix.tail.length;
    this.lines += 1;
  }

  /** Appends a line that is already one line of JSON, such as a quarantine line. */
  appendLine(line: string): void {
    this.reserve(line.length * 3 + 1);
    this.length += this.buffer.write(line, this.length, 'utf8');
    this.buffer[this.length] = LF;
    this.length += 1;
    this.lines += 1;
  }

  /** The bytes so far (a view: appending more may reuse or replace the buffer). */
  contents(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/**
 * A quarantine line: exactly the quarantine table's columns, in its order (layout.ts). `rawData` is
 * the record's `data` as Kinesis delivered it (base64), so the original bytes can be recovered.
 */
export function quarantineLine(
  rejection: Rejection,
  rawData: string,
  origin: RecordOrigin,
  ingestionTime: string,
): string {
  return JSON.stringify({
    reason: rejection.reason,
    message: rejection.message,
    raw_data: rawData,
    shard_id: origin.shardId,
    sequence_number: origin.sequenceNumber,
    sub_sequence_number: origin.subSequenceNumber,
    partition_key: origin.partitionKey,
    arrival_time: origin.arrivalTime,
    ingestion_time: ingestionTime,
  });
}

/** Compresses an object body with gzip. */
export function gzip(body: Uint8Array, level: number = GZIP_LEVEL): Buffer {
  return gzipSync(body, { level, memLevel: GZIP_MEM_LEVEL });
}
