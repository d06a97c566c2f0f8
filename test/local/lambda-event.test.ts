import type { KinesisStreamRecord } from 'aws-lambda';
import { MAX_INVOCATION_PAYLOAD_BYTES, nextBatchLength } from '../../local/lambda-event';

/** Records whose payload size is given; the content does not matter to the batching. */
function records(count: number): KinesisStreamRecord[] {
  return Array.from({ length: count }, (_, i) => ({ kinesis: { sequenceNumber: String(i) } }) as KinesisStreamRecord);
}

describe("the next batch, as Lambda's event source mapping sizes it", () => {
  it('takes at most the batch size', () => {
    expect(nextBatchLength(records(25), 10, () => 100)).toBe(10);
    expect(nextBatchLength(records(7), 10, () => 100)).toBe(7);
  });

  it('stops before the record that would take the event past 6 MB', () => {
    const size = 1_000_000;
    // Six records and their commas fit with the envelope; a seventh would not.
    expect(nextBatchLength(records(10), 10_000, () => size)).toBe(6);
    expect(6 * size + 5 + 14).toBeLessThanOrEqual(MAX_INVOCATION_PAYLOAD_BYTES);
    expect(7 * size + 6 + 14).toBeGreaterThan(MAX_INVOCATION_PAYLOAD_BYTES);
  });

  it('sends a record alone rather than never, whatever its size', () => {
    expect(nextBatchLength(records(3), 10, () => MAX_INVOCATION_PAYLOAD_BYTES)).toBe(1);
  });
});
