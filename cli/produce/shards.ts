import { createHash } from 'node:crypto';
import { type KinesisClient, ListShardsCommand, type ListShardsCommandInput } from '@aws-sdk/client-kinesis';

/**
 * Which shard a partition key lands on: Kinesis maps the MD5 of the key, read as an unsigned 128-bit
 * big-endian integer, into the hash key ranges of the stream's open shards ("Kinesis Data Streams
 * terminology": partition key).
 */

/** An open shard and the hash keys it owns, both ends included. */
export interface ShardRange {
  readonly shardId: string;
  readonly startingHashKey: bigint;
  readonly endingHashKey: bigint;
}

/** The hash key Kinesis computes for a partition key. */
export function hashKeyOf(partitionKey: string): bigint {
  return BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
}

/** The shard of `shards` (sorted by starting hash key) that owns `hashKey`. */
export function shardOwning(shards: readonly ShardRange[], hashKey: bigint): ShardRange {
  let low = 0;
  let high = shards.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const shard = shards[middle];
    if (hashKey < shard.startingHashKey) high = middle - 1;
    else if (hashKey > shard.endingHashKey) low = middle + 1;
    else return shard;
  }
  throw new RangeError(`no open shard owns hash key ${hashKey}: the stream is being resharded; try again`);
}

/** Is `stream` an ARN rather than a name? The APIs take either, as StreamARN or StreamName. */
export function streamParameter(stream: string): { StreamARN: string } | { StreamName: string } {
  return stream.startsWith('arn:') ? { StreamARN: stream } : { StreamName: stream };
}

/**
 * The open shards of `stream`, sorted by hash key. A closed shard (a parent after a split or a
 * merge) has an ending sequence number and receives no more records; its hash keys belong to its
 * children. Closed shards are dropped here rather than with ListShards' ShardFilter, which not
 * every Kinesis implementation (kinesalite) knows.
 */
export async function listOpenShards(kinesis: KinesisClient, stream: string): Promise<ShardRange[]> {
  const shards: ShardRange[] = [];
  let nextToken: string | undefined;
  do {
    // With a NextToken, ListShards refuses the stream's name: the token already says which stream.
    const input: ListShardsCommandInput = nextToken === undefined ? streamParameter(stream) : { NextToken: nextToken };
    const page = await kinesis.send(new ListShardsCommand(input));
    for (const shard of page.Shards ?? []) {
      if (shard.SequenceNumberRange?.EndingSequenceNumber !== undefined) continue;
      const range = shard.HashKeyRange;
      if (shard.ShardId === undefined || range?.StartingHashKey === undefined || range.EndingHashKey === undefined) {
        continue;
      }
      shards.push({
        shardId: shard.ShardId,
        startingHashKey: BigInt(range.StartingHashKey),
        endingHashKey: BigInt(range.EndingHashKey),
      });
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  if (shards.length === 0) throw new RangeError(`stream ${stream} has no open shard`);
  return shards.sort((a, b) => (a.startingHashKey < b.startingHashKey ? -1 : 1));
}
