import { QUARANTINE_PREFIX, TRADES_PREFIX } from '../../schema/layout';
import {
  addMember,
  compareSequenceNumbers,
  digestText,
  membersDigest,
  NO_MEMBERS,
  objectKey,
  parseObjectKey,
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
    const plain = (...offsets: number[]) => offsets.map((offset) => ({ offset }));

    it('is FNV-1a over each member’s offset and sub-sequence number plus one, four bytes each, as eight hex digits', () => {
      let hash = 0x811c9dc5;
      for (const byte of [3, 0, 0, 0, 0, 0, 0, 0]) hash = Math.imul(hash ^ byte, 16777619);
      expect(membersDigest(plain(3))).toBe((hash >>> 0).toString(16).padStart(8, '0'));
      expect(membersDigest(plain(3))).toMatch(/^[0-9a-f]{8}$/);
      expect(digestText(NO_MEMBERS)).toBe('811c9dc5');
    });

    it('tells apart members of one range: one more, one fewer, or one swapped for another', () => {
      const digests = new Set([
        membersDigest(plain(0, 5, 9)),
        membersDigest(plain(0, 9)),
        membersDigest(plain(0, 2, 5, 9)),
        membersDigest(plain(0, 2, 9)),
      ]);
      expect(digests.size).toBe(4);
    });

    it('tells user records of one aggregate apart by sub-sequence number, and from the plain record', () => {
      const digests = new Set([
        membersDigest([{ offset: 0, subSequenceNumber: 0 }]),
        membersDigest([{ offset: 0, subSequenceNumber: 1 }]),
        membersDigest([{ offset: 0 }]),
        membersDigest([{ offset: 256 }]),
        membersDigest([
          { offset: 0, subSequenceNumber: 0 },
          { offset: 0, subSequenceNumber: 1 },
        ]),
      ]);
      expect(digests.size).toBe(5);
    });

    it('is the same run as the planner runs it, one member at a time', () => {
      const members = [
        { offset: 0, subSequenceNumber: -1 },
        { offset: 1, subSequenceNumber: 3 },
        { offset: 70_000, subSequenceNumber: 2 ** 31 },
      ];
      const running = members.reduce((digest, m) => addMember(digest, m.offset, m.subSequenceNumber), NO_MEMBERS);
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
