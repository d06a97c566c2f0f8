/**
 * What the trade writer promises the infrastructure that deploys it: the environment it reads and
 * the metrics it emits. The only file of lambda/ that lib/ may import (the lint rule
 * noRestrictedImports in biome.json enforces it), so the construct and the handler cannot disagree
 * on a name without a compile error.
 */

/** Environment variables the writer reads; lib/ingestion sets them. */
export const WRITER_ENV = {
  bucketName: 'DATA_BUCKET_NAME',
  keyArn: 'DATA_KEY_ARN',
  /**
   * The curation job's `reconcileDays`: how many days back (today included) its runs list the raw
   * prefixes. The writer counts the trades it writes on older dates (`LateTrades`), which no run
   * will merge unless someone names the date.
   */
  reconcileDays: 'RECONCILE_DAYS',
} as const;

/**
 * Memory of the writer function in MB. One constant for lib/ingestion (which deploys it) and the cost
 * model (tools/cost, which prices its GB-seconds): Lambda gives a function CPU in proportion to memory.
 */
export const WRITER_MEMORY_MB = 1024;

/** Architecture of the writer function (Graviton): its GB-second price in the cost model. */
export const WRITER_ARCHITECTURE = 'arm64';

/** The Powertools service name, the `service` dimension of every metric. */
export const WRITER_SERVICE_NAME = 'trade-writer';

/**
 * Names of the writer's CloudWatch metrics (EMF, unit Count, dimension `service` =
 * POWERTOOLS_SERVICE_NAME), one data point each per invocation, for alarms and dashboards.
 */
export const WRITER_METRICS = {
  /** Trades in objects that are durably stored, created now or found from an earlier attempt. */
  tradesWritten: 'TradesWritten',
  /** Records in quarantine objects that are durably stored. */
  recordsQuarantined: 'RecordsQuarantined',
  /** Objects created by this invocation. */
  objectsWritten: 'ObjectsWritten',
  /** Objects that already existed (412 on `If-None-Match: *`): a retry that found its own work. */
  objectsAlreadyPresent: 'ObjectsAlreadyPresent',
  /** Objects whose write failed; their records are reported to Lambda for retry. */
  writeFailures: 'WriteFailures',
  /**
   * Kinesis records that were KPL aggregates (readable or not): how much of the stream a producer
   * aggregates, which decides the Kinesis bill (docs/cost.md).
   */
  aggregatedRecords: 'AggregatedRecords',
  /**
   * Trades durably written on a `dt` before the curation window (ingestion date − reconcileDays + 1,
   * UTC): the curation job never lists that prefix, so they reach `curated.trades` only when the date
   * is named (`trades curate --date`). The writer's warning log names the dates.
   */
  lateTrades: 'LateTrades',
} as const;
