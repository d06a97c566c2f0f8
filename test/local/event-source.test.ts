import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { Chaos } from '../../local/chaos';
import { type EventSourceOptions, type FailedBatch, KinesisEventSource, verdictOf } from '../../local/event-source';
import { type FunctionInstance, FunctionInstances } from '../../local/function-instances';
import { type Peers, startPeers } from '../../local/peers';

const SHARDS = 3;
const RECORDS = 60;

let directory: string;
let peers: Peers;
let kinesis: KinesisClient;
let streamArn: string;

/** Stream name per test, so each test reads only its own records. */
let streams = 0;

async function streamWithRecords(count: number, padding = 0): Promise<string> {
  streams += 1;
  const streamName = `event-source-${streams}`;
  // Large records go to one shard, so that one shard has more than a payload's worth.
  await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: padding > 0 ? 1 : SHARDS }));
  for (;;) {
    const { StreamDescriptionSummary: summary } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: streamName }),
    );
    if (summary?.StreamStatus === 'ACTIVE') {
      streamArn = summary.StreamARN ?? '';
      break;
    }
  }
  const records = Array.from({ length: count }, (_, i) => ({
    PartitionKey: `key-${i}`,
    Data: Buffer.from(`record-${i}${' '.repeat(padding)}`),
  }));
  // PutRecords takes at most 5 MiB a request: large records go one a request.
  const perRequest = padding > 0 ? 1 : 500;
  for (let i = 0; i < records.length; i += perRequest) {
    await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records: records.slice(i, i + perRequest) }));
  }
  return streamName;
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'event-source-'));
  peers = await startPeers({ directory, buckets: [], shardLimit: 100 });
  kinesis = new KinesisClient({
    endpoint: peers.kinesisEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: new NodeHttpHandler(),
  });
});

afterAll(async () => {
  kinesis?.destroy();
  await peers?.stop();
  rmSync(directory, { recursive: true, force: true });
});

/** What a fake function saw: every invocation's records, as `record-<i>` texts, and its shard. */
interface Recorded {
  readonly invocations: string[][];
  readonly shards: string[];
  /** The environment that ran each invocation, and the environments ended. */
  readonly environments: number[];
  readonly disposed: number[];
  readonly failed: FailedBatch[];
  readonly functions: FunctionInstances;
  readonly source: KinesisEventSource;
  readonly streamName: string;
}

function dataOf(record: KinesisStreamRecord): string {
  return Buffer.from(record.kinesis.data, 'base64').toString('utf8').trimEnd();
}

/** Runs the event source over a new stream; `respond` plays the function. */
async function run(
  respond: (event: KinesisStreamEvent) => Promise<unknown>,
  options: Partial<EventSourceOptions> = {},
  count = RECORDS,
  padding = 0,
): Promise<Recorded> {
  const streamName = await streamWithRecords(count, padding);
  const invocations: string[][] = [];
  const shards: string[] = [];
  const failed: FailedBatch[] = [];
  const environments: number[] = [];
  const disposed: number[] = [];
  let built = 0;
  const functions = new FunctionInstances({
    functionName: 'writer',
    timeoutMs: 200,
    memoryMb: 128,
    create: (): FunctionInstance => {
      const id = built++;
      return {
        handler: async (event) => {
          invocations.push(event.Records.map(dataOf));
          shards.push(event.Records[0]?.eventID.split(':')[0] ?? '');
          environments.push(id);
          return (await respond(event)) as undefined;
        },
        dispose: () => disposed.push(id),
      };
    },
  });
  const source = new KinesisEventSource({
    kinesis,
    streamName,
    source: { streamArn, region: 'us-east-1', functionRoleArn: 'arn:aws:iam::000000000000:role/writer' },
    batchSize: 10,
    maxRetryAttempts: 3,
    functions,
    onFailure: async (batch) => {
      failed.push(batch);
    },
    producerFinished: () => true,
    ...options,
  });
  await source.run();
  return { invocations, shards, environments, disposed, failed, functions, source, streamName };
}

