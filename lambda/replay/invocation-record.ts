import type { KinesisStreamRecord } from 'aws-lambda';
import { shardIdOf } from '../../schema/object-keys';

/**
 * The record Lambda writes to an Amazon S3 on-failure destination when a Kinesis event source mapping
 * gives up on a batch ("Retain discarded batch records for a Kinesis Data Streams event source",
 * Lambda Developer Guide, "Example Amazon S3 invocation record"): the metadata an SQS or SNS
 * destination also gets (`requestContext`, `responseContext`, `version`, `timestamp`,
 * `KinesisBatchInfo` with the shard and the sequence range), and, for S3 only, `payload`: the whole
 * event the function was invoked with, as an escaped JSON string. Lambda names the object
 * `aws/lambda/<ESM-UUID>/<shardID>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<Random UUID>`.
 *
 * Pure: the replay function and `trades replay --dry-run` read records with it.
 */

/** `KinesisBatchInfo` of an invocation record; AWS documents every field as always present. */
export interface KinesisBatchInfo {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly approximateArrivalOfFirstRecord: string;
  readonly approximateArrivalOfLastRecord: string;
  readonly batchSize: number;
  readonly streamArn: string;
}

/** What the record says about the failure, for a person deciding whether to replay. */
export interface FailureContext {
  /** `RetryAttemptsExhausted` or `RecordAgeExceeded`, as Lambda recorded it. */
  readonly condition?: string;
  readonly approximateInvokeCount?: number;
  /** When Lambda gave up (ISO 8601). */
  readonly timestamp?: string;
  /** `Unhandled` when the function threw; absent when it returned a partial batch response. */
  readonly functionError?: string;
}

/** A record read from the failed-batch bucket. */
export type InvocationRecordReading =
  | {
      readonly ok: true;
      readonly batch: KinesisBatchInfo;
      readonly failure: FailureContext;
      /** The event exactly as Lambda recorded it: the payload's JSON text. */
      readonly eventText: string;
      readonly records: readonly KinesisStreamRecord[];
    }
  | {
      readonly ok: false;
      readonly reason: string;
      /** Present when the metadata could be read, so the range can still be reported. */
      readonly batch?: KinesisBatchInfo;
      readonly failure?: FailureContext;
    };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SEQUENCE_NUMBER = /^\d{1,129}$/;

function batchInfoOf(value: unknown): KinesisBatchInfo | string {
  if (!isObject(value)) return 'it has no KinesisBatchInfo: it is not a Kinesis invocation record';
  const text = (name: string) => (typeof value[name] === 'string' ? (value[name] as string) : '');
  const shardId = text('shardId');
  const startSequenceNumber = text('startSequenceNumber');
  const endSequenceNumber = text('endSequenceNumber');
  const streamArn = text('streamArn');
  if (shardId === '' || streamArn === '') return 'its KinesisBatchInfo names no shard or stream';
  if (!SEQUENCE_NUMBER.test(startSequenceNumber) || !SEQUENCE_NUMBER.test(endSequenceNumber)) {
    return 'its KinesisBatchInfo has no start or end sequence number';
  }
  return {
    shardId,
    startSequenceNumber,
    endSequenceNumber,
    approximateArrivalOfFirstRecord: text('approximateArrivalOfFirstRecord'),
    approximateArrivalOfLastRecord: text('approximateArrivalOfLastRecord'),
    batchSize: typeof value.batchSize === 'number' ? value.batchSize : Number.NaN,
    streamArn,
  };
}

function failureOf(record: Json): FailureContext {
  const request = isObject(record.requestContext) ? record.requestContext : {};
  const response = isObject(record.responseContext) ? record.responseContext : {};
  return {
    condition: typeof request.condition === 'string' ? request.condition : undefined,
    approximateInvokeCount:
      typeof request.approximateInvokeCount === 'number' ? request.approximateInvokeCount : undefined,
    timestamp: typeof record.timestamp === 'string' ? record.timestamp : undefined,
    functionError: typeof response.functionError === 'string' ? response.functionError : undefined,
  };
}

