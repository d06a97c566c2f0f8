import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import type { KinesisEntry } from '../../../cli/produce/records';
import { backoffDelay, SendAbortedError, type SendOptions, sendRecords } from '../../../cli/produce/send-records';
import { awsError } from '../support';

const kinesisMock = mockClient(KinesisClient);
const kinesis = new KinesisClient({ region: 'eu-west-1' });
const STREAM = 'trading-data-lake-dev-trades';

const entries = (count: number, from = 0): KinesisEntry[] =>
  Array.from({ length: count }, (_, i) => ({ partitionKey: `T-${from + i}`, data: Buffer.from(`{"n":${from + i}}`) }));

/** Partition keys of each PutRecords request, in order. */
function requestedKeys(): string[][] {
  return kinesisMock
    .commandCalls(PutRecordsCommand)
    .map((call) => (call.args[0].input as PutRecordsCommandInput).Records!.map((r) => r.PartitionKey!));
}

/** A fake clock that advances only when the sender sleeps. */
function fakeTime() {
  let now = 0;
  const sleeps: number[] = [];
  const options: SendOptions = {
    clock: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
  return { options, sleeps, now: () => now };
}

beforeEach(() => kinesisMock.reset());

describe('sendRecords', () => {
  it('sends every record once when the stream accepts them, in requests of at most 500', async () => {
    kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      FailedRecordCount: 0,
      Records: input.Records!.map((_, i) => ({ SequenceNumber: `${i}`, ShardId: 'shardId-000000000000' })),
    }));
    const summary = await sendRecords(kinesis, STREAM, entries(1234), fakeTime().options);
    expect(requestedKeys().map((keys) => keys.length)).toEqual([500, 500, 234]);
    expect(requestedKeys().flat()).toEqual(entries(1234).map((e) => e.partitionKey));
    expect(summary).toMatchObject({ userRecords: 1234, sent: 1234, retried: 0, failed: 0, unsent: 0, requests: 3 });
    const first = kinesisMock.commandCalls(PutRecordsCommand)[0].args[0].input as PutRecordsCommandInput;
    expect(first.StreamName).toBe(STREAM);
    expect(Buffer.from(first.Records![0].Data!).toString()).toBe('{"n":0}');
  });

  it('retries only the records a response marks as failed', async () => {
    kinesisMock
      .on(PutRecordsCommand)
      .resolvesOnce({
        FailedRecordCount: 2,
        Records: [
          { SequenceNumber: '1', ShardId: 's' },
          { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' },
          { SequenceNumber: '3', ShardId: 's' },
          { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' },
        ],
      })
      .resolves({ FailedRecordCount: 0, Records: [{ SequenceNumber: '5' }, { SequenceNumber: '6' }] });
    const time = fakeTime();
    const summary = await sendRecords(kinesis, STREAM, entries(4), time.options);
    expect(requestedKeys()).toEqual([
      ['T-0', 'T-1', 'T-2', 'T-3'],
      ['T-1', 'T-3'],
    ]);
    expect(summary).toMatchObject({ sent: 4, retried: 2, failed: 0, requests: 2 });
    expect(time.sleeps).toHaveLength(1);
  });

  it('gives up on a record after its attempts and reports it, with its last error code', async () => {
    kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      FailedRecordCount: 1,
      Records: input.Records!.map((record) =>
        record.PartitionKey === 'T-1'
          ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' }
          : { SequenceNumber: '1', ShardId: 's' },
      ),
    }));
    const summary = await sendRecords(kinesis, STREAM, entries(3), { ...fakeTime().options, maxAttempts: 4 });
    expect(requestedKeys()).toEqual([['T-0', 'T-1', 'T-2'], ['T-1'], ['T-1'], ['T-1']]);
    expect(summary).toMatchObject({ sent: 2, retried: 3, failed: 1 });
    expect(summary.failures).toEqual([
      { entry: entries(3)[1], errorCode: 'ProvisionedThroughputExceededException', errorMessage: 'Rate exceeded' },
    ]);
  });

  it('backs off exponentially with jitter, bounded by the maximum delay', async () => {
    kinesisMock.on(PutRecordsCommand).resolves({
      FailedRecordCount: 1,
      Records: [{ ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' }],
    });
    const time = fakeTime();
    await sendRecords(kinesis, STREAM, entries(1), {
      ...time.options,
      maxAttempts: 8,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      random: () => 0.999999,
    });
    expect(time.sleeps).toEqual([99, 199, 399, 799, 999, 999, 999]);
    expect(backoffDelay(3, 100, 1000, () => 0)).toBe(0);
    expect(backoffDelay(3, 100, 1000, () => 0.5)).toBe(200);
  });

  it('retries a request that was throttled as a whole, then sends it', async () => {
    kinesisMock
      .on(PutRecordsCommand)
      .rejectsOnce(awsError('ProvisionedThroughputExceededException', 'Rate exceeded for stream'))
      .rejectsOnce(awsError('KMSThrottlingException', 'Rate exceeded for KMS'))
      .resolves({ FailedRecordCount: 0, Records: [{ SequenceNumber: '1' }, { SequenceNumber: '2' }] });
    const summary = await sendRecords(kinesis, STREAM, entries(2), fakeTime().options);
    expect(requestedKeys()).toEqual([
      ['T-0', 'T-1'],
      ['T-0', 'T-1'],
      ['T-0', 'T-1'],
    ]);
    expect(summary).toMatchObject({ sent: 2, retried: 4, failed: 0 });
  });

  it('stops at an error no retry can cure, with what was sent before and the error as cause', async () => {
    const denied = awsError('AccessDeniedException', 'not authorized to perform: kinesis:PutRecords', 403);
    kinesisMock
      .on(PutRecordsCommand)
      .resolvesOnce({ FailedRecordCount: 0, Records: entries(500).map(() => ({ SequenceNumber: '1' })) })
      .rejects(denied);
    const attempt = sendRecords(kinesis, STREAM, entries(1200), fakeTime().options);
    await expect(attempt).rejects.toBeInstanceOf(SendAbortedError);
    const error = (await attempt.catch((e: unknown) => e)) as SendAbortedError;
    expect(error.cause).toBe(denied);
    expect(error.summary).toMatchObject({ userRecords: 1200, sent: 500, failed: 500, unsent: 200, requests: 2 });
    expect(requestedKeys()).toHaveLength(2);
  });

  it('sends nothing when one record would be refused by Kinesis', async () => {
    const tooLong = { partitionKey: 'k'.repeat(257), data: Buffer.from('{}') };
    await expect(sendRecords(kinesis, STREAM, [...entries(3), tooLong], fakeTime().options)).rejects.toThrow(
      /record 3 cannot be sent: a partition key/,
    );
    expect(requestedKeys()).toEqual([]);
  });

  it('keeps to the rate: requests of a tenth of a second, spaced so the average is the rate', async () => {
    kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      FailedRecordCount: 0,
      Records: input.Records!.map(() => ({ SequenceNumber: '1' })),
    }));
    const time = fakeTime();
    const summary = await sendRecords(kinesis, STREAM, entries(1000), { ...time.options, rate: 200 });
    expect(requestedKeys().map((keys) => keys.length)).toEqual(Array(50).fill(20));
    // The last request starts after 980 records at 200 per second: 4.9 s.
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBeCloseTo(4900, 6);
    expect(summary.elapsedMs).toBeCloseTo(4900, 6);
  });

  it('keeps to the rate in trades with aggregates: each request carries a tenth of a second of trades, not of Kinesis records', async () => {
    const time = fakeTime();
    const started: number[] = [];
    kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
      started.push(time.now());
      return { FailedRecordCount: 0, Records: input.Records!.map(() => ({ SequenceNumber: '1' })) };
    });
    // 40 aggregates of 30 trades at 1,000 trades a second: a budget of 100 trades a request holds 3.
    const aggregates = entries(40).map((entry) => ({ ...entry, userRecords: 30, explicitHashKey: '1' }));
    const summary = await sendRecords(kinesis, STREAM, aggregates, { ...time.options, rate: 1000 });
    expect(requestedKeys().map((keys) => keys.length)).toEqual([...Array(13).fill(3), 1]);
    // Request n starts when the 90 × n trades before it are due at 1,000 a second.
    expect(started).toEqual(Array.from({ length: 14 }, (_, n) => expect.closeTo(n * 90, 6)));
    expect(summary).toMatchObject({ userRecords: 1200, kinesisRecords: 40, sent: 1200, requests: 14 });
  });

  it("sends an aggregate larger than a tick's budget alone, and waits the time its trades take at the rate", async () => {
    const time = fakeTime();
    kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      FailedRecordCount: 0,
      Records: input.Records!.map(() => ({ SequenceNumber: '1' })),
    }));
    // 25 aggregates of 200 trades at --rate 100: one a request, two seconds apart, never 2,000 trades at once.
    const aggregates = entries(25).map((entry) => ({ ...entry, userRecords: 200, explicitHashKey: '1' }));
    const summary = await sendRecords(kinesis, STREAM, aggregates, { ...time.options, rate: 100 });
    expect(requestedKeys().map((keys) => keys.length)).toEqual(Array(25).fill(1));
    // The last request starts after 24 × 200 trades at 100 a second: 48 s; records/s counts trades.
    expect(summary.elapsedMs).toBeCloseTo(48_000, 6);
    expect(summary.recordsPerSecond).toBeCloseTo(5000 / 48, 6);
  });

  it('counts user records: an aggregate counts as the trades it carries', async () => {
    kinesisMock
      .on(PutRecordsCommand)
      .resolvesOnce({ FailedRecordCount: 1, Records: [{ SequenceNumber: '1' }, { ErrorCode: 'InternalFailure' }] })
      .resolves({ FailedRecordCount: 0, Records: [{ SequenceNumber: '2' }] });
    const aggregates = entries(2).map((entry, i) => ({ ...entry, userRecords: 10 + i, explicitHashKey: '1' }));
    const progress: unknown[] = [];
    const summary = await sendRecords(kinesis, STREAM, aggregates, {
      ...fakeTime().options,
      onProgress: (p) => progress.push(p),
    });
    expect(summary).toMatchObject({ userRecords: 21, kinesisRecords: 2, sent: 21, retried: 11, failed: 0 });
    expect(progress).toEqual([
      { total: 21, sent: 10, retried: 0, failed: 0 },
      { total: 21, sent: 21, retried: 11, failed: 0 },
    ]);
    const first = kinesisMock.commandCalls(PutRecordsCommand)[0].args[0].input as PutRecordsCommandInput;
    expect(first.Records![0].ExplicitHashKey).toBe('1');
  });

  it('names the stream by ARN when given one', async () => {
    kinesisMock.on(PutRecordsCommand).resolves({ FailedRecordCount: 0, Records: [{ SequenceNumber: '1' }] });
    const arn = `arn:aws:kinesis:eu-west-1:111111111111:stream/${STREAM}`;
    await sendRecords(kinesis, arn, entries(1), fakeTime().options);
    const input = kinesisMock.commandCalls(PutRecordsCommand)[0].args[0].input as PutRecordsCommandInput;
    expect(input).toMatchObject({ StreamARN: arn });
    expect(input.StreamName).toBeUndefined();
  });
});
