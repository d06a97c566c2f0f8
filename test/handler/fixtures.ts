import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/**
 * Kinesis events in the format Lambda documents for a Kinesis event source, and valid trades to
 * put in them. Shared by the handler tests and the benchmark.
 */

export const SHARD_ID = 'shardId-000000000006';
export const STREAM_ARN = 'arn:aws:kinesis:us-east-2:123456789012:stream/trades-dev';
export const KEY_ARN = 'arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
export const BUCKET_NAME = 'trading-data-lake-dev';

/** A sequence number from AWS's documentation; later records add to it. */
const FIRST_SEQUENCE_NUMBER = 49590338271490256608559692538361571095921575989136588898n;
/** Consecutive records of a shard differ by 2^80 in the sequence numbers Kinesis hands out. */
const SEQUENCE_STEP = 2n ** 80n;

/** The sequence number of the `index`-th record of a shard. */
export function sequenceNumber(index: number): string {
  return (FIRST_SEQUENCE_NUMBER + BigInt(index) * SEQUENCE_STEP).toString();
}

/** What a test says about one record; data is the producer's text, or `base64` verbatim. */
export interface RecordSpec {
  readonly text?: string;
  readonly bytes?: Uint8Array;
  /** Used as `kinesis.data` as is, for data that is not base64. */
  readonly base64?: string;
  readonly sequenceNumber?: string;
  readonly partitionKey?: string;
  /** Seconds since the epoch, with a millisecond fraction, as Lambda delivers it. */
  readonly approximateArrivalTimestamp?: number;
  readonly shardId?: string;
}

/** One record as Lambda delivers it. */
export function kinesisRecord(spec: RecordSpec, index: number): KinesisStreamRecord {
  const data = spec.base64 ?? Buffer.from(spec.bytes ?? Buffer.from(spec.text ?? '', 'utf8')).toString('base64');
  const seq = spec.sequenceNumber ?? sequenceNumber(index);
  const shardId = spec.shardId ?? SHARD_ID;
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: spec.partitionKey ?? `pk-${index}`,
      sequenceNumber: seq,
      data,
      approximateArrivalTimestamp: spec.approximateArrivalTimestamp ?? 1773239400.123 + index / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${seq}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/trade-writer',
    awsRegion: 'us-east-2',
    eventSourceARN: STREAM_ARN,
  };
}

/** A batch: strings are producer texts, objects full specs; record `i` gets sequence number `i`. */
export function kinesisEvent(records: ReadonlyArray<string | RecordSpec>): KinesisStreamEvent {
  return {
    Records: records.map((record, index) =>
      kinesisRecord(typeof record === 'string' ? { text: record } : record, index),
    ),
  };
}

/** A valid trade with every field of DESIGN §5; override or delete fields to break it. */
export function tradeFields(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    trade_id: 'T-0001',
    symbol: 'AAPL',
    side: 'BUY',
    quantity: 100,
    price: '187.25',
    executed_at: '2026-03-11T14:30:00.123Z',
    currency: 'USD',
    venue: 'XNAS',
    account_id: 'ACC-000123',
    trader_id: 'TR-0042',
    ...overrides,
  };
}

/** The producer text of a valid trade. */
export function tradeJson(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify(tradeFields(overrides));
}

/** A small deterministic generator (mulberry32): the same seed gives the same sequence in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
