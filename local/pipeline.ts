import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListShardsCommand,
  type ListShardsCommandOutput,
} from '@aws-sdk/client-kinesis';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { ExpectedOutcome } from '../cli/produce';
import { loadConfig, type TradingDataLakeConfig } from '../lib/config';
import { resourceNames } from '../lib/names';
import { QUARANTINE_PREFIX, TRADES_PREFIX } from '../schema/layout';
import { OBJECT_SUFFIX, parseObjectKey } from '../schema/object-keys';
import { answerNamedQueries, formatAnswer, type NamedAnswer, QUERY_PARAMETERS, queryContext } from './answers';
import { Chaos, type FaultCounts } from './chaos';
import { type CuratedCheck, checkCurated } from './curated-check';
import { CURATED_FOLDER, type CuratedScan, curatedDataFolder, curatedVwapScan, VWAP_QUERY_NAME } from './curated-files';
import { type Curation, DuckDbLake, LOCAL_CURATION_TABLES } from './duckdb-lake';
import { type EventSourceStats, type FailedBatch, KinesisEventSource, type ShardPositions } from './event-source';
import { exactPricesOf } from './exact-prices';
import { FunctionInstances } from './function-instances';
import { checkRecords, countLake, type LakeCount, type RecordCheck } from './lake-count';
import { mirrorBucket } from './lake-mirror';
import { startPeers } from './peers';
import { type FrontStats, startS3Front } from './s3-front';
import { SENT_RECORDS_FILE, type SentRecord, writeSentRecords } from './sent-records';
import { lossesOf, type Summary, summaryLine } from './summary';
import { createLocalWriter, LOCAL_CREDENTIALS, MetricTotals } from './writer-function';

/**
 * `npm run local`: the whole pipeline on one machine. kinesalite and s3rver on 127.0.0.1, the
 * stream and buckets created, trades sent with the CLI's producer, the real writer driven as
 * Lambda's event source mapping drives it, and the named queries answered by DuckDB over the
 * objects that landed, which are also counted to prove that nothing was lost.
 */

/** Names and identifiers of the local stack; the key ARN has the form the writer's cold-start check demands. */
export const LOCAL_STACK = {
  region: 'us-east-1',
  account: '000000000000',
  lakeBucket: 'local-data-lake',
  failedBatchBucket: 'local-failed-batches',
  keyArn: 'arn:aws:kms:us-east-1:000000000000:key/00000000-0000-4000-8000-000000000000',
  functionRoleArn: 'arn:aws:iam::000000000000:role/trade-writer',
  streamName: resourceNames('dev').streamName,
  functionName: resourceNames('dev').writerFunctionName,
} as const;

/** An on-demand stream starts with four shards. */
const ON_DEMAND_SHARDS = 4;

/** What the producer side reports: the issue's producer-side counts, and what it generated. */
export interface ProducerReport {
  readonly sent: number;
  readonly events: number;
  readonly invalid: number;
  readonly trades: number;
  /** Kinesis records the user records travelled in (fewer with `--aggregate`). */
  readonly kinesisRecords: number;
  /** With `--chaos`: older versions of corrected trades sent again after them (among `sent`, not `events`). */
  readonly staleResends: number;
  /** What the generator says the lake must hold, for checks against the answers. */
  readonly expected: ExpectedOutcome;
  /** Every user record the stream accepted, under the identity PutRecords gave it, and where it must land. */
  readonly records: readonly SentRecord[];
}

/** What a producer gets: the stream to send to. */
export interface ProducerTarget {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly shards: ListShardsCommandOutput['Shards'];
  /**
   * With `--chaos`: to be called once, between the two parts a producer sends; resolves once what
   * was sent before has been delivered and written, so that everything sent after it lands after
   * the first curation run's cutoff.
   */
  readonly landed?: () => Promise<void>;
  /** With `--chaos`: picks the stale re-sends the producer sends last. */
  readonly chaos?: Chaos;
}

/** Sends the run's trades; the CLI's producer behind it (local/producer.ts). */
export type Producer = (target: ProducerTarget) => Promise<ProducerReport>;

