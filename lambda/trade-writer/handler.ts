import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { addDays, utcDayOf } from '../../schema/curation/values';
import { compareSequenceNumbers } from '../../schema/object-keys';
import type { TradeField } from '../../schema/trade-fields';
import { WRITER_METRICS } from './contract';
import { gzip } from './encode';
import { describeWriteError, type ObjectStore, type PutOutcome } from './object-store';
import { type BatchPlan, createBatchPlanner, type PlannedObject } from './plan';

/** How many quarantined sequence numbers one log line lists. */
const LOGGED_SEQUENCE_NUMBERS = 20;

/** What the handler shell needs; the entry point gives the real ones, tests their own. */
export interface TradeWriterDependencies {
  readonly store: ObjectStore;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /**
   * The curation job's `reconcileDays` (WriterConfig): trades written on a date before its window are
   * counted as late. No default: a writer that guessed the window would count the wrong trades.
   */
  readonly reconcileDays: number;
  /** The ingestion time of an invocation. @default the system clock */
  readonly clock?: () => Date;
  /** The trade fields to validate against. @default the shared table, TRADE_FIELDS */
  readonly fields?: readonly TradeField[];
}

/** The Lambda handler: Kinesis batch in, partial batch response out. */
export type TradeWriterHandler = (event: KinesisStreamEvent, context?: Context) => Promise<KinesisStreamBatchResponse>;

type WriteResult =
  | { readonly object: PlannedObject; readonly outcome: PutOutcome }
  | { readonly object: PlannedObject; readonly outcome: 'failed'; readonly error: unknown };

async function writeObject(store: ObjectStore, object: PlannedObject): Promise<WriteResult> {
  try {
    return { object, outcome: await store.putIfAbsent(object.key, gzip(object.body)) };
  } catch (error) {
    return { object, outcome: 'failed', error };
  }
}

/**
 * The sequence number Lambda must resume from: the lowest among records not durably written. Each
 * record is in exactly one object, so that is the lowest first record of a failed object.
 */
function checkpointOf(results: readonly WriteResult[]): string | undefined {
  let checkpoint: string | undefined;
  for (const { object, outcome } of results) {
    if (outcome !== 'failed') continue;
    if (checkpoint === undefined || compareSequenceNumbers(object.firstSequenceNumber, checkpoint) < 0) {
      checkpoint = object.firstSequenceNumber;
    }
  }
  return checkpoint;
}

function countRecords(results: readonly WriteResult[], kind: PlannedObject['kind']): number {
  let records = 0;
  for (const { object, outcome } of results) {
    if (object.kind === kind && outcome !== 'failed') records += object.records;
  }
  return records;
}

/**
 * The first day the curation job's listing covers at `ingestionTime`: the same arithmetic as the
 * planner's reconciledDays (today and the `reconcileDays` − 1 days before it, UTC). A trade on an
 * earlier date lands in a raw prefix no run lists.
 */
export function curationWindowStart(ingestionTime: Date, reconcileDays: number): string {
  return addDays(utcDayOf(ingestionTime), -(reconcileDays - 1));
}

interface LateTrades {
  trades: number;
  readonly byDate: Map<string, number>;
}

/**
 * Trades durably written before the curation window, by date. Per object, never per record: every
 * line of an object has its `dt`, so a plain batch pays one string comparison per object.
 */
function lateTradesOf(results: readonly WriteResult[], windowStart: string): LateTrades {
  const late: LateTrades = { trades: 0, byDate: new Map() };
  for (const { object, outcome } of results) {
    // `YYYY-MM-DD` strings order as the dates do.
    if (object.kind !== 'trades' || outcome === 'failed' || object.dt >= windowStart) continue;
    late.trades += object.records;
    late.byDate.set(object.dt, (late.byDate.get(object.dt) ?? 0) + object.records);
  }
  return late;
}

function countOutcomes(results: readonly WriteResult[], wanted: WriteResult['outcome']): number {
  return results.filter(({ outcome }) => outcome === wanted).length;
}

function logQuarantine(logger: Logger, plan: BatchPlan): void {
  if (plan.quarantined.length === 0) return;
  const reasons: Record<string, number> = {};
  for (const { reason } of plan.quarantined) reasons[reason] = (reasons[reason] ?? 0) + 1;
  const logged = plan.quarantined.slice(0, LOGGED_SEQUENCE_NUMBERS);
  logger.warn('records quarantined', {
    quarantined: plan.quarantined.length,
    reasons,
    sequenceNumbers: logged.map(({ sequenceNumber }) => sequenceNumber),
    // Beside each sequence number, the user record's place in its KPL aggregate (null for a plain record).
    ...(logged.some(({ subSequenceNumber }) => subSequenceNumber !== undefined)
      ? { subSequenceNumbers: logged.map(({ subSequenceNumber }) => subSequenceNumber ?? null) }
      : {}),
  });
}

