import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { planBatch } from '../trade-writer/plan';
import { REPLAYED_TAG, type ReplayRequest, type ReplayResult } from './contract';
import { readInvocationRecord } from './invocation-record';
import { readWriterResponse, type WriterInvocation } from './writer-response';

/** The failed-batch bucket as the replay function uses it; the entry point gives S3, tests their own. */
export interface FailedBatchStore {
  /** The record's tags, or `undefined` when there is no such record. */
  tags(key: string): Promise<Readonly<Record<string, string>> | undefined>;
  /** The record's text, or `undefined` when there is no such record. */
  read(key: string): Promise<string | undefined>;
  /** Replaces the record's tags with `tags`. */
  tag(key: string, tags: Readonly<Record<string, string>>): Promise<void>;
}

/** The trade-writer, invoked synchronously with an event's JSON text. */
export interface TradeWriterInvoker {
  invoke(eventText: string): Promise<WriterInvocation>;
}

export interface ReplayerDependencies {
  readonly store: FailedBatchStore;
  readonly writer: TradeWriterInvoker;
  /** The trade stream; a record of any other stream is refused. */
  readonly streamArn: string;
  readonly logger: Logger;
  /** @default the system clock */
  readonly clock?: () => Date;
}

export type ReplayHandler = (request: unknown, context?: Context) => Promise<ReplayResult>;

/** S3's longest object key, in bytes. */
const MAX_KEY_BYTES = 1024;

/** The key of a request that holds a key and nothing else, or why it is refused. */
function keyOf(request: unknown): string | { readonly refused: string } {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return { refused: 'the request is not a JSON object {"key": "<failed-batch record key>"}' };
  }
  const members = Object.keys(request);
  const { key } = request as Partial<ReplayRequest>;
  // Only a key: an event passed in would be a way to write trades that no producer sent.
  if (members.length !== 1 || members[0] !== 'key') {
    return { refused: `the request must hold "key" and nothing else; it holds ${JSON.stringify(members)}` };
  }
  if (typeof key !== 'string' || key === '' || Buffer.byteLength(key) > MAX_KEY_BYTES) {
    return { refused: 'the key must be a non-empty string of at most 1024 bytes' };
  }
  return key;
}

const EMPTY = { records: 0, trades: 0, quarantined: 0, days: [] } as const;

/**
 * Builds the handler. It takes the key of one record in the failed-batch bucket, reads the record
 * itself, rebuilds the exact event Lambda had invoked the writer with, invokes the writer, and tags the
 * record as replayed only when the writer reported no failure for the whole batch. A record already
 * tagged is not replayed again. The writer's object keys and `If-None-Match` make a replay idempotent
 * anyway (docs/design.md §6); the tag is what lets the operator see what is left.
 *
 * Known refusals come back as an outcome; an AWS error reading the record or invoking the writer is
 * thrown, so the caller sees the invocation fail and nothing is tagged.
 */
export function createReplayer(dependencies: ReplayerDependencies): ReplayHandler {
  const { store, writer, streamArn, logger } = dependencies;
  const clock = dependencies.clock ?? (() => new Date());

  return async (request, context) => {
    if (context !== undefined) logger.addContext(context);
    const key = keyOf(request);
    if (typeof key !== 'string') {
      logger.warn('replay refused', { reason: key.refused });
      return { key: '', outcome: 'unreplayable', reason: key.refused, ...EMPTY };
    }
    const tags = await store.tags(key);
    if (tags === undefined) {
      return { key, outcome: 'unreplayable', reason: 'there is no such record in the failed-batch bucket', ...EMPTY };
    }
    const replayedAt = tags[REPLAYED_TAG];
    if (replayedAt !== undefined) {
      logger.info('record already replayed', { key, replayedAt });
      return { key, outcome: 'already-replayed', replayedAt, ...EMPTY };
    }
    const text = await store.read(key);
    if (text === undefined) {
      return { key, outcome: 'unreplayable', reason: 'there is no such record in the failed-batch bucket', ...EMPTY };
    }
    const reading = readInvocationRecord(text, { streamArn });
    const range = reading.batch && {
      shardId: reading.batch.shardId,
      firstSequenceNumber: reading.batch.startSequenceNumber,
      lastSequenceNumber: reading.batch.endSequenceNumber,
    };
    if (!reading.ok) {
      logger.warn('record cannot be replayed', { key, reason: reading.reason, ...range });
      return {
        key,
        outcome: 'unreplayable',
        reason: `The record cannot be replayed: ${reading.reason}.`,
        ...range,
        ...EMPTY,
      };
    }

    // What the writer will store, by the writer's own planner: the counts and days of a successful run.
    const plan = planBatch(reading.records, clock());
    const trades = plan.objects.filter(({ kind }) => kind === 'trades');
    const counts = {
      records: reading.records.length,
      trades: trades.reduce((sum, object) => sum + object.records, 0),
      quarantined: plan.objects.filter(({ kind }) => kind === 'quarantine').reduce((sum, o) => sum + o.records, 0),
      days: [...new Set(trades.map(({ dt }) => dt))].sort(),
    };

    const verdict = readWriterResponse(await writer.invoke(reading.eventText));
    if (!verdict.ok) {
      logger.error('writer reported a failure; record left to replay again', { key, ...range, reason: verdict.reason });
      return {
        key,
        outcome: 'writer-failed',
        reason: `${verdict.reason}; the record is left untagged, to replay again.`,
        ...range,
        ...EMPTY,
        records: counts.records,
        checkpoint: verdict.checkpoint,
      };
    }

    const now = clock().toISOString();
    try {
      await store.tag(key, { ...tags, [REPLAYED_TAG]: now });
    } catch (error) {
      logger.error('batch replayed, but the record could not be tagged', { key, error });
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return {
        key,
        outcome: 'replayed-not-tagged',
        reason: `The writer stored the batch, but the record could not be tagged as replayed (${reason}); replaying it again writes no new trade object (the writer finds its own); on another UTC day its quarantined records are written again, under that day's quarantine prefix.`,
        ...range,
        ...counts,
        replayedAt: now,
      };
    }
    logger.info('batch replayed', { key, ...range, ...counts });
    return { key, outcome: 'replayed', ...range, ...counts, replayedAt: now };
  };
}