export interface LocalRunOptions {
  readonly count: number;
  readonly aggregate: boolean;
  readonly chaos: boolean;
  /** Keep the peers' data, the mirrored objects and everything else in this folder (empty or new). */
  readonly keep?: string;
  readonly seed: string;
  readonly producer: Producer;
  /** Lines for a person (progress, answers); the summary line is the last. */
  readonly print: (line: string) => void;
  /** The function timeout; the deployed writer has 2 minutes. @default 3000 */
  readonly functionTimeoutMs?: number;
  /** The app's configuration. @default cdk.json's context */
  readonly config?: TradingDataLakeConfig;
  /** Powertools log level of the writer. @default 'SILENT' */
  readonly writerLogLevel?: string;
  /** Called once the run has something to clean up: the caller ends it this way on Ctrl-C. */
  readonly onCleanup?: (cleanup: () => Promise<void>) => void;
}

export interface LocalRunResult {
  readonly summary: Summary;
  readonly line: string;
  /** Empty when nothing was lost. */
  readonly losses: readonly string[];
  /** Empty when nothing landed that was not sent (a record in the wrong zone, or one never sent). */
  readonly unexpected: readonly string[];
  /** The lake compared with the producer's records, identity by identity. */
  readonly recordCheck: RecordCheck;
  readonly producer: ProducerReport;
  readonly lake: LakeCount;
  /** Rows of the local curated.trades the named queries read (its Parquet files). */
  readonly curatedRows: number;
  /** What the curation did: the days merged, their reconciliation, the files written. */
  readonly curation: Curation;
  /** The curated table compared with the trades the producer sent. */
  readonly curatedCheck: CuratedCheck;
  /** What a day's VWAP reads of the curated files. */
  readonly vwapScan: CuratedScan;
  /** Empty when the curated table holds every trade once, at its latest version and status, and every day reconciled. */
  readonly curationProblems: readonly string[];
  readonly eventSource: EventSourceStats;
  readonly answers: readonly NamedAnswer[];
  readonly writerMetrics: ReadonlyMap<string, number>;
  /** What the S3 front did with the writes: stored, refused by the bucket policy, answered 412. */
  readonly writes: FrontStats;
  readonly faults?: FaultCounts;
  /** Where the run's data is (gone after the run unless `keep`). */
  readonly directory: string;
}

/** The configuration `cdk synth` reads: cdk.json's context. */
export function cdkJsonConfig(root = join(__dirname, '..')): TradingDataLakeConfig {
  return loadConfig(JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')).context);
}

/**
 * Replaces the sequence numbers in an object key by record positions (chaos.ts), and leaves out the
 * members digest, which is of the run's sequence numbers too.
 */
function keyIdentity(key: string, positions: ShardPositions): string {
  const parts = parseObjectKey(key);
  if (parts === undefined) return key;
  const { folder, shardId, firstSequenceNumber, lastSequenceNumber } = parts;
  const position = (sequenceNumber: string) => positions.knownPosition(shardId, sequenceNumber) ?? sequenceNumber;
  return `${folder}${shardId}-#${position(firstSequenceNumber)}-#${position(lastSequenceNumber)}${OBJECT_SUFFIX}`;
}

/** Cleans up in the reverse order of setup, once, however often it is called. */
class Cleanup {
  private readonly steps: (() => Promise<void> | void)[] = [];
  private done: Promise<void> | undefined;

  add(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  run(): Promise<void> {
    this.done ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step();
        } catch {
          // Cleanup goes on: a peer that failed to stop must not keep the others running.
        }
      }
    })();
    return this.done;
  }
}

function preparedDirectory(keep: string | undefined): string {
  if (keep === undefined) return mkdtempSync(join(tmpdir(), 'trading-data-lake-local-'));
  if (existsSync(keep) && readdirSync(keep).length > 0) {
    throw new Error(`--keep ${keep}: the folder must be empty or new (it holds a previous run's data)`);
  }
  mkdirSync(keep, { recursive: true });
  return keep;
}

