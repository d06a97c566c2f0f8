import { KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { hashKeyOf, listOpenShards, shardOwning } from '../../../cli/produce/shards';
import { evenShards, shardRanges } from '../support';

const kinesisMock = mockClient(KinesisClient);
const kinesis = new KinesisClient({ region: 'eu-west-1' });
const MAX = 2n ** 128n - 1n;

beforeEach(() => kinesisMock.reset());

describe('hashKeyOf', () => {
  it('is the MD5 of the UTF-8 partition key as an unsigned 128-bit integer', () => {
    // MD5("a") = 0cc175b9c0f1b6a831c399e269772661 (RFC 1321 test suite).
    expect(hashKeyOf('a')).toBe(0x0cc175b9c0f1b6a831c399e269772661n);
    expect(hashKeyOf('message digest')).toBe(0xf96b697d7cb7938d525a2f31aaf161d0n);
    expect(hashKeyOf('é')).not.toBe(hashKeyOf('\u00e9'.normalize('NFD')));
  });
});

describe('shardOwning', () => {
  const shards = shardRanges(4);

  it('finds the shard whose range holds the hash key, both ends included', () => {
    expect(shardOwning(shards, 0n).shardId).toBe('shardId-000000000000');
    expect(shardOwning(shards, shards[1].startingHashKey).shardId).toBe('shardId-000000000001');
    expect(shardOwning(shards, shards[1].startingHashKey - 1n).shardId).toBe('shardId-000000000000');
    expect(shardOwning(shards, MAX).shardId).toBe('shardId-000000000003');
  });

  it('refuses a hash key no open shard owns (a reshard in progress)', () => {
    expect(() => shardOwning([shards[0], shards[2]], shards[1].startingHashKey)).toThrow(/no open shard/);
  });
});

describe('listOpenShards', () => {
  it('reads every page, asks by NextToken alone after the first, and drops closed shards', async () => {
    const [parent, ...open] = evenShards(3);
    kinesisMock
      .on(ListShardsCommand, { StreamName: 'trades' })
      .resolves({
        Shards: [
          { ...parent, SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: '9' } },
          open[1],
        ],
        NextToken: 'page-2',
      })
      .on(ListShardsCommand, { NextToken: 'page-2' })
      .resolves({ Shards: [open[0]] });
    const shards = await listOpenShards(kinesis, 'trades');
    expect(shards.map((s) => s.shardId)).toEqual(['shardId-000000000001', 'shardId-000000000002']);
    expect(shards[0].startingHashKey).toBe(BigInt(open[0].HashKeyRange.StartingHashKey));
    const inputs = kinesisMock.commandCalls(ListShardsCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([{ StreamName: 'trades' }, { NextToken: 'page-2' }]);
  });

  it('refuses a stream with no open shard', async () => {
    kinesisMock.on(ListShardsCommand).resolves({ Shards: [] });
    await expect(listOpenShards(kinesis, 'trades')).rejects.toThrow(/no open shard/);
  });
});
