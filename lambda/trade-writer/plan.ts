import type { KinesisStreamRecord } from 'aws-lambda';
import { QUARANTINE_PREFIX, TRADES_PREFIX } from '../../schema/layout';
import { compareSequenceNumbers, objectKey, shardIdOf } from '../../schema/object-keys';
import type { TradeField } from '../../schema/trade-fields';
import { type DateWindow, dateWindow } from '../../schema/validation/date-window';
import type { Rejection, RejectionReason } from '../../schema/validation/rejection';
import { TradeValidator } from '../../schema/validation/validate-trade';
import { decodeRecordData, RecordBytes } from './decode';
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

const MINUTE_MS = 60_000;

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

/** What a planner is built from. */
export interface BatchPlannerOptions {
  /** The trade fields to validate against. @default the shared table, TRADE_FIELDS */
  readonly fields?: readonly TradeField[];
}

/**
 * Decodes, validates and partitions batches: valid trades by (shard, UTC date of `executed_at`),
 * rejected records by (shard, ingestion date). Built once per handler: it keeps the buffers it
 * reuses record after record (planning is synchronous, so no two batches share them at once) and
 * holds no module state.
 */
export class BatchPlanner {
  private readonly validator: TradeValidator;
  // `recordBytes` is the record being read: in `scratch` until the batch has a trades body, then in
  // the spare room of the last trades body, where appendTrade leaves it instead of copying it.
  private readonly scratch = new RecordBytes();
  private readonly recordBytes = new RecordBytes();

  constructor(options: BatchPlannerOptions = {}) {
    this.validator = new TradeValidator({ fields: options.fields });
  }

  /**
   * Decodes and checks the record data into `recordBytes` and the validator's view: the trade's
   * `dt`, or why not. The bytes go just past the end of `target` when there is one.
   */
  private readTrade(data: string, window: DateWindow, target: JsonLines | undefined, room: number): string | Rejection {
    const { recordBytes, scratch } = this;
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
    return this.validator.check(recordBytes.buffer, recordBytes.start, recordBytes.end, window);
  }

  /**
   * Plans one batch. Pure: no I/O, and the same records at the same ingestion time always give the
   * same objects.
   */
  plan(records: readonly KinesisStreamRecord[], ingestionTime: Date): BatchPlan {
    const { recordBytes } = this;
    const view = this.validator.view;
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
      const verdict = this.readTrade(kinesis.data, window, lastTrades?.body, suffixRoom(sequenceNumber));
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
}

/** Plans one batch against the shared table with a planner of its own (tests; the handler keeps one). */
export function planBatch(records: readonly KinesisStreamRecord[], ingestionTime: Date): BatchPlan {
  return new BatchPlanner().plan(records, ingestionTime);
}

/** A planner for the shared table, or for `options.fields`. */
export function createBatchPlanner(options: BatchPlannerOptions = {}): BatchPlanner {
  return new BatchPlanner(options);
}
