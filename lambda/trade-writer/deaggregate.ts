import type * as KinesisAggregation from 'aws-kinesis-agg';
import type { KinesisStreamRecordPayload } from 'aws-lambda';
import { REJECTIONS, type Rejection } from '../../schema/validation/rejection';

/** One user record of a KPL aggregate, as awslabs' aws-kinesis-agg hands it out. */
export interface UserRecord {
  /** The user record's own partition key. */
  readonly partitionKey: string;
  /** The aggregate's Kinesis sequence number. */
  readonly sequenceNumber: string;
  /** Its place in the aggregate, from 0. */
  readonly subSequenceNumber: number;
  /** The producer's bytes, base64. */
  readonly data: string;
}

/**
 * The magic number that opens a KPL aggregated record (the KPL's aggregation format; aws-kinesis-agg
 * compares the same four bytes). It is not UTF-8 (0xC2 cannot continue the sequence 0xF3 opens), so no
 * JSON text a producer sends is taken for an aggregate.
 */
const KPL_MAGIC_0 = 0xf3;
const KPL_MAGIC_1 = 0x89;
const KPL_MAGIC_2 = 0x9a;
const KPL_MAGIC_3 = 0xc2;

/**
 * Whether the decoded record data `bytes[at, end)` starts with the KPL magic number. The writer
 * decodes every record anyway, so this costs a plain record one byte comparison; only an aggregate
 * is handed to aws-kinesis-agg, which decodes it again from the event.
 */
export function isKplAggregate(bytes: Buffer, at: number, end: number): boolean {
  return (
    end - at >= 4 &&
    bytes[at] === KPL_MAGIC_0 &&
    bytes[at + 1] === KPL_MAGIC_1 &&
    bytes[at + 2] === KPL_MAGIC_2 &&
    bytes[at + 3] === KPL_MAGIC_3
  );
}

type Library = typeof KinesisAggregation;
let library: Library | undefined;

/**
 * aws-kinesis-agg, loaded at the first aggregate: it brings protobufjs (about 110 KiB of the bundle
 * and 13 ms of require, `npm run bench`), which a function fed only plain records never pays for.
 */
function kinesisAggregation(): Library {
  library ??= require('aws-kinesis-agg') as Library;
  return library;
}

/**
 * The user records of a KPL aggregated Kinesis record, in order, by aws-kinesis-agg with its MD5
 * check on; or why the record cannot be read as one. Never by hand (docs/design.md §5): the library owns the
 * protobuf format and the checksum.
 */
export function deaggregate(record: KinesisStreamRecordPayload): readonly UserRecord[] | Rejection {
  let failed = false;
  let userRecords: readonly UserRecord[] | undefined;
  // deaggregateSync calls back once at the end, and once more before that for a user record it
  // could not build; any error condemns the whole aggregate. The callback must not throw: the
  // library calls it inside its own try block and would call it again with that error.
  kinesisAggregation().deaggregateSync(record, true, (error, records) => {
    if (error) failed = true;
    else userRecords = records as readonly UserRecord[] | undefined;
  });
  if (failed || userRecords === undefined) return REJECTIONS.badAggregate;
  if (userRecords.length === 0) return REJECTIONS.emptyAggregate;
  // A user record whose partition key index is outside the aggregate's key table comes back without
  // a partition key: the producer built a malformed aggregate, condemned whole like any other.
  if (userRecords.some((userRecord) => typeof userRecord.partitionKey !== 'string')) return REJECTIONS.badAggregate;
  return userRecords;
}
