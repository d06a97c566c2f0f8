import { createHash } from 'node:crypto';
import type { GeneratedRecord } from '../cli/produce';

/**
 * The faults `--chaos` injects between the writer and S3, into Lambda's delivery of batches, and
 * into what the producer sends: older versions of corrected trades sent again after their
 * corrections (a stale re-send, which only the order of versions, not of arrival, may resolve).
 *
 * Every decision is a keyed hash of the seed and the identity of what it decides about (an object
 * key with its sequence numbers replaced by the records' positions in their shard, the attempt at
 * it, a batch's position), not a draw from a stream of random numbers: the writer sends an
 * invocation's objects in parallel and shards are polled concurrently, so the order in which
 * decisions are asked for changes from run to run, while the identities do not. The same seed and
 * the same records in the same order per shard therefore give the same faults.
 */

/** What happens to one PutObject on its way to S3. */
export type PutFault =
  /** Reaches S3 and is answered as S3 answers it. */
  | 'none'
  /**
   * Answered 503 ServiceUnavailable without reaching S3; the SDK retries it (three attempts in all).
   * Not SlowDown: the SDK backs off from a throttling error for up to seconds, which would race the
   * local function timeout and make a run's faults depend on timing instead of on the seed.
   */
  | 'unavailable'
  /** Never reaches S3 and is never answered: the invocation hangs until its timeout. */
  | 'hang-before-store'
  /** Stored, but the answer never comes: the invocation hangs with some of its work done. */
  | 'hang-after-store';

/** How often each fault is injected. */
export interface ChaosRates {
  /** Share of object keys that meet an outage: 1 to 4 consecutive attempts answered 503. */
  readonly outage: number;
  /** Share of PutObject attempts that hang (half before, half after the object is stored). */
  readonly hang: number;
  /** Share of successful invocations that Lambda delivers again, unchanged. */
  readonly redelivery: number;
  /** Share of corrected or cancelled trades of which the producer sends an older version again, last. */
  readonly stale: number;
}

/** Rates for the faults the seed decides, on top of the scripted ones. */
export const DEFAULT_CHAOS_RATES: ChaosRates = { outage: 0.3, hang: 0.05, redelivery: 0.3, stale: 0.3 };

/**
 * The object that holds the first record of the first shard, in the first batch and in its retries
 * of the same records. Its fate is scripted, so that every run, whatever its seed and however few
 * its invocations (a burst of 10,000 trades is one batch a shard), takes every path: four attempts
 * answered 503 (the SDK gives up after three, the writer reports the batch item failure, Lambda
 * retries the batch, whose retry meets the fourth), then a write that is stored but never answered
 * (the invocation is killed part-way at its timeout, and Lambda bisects the batch, so the stored
 * records are written again by the halves), and the first half's success delivered twice (its
 * writes find their own objects: 412).
 */
const SCRIPTED_OBJECT = /\/shardId-0+-#0-#\d+\.[a-z.]+$/;
const SCRIPTED_PUTS: readonly PutFault[] = [
  'unavailable',
  'unavailable',
  'unavailable',
  'unavailable',
  'hang-after-store',
];
const SCRIPTED_BATCH = /^shardId-0+#0\+/;

/** The longest outage, in attempts: more than the SDK's three, so the writer sees some write fail. */
const LONGEST_OUTAGE = 4;

/** Faults injected so far, by kind. */
export interface FaultCounts {
  /** PutObject attempts answered 503. */
  readonly unavailable: number;
  /** PutObject attempts that hung: each one kills its invocation at the timeout. */
  readonly hung: number;
  /** Batches delivered again after they succeeded. */
  readonly redelivered: number;
  /** Older versions of trades sent again after their corrections (staleResends). */
  readonly stale: number;
}

/** Replaces the sequence numbers in an object key by positions, so that a decision survives a rerun. */
export type KeyIdentity = (key: string) => string;

export class Chaos {
  private readonly attempts = new Map<string, number>();
  /** The first object seen at position 0 of the first shard: only it gets the scripted faults. */
  private scriptedObject: string | undefined;
  private scriptedRedelivered = false;
  private counts = { unavailable: 0, hung: 0, redelivered: 0, stale: 0 };

  constructor(
    readonly seed: string,
    private readonly rates: ChaosRates = DEFAULT_CHAOS_RATES,
  ) {}

  /** A number in [0, 1), the same for the same seed, kind and identity. */
  chance(kind: string, identity: string): number {
    const digest = createHash('sha256').update(`${this.seed}\0${kind}\0${identity}`).digest();
    // 48 bits: exact in a double.
    return digest.readUIntBE(0, 6) / 2 ** 48;
  }

  /** Decides the fate of the next attempt at putting `identity` (see {@link KeyIdentity}). */
  putFault(identity: string): PutFault {
    const attempt = (this.attempts.get(identity) ?? 0) + 1;
    this.attempts.set(identity, attempt);
    if (this.scriptedObject === undefined && SCRIPTED_OBJECT.test(identity)) this.scriptedObject = identity;
    if (identity === this.scriptedObject) {
      const fault = SCRIPTED_PUTS[attempt - 1] ?? 'none';
      if (fault === 'unavailable') this.counts.unavailable += 1;
      else if (fault !== 'none') this.counts.hung += 1;
      return fault;
    }
    if (this.chance('outage', identity) < this.rates.outage) {
      const length = 1 + Math.floor(this.chance('outage-length', identity) * LONGEST_OUTAGE);
      if (attempt <= length) {
        this.counts.unavailable += 1;
        return 'unavailable';
      }
    }
    const hang = this.chance('hang', `${identity}#${attempt}`);
    if (hang >= this.rates.hang) return 'none';
    this.counts.hung += 1;
    return hang < this.rates.hang / 2 ? 'hang-before-store' : 'hang-after-store';
  }

  /** Whether Lambda delivers a batch again after it succeeded; `identity` names the batch and its delivery. */
  redeliver(identity: string): boolean {
    const scripted = !this.scriptedRedelivered && SCRIPTED_BATCH.test(identity);
    if (scripted) this.scriptedRedelivered = true;
    const again = scripted || this.chance('redelivery', identity) < this.rates.redelivery;
    if (again) this.counts.redelivered += 1;
    return again;
  }

  /**
   * The stale re-sends of `records` (the generator's, in their sending order): for a share of the
   * trades with more than one version, the record of one older version, byte for byte, to be sent
   * after everything else, so that it arrives after the trade's later versions (a producer that
   * replays an old message). The same bytes as a record sent before: a re-send, never a new event.
   * Decided by trade_id, so the same seed and records give the same re-sends.
   */
  staleResends(records: readonly GeneratedRecord[]): GeneratedRecord[] {
    const versions = new Map<string, GeneratedRecord[]>();
    for (const record of records) {
      if (!record.intended.ok || record.event === undefined || record.kind === 'duplicate') continue;
      const trade = versions.get(record.event.trade_id) ?? [];
      trade.push(record);
      versions.set(record.event.trade_id, trade);
    }
    const resends: GeneratedRecord[] = [];
    for (const [tradeId, events] of versions) {
      const latest = Math.max(...events.map(({ event }) => event?.version ?? 1));
      const older = events.filter(({ event }) => (event?.version ?? 1) < latest);
      if (older.length === 0 || this.chance('stale', tradeId) >= this.rates.stale) continue;
      const pick = older[Math.floor(this.chance('stale-version', tradeId) * older.length)] as GeneratedRecord;
      resends.push({ ...pick, kind: 'duplicate' });
    }
    this.counts.stale += resends.length;
    return resends;
  }

  faults(): FaultCounts {
    return { ...this.counts };
  }
}