async function waitForActive(kinesis: KinesisClient, streamName: string): Promise<string> {
  for (let tries = 0; tries < 200; tries += 1) {
    const { StreamDescriptionSummary: summary } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: streamName }),
    );
    if (summary?.StreamStatus === 'ACTIVE' && summary.StreamARN !== undefined) return summary.StreamARN;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the stream ${streamName} did not become ACTIVE`);
}

/** The on-failure destination: Lambda's invocation record for a batch it gave up on, in the failed-batch bucket. */
async function recordFailedBatch(s3: S3Client, streamArn: string, batch: FailedBatch): Promise<void> {
  const first = batch.records[0];
  const last = batch.records.at(-1);
  const now = new Date();
  const record = {
    version: '1.0',
    timestamp: now.toISOString(),
    requestContext: {
      functionArn: `arn:aws:lambda:${LOCAL_STACK.region}:${LOCAL_STACK.account}:function:${LOCAL_STACK.functionName}`,
      condition: batch.condition,
      approximateInvokeCount: batch.attempts,
    },
    responseContext: { executedVersion: '$LATEST', lastOutcome: batch.lastOutcome },
    KinesisBatchInfo: {
      shardId: batch.shardId,
      startSequenceNumber: first?.kinesis.sequenceNumber,
      endSequenceNumber: last?.kinesis.sequenceNumber,
      approximateArrivalOfFirstRecord:
        first && new Date(first.kinesis.approximateArrivalTimestamp * 1000).toISOString(),
      approximateArrivalOfLastRecord: last && new Date(last.kinesis.approximateArrivalTimestamp * 1000).toISOString(),
      batchSize: batch.records.length,
      streamArn,
    },
    payload: JSON.stringify({ Records: batch.records }),
  };
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  await s3.send(
    new PutObjectCommand({
      Bucket: LOCAL_STACK.failedBatchBucket,
      Key: `aws/lambda/local-event-source-mapping/${batch.shardId}/${day}/${now.toISOString().replaceAll(':', '.')}-${first?.kinesis.sequenceNumber}`,
      Body: JSON.stringify(record),
      ContentType: 'application/json',
    }),
  );
}

function seconds(fromMs: number): string {
  return ((Date.now() - fromMs) / 1000).toFixed(1);
}

export async function runLocalPipeline(options: LocalRunOptions): Promise<LocalRunResult> {
  const started = Date.now();
  const { print } = options;
  const config = options.config ?? cdkJsonConfig();
  if (config.parallelizationFactor !== 1) {
    print(
      `note: the local event source polls each shard with parallelization factor 1, not ${config.parallelizationFactor}`,
    );
  }
  const shardCount = config.streamCapacity.mode === 'provisioned' ? config.streamCapacity.shards : ON_DEMAND_SHARDS;
  const directory = preparedDirectory(options.keep);
  const cleanup = new Cleanup();
  if (options.keep === undefined) cleanup.add(() => rmSync(directory, { recursive: true, force: true }));
  options.onCleanup?.(() => cleanup.run());

  try {
    const peers = await startPeers({
      directory: join(directory, 'peers'),
      buckets: [LOCAL_STACK.lakeBucket, LOCAL_STACK.failedBatchBucket],
      shardLimit: shardCount,
    });
    cleanup.add(() => peers.stop());
    const chaos = options.chaos ? new Chaos(options.seed) : undefined;
    let positions: ShardPositions | undefined;
    const front = await startS3Front({
      upstream: peers.s3Endpoint,
      lakeBucket: LOCAL_STACK.lakeBucket,
      kmsKeyArn: LOCAL_STACK.keyArn,
      putFault:
        chaos &&
        ((bucket, key) =>
          bucket === LOCAL_STACK.lakeBucket && positions ? chaos.putFault(keyIdentity(key, positions)) : 'none'),
    });
    cleanup.add(() => front.stop());
    print(
      `kinesalite ${peers.kinesisEndpoint}, s3rver ${peers.s3Endpoint} (S3 front ${front.endpoint}), data in ${directory}`,
    );

    // kinesalite cannot speak HTTP/2, which the SDK's default handler may try (docs/design.md §14).
    const kinesis = new KinesisClient({
      endpoint: peers.kinesisEndpoint,
      region: LOCAL_STACK.region,
      credentials: LOCAL_CREDENTIALS,
      requestHandler: new NodeHttpHandler(),
    });
    cleanup.add(() => kinesis.destroy());
    const s3 = new S3Client({
      endpoint: front.endpoint,
      region: LOCAL_STACK.region,
      forcePathStyle: true,
      credentials: LOCAL_CREDENTIALS,
    });
    cleanup.add(() => s3.destroy());

    await kinesis.send(new CreateStreamCommand({ StreamName: LOCAL_STACK.streamName, ShardCount: shardCount }));
    const streamArn = await waitForActive(kinesis, LOCAL_STACK.streamName);

    const metrics = new MetricTotals({ namespace: 'TradingDataLake/local', serviceName: 'trade-writer' });
    const functions = new FunctionInstances({
      functionName: LOCAL_STACK.functionName,
      timeoutMs: options.functionTimeoutMs ?? 3000,
      memoryMb: 1024,
      create: () =>
        createLocalWriter({
          s3Endpoint: front.endpoint,
          region: LOCAL_STACK.region,
          bucketName: LOCAL_STACK.lakeBucket,
          keyArn: LOCAL_STACK.keyArn,
          reconcileDays: config.reconcileDays,
          metrics,
          logLevel: options.writerLogLevel,
        }),
    });
    cleanup.add(() => functions.disposeAll());
    // True while the producer may still send: a shard read empty then is polled again, not drained.
    let producing = true;
    const eventSource = new KinesisEventSource({
      kinesis,
      streamName: LOCAL_STACK.streamName,
      source: { streamArn, region: LOCAL_STACK.region, functionRoleArn: LOCAL_STACK.functionRoleArn },
      batchSize: config.batchSize,
      maxRetryAttempts: config.maxRetryAttempts,
      functions,
      onFailure: (batch) => recordFailedBatch(s3, streamArn, batch),
      producerFinished: () => !producing,
      chaos,
    });
    positions = eventSource.shardPositions;

    // With --chaos the trades arrive in two parts, and the curation runs twice, as the hourly job
    // does: first over what landed before the cutoff between the parts, then over the rest. The
    // event source delivers the first part before the producer sends the second, so that which
    // records fall before the cutoff is decided by the seed, not by timing.
    let firstCutoff: Date | undefined;
    const sendStarted = Date.now();
    const listed = await kinesis.send(new ListShardsCommand({ StreamName: LOCAL_STACK.streamName }));
    const producer = await options.producer({
      kinesis,
      streamName: LOCAL_STACK.streamName,
      shards: listed.Shards,
      ...(chaos && {
        chaos,
        landed: async () => {
          producing = false;
          await eventSource.run();
          producing = true;
          firstCutoff = new Date();
          // The writer stamps ingestion_time in milliseconds: nothing sent after this may share the cutoff's.
          await new Promise((resolve) => setTimeout(resolve, 5));
        },
      }),
    });
    producing = false;
    if (producer.records.length !== producer.sent) {
      throw new Error(
        `the producer kept the identities of ${producer.records.length} records but the stream accepted ${producer.sent}`,
      );
    }
    // For local/recount.ts: the kept objects alone cannot say what should be there.
    if (options.keep !== undefined) writeSentRecords(join(directory, SENT_RECORDS_FILE), producer.records);
    print(
      `sent ${producer.sent} records (${producer.events} trade events of ${producer.trades} trades, ${producer.invalid} invalid${producer.staleResends > 0 ? `, ${producer.staleResends} older versions sent again after their corrections` : ''}) in ${producer.kinesisRecords} Kinesis records to ${shardCount} shards in ${seconds(sendStarted)} s${firstCutoff ? ` (in two parts, the first delivered before ${firstCutoff.toISOString()})` : ''}`,
    );

    const writeStarted = Date.now();
    await eventSource.run();
    const delivery = eventSource.report();
    print(
      `the writer handled ${delivery.recordsRead} records in ${delivery.invocations} invocations (batch size ${config.batchSize}, ${functions.coldStarts} cold starts; ${delivery.partialFailures} partial failures, ${delivery.timeouts} timeouts, ${delivery.functionErrors} errors, ${delivery.bisections} bisections, ${delivery.redeliveries} redeliveries, ${delivery.failedBatches} batches given up) in ${seconds(writeStarted)} s`,
    );

    const mirror = join(directory, 'lake');
    const objects = await mirrorBucket(s3, LOCAL_STACK.lakeBucket, [TRADES_PREFIX, QUARANTINE_PREFIX], mirror);
    const exactPrices = objects
      .filter(({ key }) => key.startsWith(TRADES_PREFIX))
      .flatMap(({ body }) => exactPricesOf(body));
    const lake = await DuckDbLake.open(mirror, exactPrices);
    cleanup.add(() => lake.close());
    const counted = await countLake(lake, objects);
    const recordCheck = await checkRecords(lake, producer.records);
    const curatedFolder = join(directory, CURATED_FOLDER);
    const curateStarted = Date.now();
    const curation = await lake.curate(new Date(), curatedFolder, firstCutoff ? [firstCutoff] : []);
    const curatedRows = await lake.curatedRows();
    const unreconciled = curation.reconciliation.filter(({ unreconciledTrades }) => unreconciledTrades !== 0);
    const runs = curation.runs
      .map(({ cutoff, days }) => `${days.length} days (${days.join(', ')}) with cutoff ${cutoff}`)
      .join(', then ');
    print(
      `curated.trades: the curation job's MERGE of ${runs}, each day reconciled${unreconciled.length > 0 ? ` (${unreconciled.length} not)` : ''}; ${curatedRows} rows written to ${curation.files.length} Parquet files (ZSTD) in ${curatedDataFolder(curatedFolder)} in ${seconds(curateStarted)} s`,
    );
    const today = new Date().toISOString().slice(0, 10);
    const context = await queryContext(lake, today);
    const answers = await answerNamedQueries(lake, context);
    for (const answer of answers) print(`\n${formatAnswer(answer)}`);
    const [vwapDay = today] = QUERY_PARAMETERS[VWAP_QUERY_NAME]?.(context) ?? [];
    const vwapScan = await curatedVwapScan(lake.connection, curatedFolder, vwapDay);
    print(
      `\n${VWAP_QUERY_NAME} (${vwapDay}) reads ${vwapScan.bytes} compressed bytes of ${vwapScan.columns.join(', ')} from ${vwapScan.files} file(s) of ${vwapScan.trades} trades: ${vwapScan.bytesPerTrade.toFixed(2)} bytes a trade (${vwapScan.columns.map((column) => `${column} ${((vwapScan.bytesByColumn[column] ?? 0) / (vwapScan.trades || 1)).toFixed(2)}`).join(', ')})`,
    );
    const check = await checkCurated(lake, LOCAL_CURATION_TABLES.curated, producer.expected.trades);

    const faults = chaos?.faults();
    const summary: Summary = {
      sent: producer.sent,
      events: producer.events,
      invalid: producer.invalid,
      written: counted.written,
      quarantined: counted.quarantined,
      duplicates: counted.duplicates,
      trades: producer.trades,
      objects: counted.tradeObjects + counted.quarantineObjects,
      bytesPerTrade: counted.bytesPerTrade,
      seconds: (Date.now() - started) / 1000,
      curated: curatedRows,
      curatedBytesPerTradeVwap: vwapScan.bytesPerTrade,
      lost: recordCheck.lost,
      unexpected: recordCheck.unexpected,
      faults,
    };
    const losses = [
      ...lossesOf(summary),
      ...recordCheck.losses,
      ...(delivery.failedBatches > 0
        ? [`${delivery.failedBatches} batches went to the failed-batch bucket (${LOCAL_STACK.failedBatchBucket})`]
        : []),
      ...(front.stats().refused > 0 ? [`${front.stats().refused} writes were refused by the bucket policy`] : []),
    ];
    const curationProblems = [
      ...(summary.curated !== summary.trades
        ? [`curated=${summary.curated} but trades=${summary.trades}: the curated table must hold every trade once`]
        : []),
      ...check.problems,
      ...unreconciled.map(
        ({ day, cutoff, rawTrades, curatedTrades, duplicateRows }) =>
          `the reconciliation of ${day} after its merge with cutoff ${cutoff}: ${rawTrades} raw trades, ${curatedTrades} curated, ${duplicateRows} duplicate rows`,
      ),
    ];
    const line = summaryLine(summary);
    print('');
    for (const loss of losses) print(`LOST: ${loss}`);
    for (const surprise of recordCheck.surprises) print(`UNEXPECTED: ${surprise}`);
    for (const problem of curationProblems) print(`CURATED WRONG: ${problem}`);
    if (options.keep !== undefined) print(`data kept in ${directory} (docs/local.md says how to recount it)`);
    print(line);
    return {
      summary,
      line,
      losses,
      unexpected: recordCheck.surprises,
      recordCheck,
      producer,
      lake: counted,
      curatedRows,
      curation,
      curatedCheck: check,
      vwapScan,
      curationProblems,
      eventSource: delivery,
      answers,
      writerMetrics: metrics.totals,
      writes: front.stats(),
      faults,
      directory,
    };
  } finally {
    await cleanup.run();
  }
}
