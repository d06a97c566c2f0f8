/**
 * The cost model: what a day of trades costs, line by line, from measured figures (the writer's
 * bench, tools/cost/measured.json), the stack's configuration and one table of list prices
 * (prices.ts). Pure arithmetic, so a hand-computed case can check it (test/tools/cost.test.ts).
 * Every figure that is neither measured, configured nor a price is an assumption, named in
 * {@link CostAssumptions} with its reason.
 */
import type { Prices } from './prices';

const KB = 1024;
const GB = 1024 ** 3;
const TB = 1024 ** 4;
const SECONDS_PER_DAY = 86_400;
const MINUTES_PER_DAY = 1_440;
const DAYS_PER_MONTH = 30;
/** Lambda's invocation payload limit for an event source (6 MB), which caps a batch. */
const LAMBDA_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** Objects smaller than this stay in S3 Standard (the lifecycle rule's ObjectSizeGreaterThan). */
const ARCHIVE_MINIMUM_OBJECT_BYTES = 128 * KB;
/** Athena bills at least 10 MB a query. */
const ATHENA_MINIMUM_BYTES = 10 * 1024 * 1024;
/** Lambda gives a function one vCPU at 1,769 MB, and a share in proportion below it. */
const LAMBDA_FULL_VCPU_MB = 1_769;
/** A provisioned shard takes 1 MiB/s or 1,000 records/s of writes. */
const SHARD_BYTES_PER_SECOND = 1024 * 1024;
const SHARD_RECORDS_PER_SECOND = 1_000;
const PUT_PAYLOAD_UNIT_BYTES = 25 * KB;
/**
 * Bytes of a KPL aggregate that do not grow with its user records: the 4-byte magic number and the
 * 16-byte MD5 trailer. The protobuf (each user record, its partition key and their framing) grows with them.
 */
const AGGREGATE_FIXED_BYTES = 20;

/** How trades travel in the stream: one a Kinesis record, or in KPL aggregates. */
export interface RecordShape {
  /** Trades a Kinesis record carries (1 without aggregation). */
  readonly tradesPerRecord: number;
  /** Bytes of a Kinesis record's data. */
  readonly bytesPerRecord: number;
  /** Writer CPU per trade, milliseconds, on the bench's machine. */
  readonly writerCpuMsPerTrade: number;
  /**
   * gzip bytes the writer stores per trade. Each line carries its Kinesis record's sequence number
   * and arrival time, which compress away when consecutive trades share one record (aggregated).
   */
  readonly bytesStoredPerTrade: number;
}

/** Figures measured by `npm run bench -- --record` (and, once built, the curated zone's task). */
export interface MeasuredInputs {
  /** Objects the writer stores per invocation (one date). */
  readonly objectsPerInvocation: number;
  /** One trade a Kinesis record (the bench's "one date"). */
  readonly plain: RecordShape;
  /**
   * KPL aggregates as the bench builds them: each filled to the KPL's AggregationMaxSize (51,200 B),
   * what a producer sends only when it has that many trades for a shard within its buffer time. The
   * model derives the aggregates a producer would send at a given rate from it ({@link aggregateOf}).
   */
  readonly aggregated: RecordShape;
  /** Bytes Athena scans per trade for a day's VWAP over the curated table; undefined until measured. */
  readonly curatedBytesScannedPerTrade?: number;
}

/** What the stack is configured with (lib/config.ts defaults, the writer's memory and architecture). */
export interface ConfiguredInputs {
  readonly writerMemoryMb: number;
  readonly writerArchitecture: 'arm64' | 'x86_64';
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly streamRetentionHours: number;
  readonly archiveAfterDays: number;
  /** Whether the trail records S3 read data events. */
  readonly readDataEvents: boolean;
  /** Runs of the curation job a day (`curationSchedule`: hourly by default). */
  readonly curationRunsPerDay: number;
}

/** Figures that are neither measured nor configured nor prices, each with why it is what it is. */
export interface CostAssumptions {
  /**
   * The rate trades arrive at while they arrive, over the day's mean: a US equity trading day is 6.5
   * hours (09:30 to 16:00 ET), so a day's trades fall in 6.5 of 24 hours, 24/6.5 = 3.7 times the
   * mean. Shards, KPL aggregates and the writer's batches are sized at this peak rate (1: trades
   * spread evenly over 24 hours).
   */
  readonly peakToMeanRate: number;
  /**
   * Shards an on-demand stream has at least: it starts at 4 MB/s and 4,000 records/s (4 shards' worth),
   * and grows (to double its previous peak) only when the peak rate needs more, which the model counts.
   */
  readonly onDemandShards: number;
  /**
   * The KPL's RecordMaxBufferedTime (its default, 100 ms): a producer flushes a shard's aggregate
   * when its oldest trade has waited this long, full or not, so an aggregate holds what one producer
   * sends one shard in that time, at most what fills 51,200 bytes.
   */
  readonly kplRecordMaxBufferedTimeMs: number;
  /** KPL producer processes writing to the stream; each aggregates its own trades per shard. */
  readonly kplProducers: number;
  /** Wall time an invocation waits for its PutObject calls (concurrent), on top of its CPU time. */
  readonly s3PutLatencyMs: number;
  /** How often a credential's data key is renewed with KMS: Kinesis documents about every 5 minutes; S3 publishes no Bucket Key lifetime, taken the same. */
  readonly kmsDataKeyMinutes: number;
  /** Distinct producer credentials writing to the stream. */
  readonly producerCredentials: number;
  /** Bytes of Lambda's event JSON around each record's data (eventID, ARNs, names). */
  readonly eventBytesPerRecord: number;
  /**
   * Times a curation run reads the current day's raw partition: its MERGE source and its
   * reconciliation each scan the whole `dt` partition (gzip JSON has no statistics to skip objects
   * by), and an hourly run always finds today's prefix new. Its reads of curated.trades (Parquet, a
   * few bytes a trade within the MERGE's ±7-day window) are small beside it and not counted.
   */
  readonly curationRawScansPerRun: number;
}

export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
  peakToMeanRate: 24 / 6.5,
  onDemandShards: 4,
  kplRecordMaxBufferedTimeMs: 100,
  kplProducers: 1,
  s3PutLatencyMs: 30,
  kmsDataKeyMinutes: 5,
  producerCredentials: 1,
  eventBytesPerRecord: 500,
  curationRawScansPerRun: 2,
};