/** Records handed to the function, every invocation's in turn. */
function byShardOrder(invocations: string[][]): string[] {
  return invocations.flat();
}

/** The invocations that followed `batch` on its shard (shards are polled concurrently). */
function afterOnShard(recorded: Recorded, batch: string[]): string[][] {
  const at = recorded.invocations.indexOf(batch);
  const shard = recorded.shards[at];
  return recorded.invocations.filter((_, i) => i > at && recorded.shards[i] === shard);
}

const success = async () => ({ batchItemFailures: [] });

describe("the local event source, as Lambda's Kinesis event source mapping", () => {
  it('hands every record to the function exactly once, in batches of at most the batch size', async () => {
    const { invocations, source } = await run(success);
    const handled = byShardOrder(invocations);
    expect(handled).toHaveLength(RECORDS);
    expect(new Set(handled).size).toBe(RECORDS);
    expect(Math.max(...invocations.map((batch) => batch.length))).toBeLessThanOrEqual(10);
    expect(source.report()).toMatchObject({ shards: SHARDS, recordsRead: RECORDS, retries: 0 });
  });

  it('resumes every shard after the last record it delivered when run again: records put after a run are handed over once', async () => {
    const recorded = await run(success);
    const earlier = recorded.invocations.length;
    const late = Array.from({ length: 25 }, (_, i) => ({ PartitionKey: `late-${i}`, Data: Buffer.from(`late-${i}`) }));
    await kinesis.send(new PutRecordsCommand({ StreamName: recorded.streamName, Records: late }));
    await recorded.source.run();
    const handledLater = recorded.invocations.slice(earlier).flat();
    expect(handledLater.sort()).toEqual(late.map(({ Data }) => Data.toString()).sort());
    expect(new Set(recorded.invocations.flat()).size).toBe(RECORDS + late.length);
    expect(recorded.source.report()).toMatchObject({ recordsRead: RECORDS + late.length, retries: 0 });
  });

  it("caps a batch at Lambda's 6 MB invocation payload, below the batch size", async () => {
    const sizes: number[] = [];
    const { invocations } = await run(
      async (event) => {
        sizes.push(Buffer.byteLength(JSON.stringify(event)));
        return undefined;
      },
      {},
      12,
      700 * 1024,
    );
    expect(new Set(invocations.flat()).size).toBe(12);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(6 * 1024 * 1024);
    // 700 KiB of data is about 933 KiB in base64: six records fit, a seventh would not.
    expect(Math.max(...invocations.map((batch) => batch.length))).toBe(6);
  });

  it('builds events in the format Lambda documents for a Kinesis event source', async () => {
    let first: KinesisStreamRecord | undefined;
    await run(async (event) => {
      first ??= event.Records[0];
      return undefined;
    });
    expect(first).toEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: expect.stringMatching(/^key-\d+$/),
        sequenceNumber: expect.stringMatching(/^\d+$/),
        data: expect.any(String),
        approximateArrivalTimestamp: expect.any(Number),
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${first?.eventID.split(':')[0]}:${first?.kinesis.sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/writer',
      awsRegion: 'us-east-1',
      eventSourceARN: streamArn,
    });
    expect(first?.eventID).toMatch(/^shardId-\d{12}:\d+$/);
    // Seconds with a millisecond fraction, within a minute of now.
    expect(Math.abs((first?.kinesis.approximateArrivalTimestamp ?? 0) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('resumes at the sequence number a partial failure reports and retries only the records from there', async () => {
    let failedOnce = false;
    const recorded = await run(async (event) => {
      if (!failedOnce && event.Records.length >= 4) {
        failedOnce = true;
        return { batchItemFailures: [{ itemIdentifier: event.Records[3]?.kinesis.sequenceNumber }] };
      }
      return { batchItemFailures: [] };
    });
    const { invocations, source } = recorded;
    const failedBatch = invocations.find((batch) => batch.length >= 4) as string[];
    expect(afterOnShard(recorded, failedBatch)[0]).toEqual(failedBatch.slice(3));
    // Every record handled; only the reported one and those after it twice.
    expect(new Set(byShardOrder(invocations)).size).toBe(RECORDS);
    expect(byShardOrder(invocations)).toHaveLength(RECORDS + failedBatch.length - 3);
    expect(source.report()).toMatchObject({ partialFailures: 1, retries: 1, bisections: 0 });
  });

  it('uses the lowest sequence number when several failures are reported', async () => {
    let failedOnce = false;
    const recorded = await run(async (event) => {
      if (!failedOnce && event.Records.length >= 6) {
        failedOnce = true;
        const [, , low, , , high] = event.Records;
        return {
          batchItemFailures: [
            { itemIdentifier: high?.kinesis.sequenceNumber },
            { itemIdentifier: low?.kinesis.sequenceNumber },
          ],
        };
      }
      return undefined;
    });
    const failedBatch = recorded.invocations.find((batch) => batch.length >= 6) as string[];
    expect(afterOnShard(recorded, failedBatch)[0]).toEqual(failedBatch.slice(2));
  });

  it('bisects a batch whose invocation throws, and retries each half', async () => {
    let threw = false;
    const recorded = await run(async (event) => {
      if (!threw && event.Records.length === 10) {
        threw = true;
        throw new Error('bug');
      }
      return undefined;
    });
    const failedBatch = recorded.invocations.find((batch) => batch.length === 10) as string[];
    expect(afterOnShard(recorded, failedBatch).slice(0, 2)).toEqual([failedBatch.slice(0, 5), failedBatch.slice(5)]);
    expect(recorded.source.report()).toMatchObject({ functionErrors: 1, bisections: 1 });
  });

  it('fails the whole batch when an item identifier is not a sequence number of the batch', async () => {
    let answered = false;
    const recorded = await run(async (event) => {
      if (!answered && event.Records.length === 10) {
        answered = true;
        return { batchItemFailures: [{ itemIdentifier: '12345' }] };
      }
      return undefined;
    });
    const failedBatch = recorded.invocations.find((batch) => batch.length === 10) as string[];
    expect(afterOnShard(recorded, failedBatch).slice(0, 2)).toEqual([failedBatch.slice(0, 5), failedBatch.slice(5)]);
    expect(recorded.source.report()).toMatchObject({ invalidResponses: 1, bisections: 1 });
  });

  it('abandons an invocation at the timeout, ends its environment and retries on another', async () => {
    let hung = false;
    const recorded = await run(async (event) => {
      if (!hung && event.Records.length === 10) {
        hung = true;
        return new Promise(() => {});
      }
      return undefined;
    });
    const { invocations, environments, disposed, source } = recorded;
    expect(source.report()).toMatchObject({ timeouts: 1, bisections: 1 });
    const hungAt = invocations.findIndex((batch) => batch.length === 10);
    const hungEnvironment = environments[hungAt];
    expect(disposed).toEqual([hungEnvironment]);
    expect(environments.slice(hungAt + 1)).not.toContain(hungEnvironment);
    const hungBatch = invocations[hungAt] as string[];
    expect(afterOnShard(recorded, hungBatch).slice(0, 2)).toEqual([hungBatch.slice(0, 5), hungBatch.slice(5)]);
    expect(new Set(byShardOrder(invocations)).size).toBe(RECORDS);
  });

  it('gives a batch up to the on-failure destination after its retries and goes on with the shard', async () => {
    let poisoned: string | undefined;
    const succeeded: string[] = [];
    const { failed, source } = await run(async (event) => {
      poisoned ??= dataOf(event.Records[0] as KinesisStreamRecord);
      const index = event.Records.findIndex((record) => dataOf(record) === poisoned);
      if (index === -1) {
        succeeded.push(...event.Records.map(dataOf));
        return undefined;
      }
      succeeded.push(...event.Records.slice(0, index).map(dataOf));
      return { batchItemFailures: [{ itemIdentifier: event.Records[index]?.kinesis.sequenceNumber }] };
    });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ attempts: 4, condition: 'RetryAttemptsExhausted' });
    const givenUp = (failed[0]?.records ?? []).map(dataOf);
    expect(givenUp[0]).toBe(poisoned);
    // Every record either succeeded or is in the failed-batch record; the shard went on after it.
    expect(new Set([...succeeded, ...givenUp]).size).toBe(RECORDS);
    expect(succeeded.length + givenUp.length).toBe(RECORDS);
    expect(source.report()).toMatchObject({ failedBatches: 1, retries: 3 });
  });

  it('delivers some successful batches twice under chaos, and the same seed picks the same ones', async () => {
    const rates = { outage: 0, hang: 0, redelivery: 0.5, stale: 0 };
    const first = await run(success, { chaos: new Chaos('seed-1', rates) });
    const again = await run(success, { chaos: new Chaos('seed-1', rates) });
    const other = await run(success, { chaos: new Chaos('seed-2', rates) });
    const redelivered = first.source.report().redeliveries;
    expect(redelivered).toBeGreaterThan(0);
    const handled = first.invocations.flat();
    expect(new Set(handled).size).toBe(RECORDS);
    // A redelivery is the same batch again: distinct batches are the invocations less the redeliveries.
    expect(new Set(first.invocations.map((batch) => batch.join())).size).toBe(first.invocations.length - redelivered);
    // Batch sizes per shard, redeliveries included, are the same for the same seed.
    const perShard = ({ invocations, shards }: Recorded) =>
      [...new Set(shards)]
        .sort()
        .map((shard) => invocations.filter((_, i) => shards[i] === shard).map((b) => b.length));
    expect(perShard(again)).toEqual(perShard(first));
    expect(again.source.report().redeliveries).toBe(redelivered);
    expect(perShard(other)).not.toEqual(perShard(first));
  });
});

describe("how Lambda reads a function's answer (ReportBatchItemFailures)", () => {
  const records = [
    { kinesis: { sequenceNumber: '100' } },
    { kinesis: { sequenceNumber: '200' } },
  ] as KinesisStreamRecord[];

  it.each([
    ['no response', undefined],
    ['a null response', null],
    ['an empty response', {}],
    ['a null list', { batchItemFailures: null }],
    ['an empty list', { batchItemFailures: [] }],
  ])('takes %s as a complete success', (_name, response) => {
    expect(verdictOf({ kind: 'response', response }, records)).toEqual({ kind: 'success' });
  });

  it.each([
    ['an empty itemIdentifier', [{ itemIdentifier: '' }]],
    ['a null itemIdentifier', [{ itemIdentifier: null }]],
    ['a wrong key name', [{ itemId: '200' }]],
    ['a sequence number outside the batch', [{ itemIdentifier: '300' }]],
  ])('takes %s as a complete failure', (_name, batchItemFailures) => {
    expect(verdictOf({ kind: 'response', response: { batchItemFailures } }, records).kind).toBe('failure');
  });

  it('checkpoints at the lowest sequence number, compared as a number', () => {
    const wide = [
      { kinesis: { sequenceNumber: '99' } },
      { kinesis: { sequenceNumber: '100' } },
    ] as KinesisStreamRecord[];
    const response = { batchItemFailures: [{ itemIdentifier: '100' }, { itemIdentifier: '99' }] };
    expect(verdictOf({ kind: 'response', response }, wide)).toEqual({ kind: 'partial', checkpoint: 0 });
  });

  it('takes an error or a timeout as a complete failure', () => {
    expect(verdictOf({ kind: 'error', error: new Error('x') }, records).kind).toBe('failure');
    expect(verdictOf({ kind: 'timeout' }, records).kind).toBe('failure');
  });
});
