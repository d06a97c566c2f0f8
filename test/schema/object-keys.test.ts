import { QUARANTINE_PREFIX, TRADES_PREFIX } from '../../schema/layout';
import { compareSequenceNumbers, objectKey, shardIdOf } from '../../schema/object-keys';

describe('object keys', () => {
  it('name the prefix, the dt partition, the shard and the first and last sequence numbers', () => {
    expect(objectKey(TRADES_PREFIX, '2026-03-11', 'shardId-000000000006', '495', '497')).toBe(
      'trades/dt=2026-03-11/shardId-000000000006-495-497.jsonl.gz',
    );
    expect(objectKey(QUARANTINE_PREFIX, '2026-03-11', 'shardId-000000000000', '1', '1')).toBe(
      'quarantine/dt=2026-03-11/shardId-000000000000-1-1.jsonl.gz',
    );
  });

  it('take the shard id from the eventID', () => {
    expect(shardIdOf('shardId-000000000006:49590338271490256608559692538361571095921575989136588898')).toBe(
      'shardId-000000000006',
    );
  });

  it('order sequence numbers as numbers, not as text', () => {
    expect(compareSequenceNumbers('9', '10')).toBeLessThan(0);
    expect(compareSequenceNumbers('49590338271490256608559692538361571095921575989136588898', '4959')).toBeGreaterThan(
      0,
    );
    expect(compareSequenceNumbers('123', '124')).toBeLessThan(0);
    expect(compareSequenceNumbers('124', '124')).toBe(0);
  });
});
