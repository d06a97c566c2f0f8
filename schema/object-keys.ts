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

/** Where a {@link sequenceHash} and a members digest start: the digest of no members. */
export const HASH_SEED = 0x811c9dc5;
export const NO_MEMBERS = HASH_SEED;

/**
 * One block step of MurmurHash3 (x86, 32 bits): mixes the 32-bit word `block` into `hash`. Its
 * multiplications work on the block apart from the running hash, so a long run of them costs
 * little more than the loads; FNV-1a over whole words instead let sequence numbers that differ in
 * their last digits collide a hundred times more often than chance.
 */
export function hashBlock(hash: number, block: number): number {
  let k = Math.imul(block, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  const h = hash ^ k;
  return (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
}

/** MurmurHash3's last step: the tail block (what is left, with the length) and the final mix. */
export function finishHash(hash: number, tail: number, length: number): number {
  let h = hashBlock(hash, tail ^ (length << 24));
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * A record's identity in a members digest: MurmurHash3's steps over its sequence number four
 * characters to a block, then what is left and the length. The writer computes the same while it
 * copies the number into the trade line (encode.ts), so a trade pays no second pass over its 56
 * digits; test/handler/encode.test.ts holds the two equal.
 */
export function sequenceHash(sequenceNumber: string): number {
  let hash = HASH_SEED;
  let block = 0;
  for (let i = 0; i < sequenceNumber.length; i += 1) {
    block = (block << 8) ^ sequenceNumber.charCodeAt(i);
    if ((i & 3) === 3) {
      hash = hashBlock(hash, block);
      block = 0;
    }
  }
  return finishHash(hash, block, sequenceNumber.length);
}

/**
 * The running digest of an object's members after one more: its {@link sequenceHash} and its
 * sub-sequence number in a KPL aggregate (-1 for a plain record), one block each, in the order the
 * records came. Not a security hash: it tells apart the members of one key range, where a collision
 * would need a change of verdicts as well.
 */
export function addMember(digest: number, hashOfSequenceNumber: number, subSequenceNumber: number): number {
  return hashBlock(hashBlock(digest, hashOfSequenceNumber), subSequenceNumber + 1);
}

/** The digest of `members` in order, as eight hex digits: what an object key says of its members. */
export function membersDigest(
  members: Iterable<{ readonly sequenceNumber: string; readonly subSequenceNumber?: number | null }>,
): string {
  let digest = NO_MEMBERS;
  for (const { sequenceNumber, subSequenceNumber } of members) {
    digest = addMember(digest, sequenceHash(sequenceNumber), subSequenceNumber ?? -1);
  }
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
