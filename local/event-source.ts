import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
  type _Record as KinesisRecord,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { compareSequenceNumbers } from '../schema/object-keys';
import type { Chaos } from './chaos';
import type { FunctionInstances, InvocationOutcome } from './function-instances';
import { type EventSourceIdentity, lambdaEvent, lambdaRecord, nextBatchLength } from './lambda-event';

/**
 * Lambda's Kinesis event source mapping, reproduced for one machine: every shard is polled on its
 * own (parallelization factor 1), records are handed to the function in order, in batches of at
 * most the configured batch size and Lambda's 6 MB payload, and a batch is retried as Lambda
 * retries it with ReportBatchItemFailures and BisectBatchOnFunctionError on:
 *
 * - a response with no batch item failures is a success: the checkpoint moves past the batch;
 * - a batch item failure moves the checkpoint to the lowest sequence number reported, and the
 *   records from there to the end of the batch are retried (the batch is bisected at it);
 * - an error, a timeout, or an item identifier that is empty, null or not a sequence number of the
 *   batch fails the whole batch, which is split in two and each half retried;
 * - after `maxRetryAttempts` retries the records still failing go to the on-failure destination
 *   and the shard moves on.
 *
 * A retry reads its records again from the stream with an AT_SEQUENCE_NUMBER iterator at its first
 * record, as a consumer that checkpoints does. With `--chaos`, some successful batches are
 * delivered a second time, as at-least-once delivery allows. A second `run` resumes every shard
 * after the last record it delivered, as the mapping goes on when records arrive after a lull.
 */

/** The Kinesis GetRecords maximum. */
const GET_RECORDS_LIMIT = 10_000;

/** A batch Lambda gave up on, as the on-failure destination receives it. */
export interface FailedBatch {
  readonly shardId: string;
  readonly records: readonly KinesisStreamRecord[];
  readonly attempts: number;
  readonly condition: 'RetryAttemptsExhausted';
  readonly lastOutcome: string;
}

export interface EventSourceOptions {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly source: EventSourceIdentity;
  readonly batchSize: number;
  readonly maxRetryAttempts: number;
  readonly functions: FunctionInstances;
  /** Where batches go when their retries are exhausted (the failed-batch bucket). */
  readonly onFailure: (batch: FailedBatch) => Promise<void>;
  /** True once the producer has sent everything: a shard read empty after that is drained. */
  readonly producerFinished: () => boolean;
  readonly chaos?: Chaos;
  /** Wait between polls of an empty shard before the producer has finished. @default 100 */
  readonly pollIntervalMs?: number;
}

/** What the event source did, for the run's report. */
export interface EventSourceStats {
  readonly shards: number;
  readonly recordsRead: number;
  readonly invocations: number;
  readonly partialFailures: number;
  readonly functionErrors: number;
  readonly timeouts: number;
  readonly invalidResponses: number;
  readonly bisections: number;
  readonly retries: number;
  readonly redeliveries: number;
  readonly failedBatches: number;
}

/** Positions of records in their shard, for fault decisions that must not depend on sequence numbers. */
export class ShardPositions {
  private readonly positions = new Map<string, number>();
  private readonly counts = new Map<string, number>();

  /** The position of a record, assigned the first time it is read. */
  positionOf(shardId: string, sequenceNumber: string): number {
    const id = `${shardId}:${sequenceNumber}`;
    let position = this.positions.get(id);
    if (position === undefined) {
      position = this.counts.get(shardId) ?? 0;
      this.counts.set(shardId, position + 1);
      this.positions.set(id, position);
    }
    return position;
  }

  /** The position of a record already read, or undefined. */
  knownPosition(shardId: string, sequenceNumber: string): number | undefined {
    return this.positions.get(`${shardId}:${sequenceNumber}`);
  }
}

/** How Lambda reads a function's response to a batch: where to resume, or that the batch failed whole. */
export type BatchVerdict =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly checkpoint: number }
  | { readonly kind: 'failure'; readonly reason: string };

/**
 * Reads an invocation's outcome as Lambda does with ReportBatchItemFailures: `checkpoint` is the
 * index in `records` of the lowest sequence number reported.
 */
