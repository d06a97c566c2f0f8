import type { KinesisStreamRecord } from 'aws-lambda';
import { PARTITION_DAYS_AHEAD, PARTITION_START_DATE, QUARANTINE_PREFIX, TRADES_PREFIX } from '../../schema/layout';
import { compareSequenceNumbers, objectKey, shardIdOf } from '../../schema/object-keys';
import { JsonObjectView, SCANNED_OBJECT, SCANNED_OTHER_JSON } from '../../schema/validation/json-object';
import { REJECTIONS, type Rejection, type RejectionReason } from '../../schema/validation/rejection';
import { checkTrade, type DateWindow } from '../../schema/validation/trade-checker';
import { decodeRecordData, isUtf8Text, RecordBytes } from './decode';
import { type AsciiValue, type IngestionSuffix, ingestionSuffix, JsonLines, quarantineLine } from './encode';

/** Whether an object holds trades or quarantined records. */
export type ObjectKind = 'trades' | 'quarantine';

/** One object the invocation will write: the records of one shard that share a kind and a `dt`. */
export interface PlannedObject {
  readonly kind: ObjectKind;
  readonly key: string;
  readonly dt: string;
  readonly shardId: string;
  /** Records in the object. */
  readonly records: number;
  /** The uncompressed JSON Lines, one line a record in the order of the batch. */
  readonly body: Buffer;
  readonly firstSequenceNumber: string;
  readonly lastSequenceNumber: string;
}

/** A record that went to quarantine, for the logs: never its data. */
export interface QuarantinedRecord {
  readonly sequenceNumber: string;
  readonly reason: RejectionReason;
}

/** What one invocation will write. Every record of the batch is in exactly one object. */
export interface BatchPlan {
  readonly objects: readonly PlannedObject[];
  readonly quarantined: readonly QuarantinedRecord[];
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

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

/** `SS.mmmZ` after the 17 characters of date, hour and minute. */
const SECONDS_TEXT_LENGTH = 7;
const ZERO = 0x30;

/**
 * Formats Kinesis arrival times (seconds with a millisecond fraction) as ISO 8601 UTC. Records of a
 * batch arrive within minutes, so the date and minute are formatted once a minute. {@link set}
 * reads one record's time; a trade line takes it as bytes ({@link writeTo}), a quarantine line as
 * a string ({@link text}).
 */
class ArrivalTime implements AsciiValue {
  private minute = Number.NaN;
  private minutePrefix = '';
  private minutePrefixBytes = Buffer.alloc(0);
  /** 0 when the record has no usable time: it is then written as ''. */
  length = 0;
  private seconds = 0;
  private millis = 0;

  set(approximateArrivalTimestamp: number): this {
    // 1545084650.987 * 1000 is 1545084650986.9998: round, or the time would lose a millisecond.
    const ms = Math.round(approximateArrivalTimestamp * 1000);
    // A missing value must not fail the batch forever: the record is still written.
    if (!Number.isFinite(ms)) {
      this.length = 0;
      return this;
    }
    const withinMinute = ms - Math.floor(ms / MINUTE_MS) * MINUTE_MS;
    const minute = ms - withinMinute;
    if (minute !== this.minute) {
      this.minute = minute;
      this.minutePrefix = new Date(minute).toISOString().slice(0, 17);
      this.minutePrefixBytes = Buffer.from(this.minutePrefix, 'latin1');
    }
    this.seconds = Math.floor(withinMinute / 1000);
    this.millis = withinMinute - this.seconds * 1000;
    this.length = this.minutePrefixBytes.length + SECONDS_TEXT_LENGTH;
    return this;
  }