/** Why a record of the payload is not one the writer was invoked with from this stream and shard. */
function recordProblem(record: unknown, index: number, batch: KinesisBatchInfo): string | undefined {
  const at = `record ${index} of its payload`;
  if (!isObject(record) || !isObject(record.kinesis)) return `${at} is not a Kinesis event record`;
  const { kinesis } = record;
  if (record.eventSource !== 'aws:kinesis')
    return `${at} is not from Kinesis (eventSource ${String(record.eventSource)})`;
  if (record.eventSourceARN !== batch.streamArn)
    return `${at} is from another stream (${String(record.eventSourceARN)})`;
  if (typeof kinesis.data !== 'string') return `${at} has no data`;
  if (typeof kinesis.sequenceNumber !== 'string' || !SEQUENCE_NUMBER.test(kinesis.sequenceNumber)) {
    return `${at} has no sequence number`;
  }
  if (typeof record.eventID !== 'string' || shardIdOf(record.eventID) !== batch.shardId) {
    return `${at} is from another shard than ${batch.shardId}`;
  }
  return undefined;
}

/**
 * The stream a record must come from: its ARN (the replay function knows it), or its name (the CLI
 * knows the stream by its stack output, StreamName).
 */
export type ExpectedStream = { readonly streamArn: string } | { readonly streamName: string };

function isExpectedStream(streamArn: string, expected: ExpectedStream): boolean {
  return 'streamArn' in expected
    ? streamArn === expected.streamArn
    : streamArn.endsWith(`:stream/${expected.streamName}`);
}

function describeStream(expected: ExpectedStream): string {
  return 'streamArn' in expected ? expected.streamArn : `this stack's stream ${expected.streamName}`;
}

/**
 * Reads an invocation record and the event in its payload, and checks that the event is one this
 * stack's writer was invoked with: Kinesis records of the expected stream, of the shard the record
 * names. A record of another stream, or with no payload (an SQS or SNS destination's metadata only),
 * cannot be replayed from the record alone: the reason says so, and names the range to read from the
 * stream.
 */
export function readInvocationRecord(text: string, expected: ExpectedStream): InvocationRecordReading {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'it is not JSON: not an invocation record Lambda wrote' };
  }
  if (!isObject(record)) return { ok: false, reason: 'it is not a JSON object: not an invocation record Lambda wrote' };
  const batch = batchInfoOf(record.KinesisBatchInfo);
  if (typeof batch === 'string') return { ok: false, reason: batch };
  const failure = failureOf(record);
  if (!isExpectedStream(batch.streamArn, expected)) {
    return {
      ok: false,
      batch,
      failure,
      reason: `it records a batch of stream ${batch.streamArn}, not ${describeStream(expected)}`,
    };
  }
  const { payload } = record;
  if (payload === undefined || payload === null || payload === '') {
    return {
      ok: false,
      batch,
      failure,
      reason: `it holds no payload, only the batch's range: read the records from the stream (GetShardIterator AT_SEQUENCE_NUMBER ${batch.startSequenceNumber} on ${batch.shardId}, up to ${batch.endSequenceNumber}) before the stream's retention ends`,
    };
  }
  // AWS documents the payload as an escaped JSON string; an object is read the same way.
  const eventText = typeof payload === 'string' ? payload : JSON.stringify(payload);
  let event: unknown;
  try {
    event = JSON.parse(eventText);
  } catch {
    return { ok: false, batch, failure, reason: 'its payload is not JSON' };
  }
  if (!isObject(event) || !Array.isArray(event.Records) || event.Records.length === 0) {
    return { ok: false, batch, failure, reason: 'its payload is not a Kinesis event with records' };
  }
  for (const [index, candidate] of event.Records.entries()) {
    const problem = recordProblem(candidate, index, batch);
    if (problem !== undefined) return { ok: false, batch, failure, reason: problem };
  }
  return { ok: true, batch, failure, eventText, records: event.Records as KinesisStreamRecord[] };
}
