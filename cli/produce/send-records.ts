import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { isThrottling } from '../errors';
import { entryProblem, KINESIS_LIMITS, type KinesisEntry, planRequests, userRecordsOf } from './records';
import { streamParameter } from './shards';

/**
 * Puts records on a stream with PutRecords, as a producer must (docs/design.md §6: a failed write is
 * retried, never swallowed): requests within Kinesis's limits, then only the records a response
 * marks as failed are sent again, after a backoff, until they are accepted or their attempts run
 * out. Every count is in user records (trades), so an aggregate counts as the trades it carries.
 * Takes its Kinesis client as an argument, so the CLI, the local pipeline (kinesalite) and the tests
 * (aws-sdk-client-mock) all drive the same code.
 */

export interface SendOptions {
  /** User records per second, at most, retries included. @default no limit */
  readonly rate?: number;
  /** Attempts per record, the first one included. @default 8 */
  readonly maxAttempts?: number;
  /** The ceiling of the first retry's delay; it doubles with each retry. @default 100 */
  readonly baseDelayMs?: number;
  /** The ceiling of any retry's delay. @default 5,000 */
  readonly maxDelayMs?: number;
  /** At most 500, Kinesis's limit. @default 500 */
  readonly maxRecordsPerRequest?: number;
  /** At most 5 MiB, Kinesis's limit. @default 5 MiB */
  readonly maxBytesPerRequest?: number;
  /** Called after every request. */
  readonly onProgress?: (progress: SendProgress) => void;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds, for rates and the elapsed time. @default performance.now */
  readonly clock?: () => number;
  /** In [0, 1), for the backoff's jitter. @default Math.random */
  readonly random?: () => number;
}

/** Counts so far, in user records. */
export interface SendProgress {
  readonly total: number;
  readonly sent: number;
  readonly retried: number;
  readonly failed: number;
}

/** A record that was still refused after its last attempt. */
export interface FailedRecord {
  readonly entry: KinesisEntry;
  /** Kinesis's ErrorCode (ProvisionedThroughputExceededException, InternalFailure) or the request's error name. */
  readonly errorCode: string;
  readonly errorMessage?: string;
}

export interface SendSummary {
  /** User records asked to send. */
  readonly userRecords: number;
  /** Kinesis records they travel in (fewer than user records when aggregated). */
  readonly kinesisRecords: number;
  /** User records the stream accepted. */
  readonly sent: number;
  /** User records sent again after a failure (one record retried twice counts twice). */
  readonly retried: number;
  /** User records refused on every attempt. */
  readonly failed: number;
  /** User records never attempted, because the run was aborted. */
  readonly unsent: number;
  readonly failures: readonly FailedRecord[];
  /** PutRecords requests made. */
  readonly requests: number;
  readonly elapsedMs: number;
  /** Accepted user records per second of the run. */
  readonly recordsPerSecond: number;
}

/**
 * The run stopped at an error that a retry cannot fix (access denied, a disabled key, a missing
 * stream). `summary` says what was accepted before; `cause` is the error of the request.
 */
export class SendAbortedError extends Error {
  constructor(
    readonly summary: SendSummary,
    cause: unknown,
  ) {
    super(
      `PutRecords stopped after ${summary.sent} of ${summary.userRecords} user records: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`,
      { cause },
    );
    this.name = 'SendAbortedError';
  }
}

export const DEFAULT_MAX_ATTEMPTS = 8;
/** The rates sendRecords takes, in user records a second; `trades produce --rate` checks the same. */
export const RATE_RANGE = { min: 0.001, max: 1e9 } as const;
const DEFAULT_BASE_DELAY_MS = 100;
const DEFAULT_MAX_DELAY_MS = 5_000;
/** With a rate, requests carry about a tenth of a second's user records, so the pace stays even. */
const REQUESTS_PER_SECOND_AT_RATE = 10;

/**
 * The delay before retry `retry` (1 for the first): exponential backoff with full jitter, a random
 * time up to min(maxMs, baseMs × 2^(retry-1)) ("Exponential Backoff And Jitter", AWS Architecture
 * Blog), so that producers that failed together do not retry together.
 */
export function backoffDelay(retry: number, baseMs: number, maxMs: number, random: () => number): number {
  return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** (retry - 1)));
}

/** A whole-request failure that another attempt may cure; the SDK has already retried it a few times. */
function isTransient(error: unknown): boolean {
  if (isThrottling(error)) return true;
  const shape = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  const status = shape?.$metadata?.httpStatusCode;
  return (
    shape?.name === 'InternalFailure' ||
    shape?.name === 'ServiceUnavailable' ||
    (status !== undefined && status >= 500 && status <= 599)
  );
}

function toRequestEntry(entry: KinesisEntry): PutRecordsRequestEntry {
  return { PartitionKey: entry.partitionKey, Data: entry.data, ExplicitHashKey: entry.explicitHashKey };
}

