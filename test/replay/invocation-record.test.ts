import { readInvocationRecord } from '../../lambda/replay/invocation-record';
import { kinesisEvent, SHARD_ID, STREAM_ARN, sequenceNumber, tradeJson } from '../../tools/fixtures/trade-events';
import { invocationRecord } from './fixtures';

const event = kinesisEvent([tradeJson({ trade_id: 'T-1' }), tradeJson({ trade_id: 'T-2' }), 'not json']);

describe('reading an S3 invocation record of a Kinesis event source', () => {
  it('gives back the exact event of the payload, its records and the batch range', () => {
    const text = invocationRecord(event);
    const reading = readInvocationRecord(text, { streamArn: STREAM_ARN });
    expect(reading.ok).toBe(true);
    if (!reading.ok) return;
    expect(reading.eventText).toBe(JSON.parse(text).payload);
    expect(JSON.parse(reading.eventText)).toEqual(event);
    expect(reading.records).toEqual(event.Records);
    expect(reading.batch).toEqual({
      shardId: SHARD_ID,
      startSequenceNumber: sequenceNumber(0),
      endSequenceNumber: sequenceNumber(2),
      approximateArrivalOfFirstRecord: '2026-03-11T14:30:00.123Z',
      approximateArrivalOfLastRecord: '2026-03-11T14:30:00.125Z',
      batchSize: 3,
      streamArn: STREAM_ARN,
    });
    expect(reading.failure).toEqual({
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 4,
      timestamp: '2026-03-11T15:04:05.021Z',
      functionError: 'Unhandled',
    });
  });

  it('reads a payload recorded as an object the same way', () => {
    const reading = readInvocationRecord(invocationRecord(event, { payload: 'object' }), { streamArn: STREAM_ARN });
    expect(reading.ok && JSON.parse(reading.eventText)).toEqual(event);
  });

  it('refuses a record without payload (what an SQS or SNS destination gets), naming the range to read from the stream', () => {
    const reading = readInvocationRecord(invocationRecord(event, { payload: 'none' }), { streamArn: STREAM_ARN });
    expect(reading).toMatchObject({ ok: false, batch: { shardId: SHARD_ID } });
    expect(!reading.ok && reading.reason).toBe(
      `it holds no payload, only the batch's range: read the records from the stream (GetShardIterator AT_SEQUENCE_NUMBER ${sequenceNumber(0)} on ${SHARD_ID}, up to ${sequenceNumber(2)}) before the stream's retention ends`,
    );
  });

  it('checks the stream by name as the CLI knows it (stack output StreamName)', () => {
    const text = invocationRecord(event);
    expect(readInvocationRecord(text, { streamName: 'trades-dev' }).ok).toBe(true);
    expect(readInvocationRecord(text, { streamName: 'dev' })).toMatchObject({
      ok: false,
      reason: `it records a batch of stream ${STREAM_ARN}, not this stack's stream dev`,
    });
  });

  it('refuses a batch of another stream, although it is shaped right', () => {
    const other = 'arn:aws:kinesis:us-east-2:123456789012:stream/someone-elses';
    const reading = readInvocationRecord(invocationRecord(event, { streamArn: other }), { streamArn: STREAM_ARN });
    expect(!reading.ok && reading.reason).toBe(`it records a batch of stream ${other}, not ${STREAM_ARN}`);
  });

  it.each([
    [
      'a record of another stream',
      (e: any) => (e.Records[1].eventSourceARN = 'arn:aws:kinesis:us-east-2:1:stream/x'),
      /record 1 of its payload is from another stream/,
    ],
    [
      'a record of another shard',
      (e: any) => (e.Records[2].eventID = `shardId-000000000001:${sequenceNumber(2)}`),
      /record 2 of its payload is from another shard than shardId-000000000006/,
    ],
    [
      'a record that is not from Kinesis',
      (e: any) => (e.Records[0].eventSource = 'aws:sqs'),
      /record 0 of its payload is not from Kinesis/,
    ],
    ['a record without data', (e: any) => delete e.Records[0].kinesis.data, /record 0 of its payload has no data/],
    [
      'a record without sequence number',
      (e: any) => (e.Records[0].kinesis.sequenceNumber = 'x'),
      /record 0 of its payload has no sequence number/,
    ],
    ['an event without records', (e: any) => (e.Records = []), /its payload is not a Kinesis event with records/],
  ])(
    'refuses a payload with %s: the event was not one the writer was invoked with from this shard',
    (_, change, reason) => {
      const changed = structuredClone(event);
      change(changed);
      const record = JSON.parse(invocationRecord(event));
      record.payload = JSON.stringify(changed);
      const reading = readInvocationRecord(JSON.stringify(record), { streamArn: STREAM_ARN });
      expect(reading.ok).toBe(false);
      expect(!reading.ok && reading.reason).toMatch(reason);
    },
  );

  it.each([
    ['text that is not JSON', 'hello', 'it is not JSON: not an invocation record Lambda wrote'],
    ['a JSON array', '[]', 'it is not a JSON object: not an invocation record Lambda wrote'],
    [
      'a record of another event source (MSK)',
      '{"requestContext":{},"KafkaBatchInfo":{}}',
      'it has no KinesisBatchInfo: it is not a Kinesis invocation record',
    ],
    [
      'a payload that is not JSON',
      JSON.stringify({ ...JSON.parse(invocationRecord(event)), payload: '{"Records":' }),
      'its payload is not JSON',
    ],
  ])('refuses %s', (_, text, reason) => {
    expect(readInvocationRecord(text, { streamArn: STREAM_ARN })).toMatchObject({ ok: false, reason });
  });
});