export interface CostInputs {
  readonly tradesPerDay: number;
  readonly queriesPerDay: number;
  /** Whether producers aggregate (the Kinesis and writer line items follow). */
  readonly aggregation: boolean;
  readonly streamMode: 'on-demand' | 'provisioned';
  readonly measured: MeasuredInputs;
  readonly configured: ConfiguredInputs;
  readonly assumptions: CostAssumptions;
}

export type LineGroup = 'ingest' | 'curation' | 'query' | 'storage';

export interface LineItem {
  readonly group: LineGroup;
  readonly name: string;
  /** USD per day; undefined when a figure it needs is not measured yet. */
  readonly perDay: number | undefined;
  /** What the figure counts, for the reader. */
  readonly basis: string;
}

export interface KinesisVariant {
  readonly mode: 'on-demand' | 'provisioned';
  readonly aggregation: boolean;
  readonly perDay: number;
  readonly shards: number;
  readonly tradesPerRecord: number;
}

/** Full-day VWAP queries a day at which curation costs what it saves. */
export interface CurationReturn {
  /** With the configured runs a day. */
  readonly breakEvenQueries: number;
  /** With one run a day (`curationSchedule: rate(1 day)`). */
  readonly breakEvenQueriesDaily: number;
  /** One full-day VWAP over the raw table: Athena's bytes, and the GETs, read events and Decrypts. */
  readonly rawQueryUsd: number;
  /** The same over curated.trades: Athena's bytes. */
  readonly curatedQueryUsd: number;
}

export interface CostReport {
  readonly tradesPerDay: number;
  readonly queriesPerDay: number;
  readonly lines: readonly LineItem[];
  /** The four ways to run the stream, for comparison. */
  readonly kinesis: readonly KinesisVariant[];
  readonly invocationsPerDay: number;
  readonly tradesPerInvocation: number;
  readonly objectsPerDay: number;
  readonly bytesPerObject: number;
  readonly shards: number;
  /** How the trades travel in the stream the report prices (derived, when aggregated). */
  readonly shape: RecordShape;
  /** What curation costs against what it saves; undefined until the curated figure is measured. */
  readonly curation?: CurationReturn;
}

/** USD per million trades of a per-day figure. */
export function perMillionTrades(perDay: number, tradesPerDay: number): number {
  return (perDay * 1_000_000) / tradesPerDay;
}

