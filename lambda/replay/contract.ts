/**
 * What the replay function promises the infrastructure that deploys it and the operator CLI that
 * invokes it: its environment, its request and its result, and the tag it marks a record with. The
 * only file of lambda/replay/ that lib/ may import (biome's noRestrictedImports); `trades replay`
 * imports it too, so the function and the CLI cannot disagree on a field without a compile error.
 */

/** Environment variables the replay function reads; lib/ingestion/replay-function.ts sets them. */
export const REPLAY_ENV = {
  /** The failed-batch bucket: the only bucket the function reads. */
  failedBatchBucket: 'FAILED_BATCH_BUCKET_NAME',
  /** ARN of the trade-writer function, the only function it invokes. */
  writerFunctionArn: 'WRITER_FUNCTION_ARN',
  /** ARN of the trade stream: a recorded batch from any other stream is refused. */
  streamArn: 'TRADE_STREAM_ARN',
} as const;

/** The Powertools service name of the replay function's logs. */
export const REPLAY_SERVICE_NAME = 'trade-replay';

/** Memory of the replay function in MB: a recorded batch is at most Lambda's 6 MB payload, read and planned once. */
export const REPLAY_MEMORY_MB = 1024;

/** The writer's own timeout; the replay function waits for it, so it gets this and a margin. */
export const WRITER_TIMEOUT_SECONDS = 120;
export const REPLAY_TIMEOUT_SECONDS = WRITER_TIMEOUT_SECONDS + 60;

/**
 * The object tag that marks a failed-batch record as replayed; its value is the time of the replay
 * (ISO 8601 UTC). Set only once the writer reported no failure for the whole batch.
 */
export const REPLAYED_TAG = 'trades-replayed';

/** What the replay function takes: the key of one record in the failed-batch bucket, nothing else. */
export interface ReplayRequest {
  readonly key: string;
}

/**
 * What became of one record:
 * - `replayed`: the writer stored every record of the batch and the record is now tagged;
 * - `replayed-not-tagged`: the writer stored every record, but the tag could not be set (a later
 *   replay writes no new trade object: the writer finds its own; quarantine keys carry the ingestion
 *   date, so on another UTC day its quarantined records are written again);
 * - `already-replayed`: the record carries the tag; the writer was not invoked;
 * - `writer-failed`: the writer reported a failure (or failed itself); the record is left untagged, to replay again;
 * - `unreplayable`: the request or the record cannot be replayed as it is (the reason says why); nothing was invoked.
 */
export type ReplayOutcome = 'replayed' | 'replayed-not-tagged' | 'already-replayed' | 'writer-failed' | 'unreplayable';

export const REPLAY_OUTCOMES: readonly ReplayOutcome[] = [
  'replayed',
  'replayed-not-tagged',
  'already-replayed',
  'writer-failed',
  'unreplayable',
];

/** The replay function's answer for one record. */
export interface ReplayResult {
  readonly key: string;
  readonly outcome: ReplayOutcome;
  /** Why the outcome is not `replayed`, for a person. */
  readonly reason?: string;
  /** The shard and the sequence range of the recorded batch, when the record could be read. */
  readonly shardId?: string;
  readonly firstSequenceNumber?: string;
  readonly lastSequenceNumber?: string;
  /** Kinesis records in the rebuilt event. */
  readonly records: number;
  /** Trades (user records that are valid trades) the writer stored; 0 unless replayed. */
  readonly trades: number;
  /** Records the writer quarantined; 0 unless replayed. */
  readonly quarantined: number;
  /** The `dt` partitions (YYYY-MM-DD) of the trades stored, sorted; the curation job merges them. */
  readonly days: readonly string[];
  /** With `writer-failed`: the sequence number the writer reported as its first failure. */
  readonly checkpoint?: string;
  /** With `replayed`, `replayed-not-tagged` and `already-replayed`: when the record was replayed. */
  readonly replayedAt?: string;
}
