import type { _Record as KinesisRecord } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/**
 * Kinesis records as Lambda's event source mapping hands them to a function: the documented event
 * format (`eventSource` aws:kinesis, `eventID` = `<shardId>:<sequenceNumber>`, `kinesis.data` in
 * base64, `approximateArrivalTimestamp` in seconds with a millisecond fraction), and the 6 MB cap
 * on an invocation's payload, which a full batch of Kinesis records can exceed (docs/design.md §14).
 */

/** Lambda's limit on a synchronous invocation's request payload (the event JSON), in bytes. */
export const MAX_INVOCATION_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** `{"Records":[` and `]}`. */
const EVENT_ENVELOPE_BYTES = Buffer.byteLength(JSON.stringify({ Records: [] }));

/** Where the records come from, as Lambda names it in every record. */
export interface EventSourceIdentity {
  readonly streamArn: string;
  readonly region: string;
  /** The function's execution role: Lambda sends it as `invokeIdentityArn`. */
  readonly functionRoleArn: string;
}

/** One record of a Lambda Kinesis event. */
export function lambdaRecord(record: KinesisRecord, shardId: string, source: EventSourceIdentity): KinesisStreamRecord {
  const sequenceNumber = record.SequenceNumber ?? '';
  const arrival = record.ApproximateArrivalTimestamp;
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey ?? '',
      sequenceNumber,
      data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
      // Kinesis keeps milliseconds; Lambda sends seconds with the milliseconds as a fraction.
      approximateArrivalTimestamp: arrival === undefined ? Number.NaN : arrival.getTime() / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: source.functionRoleArn,
    awsRegion: source.region,
    eventSourceARN: source.streamArn,
  };
}

/** The bytes of a record in the event JSON. */
export function payloadBytesOf(record: KinesisStreamRecord): number {
  return Buffer.byteLength(JSON.stringify(record));
}

/**
 * How many of `records` (from the first) make the next batch: at most `batchSize`, and no more than
 * fit in Lambda's payload limit; at least one, as Lambda invokes with an oversized record alone (a
 * Kinesis record is at most 1 MiB of data, which always fits).
 */
export function nextBatchLength(
  records: readonly KinesisStreamRecord[],
  batchSize: number,
  sizeOf: (record: KinesisStreamRecord) => number = payloadBytesOf,
  maxPayloadBytes: number = MAX_INVOCATION_PAYLOAD_BYTES,
): number {
  let bytes = EVENT_ENVELOPE_BYTES;
  let length = 0;
  while (length < records.length && length < batchSize) {
    // Records after the first are preceded by a comma.
    bytes += sizeOf(records[length] as KinesisStreamRecord) + (length > 0 ? 1 : 0);
    if (bytes > maxPayloadBytes && length > 0) break;
    length += 1;
  }
  return length;
}

/** The event of one invocation. */
export function lambdaEvent(records: readonly KinesisStreamRecord[]): KinesisStreamEvent {
  return { Records: [...records] };
}
