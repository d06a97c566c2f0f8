import { type LoopbackS3Stats, statsWithout } from '../../tools/bench/loopback-s3';

const stats: LoopbackS3Stats = {
  puts: 5,
  refused: 1,
  connections: 3,
  objects: [
    { key: 'trades/dt=2026-12-01/shardId-000000000006-1-9-a.jsonl.gz', bytes: 500, checksum: 'crc32' },
    { key: 'trades/dt=2026-11-30/shardId-000000000006-2-8-b.jsonl.gz', bytes: 400, checksum: 'crc32' },
    { key: 'trades/dt=2026-12-01/shardId-000000000001-3-7-c.jsonl.gz', bytes: 300, checksum: 'crc32' },
    { key: 'quarantine/dt=2026-12-02/shardId-000000000001-4-4-d.jsonl.gz', bytes: 200, checksum: 'sha256' },
  ],
  // The refused PUT carried a CRC32 too: four stored objects and five PUTs.
  checksums: { crc32: 4, sha256: 1 },
};

describe("the bench's loopback S3 figures without another writer's objects", () => {
  const scenario = statsWithout(stats, 'shardId-000000000001');

  it('keeps only the objects whose key does not name the other shard', () => {
    expect(scenario.objects.map(({ bytes }) => bytes)).toEqual([500, 400]);
  });

  it('takes out one PUT per object removed, and its checksum', () => {
    expect(scenario.puts).toBe(3);
    expect(scenario.checksums).toEqual({ crc32: 3, sha256: 0 });
  });

  it('leaves refused PUTs and connections as counted, and the stats it was given unchanged', () => {
    expect([scenario.refused, scenario.connections]).toEqual([1, 3]);
    expect(stats.objects).toHaveLength(4);
    expect(stats.checksums).toEqual({ crc32: 4, sha256: 1 });
  });

  it('changes nothing when no key names the part', () => {
    expect(statsWithout(stats, 'shardId-000000000099')).toEqual(stats);
  });
});
