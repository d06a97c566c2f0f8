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

/** How trades travel in the stream: one a Kinesis record, or in KPL aggregates. */
export interface RecordShape {
  /** Trades a Kinesis record carries (1 without aggregation). */
  readonly tradesPerRecord: number;
  /** Bytes of a Kinesis record's data. */
  readonly bytesPerRecord: number;
  /** Writer CPU per trade, milliseconds, on the bench's machine. */
  readonly writerCpuMsPerTrade: number;
}

/** Figures measured by `npm run bench -- --record` (and, once built, the curated zone's task). */
export interface MeasuredInputs {
  /** gzip bytes stored per trade (one date). */
  readonly bytesStoredPerTrade: number;
  /** Objects the writer stores per invocation (one date). */
  readonly objectsPerInvocation: number;
  readonly plain: RecordShape;
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
  /** Shards an on-demand stream has at these rates: it starts at 4 MB/s, 4,000 records/s (4 shards) and these rates stay below. */
  readonly onDemandShards: number;
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
  onDemandShards: 4,
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
}

/** USD per million trades of a per-day figure. */
export function perMillionTrades(perDay: number, tradesPerDay: number): number {
  return (perDay * 1_000_000) / tradesPerDay;
}

/** A day of Kinesis, one mode and one record shape. */
export function kinesisPerDay(
  tradesPerDay: number,
  shape: RecordShape,
  mode: 'on-demand' | 'provisioned',
  retentionHours: number,
  onDemandShards: number,
  prices: Prices,
): { perDay: number; shards: number } {
  const records = tradesPerDay / shape.tradesPerRecord;
  const extendedDays = Math.max(0, Math.min(retentionHours, 168) - 24) / 24;
  if (mode === 'on-demand') {
    // Each record is billed as a whole number of KB, written and read alike.
    const billedGb = (records * Math.ceil(shape.bytesPerRecord / KB) * KB) / GB;
    const ingest = billedGb * prices.kinesisOnDemandIngestGb.usd;
    const retrieval = billedGb * prices.kinesisOnDemandRetrievalGb.usd;
    // Each day's data is held extendedDays past its first 24 hours: that many GB-days a day.
    const retention = ((billedGb * extendedDays) / DAYS_PER_MONTH) * prices.kinesisOnDemandExtendedRetentionGbMonth.usd;
    return {
      perDay: 24 * prices.kinesisOnDemandStreamHour.usd + ingest + retrieval + retention,
      shards: onDemandShards,
    };
  }
  const bytesPerSecond = (records * shape.bytesPerRecord) / SECONDS_PER_DAY;
  const recordsPerSecond = records / SECONDS_PER_DAY;
  const shards = Math.max(
    1,
    Math.ceil(bytesPerSecond / SHARD_BYTES_PER_SECOND),
    Math.ceil(recordsPerSecond / SHARD_RECORDS_PER_SECOND),
  );
  const payloadUnits = records * Math.ceil(shape.bytesPerRecord / PUT_PAYLOAD_UNIT_BYTES);
  const retention = extendedDays > 0 ? shards * 24 * prices.kinesisProvisionedExtendedRetentionShardHour.usd : 0;
  return {
    perDay:
      shards * 24 * prices.kinesisShardHour.usd + (payloadUnits / 1e6) * prices.kinesisPutPayloadUnits.usd + retention,
    shards,
  };
}

/** The cost of a day of trades, line by line. */
export function costModel(inputs: CostInputs, prices: Prices): CostReport {
  const { tradesPerDay, queriesPerDay, measured, configured, assumptions } = inputs;
  const shape = inputs.aggregation ? measured.aggregated : measured.plain;
  const kinesis = kinesisPerDay(
    tradesPerDay,
    shape,
    inputs.streamMode,
    configured.streamRetentionHours,
    assumptions.onDemandShards,
    prices,
  );
  const shards = kinesis.shards;

  // Each shard's batches: what the batching window gathers, capped by the batch size (Kinesis
  // records) and Lambda's 6 MB payload (base64 data and the event's JSON around it).
  const eventBytesPerRecord = Math.ceil(shape.bytesPerRecord / 3) * 4 + assumptions.eventBytesPerRecord;
  const recordsPerInvocationCap = Math.min(
    configured.batchSize,
    Math.floor(LAMBDA_PAYLOAD_BYTES / eventBytesPerRecord),
  );
  const tradesPerInvocationCap = recordsPerInvocationCap * shape.tradesPerRecord;
  const tradesPerShardWindow = (tradesPerDay / SECONDS_PER_DAY / shards) * configured.batchingWindowSeconds;
  const tradesPerInvocation = Math.max(1, Math.min(tradesPerShardWindow, tradesPerInvocationCap));
  const invocationsPerDay = tradesPerDay / tradesPerInvocation;
  const objectsPerDay = invocationsPerDay * measured.objectsPerInvocation;
  const storedBytesPerDay = tradesPerDay * measured.bytesStoredPerTrade;
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

  const lines: LineItem[] = [
    {
      group: 'ingest',
      name: `Kinesis, ${inputs.streamMode}, ${inputs.aggregation ? 'KPL aggregated' : 'one trade a record'}`,
      perDay: kinesis.perDay,
      basis: `${shards} shard(s); ${Math.round(tradesPerDay / shape.tradesPerRecord).toLocaleString('en-US')} records of ${Math.round(shape.bytesPerRecord)} B; retention ${configured.streamRetentionHours} h`,
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
      perDay: ((curationScansPerDay * rawBytesPerQuery) / TB) * prices.athenaTbScanned.usd,
      basis: `${configured.curationRunsPerDay} runs a day, each reading the day's ${(rawBytesPerQuery / GB).toFixed(3)} GB of raw trades ${assumptions.curationRawScansPerRun} times`,
    },
    {
      group: 'curation',
      name: 'S3 GET, KMS and CloudTrail read events of those scans',
      perDay:
        curationScansPerDay *
        ((objectsPerDay / 1000) * prices.s3GetPer1000.usd +
          s3KmsCallsPerDay * kmsPrice +
          (configured.readDataEvents ? (objectsPerDay / 100_000) * prices.cloudTrailDataEventsPer100000.usd : 0)),
      basis: `each scan reads every object of the day, decrypts each bucket key once${configured.readDataEvents ? ', and logs a GetObject event per object' : ''}`,
    },
    {
      group: 'query',
      name: "Athena, a day's VWAP over raw trades",
      perDay: ((queriesPerDay * rawBytesPerQuery) / TB) * prices.athenaTbScanned.usd,
      basis: `${queriesPerDay} queries of ${(rawBytesPerQuery / GB).toFixed(3)} GB (the whole dt partition)`,
    },
    {
      group: 'query',
      name: "Athena, a day's VWAP over curated trades",
      perDay:
        curatedBytesPerQuery === undefined
          ? undefined
          : ((queriesPerDay * curatedBytesPerQuery) / TB) * prices.athenaTbScanned.usd,
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
      basis: `${storedGbPerDay.toFixed(3)} GB a day (${measured.bytesStoredPerTrade.toFixed(1)} B a trade)`,
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
      const variant = kinesisPerDay(
        tradesPerDay,
        aggregation ? measured.aggregated : measured.plain,
        mode,
        configured.streamRetentionHours,
        assumptions.onDemandShards,
        prices,
      );
      variants.push({ mode, aggregation, ...variant });
    }
  }

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
  };
}

/** The line item that costs most per day, of those measured. */
export function largestLine(report: CostReport): LineItem {
  return report.lines.reduce((largest, line) => ((line.perDay ?? -1) > (largest.perDay ?? -1) ? line : largest));
}