/**
 * A KPL aggregate of `tradesPerAggregate` trades, from the bench's filled one: its bytes grow with its
 * trades past the fixed magic number and MD5; the bytes stored per trade go from the plain figure (one
 * trade a record) to the filled aggregate's in proportion to 1/trades, since what aggregation saves
 * in storage is a sequence number and arrival time shared by the record's trades.
 */
export function aggregateOf(tradesPerAggregate: number, filled: RecordShape, plain: RecordShape): RecordShape {
  const bytesPerTrade = (filled.bytesPerRecord - AGGREGATE_FIXED_BYTES) / filled.tradesPerRecord;
  const shareOfPlain = (1 / tradesPerAggregate - 1 / filled.tradesPerRecord) / (1 - 1 / filled.tradesPerRecord);
  return {
    tradesPerRecord: tradesPerAggregate,
    bytesPerRecord: AGGREGATE_FIXED_BYTES + tradesPerAggregate * bytesPerTrade,
    writerCpuMsPerTrade: filled.writerCpuMsPerTrade,
    bytesStoredPerTrade:
      filled.bytesStoredPerTrade + (plain.bytesStoredPerTrade - filled.bytesStoredPerTrade) * shareOfPlain,
  };
}

/** The trades a day arrive at, per second, while they arrive (the peak-to-mean assumption). */
export function peakTradesPerSecond(tradesPerDay: number, assumptions: CostAssumptions): number {
  return (tradesPerDay / SECONDS_PER_DAY) * assumptions.peakToMeanRate;
}

/**
 * Trades a KPL producer puts in one aggregate at the peak rate: what it sends one shard within
 * RecordMaxBufferedTime, at least one and at most what fills an aggregate (the bench's filled one).
 */
export function tradesPerAggregate(
  tradesPerDay: number,
  shards: number,
  filled: RecordShape,
  assumptions: CostAssumptions,
): number {
  const perShardPerProducer = peakTradesPerSecond(tradesPerDay, assumptions) / shards / assumptions.kplProducers;
  const buffered = (perShardPerProducer * assumptions.kplRecordMaxBufferedTimeMs) / 1000;
  return Math.max(1, Math.min(filled.tradesPerRecord, buffered));
}

/** Shards that take the peak rate in records of `shape`: 1 MiB/s or 1,000 records/s each. */
function shardsForPeak(peakTrades: number, shape: RecordShape): number {
  const recordsPerSecond = peakTrades / shape.tradesPerRecord;
  return Math.max(
    1,
    Math.ceil((recordsPerSecond * shape.bytesPerRecord) / SHARD_BYTES_PER_SECOND),
    Math.ceil(recordsPerSecond / SHARD_RECORDS_PER_SECOND),
  );
}

/**
 * The stream's shards and the records the trades travel in: a provisioned stream gets the shards its
 * peak rate needs, an on-demand one at least its initial 4. With aggregation the two depend on each
 * other (more shards, fewer trades an aggregate, more records), so shards are added until they suffice.
 */
export function streamLayout(
  tradesPerDay: number,
  aggregation: boolean,
  mode: 'on-demand' | 'provisioned',
  measured: Pick<MeasuredInputs, 'plain' | 'aggregated'>,
  assumptions: CostAssumptions,
): { shards: number; shape: RecordShape } {
  const peak = peakTradesPerSecond(tradesPerDay, assumptions);
  const shapeAt = (shards: number): RecordShape =>
    aggregation
      ? aggregateOf(
          tradesPerAggregate(tradesPerDay, shards, measured.aggregated, assumptions),
          measured.aggregated,
          measured.plain,
        )
      : measured.plain;
  let shards = mode === 'on-demand' ? assumptions.onDemandShards : 1;
  // Each pass needs at least as many shards as the one before, and never more than one trade a
  // record at the plain size would: it ends.
  for (;;) {
    const shape = shapeAt(shards);
    const needed = shardsForPeak(peak, shape);
    if (needed <= shards) return { shards, shape };
    shards = needed;
  }
}

