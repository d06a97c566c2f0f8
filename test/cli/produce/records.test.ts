import {
  entryProblem,
  KINESIS_LIMITS,
  type KinesisEntry,
  planRequests,
  requestBytes,
} from '../../../cli/produce/records';

const entry = (bytes: number, partitionKey = 'T-1'): KinesisEntry => ({
  partitionKey,
  data: Buffer.alloc(bytes, 0x61),
});

describe('planRequests: PutRecords requests within Kinesis limits', () => {
  it('puts at most 500 records in a request', () => {
    const requests = planRequests(Array.from({ length: 1201 }, (_, i) => entry(200, `T-${i}`)));
    expect(requests.map((request) => request.length)).toEqual([500, 500, 201]);
  });

  it('puts at most 5 MiB of data and partition keys in a request', () => {
    // 1 MiB records minus their 3-character key: five fill a request exactly, the sixth starts another.
    const full = entry(KINESIS_LIMITS.bytesPerRecord - 3);
    const requests = planRequests([full, full, full, full, full, full, entry(10)]);
    expect(requests.map((request) => request.length)).toEqual([5, 2]);
    for (const request of requests) {
      expect(request.reduce((sum, e) => sum + requestBytes(e), 0)).toBeLessThanOrEqual(KINESIS_LIMITS.bytesPerRequest);
    }
  });

  it('counts partition keys (UTF-8) and explicit hash keys against the request size', () => {
    const withKeys: KinesisEntry = {
      partitionKey: 'é'.repeat(100),
      data: Buffer.alloc(99_795),
      explicitHashKey: '12345',
    };
    expect(requestBytes(withKeys)).toBe(100_000);
    const justOver = Math.floor(KINESIS_LIMITS.bytesPerRequest / requestBytes(withKeys)) + 1;
    expect(planRequests(Array.from({ length: justOver }, () => withKeys)).map((r) => r.length)).toEqual([
      justOver - 1,
      1,
    ]);
  });

  it('puts at most maxUserRecords trades in a request, an aggregate counting as the trades it carries', () => {
    const aggregates = [30, 30, 30, 30, 120, 10].map((trades, i) => ({ ...entry(10, `A-${i}`), userRecords: trades }));
    const requests = planRequests(aggregates, 500, KINESIS_LIMITS.bytesPerRequest, 100);
    // An aggregate larger than the budget still goes, alone: it cannot be split.
    expect(requests.map((request) => request.map((e) => e.userRecords))).toEqual([[30, 30, 30], [30], [120], [10]]);
  });

  it('keeps the order of the records', () => {
    const entries = Array.from({ length: 1100 }, (_, i) => entry(10, `T-${i}`));
    expect(planRequests(entries).flat()).toEqual(entries);
  });
});

describe('entryProblem: what Kinesis would refuse, found before sending', () => {
  it.each([
    ['an empty partition key', entry(10, ''), /partition key/],
    ['a partition key of 257 characters', entry(10, 'k'.repeat(257)), /partition key/],
    ['a record over 1 MiB with its key', entry(KINESIS_LIMITS.bytesPerRecord - 2), /at most 1048576 bytes/],
    ['a hash key that is not a decimal', { ...entry(10), explicitHashKey: '0x10' }, /explicit hash key/],
    ['a hash key of 2^128', { ...entry(10), explicitHashKey: (2n ** 128n).toString() }, /explicit hash key/],
  ])('refuses %s', (_, record, message) => {
    expect(entryProblem(record)).toMatch(message);
  });

  it('accepts a record of exactly 1 MiB with its key, and the largest hash key', () => {
    expect(entryProblem(entry(KINESIS_LIMITS.bytesPerRecord - 3))).toBeUndefined();
    expect(
      entryProblem({ ...entry(10, 'k'.repeat(256)), explicitHashKey: (2n ** 128n - 1n).toString() }),
    ).toBeUndefined();
  });
});
