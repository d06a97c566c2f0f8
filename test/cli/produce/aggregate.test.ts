import { deaggregateSync, type UserRecord } from 'aws-kinesis-agg';
import { type AggregatedEntry, aggregateByShard, KPL_AGGREGATION_MAX_BYTES } from '../../../cli/produce/aggregate';
import { generateTrades } from '../../../cli/produce/generate-trades';
import { KINESIS_LIMITS, recordBytes } from '../../../cli/produce/records';
import { hashKeyOf, shardOwning } from '../../../cli/produce/shards';
import { shardRanges } from '../support';

const now = new Date('2026-03-16T18:00:00Z');
const shards = shardRanges(4);
const { records } = generateTrades({
  count: 3000,
  seed: 11,
  corrections: 0.2,
  duplicates: 0.02,
  invalidRatio: 0.05,
  now,
});
const aggregates = aggregateByShard(records, shards);

/** The user records of an aggregate, as the writer's library reads them, MD5 checked. */
function deaggregate(entry: AggregatedEntry): UserRecord[] {
  let result: UserRecord[] = [];
  deaggregateSync(
    {
      kinesisSchemaVersion: '1.0',
      partitionKey: entry.partitionKey,
      sequenceNumber: '49650000000000000000000000000000000000000000000000000000',
      data: Buffer.from(entry.data).toString('base64'),
      approximateArrivalTimestamp: now.getTime() / 1000,
    },
    true,
    (error, userRecords) => {
      if (error) throw error;
      result = userRecords ?? [];
    },
  );
  return result;
}

const unpacked = aggregates.map((entry) => ({ entry, users: deaggregate(entry) }));

describe('aggregateByShard: KPL aggregates the writer can de-aggregate', () => {
  it('writes the KPL format: magic prefix, then a message whose MD5 checks', () => {
    for (const { entry } of unpacked) expect(Buffer.from(entry.data).subarray(0, 4).toString('hex')).toBe('f3899ac2');
    expect(unpacked.every(({ users }) => users.length > 0)).toBe(true);
  });

  it('carries every user record exactly once, byte for byte, in order within its shard', () => {
    const carried = unpacked.flatMap(({ users }) =>
      users.map((u) => `${u.partitionKey}|${Buffer.from(u.data, 'base64').toString('base64')}`),
    );
    const sent = records.map((r) => `${r.partitionKey}|${r.data.toString('base64')}`);
    expect(carried.sort()).toEqual([...sent].sort());
    expect(aggregates.reduce((sum, e) => sum + e.userRecords, 0)).toBe(records.length);
    for (const shard of shards) {
      const inShard = records.filter((r) => shardOwning(shards, hashKeyOf(r.partitionKey)) === shard);
      const carriedInShard = unpacked
        .filter(({ entry }) => entry.shardId === shard.shardId)
        .flatMap(({ users }) => users.map((u) => Buffer.from(u.data, 'base64').toString('base64')));
      expect(carriedInShard).toEqual(inShard.map((r) => r.data.toString('base64')));
    }
  });

  it('puts each trade in an aggregate bound for the shard its own partition key hashes to', () => {
    const misplaced = unpacked.flatMap(({ entry, users }) =>
      users
        .filter((u) => shardOwning(shards, hashKeyOf(u.partitionKey)).shardId !== entry.shardId)
        .map((u) => u.partitionKey),
    );
    expect(misplaced).toEqual([]);
  });

  it("sets an explicit hash key inside the shard's range, whatever the aggregate's partition key", () => {
    for (const { entry } of unpacked) {
      const shard = shards.find((s) => s.shardId === entry.shardId)!;
      const hashKey = BigInt(entry.explicitHashKey);
      expect(hashKey >= shard.startingHashKey && hashKey <= shard.endingHashKey).toBe(true);
    }
  });

  it("keeps each aggregate within the KPL's default size, and uses fewer Kinesis records than trades", () => {
    expect(Math.max(...aggregates.map(recordBytes))).toBeLessThanOrEqual(KPL_AGGREGATION_MAX_BYTES);
    expect(aggregates.length).toBeLessThan(records.length / 50);
  });

  it('fills aggregates up to the 1 MiB record limit, partition key included, when allowed to', () => {
    const big = generateTrades({ count: 12_000, seed: 5, now }).records;
    const oneShard = shardRanges(1);
    const full = aggregateByShard(big, oneShard, { maxAggregateBytes: KINESIS_LIMITS.bytesPerRecord });
    expect(full.length).toBeGreaterThan(1);
    for (const entry of full) expect(recordBytes(entry)).toBeLessThanOrEqual(KINESIS_LIMITS.bytesPerRecord);
    expect(recordBytes(full[0])).toBeGreaterThan(KINESIS_LIMITS.bytesPerRecord - 1024);
    expect(full.flatMap(deaggregate)).toHaveLength(big.length);
  });

  it('refuses an aggregate size above the record limit', () => {
    expect(() => aggregateByShard(records, shards, { maxAggregateBytes: KINESIS_LIMITS.bytesPerRecord + 1 })).toThrow(
      /maxAggregateBytes/,
    );
  });
});