  text(): string {
    if (this.length === 0) return '';
    const { seconds, millis } = this;
    return `${this.minutePrefix}${seconds < 10 ? '0' : ''}${seconds}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
  }

  writeTo(buffer: Buffer, at: number): number {
    if (this.length === 0) return at;
    buffer.set(this.minutePrefixBytes, at);
    let next = at + this.minutePrefixBytes.length;
    const { seconds, millis } = this;
    buffer[next] = ZERO + Math.floor(seconds / 10);
    buffer[next + 1] = ZERO + (seconds % 10);
    buffer[next + 2] = 0x2e; // .
    buffer[next + 3] = ZERO + Math.floor(millis / 100);
    buffer[next + 4] = ZERO + (Math.floor(millis / 10) % 10);
    buffer[next + 5] = ZERO + (millis % 10);
    buffer[next + 6] = 0x5a; // Z
    next += SECONDS_TEXT_LENGTH;
    return next;
  }
}

class ObjectBuilder {
  readonly body: JsonLines;
  private first: string;
  private last: string;

  constructor(
    readonly kind: ObjectKind,
    readonly dt: string,
    readonly shardId: string,
    sequenceNumber: string,
    capacity: number,
  ) {
    this.body = new JsonLines(capacity);
    this.first = sequenceNumber;
    this.last = sequenceNumber;
  }

  include(sequenceNumber: string): void {
    if (compareSequenceNumbers(sequenceNumber, this.first) < 0) this.first = sequenceNumber;
    if (compareSequenceNumbers(sequenceNumber, this.last) > 0) this.last = sequenceNumber;
  }

  build(): PlannedObject {
    const prefix = this.kind === 'trades' ? TRADES_PREFIX : QUARANTINE_PREFIX;
    return {
      kind: this.kind,
      key: objectKey(prefix, this.dt, this.shardId, this.first, this.last),
      dt: this.dt,
      shardId: this.shardId,
      records: this.body.lines,
      body: this.body.contents(),
      firstSequenceNumber: this.first,
      lastSequenceNumber: this.last,
    };
  }
}

/** Whether an eventID (`<shardId>:<sequenceNumber>`) belongs to the shard, without slicing it. */
function sameShard(eventId: string, shardId: string): boolean {
  return (
    shardId !== '' &&
    eventId.length > shardId.length &&
    eventId.charCodeAt(shardId.length) === 0x3a &&
    eventId.startsWith(shardId)
  );
}

/** Room past a record's decoded bytes for the fields spliced in, with a sequence number escaped. */
function suffixRoom(sequenceNumber: string): number {
  return SUFFIX_ROOM + sequenceNumber.length * 6;
}
const SUFFIX_ROOM = 512;
/** The most a trades body is sized for up front; past it, it grows by doubling. */
const MAX_PRESIZE = 4 * 1024 * 1024;

// Reused record after record: planning is synchronous, so no two batches share them at once.
// `recordBytes` is the record being read: in `scratch` until the batch has a trades body, then in
// the spare room of the last trades body, where appendTrade leaves it instead of copying it.
const scratch = new RecordBytes();
const recordBytes = new RecordBytes();
const view = new JsonObjectView();

/**
 * Decodes and checks the record data into `recordBytes` and `view`: the trade's `dt`, or why not.
 * The bytes go just past the end of `target` when there is one.
 */
function readTrade(data: string, window: DateWindow, target: JsonLines | undefined, room: number): string | Rejection {
  let at = 0;
  if (target === undefined) {
    recordBytes.buffer = scratch.buffer;
  } else {
    // At most 3 bytes for every 4 characters.
    recordBytes.buffer = target.spareRoom((data.length >> 2) * 3 + room);
    at = target.end;
  }
  const decodeProblem = decodeRecordData(data, recordBytes, at);
  if (target === undefined) scratch.buffer = recordBytes.buffer;
  if (decodeProblem !== undefined) return decodeProblem;
  const scanned = view.scan(recordBytes.buffer, recordBytes.start, recordBytes.end);
  // The scan passes every byte: only text with a byte above 0x7f, or text that is not JSON (where
  // NOT_UTF8 is the better reason), needs the UTF-8 check.
  if ((scanned !== SCANNED_OBJECT || view.hasNonAscii) && !isUtf8Text(recordBytes)) return REJECTIONS.notUtf8;
  if (scanned !== SCANNED_OBJECT) return scanned === SCANNED_OTHER_JSON ? REJECTIONS.notObject : REJECTIONS.notJson;
  return checkTrade(view, window);
}

/**
 * Decodes, validates and partitions a batch: valid trades by (shard, UTC date of `executed_at`),
 * rejected records by (shard, ingestion date). Pure: no I/O, and the same records at the same
 * ingestion time always give the same objects.
 */
export function planBatch(records: readonly KinesisStreamRecord[], ingestionTime: Date): BatchPlan {
  const ingestionIso = ingestionTime.toISOString();
  const ingestionDate = ingestionIso.slice(0, 10);
  const window = dateWindow(ingestionTime);
  const arrivalTime = new ArrivalTime();
  const builders = new Map<string, ObjectBuilder>();
  const quarantined: QuarantinedRecord[] = [];

  // A batch comes from one shard and nearly always one date: remember the last object and the
  // last shard's ingestion fields instead of looking them up for every record.
  let lastBuilder: ObjectBuilder | undefined;
  let lastTrades: ObjectBuilder | undefined;
  let index = 0;
  let suffixShardId: string | undefined;
  let suffix: IngestionSuffix | undefined;
  let lastShardId = '';

  const builderFor = (kind: ObjectKind, shardId: string, dt: string, sequenceNumber: string): ObjectBuilder => {
    if (lastBuilder?.kind === kind && lastBuilder.dt === dt && lastBuilder.shardId === shardId) {
      lastBuilder.include(sequenceNumber);
      return lastBuilder;
    }
    const id = `${kind}/${shardId}/${dt}`;
    let builder = builders.get(id);
    if (builder === undefined) {
      // A trades body is sized for the rest of the batch at this record's size, plus a quarter.
      const capacity =
        kind === 'trades'
          ? Math.min(MAX_PRESIZE, (records.length - index) * (recordBytes.end - recordBytes.start + 256) * 1.25)
          : 0;
      builder = new ObjectBuilder(kind, dt, shardId, sequenceNumber, capacity);
      builders.set(id, builder);
    } else {
      builder.include(sequenceNumber);
    }
    lastBuilder = builder;
    return builder;
  };

  for (const record of records) {
    const { kinesis } = record;
    const sequenceNumber = kinesis.sequenceNumber;
    const shardId = sameShard(record.eventID, lastShardId) ? lastShardId : shardIdOf(record.eventID);
    lastShardId = shardId;
    arrivalTime.set(kinesis.approximateArrivalTimestamp);
    const verdict = readTrade(kinesis.data, window, lastTrades?.body, suffixRoom(sequenceNumber));
    if (typeof verdict === 'string') {
      if (suffix === undefined || shardId !== suffixShardId) {
        suffixShardId = shardId;
        suffix = ingestionSuffix(shardId, ingestionIso);
      }
      lastTrades = builderFor('trades', shardId, verdict, sequenceNumber);
      lastTrades.body.appendTrade(
        recordBytes.buffer,
        recordBytes.start,
        recordBytes.end,
        view.hasLineBreak,
        sequenceNumber,
        arrivalTime,
        suffix,
      );
    } else {
      const origin = { shardId, sequenceNumber, partitionKey: kinesis.partitionKey, arrivalTime: arrivalTime.text() };
      builderFor('quarantine', shardId, ingestionDate, sequenceNumber).body.appendLine(
        quarantineLine(verdict, kinesis.data, origin, ingestionIso),
      );
      quarantined.push({ sequenceNumber, reason: verdict.reason });
    }
    index += 1;
  }

  return { objects: [...builders.values()].map((builder) => builder.build()), quarantined };
}