/** A day of Kinesis, one mode, one record shape and the stream's shards ({@link streamLayout}). */
export function kinesisPerDay(
  tradesPerDay: number,
  shape: RecordShape,
  mode: 'on-demand' | 'provisioned',
  retentionHours: number,
  shards: number,
  prices: Prices,
): number {
  const records = tradesPerDay / shape.tradesPerRecord;
  const extendedDays = Math.max(0, Math.min(retentionHours, 168) - 24) / 24;
  if (mode === 'on-demand') {
    // Each record is billed as a whole number of KB, written and read alike; shards are not billed.
    const billedGb = (records * Math.ceil(shape.bytesPerRecord / KB) * KB) / GB;
    const ingest = billedGb * prices.kinesisOnDemandIngestGb.usd;
    const retrieval = billedGb * prices.kinesisOnDemandRetrievalGb.usd;
    // Each day's data is held extendedDays past its first 24 hours: that many GB-days a day.
    const retention = ((billedGb * extendedDays) / DAYS_PER_MONTH) * prices.kinesisOnDemandExtendedRetentionGbMonth.usd;
    return 24 * prices.kinesisOnDemandStreamHour.usd + ingest + retrieval + retention;
  }
  const payloadUnits = records * Math.ceil(shape.bytesPerRecord / PUT_PAYLOAD_UNIT_BYTES);
  const retention = extendedDays > 0 ? shards * 24 * prices.kinesisProvisionedExtendedRetentionShardHour.usd : 0;
  return (
    shards * 24 * prices.kinesisShardHour.usd + (payloadUnits / 1e6) * prices.kinesisPutPayloadUnits.usd + retention
  );
}

