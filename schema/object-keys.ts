import { PARTITION_COLUMN } from './layout';

/** Suffix of every object the writer stores: JSON Lines, gzip. */
export const OBJECT_SUFFIX = '.jsonl.gz';

/**
 * The key of one object: `<prefix>dt=YYYY-MM-DD/<shardId>-<first>-<last>.jsonl.gz`, where first and
 * last are the lowest and highest sequence numbers of the records in it. A batch is a contiguous
 * range of one shard, so the same key always means the same records: a retry of the same batch
 * finds its own object (412), while a bisected half or a retry from a checkpoint has another first
 * or last record and writes a new object, never over someone else's.
 */
export function objectKey(
  prefix: string,
  dt: string,
  shardId: string,
  firstSequenceNumber: string,
  lastSequenceNumber: string,
): string {
  return `${prefix}${PARTITION_COLUMN}=${dt}/${shardId}-${firstSequenceNumber}-${lastSequenceNumber}${OBJECT_SUFFIX}`;
}

/**
 * Orders Kinesis sequence numbers (decimal strings of up to 128 digits, no leading zeros) as
 * numbers: by length, then by text. Negative when `a` comes first.
 */
export function compareSequenceNumbers(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The shard id of a Kinesis event record: the part of `eventID` before the colon. */
export function shardIdOf(eventId: string): string {
  const colon = eventId.indexOf(':');
  return colon === -1 ? eventId : eventId.slice(0, colon);
}