export function verdictOf(outcome: InvocationOutcome, records: readonly KinesisStreamRecord[]): BatchVerdict {
  if (outcome.kind === 'timeout') return { kind: 'failure', reason: 'timeout' };
  if (outcome.kind === 'error') return { kind: 'failure', reason: 'function error' };
  const response = outcome.response as { batchItemFailures?: unknown } | null | undefined;
  if (response === null || response === undefined) return { kind: 'success' };
  if (typeof response !== 'object') return { kind: 'failure', reason: 'response is not an object' };
  const failures = response.batchItemFailures;
  if (failures === null || failures === undefined) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'failure', reason: 'batchItemFailures is not a list' };
  if (failures.length === 0) return { kind: 'success' };
  let lowest: string | undefined;
  for (const failure of failures) {
    const identifier = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof identifier !== 'string' || identifier === '') {
      return { kind: 'failure', reason: 'an itemIdentifier is empty, null or missing' };
    }
    if (lowest === undefined || compareSequenceNumbers(identifier, lowest) < 0) lowest = identifier;
  }
  const checkpoint = records.findIndex(({ kinesis }) => kinesis.sequenceNumber === lowest);
  if (checkpoint === -1) return { kind: 'failure', reason: 'an itemIdentifier is not a sequence number of the batch' };
  return { kind: 'partial', checkpoint };
}

interface PendingBatch {
  readonly records: readonly KinesisStreamRecord[];
  /** Retries so far. */
  readonly attempt: number;
  /** 0 for the first delivery, 1 for a duplicate delivery. */
  readonly delivery: number;
}

export class KinesisEventSource {
  private readonly positions = new ShardPositions();
  /** The sequence number of the last record each shard delivered (its checkpoint past every batch). */
  private readonly checkpoints = new Map<string, string>();
  private stopped = false;
  private stats = {
    shards: 0,
    recordsRead: 0,
    invocations: 0,
    partialFailures: 0,
    functionErrors: 0,
    timeouts: 0,
    invalidResponses: 0,
    bisections: 0,
    retries: 0,
    redeliveries: 0,
    failedBatches: 0,
  };

  constructor(private readonly options: EventSourceOptions) {}

  /** Positions of the records read so far (for fault decisions). */
  get shardPositions(): ShardPositions {
    return this.positions;
  }

  report(): EventSourceStats {
    return { ...this.stats };
  }