function logLateTrades(logger: Logger, late: LateTrades, windowStart: string, reconcileDays: number): void {
  if (late.trades === 0) return;
  const dates = [...late.byDate.keys()].sort();
  // Dates and counts only, never a trade: what the operator needs to curate those dates by name.
  logger.warn('trades written before the curation window: no scheduled run will merge them', {
    lateTrades: late.trades,
    tradesByDate: Object.fromEntries(dates.map((dt) => [dt, late.byDate.get(dt)])),
    curationWindowStart: windowStart,
    reconcileDays,
    curate: `trades curate ${dates.map((dt) => `--date ${dt}`).join(' ')}`,
  });
}

function logFailures(logger: Logger, results: readonly WriteResult[]): void {
  for (const result of results) {
    if (result.outcome !== 'failed') continue;
    const { object } = result;
    logger.error('object write failed; its records will be retried', {
      key: object.key,
      kind: object.kind,
      records: object.records,
      firstSequenceNumber: object.firstSequenceNumber,
      ...describeWriteError(result.error),
    });
  }
}

/**
 * Builds the handler. A known failure is never thrown: a permanent one sends the record to
 * quarantine, a failed write reports a batch item failure at the lowest sequence number not
 * written, so Lambda retries from there and nothing after it is skipped. Only a bug throws, and
 * then Lambda retries (bisecting) the whole batch, which is safe because every write is idempotent.
 */
export function createTradeWriter(dependencies: TradeWriterDependencies): TradeWriterHandler {
  const { store, logger, metrics, reconcileDays } = dependencies;
  const clock = dependencies.clock ?? (() => new Date());
  // One planner per handler, reused by every invocation: its buffers outlive a batch, and planning
  // is synchronous, so two invocations never share them at once.
  const planner = createBatchPlanner({ fields: dependencies.fields });

  return async (event, context) => {
    if (context !== undefined) logger.addContext(context);
    const started = Date.now();
    try {
      const records = event.Records ?? [];
      const ingestionTime = clock();
      const plan = planner.plan(records, ingestionTime);
      const results = await Promise.all(plan.objects.map((object) => writeObject(store, object)));
      const checkpoint = checkpointOf(results);
      const windowStart = curationWindowStart(ingestionTime, reconcileDays);
      const late = lateTradesOf(results, windowStart);

      const summary = {
        records: records.length,
        tradesWritten: countRecords(results, 'trades'),
        recordsQuarantined: countRecords(results, 'quarantine'),
        objectsWritten: countOutcomes(results, 'created'),
        objectsAlreadyPresent: countOutcomes(results, 'already-present'),
        writeFailures: countOutcomes(results, 'failed'),
        aggregatedRecords: plan.aggregates,
        lateTrades: late.trades,
      };
      metrics.addMetric(WRITER_METRICS.tradesWritten, MetricUnit.Count, summary.tradesWritten);
      metrics.addMetric(WRITER_METRICS.recordsQuarantined, MetricUnit.Count, summary.recordsQuarantined);
      metrics.addMetric(WRITER_METRICS.objectsWritten, MetricUnit.Count, summary.objectsWritten);
      metrics.addMetric(WRITER_METRICS.objectsAlreadyPresent, MetricUnit.Count, summary.objectsAlreadyPresent);
      metrics.addMetric(WRITER_METRICS.writeFailures, MetricUnit.Count, summary.writeFailures);
      metrics.addMetric(WRITER_METRICS.aggregatedRecords, MetricUnit.Count, summary.aggregatedRecords);
      metrics.addMetric(WRITER_METRICS.lateTrades, MetricUnit.Count, summary.lateTrades);

      logQuarantine(logger, plan);
      logLateTrades(logger, late, windowStart, reconcileDays);
      logFailures(logger, results);
      logger.info('batch processed', {
        ...summary,
        shardId: plan.objects[0]?.shardId,
        firstSequenceNumber: records[0]?.kinesis.sequenceNumber,
        lastSequenceNumber: records.at(-1)?.kinesis.sequenceNumber,
        checkpoint,
        durationMs: Date.now() - started,
      });
      return { batchItemFailures: checkpoint === undefined ? [] : [{ itemIdentifier: checkpoint }] };
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
