import { REPLAY_ENV } from './contract';

/** What the replay function needs from its environment (set by lib/ingestion/replay-function.ts). */
export interface ReplayConfig {
  /** The failed-batch bucket, where Lambda records the batches it gave up on. */
  readonly failedBatchBucket: string;
  /** The trade-writer function the rebuilt event goes to. */
  readonly writerFunctionArn: string;
  /** The trade stream: only a batch recorded from it is replayed. */
  readonly streamArn: string;
}

const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}$/;
const STREAM_ARN = /^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[A-Za-z0-9_.-]{1,128}$/;

/**
 * Reads and checks the environment. Throws at cold start, naming the variable, so a misconfigured
 * function fails before it reads a record. An unqualified function ARN only: a version or an alias
 * would replay into code other than the writer the stream feeds.
 */
export function loadReplayConfig(env: Readonly<Record<string, string | undefined>>): ReplayConfig {
  const missing = Object.values(REPLAY_ENV).filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`trade-replay: environment variable ${missing.join(' and ')} is not set`);
  const failedBatchBucket = env[REPLAY_ENV.failedBatchBucket] as string;
  const writerFunctionArn = env[REPLAY_ENV.writerFunctionArn] as string;
  const streamArn = env[REPLAY_ENV.streamArn] as string;
  if (!FUNCTION_ARN.test(writerFunctionArn)) {
    throw new Error(
      `trade-replay: ${REPLAY_ENV.writerFunctionArn} must be an unqualified Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>); got "${writerFunctionArn}"`,
    );
  }
  if (!STREAM_ARN.test(streamArn)) {
    throw new Error(
      `trade-replay: ${REPLAY_ENV.streamArn} must be a Kinesis stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>); got "${streamArn}"`,
    );
  }
  return { failedBatchBucket, writerFunctionArn, streamArn };
}
