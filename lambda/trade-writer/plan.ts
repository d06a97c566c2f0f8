import type { KinesisStreamRecord } from 'aws-lambda';
import { QUARANTINE_PREFIX, TRADES_PREFIX } from '../../schema/layout';
import {
  addMember,
  compareSequenceNumbers,
  digestText,
  NO_MEMBERS,
  objectKey,
  sequenceHash,
  shardIdOf,
} from '../../schema/object-keys';
import type { TradeField } from '../../schema/trade-fields';
import { type DateWindow, dateWindow } from '../../schema/validation/date-window';
import type { Rejection, RejectionReason } from '../../schema/validation/rejection';
import { TradeValidator } from '../../schema/validation/validate-trade';
import { deaggregate, isKplAggregate } from './deaggregate';
import { decodeRecordData, RecordBytes } from './decode';
import {
  type AsciiValue,
  type IngestionSuffix,
  ingestionSuffix,
  JsonLines,
  NO_SUB_SEQUENCE_NUMBER,
  quarantineLine,
} from './encode';

/** Whether an object holds trades or quarantined records. */
export type ObjectKind = 'trades' | 'quarantine';

/**
 * One object the invocation will write: the records of one shard that share a kind and a `dt`. Its
 * first and last are Kinesis sequence numbers, also when it holds user records of KPL aggregates.
 */
export interface PlannedObject {
  readonly kind: ObjectKind;
  readonly key: string;
  readonly dt: string;
  readonly shardId: string;
  /** Lines in the object: plain records and user records of aggregates. */
  readonly records: number;
  /** The uncompressed JSON Lines, one line a record in the order of the batch. */
  readonly body: Buffer;
  readonly firstSequenceNumber: string;
  readonly lastSequenceNumber: string;
}

/** A record that went to quarantine, for the logs: never its data. */
export interface QuarantinedRecord {
  readonly sequenceNumber: string;
  /** Set for a user record of a KPL aggregate. */
  readonly subSequenceNumber?: number;
  readonly reason: RejectionReason;
}

/**
 * What one invocation will write. Every record of the batch is in exactly one object, or, when it is
 * a KPL aggregate, each of its user records is.
 */
export interface BatchPlan {
  readonly objects: readonly PlannedObject[];
  readonly quarantined: readonly QuarantinedRecord[];
  /** Kinesis records that were KPL aggregates, readable or not. */
  readonly aggregates: number;
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
  /** Quarantine lines; trades keep theirs in the batch's lines. */
  private readonly quarantineLines: JsonLines | undefined;
  /** `[start, end)` of this object's trade lines in the batch's lines, while they are one run. */
  private runStart = -1;
  private runEnd = -1;
  /** Whether its trade lines are one run of the batch's lines (a batch of one date), so its body is a view of them. */
  private contiguous = true;
  /** Bytes of its trade lines. */
  private bytes = 0;
  /** Where its body starts in the gathered bodies, when its lines are not one run. */
  gatheredAt = 0;
  private first: string;
  private last: string;
  /** The running digest of its members (schema/object-keys.ts). */
  private members = NO_MEMBERS;
  records = 0;

  constructor(
    readonly kind: ObjectKind,
    readonly dt: string,
    readonly shardId: string,
    sequenceNumber: string,
    /** Its place in the plan's objects. */
    readonly index: number,
  ) {
    this.quarantineLines = kind === 'quarantine' ? new JsonLines() : undefined;
    this.first = sequenceNumber;
    this.last = sequenceNumber;
  }

  /**
   * Takes one more member, at this sequence number (and its `sequenceHash`) and sub-sequence number
   * (or NO_SUB_SEQUENCE_NUMBER).
   */
  include(sequenceNumber: string, hashOfSequenceNumber: number, subSequenceNumber: number): void {
    if (compareSequenceNumbers(sequenceNumber, this.first) < 0) this.first = sequenceNumber;
    if (compareSequenceNumbers(sequenceNumber, this.last) > 0) this.last = sequenceNumber;
    this.members = addMember(this.members, hashOfSequenceNumber, subSequenceNumber);
  }

  addTradeLine(start: number, end: number): void {
    if (this.runStart < 0) this.runStart = start;
    else if (this.runEnd !== start) this.contiguous = false;
    this.runEnd = end;
    this.bytes += end - start;
    this.records += 1;
  }

  addQuarantineLine(line: string): void {
    this.quarantineLines?.appendLine(line);
    this.records += 1;
  }

