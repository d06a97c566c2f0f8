/**
 * A record as it goes into PutRecords: a user record (one trade) or a KPL aggregate of several.
 * The sender, the aggregator and the local pipeline share this shape.
 */
export interface KinesisEntry {
  readonly partitionKey: string;
  readonly data: Uint8Array;
  /** Decides the shard instead of the partition key's hash (an aggregate's, docs/design.md §5). */
  readonly explicitHashKey?: string;
  /** How many user records it carries: 1 for a plain record, the count of an aggregate. @default 1 */
  readonly userRecords?: number;
}

/** Kinesis limits that shape a PutRecords call ("PutRecords", Kinesis Data Streams API Reference). */
export const KINESIS_LIMITS = {
  /** Records in one PutRecords request. */
  recordsPerRequest: 500,
  /** Bytes in one request: data and partition keys. */
  bytesPerRequest: 5 * 1024 * 1024,
  /** Bytes of one record: its data and its partition key. */
  bytesPerRecord: 1024 * 1024,
  /** Characters of a partition key. */
  partitionKeyLength: 256,
} as const;

export function userRecordsOf(entry: KinesisEntry): number {
  return entry.userRecords ?? 1;
}

/** What a record counts against the per-record limit: its data and its partition key (UTF-8). */
export function recordBytes(entry: KinesisEntry): number {
  return entry.data.byteLength + Buffer.byteLength(entry.partitionKey, 'utf8');
}

/**
 * What a record counts against the per-request limit. The explicit hash key is counted too: the
 * documentation names only data and partition keys, and a few bytes of margin cost nothing.
 */
export function requestBytes(entry: KinesisEntry): number {
  return recordBytes(entry) + (entry.explicitHashKey === undefined ? 0 : entry.explicitHashKey.length);
}

const HASH_KEY = /^(0|[1-9]\d{0,38})$/;
const MAX_HASH_KEY = 2n ** 128n - 1n;

/** Why Kinesis would refuse `entry`, or undefined: checked before anything is sent. */
export function entryProblem(entry: KinesisEntry): string | undefined {
  const keyLength = [...entry.partitionKey].length;
  if (keyLength < 1 || keyLength > KINESIS_LIMITS.partitionKeyLength) {
    return `a partition key must have 1 to ${KINESIS_LIMITS.partitionKeyLength} characters, not ${keyLength}`;
  }
  if (recordBytes(entry) > KINESIS_LIMITS.bytesPerRecord) {
    return `a record holds at most ${KINESIS_LIMITS.bytesPerRecord} bytes of data and partition key, not ${recordBytes(entry)}`;
  }
  const hashKey = entry.explicitHashKey;
  if (hashKey !== undefined && !(HASH_KEY.test(hashKey) && BigInt(hashKey) <= MAX_HASH_KEY)) {
    return `an explicit hash key is a decimal from 0 to 2^128-1, not ${hashKey}`;
  }
  return undefined;
}

/**
 * Splits `entries`, in order, into PutRecords requests of at most `maxRecords` records, `maxBytes`
 * bytes and `maxUserRecords` user records (an aggregate counts as the trades it carries). A request
 * holds at least one record, so an aggregate larger than `maxUserRecords` goes alone.
 */
export function planRequests(
  entries: readonly KinesisEntry[],
  maxRecords: number = KINESIS_LIMITS.recordsPerRequest,
  maxBytes: number = KINESIS_LIMITS.bytesPerRequest,
  maxUserRecords: number = Number.POSITIVE_INFINITY,
): KinesisEntry[][] {
  const requests: KinesisEntry[][] = [];
  let current: KinesisEntry[] = [];
  let bytes = 0;
  let userRecords = 0;
  for (const entry of entries) {
    const size = requestBytes(entry);
    const carried = userRecordsOf(entry);
    if (
      current.length > 0 &&
      (current.length >= maxRecords || bytes + size > maxBytes || userRecords + carried > maxUserRecords)
    ) {
      requests.push(current);
      current = [];
      bytes = 0;
      userRecords = 0;
    }
    current.push(entry);
    bytes += size;
    userRecords += carried;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}