/** The cost of a day of trades, line by line. */
export function costModel(inputs: CostInputs, prices: Prices): CostReport {
  const { tradesPerDay, queriesPerDay, measured, configured, assumptions } = inputs;
  const { shards, shape } = streamLayout(tradesPerDay, inputs.aggregation, inputs.streamMode, measured, assumptions);
  const kinesisDay = kinesisPerDay(
    tradesPerDay,
    shape,
    inputs.streamMode,
    configured.streamRetentionHours,
    shards,
    prices,
  );

  // Each shard's batches: what the batching window gathers at the peak rate (the writer runs while
  // trades arrive), capped by the batch size (Kinesis records) and Lambda's 6 MB payload (base64
  // data and the event's JSON around it).
  const eventBytesPerRecord = Math.ceil(shape.bytesPerRecord / 3) * 4 + assumptions.eventBytesPerRecord;
  const recordsPerInvocationCap = Math.min(
    configured.batchSize,
    Math.floor(LAMBDA_PAYLOAD_BYTES / eventBytesPerRecord),
  );
  const tradesPerInvocationCap = recordsPerInvocationCap * shape.tradesPerRecord;
  const tradesPerShardWindow =
    (peakTradesPerSecond(tradesPerDay, assumptions) / shards) * configured.batchingWindowSeconds;
  const tradesPerInvocation = Math.max(1, Math.min(tradesPerShardWindow, tradesPerInvocationCap));
  const invocationsPerDay = tradesPerDay / tradesPerInvocation;
  const objectsPerDay = invocationsPerDay * measured.objectsPerInvocation;
  const storedBytesPerDay = tradesPerDay * shape.bytesStoredPerTrade;
  const bytesPerObject = storedBytesPerDay / objectsPerDay;

  const cpuShare = Math.min(1, configured.writerMemoryMb / LAMBDA_FULL_VCPU_MB);
  const invocationSeconds =
    (shape.writerCpuMsPerTrade * tradesPerInvocation) / cpuShare / 1000 + assumptions.s3PutLatencyMs / 1000;
  const gbSeconds = invocationsPerDay * invocationSeconds * (configured.writerMemoryMb / 1024);
  const gbSecondPrice = configured.writerArchitecture === 'arm64' ? prices.lambdaArmGbSecond : prices.lambdaX86GbSecond;

  // Each writer execution environment (one a shard) and each producer credential renews its data
  // key every kmsDataKeyMinutes; with the S3 Bucket Key each renewal is a new bucket key, and a query
  // reading the day decrypts each bucket key it meets once.
  const renewalsPerDay = MINUTES_PER_DAY / assumptions.kmsDataKeyMinutes;
  const s3KmsCallsPerDay = Math.min(objectsPerDay, shards * renewalsPerDay);
  const kinesisKmsCallsPerDay = (shards + assumptions.producerCredentials) * renewalsPerDay;
  const kmsPrice = prices.kmsRequestsPer10000.usd / 10_000;

  const rawBytesPerQuery = Math.max(ATHENA_MINIMUM_BYTES, storedBytesPerDay);
  const curationScansPerDay = configured.curationRunsPerDay * assumptions.curationRawScansPerRun;
  const curatedBytesPerQuery =
    measured.curatedBytesScannedPerTrade === undefined
      ? undefined
      : Math.max(ATHENA_MINIMUM_BYTES, tradesPerDay * measured.curatedBytesScannedPerTrade);
  const archived = bytesPerObject >= ARCHIVE_MINIMUM_OBJECT_BYTES;
  const storedGbPerDay = storedBytesPerDay / GB;
  // One read of the whole raw day (a raw query, or one scan of a curation run): the bytes Athena
  // scans, and the GET, read data event and bucket key Decrypts of every object of the day.
  const rawScanUsd = (rawBytesPerQuery / TB) * prices.athenaTbScanned.usd;
  const rawReadsUsd =
    (objectsPerDay / 1000) * prices.s3GetPer1000.usd +
    s3KmsCallsPerDay * kmsPrice +
    (configured.readDataEvents ? (objectsPerDay / 100_000) * prices.cloudTrailDataEventsPer100000.usd : 0);
  const curatedQueryUsd =
    curatedBytesPerQuery === undefined ? undefined : (curatedBytesPerQuery / TB) * prices.athenaTbScanned.usd;

  const lines: LineItem[] = [
    {
      group: 'ingest',
      name: `Kinesis, ${inputs.streamMode}, ${inputs.aggregation ? 'KPL aggregated' : 'one trade a record'}`,
      perDay: kinesisDay,
      basis: `${shards} shard(s); ${Math.round(tradesPerDay / shape.tradesPerRecord).toLocaleString('en-US')} records of ${Math.round(shape.bytesPerRecord).toLocaleString('en-US')} B${inputs.aggregation ? ` (${formatTrades(shape.tradesPerRecord)} trades each)` : ''}; retention ${configured.streamRetentionHours} h`,
    },
    {
      group: 'ingest',
      name: 'Lambda writer, duration',
      perDay: gbSeconds * gbSecondPrice.usd,
      basis: `${Math.round(gbSeconds).toLocaleString('en-US')} GB-s at ${configured.writerMemoryMb} MB ${configured.writerArchitecture}`,
    },
    {
      group: 'ingest',
      name: 'Lambda writer, requests',
      perDay: (invocationsPerDay / 1e6) * prices.lambdaRequests.usd,
      basis: `${Math.round(invocationsPerDay).toLocaleString('en-US')} invocations of ${Math.round(tradesPerInvocation).toLocaleString('en-US')} trades`,
    },
    {
      group: 'ingest',
      name: 'S3 PUT (writer)',
      perDay: (objectsPerDay / 1000) * prices.s3PutPer1000.usd,
      basis: `${Math.round(objectsPerDay).toLocaleString('en-US')} objects of ${Math.round(bytesPerObject / KB).toLocaleString('en-US')} KB`,
    },
    {
      group: 'ingest',
      name: 'KMS, S3 writes with Bucket Key',
      perDay: s3KmsCallsPerDay * kmsPrice,
      basis: `${Math.round(s3KmsCallsPerDay).toLocaleString('en-US')} GenerateDataKey (without Bucket Key: one per object)`,
    },
    {
      group: 'ingest',
      name: 'KMS, Kinesis encryption',
      perDay: kinesisKmsCallsPerDay * kmsPrice,
      basis: `${Math.round(kinesisKmsCallsPerDay).toLocaleString('en-US')} calls`,
    },
    {
      group: 'ingest',
      name: 'CloudTrail data events, writes',
      perDay: (objectsPerDay / 100_000) * prices.cloudTrailDataEventsPer100000.usd,
      basis: 'one PutObject event per object',
    },
    {
      group: 'curation',
      name: 'Athena, MERGE and reconciliation of the raw day',
      perDay: curationScansPerDay * rawScanUsd,
      basis: `${configured.curationRunsPerDay} runs a day, each reading the day's ${(rawBytesPerQuery / GB).toFixed(3)} GB of raw trades ${assumptions.curationRawScansPerRun} times`,
    },
    {
      group: 'curation',
      name: 'S3 GET, KMS and CloudTrail read events of those scans',
      perDay: curationScansPerDay * rawReadsUsd,
      basis: `each scan reads every object of the day, decrypts each bucket key once${configured.readDataEvents ? ', and logs a GetObject event per object' : ''}`,
    },
    {
      group: 'query',
      name: "Athena, a day's VWAP over raw trades",
      perDay: queriesPerDay * rawScanUsd,
      basis: `${queriesPerDay} queries of ${(rawBytesPerQuery / GB).toFixed(3)} GB (the whole dt partition)`,
    },
    {
      group: 'query',
      name: "Athena, a day's VWAP over curated trades",
      perDay: curatedQueryUsd === undefined ? undefined : queriesPerDay * curatedQueryUsd,
      basis:
        curatedBytesPerQuery === undefined
          ? 'not measured yet'
          : `${queriesPerDay} queries of ${(curatedBytesPerQuery / GB).toFixed(3)} GB`,
    },
    {
      group: 'query',
      name: 'S3 GET (raw queries)',
      perDay: ((queriesPerDay * objectsPerDay) / 1000) * prices.s3GetPer1000.usd,
      basis: 'each query reads every object of the day',
    },
    {
      group: 'query',
      name: 'KMS, raw queries',
      perDay: queriesPerDay * s3KmsCallsPerDay * kmsPrice,
      basis: 'a Decrypt per bucket key the day was written under',
    },
    {
      group: 'query',
      name: 'CloudTrail data events, raw query reads',
      perDay: configured.readDataEvents
        ? ((queriesPerDay * objectsPerDay) / 100_000) * prices.cloudTrailDataEventsPer100000.usd
        : 0,
      basis: configured.readDataEvents ? 'one GetObject event per object a query reads' : 'read data events off',
    },
    {
      group: 'storage',
      name: 'S3 Standard, per month the day is kept',
      perDay: storedGbPerDay * prices.s3StandardGbMonth.usd,
      basis: `${storedGbPerDay.toFixed(3)} GB a day (${shape.bytesStoredPerTrade.toFixed(1)} B a trade)`,
    },
    {
      group: 'storage',
      name: `after ${configured.archiveAfterDays} days, per month kept`,
      perDay: storedGbPerDay * (archived ? prices.s3GlacierInstantGbMonth.usd : prices.s3StandardGbMonth.usd),
      basis: archived
        ? 'S3 Glacier Instant Retrieval (objects of at least 128 KB)'
        : 'stays in S3 Standard: objects under 128 KB are not moved',
    },
    {
      group: 'storage',
      name: 'lifecycle transitions, once',
      perDay: archived ? (objectsPerDay / 1000) * prices.s3GlacierInstantTransitionPer1000.usd : 0,
      basis: archived ? 'one request per object' : 'none',
    },
  ];

  const variants: KinesisVariant[] = [];
  for (const mode of ['on-demand', 'provisioned'] as const) {
    for (const aggregation of [false, true]) {
      const layout = streamLayout(tradesPerDay, aggregation, mode, measured, assumptions);
      variants.push({
        mode,
        aggregation,
        perDay: kinesisPerDay(tradesPerDay, layout.shape, mode, configured.streamRetentionHours, layout.shards, prices),
        shards: layout.shards,
        tradesPerRecord: layout.shape.tradesPerRecord,
      });
    }
  }

  // Curation reads the raw day as a raw query does; each full-day query it moves to curated.trades
  // saves the raw read less the curated one.
  const saving = curatedQueryUsd === undefined ? undefined : rawScanUsd + rawReadsUsd - curatedQueryUsd;
  const curationRunUsd = assumptions.curationRawScansPerRun * (rawScanUsd + rawReadsUsd);

  return {
    tradesPerDay,
    queriesPerDay,
    lines,
    kinesis: variants,
    invocationsPerDay,
    tradesPerInvocation,
    objectsPerDay,
    bytesPerObject,
    shards,
    shape,
    ...(saving === undefined || curatedQueryUsd === undefined || saving <= 0
      ? {}
      : {
          curation: {
            breakEvenQueries: (curationRunUsd * configured.curationRunsPerDay) / saving,
            breakEvenQueriesDaily: curationRunUsd / saving,
            rawQueryUsd: rawScanUsd + rawReadsUsd,
            curatedQueryUsd,
          },
        }),
  };
}

/** Trades a record, to the tenth below 10 (one trade a record is 1). */
export function formatTrades(trades: number): string {
  return trades < 10 ? trades.toFixed(1).replace(/\.0$/, '') : Math.round(trades).toLocaleString('en-US');
}

/** The line item that costs most per day, of those measured. */
export function largestLine(report: CostReport): LineItem {
  return report.lines.reduce((largest, line) => ((line.perDay ?? -1) > (largest.perDay ?? -1) ? line : largest));
}