  /** Bytes its body takes when its lines are not one run of the batch's lines, else 0. */
  get gatheredBytes(): number {
    return this.contiguous ? 0 : this.bytes;
  }

  /**
   * The object, its body taken from the batch's trade lines: a view when its lines are one run (a
   * batch of one date), else its place in the gathered bodies (see {@link gatherTradeLines}), so a
   * batch spread over many dates allocates its lines once more at most, never a presized body per date.
   */
  build(tradeLines: JsonLines, gatheredStart: number): PlannedObject {
    const prefix = this.kind === 'trades' ? TRADES_PREFIX : QUARANTINE_PREFIX;
    let body = this.quarantineLines?.contents();
    if (body === undefined) {
      const start = this.contiguous ? this.runStart : gatheredStart + this.gatheredAt;
      body = tradeLines.slice(start, start + this.bytes);
    }
    return {
      kind: this.kind,
      key: objectKey(prefix, this.dt, this.shardId, this.first, this.last, digestText(this.members)),
      dt: this.dt,
      shardId: this.shardId,
      records: this.records,
      body,
      firstSequenceNumber: this.first,
      lastSequenceNumber: this.last,
    };
  }
}

/**
 * Copies the trade lines of every object whose lines are not one run into its own place past the
 * lines (`[end, end + bytes)` of the same buffer), in the order of the batch: `copyWithin` inside one
 * buffer, a run of consecutive lines of an object at a time, allocates nothing per line. Returns where
 * the gathered bodies start.
 */
function gatherTradeLines(
  lines: JsonLines,
  objects: readonly ObjectBuilder[],
  lineEnds: Int32Array,
  lineObjects: Int32Array,
  lineCount: number,
  gatheredBytes: number,
): number {
  const gatheredStart = lines.end;
  const buffer = lines.spareRoom(gatheredBytes);
  const cursors = new Int32Array(objects.length);
  for (let i = 0; i < objects.length; i += 1) cursors[i] = gatheredStart + objects[i].gatheredAt;
  let runStart = 0;
  for (let line = 0; line < lineCount; line += 1) {
    const object = lineObjects[line];
    const end = lineEnds[line];
    // A run ends at the last line of the batch or where the next line belongs to another object.
    if (line + 1 < lineCount && lineObjects[line + 1] === object) continue;
    if (objects[object].gatheredBytes > 0) {
      buffer.copyWithin(cursors[object], runStart, end);
      cursors[object] += end - runStart;
    }
    runStart = end;
  }
  return gatheredStart;
}

