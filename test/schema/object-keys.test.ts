import { QUARANTINE_PREFIX, TRADES_PREFIX } from '../../schema/layout';
import {
  addMember,
  compareSequenceNumbers,
  digestText,
  finishHash,
  HASH_SEED,
  hashBlock,
  membersDigest,
  NO_MEMBERS,
  objectKey,
  parseObjectKey,
  sequenceHash,
  shardIdOf,
} from '../../schema/object-keys';

describe('object keys', () => {
  it('name the prefix, the dt partition, the shard, the first and last sequence numbers and the members', () => {
    expect(objectKey(TRADES_PREFIX, '2026-03-11', 'shardId-000000000006', '495', '497', '0a1b2c3d')).toBe(
      'trades/dt=2026-03-11/shardId-000000000006-495-497-0a1b2c3d.jsonl.gz',
    );
    expect(objectKey(QUARANTINE_PREFIX, '2026-03-11', 'shardId-000000000000', '1', '1', '00000000')).toBe(
      'quarantine/dt=2026-03-11/shardId-000000000000-1-1-00000000.jsonl.gz',
    );
  });

  describe('the members digest', () => {
    const plain = (...numbers: string[]) => numbers.map((sequenceNumber) => ({ sequenceNumber }));

    it('hashes a sequence number four characters to a block, then the rest with the length', () => {
      const block = (text: string) => [...text].reduce((w, c) => (w << 8) ^ c.charCodeAt(0), 0);
      expect(sequenceHash('4950001')).toBe(finishHash(hashBlock(HASH_SEED, block('4950')), block('001'), 7));
      expect(sequenceHash('495')).toBe(finishHash(HASH_SEED, block('495'), 3));
      // A leading zero is a character of its own, not lost to the shifts.
      expect(sequenceHash('0495')).not.toBe(sequenceHash('495'));
      expect(membersDigest(plain('495'))).toBe(digestText(hashBlock(hashBlock(NO_MEMBERS, sequenceHash('495')), 0)));
      expect(digestText(NO_MEMBERS)).toBe('811c9dc5');
    });

    it('tells apart members of one range: one more, one fewer, or one swapped for another', () => {
      const digests = new Set([
        membersDigest(plain('100', '150', '200')),
        membersDigest(plain('100', '200')),
        membersDigest(plain('100', '120', '150', '200')),
        membersDigest(plain('100', '120', '200')),
      ]);
      expect(digests.size).toBe(4);
    });

    it('tells user records of one aggregate apart by sub-sequence number, and from the plain record', () => {
      const digests = new Set([
        membersDigest([{ sequenceNumber: '7', subSequenceNumber: 0 }]),
        membersDigest([{ sequenceNumber: '7', subSequenceNumber: 1 }]),
        membersDigest([{ sequenceNumber: '7' }]),
        membersDigest([{ sequenceNumber: '70' }]),
        membersDigest([
          { sequenceNumber: '7', subSequenceNumber: 0 },
          { sequenceNumber: '7', subSequenceNumber: 1 },
        ]),
      ]);
      expect(digests.size).toBe(5);
    });

    it('is the same run as the planner runs it, one member at a time', () => {
      const members = [
        { sequenceNumber: '49650000000000000000000000000000000000000000000000000001', subSequenceNumber: -1 },
        { sequenceNumber: '49650000000000000000000000000000000000000000000000000002', subSequenceNumber: 3 },
      ];
      const running = members.reduce(
        (digest, m) => addMember(digest, sequenceHash(m.sequenceNumber), m.subSequenceNumber),
        NO_MEMBERS,
      );
      expect(digestText(running)).toBe(membersDigest(members));
    });
  });

  it('parse back into what they name, and only keys of that form', () => {
    const key = objectKey(TRADES_PREFIX, '2026-03-11', 'shardId-000000000006', '495', '497', '0a1b2c3d');
    expect(parseObjectKey(key)).toEqual({
      folder: 'trades/dt=2026-03-11/',
      shardId: 'shardId-000000000006',
      firstSequenceNumber: '495',
      lastSequenceNumber: '497',
      members: '0a1b2c3d',
    });
    expect(parseObjectKey('trades/dt=2026-03-11/shardId-000000000006-495-497.jsonl.gz')).toBeUndefined();
    expect(parseObjectKey('trades/dt=2026-03-11/other.jsonl.gz')).toBeUndefined();
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
