import type { KinesisStreamEvent } from 'aws-lambda';
import { SHARD_ID, STREAM_ARN } from '../../tools/fixtures/trade-events';

/** The writer's ARN in the fixtures' account and Region (tools/fixtures/trade-events). */
export const WRITER_FUNCTION_ARN = 'arn:aws:lambda:us-east-2:123456789012:function:trades-dev-trade-writer';
export const FAILED_BATCH_BUCKET = 'trading-data-lake-dev-failed-batches';

/** A key as Lambda names an S3 invocation record: `aws/lambda/<ESM-UUID>/<shardID>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<UUID>`. */
export function recordKey(
  shardId = SHARD_ID,
  at = '2026-03-11T15.04.05',
  uuid = '9f1c2a7e-1d2b-4c3d-8e9f-0a1b2c3d4e5f',
) {
  const [date] = at.split('T') as [string];
  return `aws/lambda/2f6e3b1c-7a8d-4e9f-a0b1-c2d3e4f5a6b7/${shardId}/${date.replaceAll('-', '/')}/${at}-${uuid}`;
}

export interface InvocationRecordOptions {
  /** How the event is recorded: as AWS documents it (an escaped JSON string), as an object, or not at all (an SQS/SNS destination). @default 'string' */
  readonly payload?: 'string' | 'object' | 'none';
  readonly streamArn?: string;
  readonly shardId?: string;
  readonly condition?: 'RetryAttemptsExhausted' | 'RecordAgeExceeded';
}

/**
 * An invocation record shaped exactly as the Lambda Developer Guide's "Example Amazon S3 invocation
 * record" for a Kinesis event source: its fields, in its order, the KinesisBatchInfo taken from the
 * event, and `payload` holding the whole event as an escaped JSON string.
 */
export function invocationRecord(event: KinesisStreamEvent, options: InvocationRecordOptions = {}): string {
  const first = event.Records[0]!;
  const last = event.Records.at(-1)!;
  const arrival = (seconds: number) => new Date(Math.round(seconds * 1000)).toISOString();
  const record: Record<string, unknown> = {
    requestContext: {
      requestId: 'c9b8fa9f-5a7f-xmpl-af9c-0c604cde93a5',
      functionArn: WRITER_FUNCTION_ARN,
      condition: options.condition ?? 'RetryAttemptsExhausted',
      approximateInvokeCount: 4,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: '2026-03-11T15:04:05.021Z',
    KinesisBatchInfo: {
      shardId: options.shardId ?? SHARD_ID,
      startSequenceNumber: first.kinesis.sequenceNumber,
      endSequenceNumber: last.kinesis.sequenceNumber,
      approximateArrivalOfFirstRecord: arrival(first.kinesis.approximateArrivalTimestamp),
      approximateArrivalOfLastRecord: arrival(last.kinesis.approximateArrivalTimestamp),
      batchSize: event.Records.length,
      streamArn: options.streamArn ?? STREAM_ARN,
    },
  };
  const payload = options.payload ?? 'string';
  if (payload === 'string') record.payload = JSON.stringify(event);
  if (payload === 'object') record.payload = event;
  return JSON.stringify(record, null, 2);
}