/** A copy of `array` twice its length. */
function grown(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const larger = new Int32Array(array.length * 2);
  larger.set(array);
  return larger;
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

/**
 * The most bytes a record's trade line takes: its decoded data (at most 3 bytes for every 4
 * characters of base64) and the ingestion fields, whose names and times take
 * {@link INGESTION_FIELDS_BYTES} besides the shard id and the sequence number (together the eventID
 * less its colon).
 */
function lineBytes(dataLength: number, eventIdLength: number): number {
  return (dataLength >> 2) * 3 + INGESTION_FIELDS_BYTES + eventIdLength;
}
/** The member names, quotes, two 24-character times and the line break, less the record's own closing brace. */
const INGESTION_FIELDS_BYTES =
  ',"shard_id":"","sequence_number":"","arrival_time":"","ingestion_time":""}\n'.length + 48 - 1;
/** What a user record's line adds: `,"sub_sequence_number":` and its digits. */
const SUB_SEQUENCE_NUMBER_BYTES = ',"sub_sequence_number":'.length + 10;

/** What readTrade says of a record that is a KPL aggregate: its user records are read one by one. */
const KPL_AGGREGATE = Symbol('KPL aggregate');

/** What a planner is built from. */
export interface BatchPlannerOptions {
  /** The trade fields to validate against. @default the shared table, TRADE_FIELDS */
  readonly fields?: readonly TradeField[];
}

/**
 * Decodes, validates and partitions batches: valid trades by (shard, UTC date of `executed_at`),
 * rejected records by (shard, ingestion date); the user records of a KPL aggregate each on their
 * own. Built once per handler: it keeps the validator and the view of the record being read
 * (planning is synchronous, so no two batches share them at once) and holds no module state.
 */
export class BatchPlanner {
  private readonly validator: TradeValidator;
  /** The record being read, decoded into the spare room of the batch's trade lines. */
  private readonly recordBytes = new RecordBytes();
  // The trade lines of a batch, followed in the same buffer by the bodies gathered from them for
  // objects whose lines are not one run: kept for the next batch, so a warm writer allocates it again
  // only when a batch needs more. A plan's bodies are therefore valid until the planner plans again
  // (the handler writes them before it returns).
  private tradeLines: JsonLines | undefined;
  /** Per trade line of the batch, where it ends in the lines and which object (its index) it belongs to. */
  private lineEnds: Int32Array<ArrayBuffer> = new Int32Array(1024);
  private lineObjects: Int32Array<ArrayBuffer> = new Int32Array(1024);

  constructor(options: BatchPlannerOptions = {}) {
    this.validator = new TradeValidator({ fields: options.fields });
  }

  /**
   * Decodes and checks the record data into `recordBytes` and the validator's view: the trade's
   * `dt`, or why not, or {@link KPL_AGGREGATE}. The bytes go just past the end of `lines`, where
   * appendTrade finds them; `expected` is what the rest of the batch should need, so that the
   * lines grow to hold it when they must grow.
   */
  private readTrade(
    data: string,
    window: DateWindow,
    lines: JsonLines,
    room: number,
    expected: number,
    mayBeAggregate: boolean,
  ): string | Rejection | typeof KPL_AGGREGATE {
    const { recordBytes } = this;
    const at = lines.end;
    recordBytes.buffer = lines.spareRoom((data.length >> 2) * 3 + room, expected);
    const decodeProblem = decodeRecordData(data, recordBytes, at);
    if (decodeProblem !== undefined) return decodeProblem;
    if (mayBeAggregate && isKplAggregate(recordBytes.buffer, at, recordBytes.end)) return KPL_AGGREGATE;
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
    // Every object in the order its first record came, and each found by (kind, shard, dt) without
    // building a key: the dates are the same strings record after record (UtcDateReader).
    const objects: ObjectBuilder[] = [];
    const builders = {
      trades: new Map<string, Map<string, ObjectBuilder>>(),
      quarantine: new Map<string, Map<string, ObjectBuilder>>(),
    };
    const quarantined: QuarantinedRecord[] = [];
    let aggregates = 0;

    // Every trade line of the batch goes into one buffer sized for the whole batch, whatever the
    // number of dates; each object then takes its lines from it (ObjectBuilder.build).
    let expected = 0;
    let slack = 0;
    // The loops over the records are indexed, not for-of: with for-of, V8's optimized code in about
    // half of the processes allocated an iterator result (40 bytes) per record, 254 KiB of garbage
    // per 6,500-record batch (npm run bench's `heap alloc.`, 528 against 276 KiB; docs/trade-writer.md).
    for (let i = 0; i < records.length; i += 1) {
      const { kinesis, eventID } = records[i];
      expected += lineBytes(kinesis.data.length, eventID.length);
      slack = Math.max(slack, suffixRoom(kinesis.sequenceNumber));
    }
    let lines = this.tradeLines;
    if (lines === undefined || lines.capacity < expected + slack) {
      lines = new JsonLines(expected + slack);
      this.tradeLines = lines;
    } else {
      lines.reset();
    }

    // A batch comes from one shard and nearly always one date: remember the last object and the
    // last shard's ingestion fields instead of looking them up for every record.
    let lastBuilder: ObjectBuilder | undefined;
    let suffixShardId: string | undefined;
    let suffix: IngestionSuffix | undefined;
    let lastShardId = '';
    let lineEnds = this.lineEnds;
    let lineObjects = this.lineObjects;
    let lineCount = 0;

    const builderFor = (
      kind: ObjectKind,
      shardId: string,
      dt: string,
      sequenceNumber: string,
      hashOfSequenceNumber: number,
      subSequenceNumber: number,
    ): ObjectBuilder => {
      if (lastBuilder?.kind === kind && lastBuilder.dt === dt && lastBuilder.shardId === shardId) {
        lastBuilder.include(sequenceNumber, hashOfSequenceNumber, subSequenceNumber);
        return lastBuilder;
      }
      let ofShard = builders[kind].get(shardId);
      if (ofShard === undefined) {
        ofShard = new Map();
        builders[kind].set(shardId, ofShard);
      }
      let builder = ofShard.get(dt);
      if (builder === undefined) {
        builder = new ObjectBuilder(kind, dt, shardId, sequenceNumber, objects.length);
        ofShard.set(dt, builder);
        objects.push(builder);
      }
      builder.include(sequenceNumber, hashOfSequenceNumber, subSequenceNumber);
      lastBuilder = builder;
      return builder;
    };

    /** Stores the record just read: its trade line, or its quarantine line with `data` as it came. */
    const place = (
      verdict: string | Rejection,
      shardId: string,
      sequenceNumber: string,
      subSequenceNumber: number,
      partitionKey: string,
      data: string,
    ): void => {
      if (typeof verdict === 'string') {
        if (suffix === undefined || shardId !== suffixShardId) {
          suffixShardId = shardId;
          suffix = ingestionSuffix(shardId, ingestionIso);
        }
        const start = lines.end;
        lines.appendTrade(
          recordBytes.buffer,
          recordBytes.start,
          recordBytes.end,
          view.hasLineBreak,
          sequenceNumber,
          subSequenceNumber,
          arrivalTime,
          suffix,
        );
        // After the line: appending it hashed the sequence number for the key.
        const builder = builderFor('trades', shardId, verdict, sequenceNumber, lines.sequenceHash, subSequenceNumber);
        builder.addTradeLine(start, lines.end);
        if (lineCount === lineEnds.length) {
          lineEnds = grown(lineEnds);
          lineObjects = grown(lineObjects);
          this.lineEnds = lineEnds;
          this.lineObjects = lineObjects;
        }
        lineEnds[lineCount] = lines.end;
        lineObjects[lineCount] = builder.index;
        lineCount += 1;
        return;
      }
      const userRecord = subSequenceNumber !== NO_SUB_SEQUENCE_NUMBER;
      const origin = {
        shardId,
        sequenceNumber,
        subSequenceNumber: userRecord ? subSequenceNumber : null,
        partitionKey,
        arrivalTime: arrivalTime.text(),
      };
      builderFor(
        'quarantine',
        shardId,
        ingestionDate,
        sequenceNumber,
        sequenceHash(sequenceNumber),
        subSequenceNumber,
      ).addQuarantineLine(quarantineLine(verdict, data, origin, ingestionIso));
      quarantined.push(
        userRecord
          ? { sequenceNumber, subSequenceNumber, reason: verdict.reason }
          : { sequenceNumber, reason: verdict.reason },
      );
    };

    for (let i = 0; i < records.length; i += 1) {
      const record = records[i];
      const { kinesis } = record;
      const sequenceNumber = kinesis.sequenceNumber;
      const shardId = sameShard(record.eventID, lastShardId) ? lastShardId : shardIdOf(record.eventID);
      lastShardId = shardId;
      arrivalTime.set(kinesis.approximateArrivalTimestamp);
      const room = suffixRoom(sequenceNumber);
      const verdict = this.readTrade(kinesis.data, window, lines, room, expected + slack, true);
      expected -= lineBytes(kinesis.data.length, record.eventID.length);
      if (verdict !== KPL_AGGREGATE) {
        place(verdict, shardId, sequenceNumber, NO_SUB_SEQUENCE_NUMBER, kinesis.partitionKey, kinesis.data);
        continue;
      }
      // Each user record is a trade or quarantined on its own, at (sequence number, sub-sequence
      // number); an aggregate that cannot be read is quarantined whole (docs/design.md §5).
      aggregates += 1;
      const deaggregated = deaggregate(kinesis);
      if ('reason' in deaggregated) {
        place(deaggregated, shardId, sequenceNumber, NO_SUB_SEQUENCE_NUMBER, kinesis.partitionKey, kinesis.data);
        continue;
      }
      for (const { data } of deaggregated) {
        expected += lineBytes(data.length, record.eventID.length) + SUB_SEQUENCE_NUMBER_BYTES;
      }
      for (const userRecord of deaggregated) {
        // Never KPL_AGGREGATE: a user record is not read as an aggregate again, as the KCL does not.
        const userVerdict = this.readTrade(userRecord.data, window, lines, room, expected + slack, false) as
          | string
          | Rejection;
        expected -= lineBytes(userRecord.data.length, record.eventID.length) + SUB_SEQUENCE_NUMBER_BYTES;
        place(
          userVerdict,
          shardId,
          sequenceNumber,
          userRecord.subSequenceNumber,
          userRecord.partitionKey,
          userRecord.data,
        );
      }
    }

    let gatheredBytes = 0;
    for (const builder of objects) {
      builder.gatheredAt = gatheredBytes;
      gatheredBytes += builder.gatheredBytes;
    }
    const gatheredStart =
      gatheredBytes === 0 ? 0 : gatherTradeLines(lines, objects, lineEnds, lineObjects, lineCount, gatheredBytes);
    const planned = objects.map((builder) => builder.build(lines, gatheredStart));
    return { objects: planned, quarantined, aggregates };
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
