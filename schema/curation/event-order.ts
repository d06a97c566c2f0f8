/**
 * Which of a trade's rows wins. The producer's `version` decides between events (docs/design.md §5: a trade's
 * events may travel on different shards, where sequence numbers say nothing about order); the
 * position in the stream only tells copies of one event apart, the later copy winning. Both engines
 * run this SQL (Athena engine 3 and DuckDB).
 */
import { SUB_SEQUENCE_NUMBER_FIELD } from '../trade-fields';

interface RankColumn {
  readonly column: string;
  /** The column as a value that compares in rank order. */
  readonly key: (column: string) => string;
}

/**
 * A row's position in its shard, most significant first. Kinesis sequence numbers are decimal strings
 * of up to 128 digits, compared as numbers by left-padding them. The user records of one KPL aggregate
 * share its sequence number and are told apart by `sub_sequence_number`, which a plain record has not
 * (NULL): a sequence number is either an aggregate or a plain record, so 0 for NULL never ties two
 * different records.
 */
const STREAM_POSITION: readonly RankColumn[] = [
  { column: 'sequence_number', key: (column) => `lpad(${column}, 129, '0')` },
  { column: SUB_SEQUENCE_NUMBER_FIELD, key: (column) => `coalesce(${column}, 0)` },
];

/** What ranks one trade's rows, most significant first. */
const EVENT_RANK: readonly RankColumn[] = [{ column: 'version', key: (column) => column }, ...STREAM_POSITION];

/** The columns that rank a trade's rows (a query that compares rows must select them). */
export const EVENT_RANK_COLUMNS: readonly string[] = EVENT_RANK.map(({ column }) => column);

/** The stream-position keys of the row aliased `alias`, most significant first, each compared ascending for "earlier". */
export function streamPositionKeys(alias: string): string[] {
  return STREAM_POSITION.map(({ column, key }) => key(`${alias}.${column}`));
}

/**
 * The keys that rank the row aliased `alias`, most significant first; the winner has the highest.
 * `prefix` names the rank columns of another row carried under prefixed names (the MERGE source
 * carries the identity of the target row it replaces as `target_version`, …).
 */
export function eventRankKeys(alias: string, prefix = ''): string[] {
  return EVENT_RANK.map(({ column, key }) => key(`${alias}.${prefix}${column}`));
}

/**
 * SQL that is true when the row `newer` outranks the row `older` of the same trade (version, then
 * stream position): the condition under which the MERGE replaces a curated row. False for the same
 * event, so merging a day twice changes nothing.
 */
export function outranks(newer: string, older: string): string {
  const pairs = eventRankKeys(newer).map((key, index) => [key, eventRankKeys(older)[index] as string] as const);
  // Built from the least significant key outwards: a > b OR (a = b AND (<the rest>)).
  const [leastSignificant, ...moreSignificant] = pairs.reverse();
  if (leastSignificant === undefined) throw new Error('curation: no rank keys');
  return moreSignificant.reduce(
    (rest, [a, b]) => `${a} > ${b} OR (${a} = ${b} AND (${rest}))`,
    `${leastSignificant[0]} > ${leastSignificant[1]}`,
  );
}