function checkRange(name: string, value: number, min: number, max: number, integer: boolean): number {
  if (!(Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value)))) {
    throw new RangeError(
      `${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, not ${value}`,
    );
  }
  return value;
}

/** Sends `entries` to `stream` (a name or an ARN) and reports what the stream accepted. */
export async function sendRecords(
  kinesis: KinesisClient,
  stream: string,
  entries: readonly KinesisEntry[],
  options: SendOptions = {},
): Promise<SendSummary> {
  const maxAttempts = checkRange('maxAttempts', options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, 1, 100, true);
  const baseDelayMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const maxDelayMs = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const rate =
    options.rate === undefined ? undefined : checkRange('rate', options.rate, RATE_RANGE.min, RATE_RANGE.max, false);
  const maxRecords = checkRange(
    'maxRecordsPerRequest',
    options.maxRecordsPerRequest ?? KINESIS_LIMITS.recordsPerRequest,
    1,
    KINESIS_LIMITS.recordsPerRequest,
    true,
  );
  const maxBytes = checkRange(
    'maxBytesPerRequest',
    options.maxBytesPerRequest ?? KINESIS_LIMITS.bytesPerRequest,
    KINESIS_LIMITS.bytesPerRecord,
    KINESIS_LIMITS.bytesPerRequest,
    true,
  );
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const clock = options.clock ?? (() => performance.now());
  const random = options.random ?? Math.random;

  // Nothing goes out unless everything can: a record Kinesis would refuse fails the whole request.
  entries.forEach((entry, index) => {
    const problem = entryProblem(entry);
    if (problem !== undefined) throw new RangeError(`record ${index} cannot be sent: ${problem}`);
  });

  const total = entries.reduce((sum, entry) => sum + userRecordsOf(entry), 0);
  // The budget is in user records: an aggregate carries some 200 trades, so a budget in Kinesis
  // records would send a whole run at --rate 100 in a few bursts.
  const userRecordsPerRequest =
    rate === undefined ? Number.POSITIVE_INFINITY : Math.ceil(rate / REQUESTS_PER_SECOND_AT_RATE);
  const requests = planRequests(entries, maxRecords, maxBytes, userRecordsPerRequest);
  const start = clock();
  let sent = 0;
  let retried = 0;
  let dispatched = 0;
  let requestCount = 0;
  let attempted = 0;
  const failures: FailedRecord[] = [];

  const summary = (): SendSummary => {
    const elapsedMs = Math.max(clock() - start, 0);
    const failed = failures.reduce((sum, { entry }) => sum + userRecordsOf(entry), 0);
    return {
      userRecords: total,
      kinesisRecords: entries.length,
      sent,
      retried,
      failed,
      unsent: total - attempted,
      failures,
      requests: requestCount,
      elapsedMs,
      recordsPerSecond: elapsedMs > 0 ? (sent * 1000) / elapsedMs : 0,
    };
  };
  const report = () => options.onProgress?.({ total, sent, retried, failed: summary().failed });

  for (const request of requests) {
    attempted += request.reduce((sum, entry) => sum + userRecordsOf(entry), 0);
    let pending: readonly KinesisEntry[] = request;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      const pendingUserRecords = pending.reduce((sum, entry) => sum + userRecordsOf(entry), 0);
      if (attempt > 1) {
        await sleep(backoffDelay(attempt - 1, baseDelayMs, maxDelayMs, random));
        retried += pendingUserRecords;
      }
      if (rate !== undefined) {
        const wait = start + (dispatched / rate) * 1000 - clock();
        if (wait > 0) await sleep(wait);
      }
      dispatched += pendingUserRecords;
      requestCount += 1;
      let outcomes: readonly { readonly ErrorCode?: string; readonly ErrorMessage?: string }[];
      try {
        const response = await kinesis.send(
          new PutRecordsCommand({ ...streamParameter(stream), Records: pending.map(toRequestEntry) }),
        );
        outcomes = response.Records ?? [];
        if (outcomes.length !== pending.length) {
          throw new Error(`PutRecords answered ${outcomes.length} results for ${pending.length} records`);
        }
      } catch (error) {
        const { name, message } = error as Error;
        if (!isTransient(error)) {
          // sent + failed + unsent stays the total: what this request carried counts as failed.
          failures.push(...pending.map((entry) => ({ entry, errorCode: name, errorMessage: message })));
          throw new SendAbortedError(summary(), error);
        }
        outcomes = pending.map(() => ({ ErrorCode: name, ErrorMessage: message }));
      }
      const refused: FailedRecord[] = [];
      outcomes.forEach((outcome, index) => {
        const entry = pending[index];
        if (outcome.ErrorCode === undefined) sent += userRecordsOf(entry);
        else refused.push({ entry, errorCode: outcome.ErrorCode, errorMessage: outcome.ErrorMessage });
      });
      if (attempt >= maxAttempts) {
        failures.push(...refused);
        pending = [];
      } else {
        pending = refused.map(({ entry }) => entry);
      }
      report();
    }
  }
  return summary();
}
