import type { OutputStream } from '../../cli/output/output';
import type { ShardRange } from '../../cli/produce/shards';

/** A stream that keeps what is written, for assertions. */
export class MemoryStream implements OutputStream {
  private readonly chunks: Buffer[] = [];

  constructor(readonly isTTY = false) {}

  write(chunk: string | Uint8Array): boolean {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
    return true;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  text(): string {
    return this.bytes().toString('utf8');
  }
}

/** An error shaped as the AWS SDK v3 raises a service's error. */
export function awsError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode } });
}

export const ACCOUNT = '111111111111';
export const PRODUCER_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/TradingDataLake-dev-ProducerRole1234-ABCDEF`;
export const STREAM_NAME = 'trading-data-lake-dev-trades';

/** The outputs of a deployed dev stack, as DescribeStacks returns them. */
export const DEV_STACK_OUTPUTS = [
  { OutputKey: 'StreamName', OutputValue: STREAM_NAME },
  { OutputKey: 'ProducerRoleArn', OutputValue: PRODUCER_ROLE_ARN },
  { OutputKey: 'AnalystRoleArn', OutputValue: `arn:aws:iam::${ACCOUNT}:role/TradingDataLake-dev-AnalystRole-1` },
];

export const ASSUMED_CREDENTIALS = {
  AccessKeyId: 'ASIAPRODUCER',
  SecretAccessKey: 'producer-secret',
  SessionToken: 'producer-session',
  Expiration: new Date('2026-03-16T19:00:00Z'),
};

const MAX_HASH_KEY = 2n ** 128n - 1n;

/** `count` open shards splitting the hash key space evenly, as ListShards returns them. */
export function evenShards(count: number) {
  const width = (MAX_HASH_KEY + 1n) / BigInt(count);
  return Array.from({ length: count }, (_, i) => ({
    ShardId: `shardId-${String(i).padStart(12, '0')}`,
    HashKeyRange: {
      StartingHashKey: (width * BigInt(i)).toString(),
      EndingHashKey: (i === count - 1 ? MAX_HASH_KEY : width * BigInt(i + 1) - 1n).toString(),
    },
    SequenceNumberRange: { StartingSequenceNumber: '1' },
  }));
}

/** {@link evenShards} as the producer reads them. */
export function shardRanges(count: number): ShardRange[] {
  return evenShards(count).map((shard) => ({
    shardId: shard.ShardId,
    startingHashKey: BigInt(shard.HashKeyRange.StartingHashKey),
    endingHashKey: BigInt(shard.HashKeyRange.EndingHashKey),
  }));
}
