import * as kinesisAgg from 'aws-kinesis-agg';
import { KINESIS_LIMITS, type KinesisEntry } from './records';
import { hashKeyOf, type ShardRange, shardOwning } from './shards';

/**
 * KPL aggregation (docs/design.md §5) with awslabs' aws-kinesis-agg: many trades in one Kinesis record, in
 * the KPL's format (magic prefix, protobuf AggregatedRecord, MD5 trailer), which the writer
 * de-aggregates with the same library.
 *
 * The library gives an aggregate the partition key of its first user record. So that every trade
 * still lands on the shard its own partition key hashes to (where its other events go), trades are
 * grouped by that shard first, as the KPL groups them, and each aggregate carries an explicit hash
 * key inside its shard's range: the hash key of its first trade.
 */

/** The part of the library's RecordAggregator used here; its typings do not declare the class. */
interface RecordAggregator {
  /** Bytes of the protobuf message so far. */
  readonly totalBytes: number;
  calculateUserRecordSize(record: AggregatorUserRecord): number;
  addUserRecord(record: AggregatorUserRecord): void;
  length(): number;
  build(): { readonly partitionKey: string; readonly data: Buffer } | undefined;
}

interface AggregatorUserRecord {
  readonly partitionKey: string;
  readonly data: Buffer;
}

const { RecordAggregator } = kinesisAgg as unknown as { RecordAggregator: new () => RecordAggregator };

/** The KPL's default AggregationMaxSize: small records keep a Lambda batch well under its 6 MB payload. */
export const KPL_AGGREGATION_MAX_BYTES = 51_200;
/** The KPL magic number before the protobuf message and the MD5 digest after it. */
const FRAMING_BYTES = 4 + 16;

export interface AggregateOptions {
  /**
   * The most bytes an aggregate may have, partition key included; a trade larger than this on its
   * own still goes, alone, up to Kinesis's 1 MiB record limit.
   * @default 51,200 (the KPL's default)
   */
  readonly maxAggregateBytes?: number;
}

/** An aggregate on its way to one shard. */
export interface AggregatedEntry extends KinesisEntry {
  readonly explicitHashKey: string;
  readonly userRecords: number;
  /** The shard it is meant for. */
  readonly shardId: string;
}

/** The bytes Kinesis counts for an aggregate of `messageBytes` with partition key `partitionKey`. */
function aggregateBytes(messageBytes: number, partitionKey: string): number {
  return FRAMING_BYTES + messageBytes + Buffer.byteLength(partitionKey, 'utf8');
}

/**
 * Packs `records` (user records: one trade each) into KPL aggregates, one shard's trades per
 * aggregate, in the order of each aggregate's first trade; within a shard the trades keep their order.
 */
export function aggregateByShard(
  records: readonly KinesisEntry[],
  shards: readonly ShardRange[],
  options: AggregateOptions = {},
): AggregatedEntry[] {
  const maxBytes = options.maxAggregateBytes ?? KPL_AGGREGATION_MAX_BYTES;
  if (!(Number.isSafeInteger(maxBytes) && maxBytes > FRAMING_BYTES && maxBytes <= KINESIS_LIMITS.bytesPerRecord)) {
    throw new RangeError(
      `maxAggregateBytes must be a whole number up to ${KINESIS_LIMITS.bytesPerRecord}, not ${maxBytes}`,
    );
  }
  const byShard = new Map<ShardRange, { readonly index: number; readonly record: AggregatorUserRecord }[]>();
  records.forEach((record, index) => {
    const shard = shardOwning(shards, hashKeyOf(record.partitionKey));
    const group = byShard.get(shard) ?? [];
    group.push({ index, record: { partitionKey: record.partitionKey, data: Buffer.from(record.data) } });
    byShard.set(shard, group);
  });

  const aggregates: { readonly first: number; readonly entry: AggregatedEntry }[] = [];
  for (const [shard, group] of byShard) {
    let aggregator = new RecordAggregator();
    let first = 0;
    let firstKey = '';
    const flush = () => {
      const count = aggregator.length();
      const built = aggregator.build();
      if (built === undefined || count === 0) return;
      aggregates.push({
        first,
        entry: {
          partitionKey: built.partitionKey,
          data: built.data,
          explicitHashKey: hashKeyOf(built.partitionKey).toString(),
          userRecords: count,
          shardId: shard.shardId,
        },
      });
      aggregator = new RecordAggregator();
    };
    for (const { index, record } of group) {
      let size = aggregator.calculateUserRecordSize(record);
      if (aggregator.length() > 0 && aggregateBytes(aggregator.totalBytes + size, firstKey) > maxBytes) {
        flush();
        // The size counts the partition key table, which starts empty in the next aggregate.
        size = aggregator.calculateUserRecordSize(record);
      }
      if (aggregator.length() === 0) {
        first = index;
        firstKey = record.partitionKey;
        if (aggregateBytes(size, record.partitionKey) > KINESIS_LIMITS.bytesPerRecord) {
          throw new RangeError(
            `the user record with partition key ${record.partitionKey} is too large for a Kinesis record (${aggregateBytes(size, record.partitionKey)} bytes aggregated)`,
          );
        }
      }
      aggregator.addUserRecord(record);
    }
    flush();
  }
  return aggregates.sort((a, b) => a.first - b.first).map(({ entry }) => entry);
}