  /**
   * Polls every shard until the producer has finished and each shard is drained; called again, from
   * where each shard's last run ended.
   */
  async run(): Promise<void> {
    const listed = await this.options.kinesis.send(new ListShardsCommand({ StreamName: this.options.streamName }));
    const shards = (listed.Shards ?? []).map(({ ShardId }) => ShardId ?? '');
    this.stats.shards = shards.length;
    // One shard's failure stops the others before the error is reported, so nothing still polls
    // or writes while the caller cleans up.
    const polled = await Promise.allSettled(
      shards.map((shardId) =>
        this.pollShard(shardId).catch((error: unknown) => {
          this.stopped = true;
          throw error;
        }),
      ),
    );
    const failed = polled.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  private async iterator(shardId: string, at?: string, after?: string): Promise<string> {
    const position =
      at !== undefined
        ? { ShardIteratorType: 'AT_SEQUENCE_NUMBER' as const, StartingSequenceNumber: at }
        : after !== undefined
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, StartingSequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' as const };
    const answer = await this.options.kinesis.send(
      new GetShardIteratorCommand({ StreamName: this.options.streamName, ShardId: shardId, ...position }),
    );
    if (answer.ShardIterator === undefined) throw new Error(`no shard iterator for ${shardId}`);
    return answer.ShardIterator;
  }

  private toLambda(shardId: string, records: readonly KinesisRecord[]): KinesisStreamRecord[] {
    return records.map((record) => {
      this.positions.positionOf(shardId, record.SequenceNumber ?? '');
      return lambdaRecord(record, shardId, this.options.source);
    });
  }

  private async pollShard(shardId: string): Promise<void> {
    const { kinesis, batchSize, producerFinished } = this.options;
    const pollInterval = this.options.pollIntervalMs ?? 100;
    let iterator: string | undefined = await this.iterator(shardId, undefined, this.checkpoints.get(shardId));
    let pending: KinesisStreamRecord[] = [];
    while (!this.stopped) {
      let drained = false;
      if (pending.length < batchSize && iterator !== undefined) {
        const finishedBefore = producerFinished();
        const read: GetRecordsCommandOutput = await kinesis.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: GET_RECORDS_LIMIT }),
        );
        iterator = read.NextShardIterator;
        const records = read.Records ?? [];
        this.stats.recordsRead += records.length;
        pending = pending.concat(this.toLambda(shardId, records));
        drained = records.length === 0 && (finishedBefore || iterator === undefined);
      }
      if (pending.length === 0) {
        if (drained || iterator === undefined) return;
        await new Promise((resolve) => setTimeout(resolve, pollInterval));
        continue;
      }
      const length = nextBatchLength(pending, batchSize);
      const batch = pending.slice(0, length);
      await this.deliver(shardId, batch);
      // Past the batch whatever became of it: a batch given up went to the on-failure destination.
      this.checkpoints.set(shardId, batch.at(-1)?.kinesis.sequenceNumber as string);
      pending = pending.slice(length);
    }
  }

  /** Reads `count` records again from the stream, starting at `records[0]`, and checks they are the same. */
  private async reread(shardId: string, records: readonly KinesisStreamRecord[]): Promise<KinesisStreamRecord[]> {
    const first = records[0]?.kinesis.sequenceNumber;
    let iterator: string | undefined = await this.iterator(shardId, first);
    const again: KinesisStreamRecord[] = [];
    while (again.length < records.length && iterator !== undefined) {
      const read: GetRecordsCommandOutput = await this.options.kinesis.send(
        new GetRecordsCommand({
          ShardIterator: iterator,
          Limit: Math.min(GET_RECORDS_LIMIT, records.length - again.length),
        }),
      );
      iterator = read.NextShardIterator;
      if ((read.Records ?? []).length === 0) break;
      again.push(...this.toLambda(shardId, read.Records ?? []));
    }
    const same =
      again.length === records.length &&
      again.every((record, i) => record.kinesis.sequenceNumber === records[i]?.kinesis.sequenceNumber);
    if (!same) throw new Error(`${shardId}: reading again at ${first} did not return the records of the batch`);
    return again;
  }

  /** Invokes the function with one batch until it and every retry of it are done. */
  private async deliver(shardId: string, records: readonly KinesisStreamRecord[]): Promise<void> {
    const { functions, maxRetryAttempts, chaos } = this.options;
    const queue: PendingBatch[] = [{ records, attempt: 0, delivery: 0 }];
    while (queue.length > 0) {
      const batch = queue.shift() as PendingBatch;
      const event: KinesisStreamEvent = lambdaEvent(batch.records);
      this.stats.invocations += 1;
      const outcome = await functions.invoke(event);
      const verdict = verdictOf(outcome, batch.records);
      if (verdict.kind === 'success') {
        const identity = `${shardId}#${this.positionOfRecord(shardId, batch.records[0])}+${batch.records.length}@${batch.attempt}`;
        if (batch.delivery === 0 && chaos?.redeliver(identity)) {
          this.stats.redeliveries += 1;
          queue.unshift({ records: batch.records, attempt: 0, delivery: 1 });
        }
        continue;
      }
      if (outcome.kind === 'timeout') this.stats.timeouts += 1;
      else if (outcome.kind === 'error') this.stats.functionErrors += 1;
      else if (verdict.kind === 'failure') this.stats.invalidResponses += 1;
      else this.stats.partialFailures += 1;

      const retried = verdict.kind === 'partial' ? batch.records.slice(verdict.checkpoint) : batch.records;
      if (batch.attempt >= maxRetryAttempts) {
        this.stats.failedBatches += 1;
        await this.options.onFailure({
          shardId,
          records: retried,
          attempts: batch.attempt + 1,
          condition: 'RetryAttemptsExhausted',
          lastOutcome: verdict.kind === 'partial' ? 'partial batch failure' : verdict.reason,
        });
        continue;
      }
      this.stats.retries += 1;
      const again = await this.reread(shardId, retried);
      const attempt = batch.attempt + 1;
      if (verdict.kind === 'failure' && again.length > 1) {
        this.stats.bisections += 1;
        const half = Math.ceil(again.length / 2);
        queue.unshift(
          { records: again.slice(0, half), attempt, delivery: batch.delivery },
          { records: again.slice(half), attempt, delivery: batch.delivery },
        );
      } else {
        queue.unshift({ records: again, attempt, delivery: batch.delivery });
      }
    }
  }

  private positionOfRecord(shardId: string, record: KinesisStreamRecord | undefined): number | undefined {
    return record === undefined ? undefined : this.positions.knownPosition(shardId, record.kinesis.sequenceNumber);
  }
}
