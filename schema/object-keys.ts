import { PARTITION_COLUMN } from './layout';

/** Suffix of every object the writer stores: JSON Lines, gzip. */
export const OBJECT_SUFFIX = '.jsonl.gz';

/**
 * The key of one object: `<prefix>dt=YYYY-MM-DD/<shardId>-<first>-<last>-<members>.jsonl.gz`, where
 * first and last are the lowest and highest sequence numbers of the records in it, and members the
 * {@link membersDigest} of which records of that range it holds. A batch is a contiguous range of one
 * shard, so the same key means the same records: a retry of the same batch finds its own object
 * (412), while a bisected half or a retry from a checkpoint has another first or last record and
 * writes a new object, never over someone else's. The digest keeps that true when the writer's
 * verdicts change between two attempts (a deploy of other validation rules while a batch is
 * retried): a record that changes sides changes the members of both objects of its range, so the one
 * it joins gets another key and is written, never taken for the object already stored under the
 * range (docs/design.md §13).
 */
export function objectKey(
  prefix: string,
  dt: string,
  shardId: string,
  firstSequenceNumber: string,
  lastSequenceNumber: string,
  members: string,
): string {
  return `${prefix}${PARTITION_COLUMN}=${dt}/${shardId}-${firstSequenceNumber}-${lastSequenceNumber}-${members}${OBJECT_SUFFIX}`;
}

/** What an object key names (see {@link objectKey}). */
export interface ObjectKeyParts {
  /** `<prefix>dt=YYYY-MM-DD/` */
  readonly folder: string;
  readonly shardId: string;
  readonly firstSequenceNumber: string;
  readonly lastSequenceNumber: string;
  readonly members: string;
}

const OBJECT_KEY = /^(.*\/)(shardId-\d+)-(\d+)-(\d+)-([0-9a-f]{8})\.jsonl\.gz$/;

/** The parts of a key the writer made, or undefined for any other key. */
export function parseObjectKey(key: string): ObjectKeyParts | undefined {
  const match = OBJECT_KEY.exec(key);
  if (match === null) return undefined;
  const [, folder, shardId, firstSequenceNumber, lastSequenceNumber, members] = match as unknown as string[];
  return { folder, shardId, firstSequenceNumber, lastSequenceNumber, members } as ObjectKeyParts;
}

/** FNV-1a's 32-bit offset basis: the digest of no members. */
export const NO_MEMBERS = 0x811c9dc5;
const FNV_PRIME = 16777619;

/** FNV-1a over the four bytes of a 32-bit word. */
function mixWord(hash: number, word: number): number {
  let mixed = Math.imul(hash ^ (word & 0xff), FNV_PRIME);
  mixed = Math.imul(mixed ^ ((word >>> 8) & 0xff), FNV_PRIME);
  mixed = Math.imul(mixed ^ ((word >>> 16) & 0xff), FNV_PRIME);
  return Math.imul(mixed ^ (word >>> 24), FNV_PRIME);
}

/**
 * The running digest of an object's members after one more. A member is named by its offset: its
 * Kinesis record's place in the shard counted from the object's first record (0 for that one; a
 * batch is a contiguous run of the shard, so every attempt that holds the same first and last record
 * counts the same offsets), and its sub-sequence number in a KPL aggregate (-1 for a plain record).
 * FNV-1a, 32 bits, over both, in the order the records came: two words a member, where the 56
 * digits of a sequence number would cost a planner a tenth more. Not a security hash: it tells apart
 * the members of one key range, where a collision would need a change of verdicts as well.
 */
export function addMember(digest: number, offset: number, subSequenceNumber: number): number {
  return mixWord(mixWord(digest, offset), subSequenceNumber + 1);
}

/** The digest of `members` in order, as eight hex digits: what an object key says of its members. */
export function membersDigest(
  members: Iterable<{ readonly offset: number; readonly subSequenceNumber?: number | null }>,
): string {
  let digest = NO_MEMBERS;
  for (const { offset, subSequenceNumber } of members) digest = addMember(digest, offset, subSequenceNumber ?? -1);
  return digestText(digest);
}

/** A running digest as eight hex digits. */
export function digestText(digest: number): string {
  return (digest >>> 0).toString(16).padStart(8, '0');
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
