import { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { InvokeCommand, type InvokeCommandInput, LambdaClient } from '@aws-sdk/client-lambda';
import {
  GetObjectCommand,
  GetObjectTaggingCommand,
  PutObjectTaggingCommand,
  type PutObjectTaggingCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import type { KinesisStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { lambdaWriterInvoker, s3FailedBatchStore } from '../../lambda/replay/aws';
import { REPLAYED_TAG } from '../../lambda/replay/contract';
import { createReplayer } from '../../lambda/replay/handler';
import { createTradeWriter } from '../../lambda/trade-writer/handler';
import type { ObjectStore } from '../../lambda/trade-writer/object-store';
import {
  kinesisEvent,
  SHARD_ID,
  STREAM_ARN,
  sequenceNumber,
  tradeJson,
  writerKey,
} from '../../tools/fixtures/trade-events';
import { FAILED_BATCH_BUCKET, invocationRecord, recordKey, WRITER_FUNCTION_ARN } from './fixtures';

const s3 = mockClient(S3Client);
const lambda = mockClient(LambdaClient);
const NOW = new Date('2026-03-12T09:00:00.000Z');
const KEY = recordKey();

const replay = createReplayer({
  store: s3FailedBatchStore(new S3Client({ region: 'us-east-2' }), FAILED_BATCH_BUCKET),
  writer: lambdaWriterInvoker(new LambdaClient({ region: 'us-east-2' }), WRITER_FUNCTION_ARN),
  streamArn: STREAM_ARN,
  logger: new Logger({ logLevel: 'SILENT' }),
  clock: () => NOW,
});

/** The real writer handler behind the mocked Invoke, storing into memory (or failing where told). */
const stored = new Map<string, Uint8Array>();
let failingKeys: RegExp | undefined;
const store: ObjectStore = {
  async putIfAbsent(key, body) {
    if (failingKeys?.test(key))
      throw Object.assign(new Error('SlowDown'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
    if (stored.has(key)) return 'already-present';
    stored.set(key, body);
    return 'created';
  },
};
const silentMetrics = { addMetric() {}, publishStoredMetrics() {} } as unknown as Metrics;
const writer = createTradeWriter({
  store,
  logger: new Logger({ logLevel: 'SILENT' }),
  metrics: silentMetrics,
  // config's default: the replayed trades of these tests are days old, well inside it.
  reconcileDays: 35,
  clock: () => NOW,
});

function writerBehindInvoke() {
  lambda.on(InvokeCommand).callsFake(async (input: InvokeCommandInput) => {
    const event = JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8')) as KinesisStreamEvent;
    const response = await writer(event);
    return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: Buffer.from(JSON.stringify(response)) };
  });
}

function recordInBucket(text: string, tags: Record<string, string> = {}) {
  s3.on(GetObjectTaggingCommand, { Bucket: FAILED_BATCH_BUCKET, Key: KEY }).resolves({
    TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  });
  s3.on(GetObjectCommand, { Bucket: FAILED_BATCH_BUCKET, Key: KEY }).callsFake(() => ({
    Body: { transformToString: async () => text } as any,
  }));
  s3.on(PutObjectTaggingCommand).resolves({});
}

const tagInputs = () =>
  s3.commandCalls(PutObjectTaggingCommand).map((call) => call.args[0].input as PutObjectTaggingCommandInput);
const invokeInputs = () => lambda.commandCalls(InvokeCommand).map((call) => call.args[0].input as InvokeCommandInput);

const event = kinesisEvent([
  tradeJson({ trade_id: 'T-1' }),
  tradeJson({ trade_id: 'T-2', executed_at: '2026-03-10T20:00:00.000Z' }),
  '{"trade_id": "T-3", "symbol":',
]);

beforeEach(() => {
  s3.reset();
  lambda.reset();
  stored.clear();
  failingKeys = undefined;
  writerBehindInvoke();
});

describe('replaying a recorded batch', () => {
  it('invokes the writer synchronously with the exact event Lambda recorded, stores its trades, and tags the record', async () => {
    const text = invocationRecord(event);
    recordInBucket(text, { owner: 'lambda' });
    const result = await replay({ key: KEY });

    const [invoke] = invokeInputs();
    expect(invokeInputs()).toHaveLength(1);
    expect(invoke!.FunctionName).toBe(WRITER_FUNCTION_ARN);
    expect(invoke!.InvocationType).toBe('RequestResponse');
    expect(Buffer.from(invoke!.Payload as Uint8Array).toString('utf8')).toBe(JSON.parse(text).payload);
    expect([...stored.keys()].sort()).toEqual([
      writerKey('quarantine/dt=2026-03-12/', [2]),
      writerKey('trades/dt=2026-03-10/', [1]),
      writerKey('trades/dt=2026-03-11/', [0]),
    ]);
    expect(result).toEqual({
      key: KEY,
      outcome: 'replayed',
      shardId: SHARD_ID,
      firstSequenceNumber: sequenceNumber(0),
      lastSequenceNumber: sequenceNumber(2),
      records: 3,
      trades: 2,
      quarantined: 1,
      days: ['2026-03-10', '2026-03-11'],
      replayedAt: NOW.toISOString(),
    });
    expect(tagInputs()).toEqual([
      {
        Bucket: FAILED_BATCH_BUCKET,
        Key: KEY,
        // PutObjectTagging replaces the tag set: the record's own tags are kept beside the mark.
        Tagging: {
          TagSet: [
            { Key: 'owner', Value: 'lambda' },
            { Key: REPLAYED_TAG, Value: NOW.toISOString() },
          ],
        },
      },
    ]);
  });

  it('replays a second time without writing anything new (the writer finds its own objects)', async () => {
    recordInBucket(invocationRecord(event));
    await replay({ key: KEY });
    const first = new Map(stored);
    const again = await replay({ key: KEY });
    expect(again.outcome).toBe('replayed');
    expect(stored).toEqual(first);
  });

  it('does not invoke the writer for a record already tagged as replayed', async () => {
    recordInBucket(invocationRecord(event), { [REPLAYED_TAG]: '2026-03-11T16:00:00.000Z' });
    expect(await replay({ key: KEY })).toEqual({
      key: KEY,
      outcome: 'already-replayed',
      replayedAt: '2026-03-11T16:00:00.000Z',
      records: 0,
      trades: 0,
      quarantined: 0,
      days: [],
    });
    expect(invokeInputs()).toEqual([]);
    expect(s3.commandCalls(GetObjectCommand)).toEqual([]);
    expect(tagInputs()).toEqual([]);
  });

  it('leaves the record untagged when the writer reports a partial failure, naming the checkpoint', async () => {
    recordInBucket(invocationRecord(event));
    failingKeys = /^trades\/dt=2026-03-10\//;
    const result = await replay({ key: KEY });
    expect(result).toMatchObject({
      outcome: 'writer-failed',
      checkpoint: sequenceNumber(1),
      records: 3,
      trades: 0,
      days: [],
      reason: `the writer could not store every record: it reported a failure from sequence number ${sequenceNumber(1)}; the record is left untagged, to replay again.`,
    });
    expect(tagInputs()).toEqual([]);
  });

  it('leaves the record untagged when the writer itself fails', async () => {
    recordInBucket(invocationRecord(event));
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: Buffer.from(
        JSON.stringify({ errorType: 'Runtime.ExitError', errorMessage: 'Task timed out after 120.00 seconds' }),
      ) as any,
    });
    const result = await replay({ key: KEY });
    expect(result.outcome).toBe('writer-failed');
    expect(result.reason).toBe(
      'the writer failed (Unhandled): Runtime.ExitError: Task timed out after 120.00 seconds; the record is left untagged, to replay again.',
    );
    expect(tagInputs()).toEqual([]);
  });

  it('reports the replay and says the tag is missing when tagging fails after the writer stored everything', async () => {
    recordInBucket(invocationRecord(event));
    s3.on(PutObjectTaggingCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const result = await replay({ key: KEY });
    expect(result).toMatchObject({ outcome: 'replayed-not-tagged', trades: 2, days: ['2026-03-10', '2026-03-11'] });
    expect(result.reason).toMatch(/could not be tagged as replayed \(AccessDenied: Access Denied\)/);
  });

  it('throws when the writer cannot be invoked, so the caller sees the invocation fail, and tags nothing', async () => {
    recordInBucket(invocationRecord(event));
    lambda.on(InvokeCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    await expect(replay({ key: KEY })).rejects.toThrow('Rate exceeded');
    expect(tagInputs()).toEqual([]);
  });

  it('throws when the record cannot be read (the data key disabled), and invokes nothing', async () => {
    recordInBucket(invocationRecord(event));
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('key is disabled'), { name: 'KMS.DisabledException' }));
    await expect(replay({ key: KEY })).rejects.toThrow('key is disabled');
    expect(invokeInputs()).toEqual([]);
  });
});

describe('what the replay function refuses', () => {
  it.each([
    ['an event instead of a key', event, /the request must hold "key" and nothing else; it holds \["Records"\]/],
    ['a key and an event', { key: KEY, Records: event.Records }, /it holds \["key","Records"\]/],
    ['an empty key', { key: '' }, /non-empty string of at most 1024 bytes/],
    ['a key longer than S3 allows', { key: 'k'.repeat(1025) }, /non-empty string of at most 1024 bytes/],
    ['a string', KEY, /not a JSON object/],
  ])('%s, touching nothing', async (_, request, reason) => {
    const result = await replay(request);
    expect(result.outcome).toBe('unreplayable');
    expect(result.reason).toMatch(reason);
    expect(s3.calls()).toEqual([]);
    expect(invokeInputs()).toEqual([]);
  });

  it('a key that names no record', async () => {
    s3.on(GetObjectTaggingCommand).rejects(
      Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' }),
    );
    expect(await replay({ key: KEY })).toMatchObject({
      outcome: 'unreplayable',
      reason: 'there is no such record in the failed-batch bucket',
    });
    expect(invokeInputs()).toEqual([]);
  });

  it('a record without payload, naming the range to read from the stream, and invokes nothing', async () => {
    recordInBucket(invocationRecord(event, { payload: 'none' }));
    const result = await replay({ key: KEY });
    expect(result).toMatchObject({
      outcome: 'unreplayable',
      shardId: SHARD_ID,
      firstSequenceNumber: sequenceNumber(0),
    });
    expect(result.reason).toMatch(/^The record cannot be replayed: it holds no payload, only the batch's range/);
    expect(invokeInputs()).toEqual([]);
    expect(tagInputs()).toEqual([]);
  });

  it('a record of another stream', async () => {
    recordInBucket(invocationRecord(event, { streamArn: 'arn:aws:kinesis:us-east-2:123456789012:stream/other' }));
    expect((await replay({ key: KEY })).reason).toMatch(/records a batch of stream .*other, not/);
    expect(invokeInputs()).toEqual([]);
  });
});
