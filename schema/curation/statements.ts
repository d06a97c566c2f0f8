/**
 * The SQL of the curation job (docs/design.md §10), one function per statement. Each says which question it
 * answers and which engines run it. Athena runs them in the curation workgroup, from the state
 * machine (lib/curated-zone/); DuckDB runs the same text in the local pipeline (local/), except where
 * engine.ts makes the difference.
 *
 * Values: the reconciliation is a SELECT and takes `?` parameters, all in WHERE clauses (the only
 * place Athena accepts them). A MERGE and an OPTIMIZE take no parameters in Athena, so they are
 * templates with `{slot}` markers that `fillSlots` replaces with literals from values.ts; the state
 * machine does the same replacement at run time with literals its planner rendered with values.ts.
 */
import { CURATED_COLUMNS, type CuratedColumn, TRADE_DATE_COLUMN } from './columns';
import { type CurationEngine, ddlType } from './engine';
import { EVENT_RANK_COLUMNS, eventRankKeys, outranks } from './event-order';
import { bareName, type CurationTables, quotedName, type TableRef } from './tables';
import { dateLiteral, dayStringLiteral, instantLiteral } from './values';
import type { MergeWindow } from './window';

/** The literals a MERGE template needs, as SQL text, by slot name. */
export interface MergeSlots {
  /** The raw partition, a string literal. */
  readonly dt: string;
  /** The run's cutoff, a string literal compared with `ingestion_time`. */
  readonly cutoff: string;
  /** The first trade_date searched, a date literal. */
  readonly lookupFrom: string;
  /** The last trade_date searched, a date literal. */
  readonly lookupTo: string;
}

/** The literals an OPTIMIZE template needs. */
export interface OptimizeSlots {
  /** The trade dates compacted, as a list of date literals. */
  readonly tradeDates: string;
}

const SLOT = /\{([A-Za-z]+)\}/g;

/**
 * Replaces every `{name}` of a template with its literal. Every slot of the template must be given,
 * and every literal must be free of `{`, `}` and `$` (the state machine's JSONata $replace treats `$`
 * specially): literals come from values.ts, which never produces them.
 */
export function fillSlots(template: string, slots: Readonly<Record<string, string>>): string {
  for (const [name, literal] of Object.entries(slots)) {
    if (/[{}$]/.test(literal)) throw new Error(`curation: the literal of slot ${name} holds "{", "}" or "$"`);
  }
  return template.replace(SLOT, (_marker, name: string) => {
    const literal = slots[name];
    if (literal === undefined) throw new Error(`curation: no literal for slot {${name}}`);
    return literal;
  });
}

/** The slot names a template holds, in order of first use. */
export function slotNames(template: string): string[] {
  return [...new Set([...template.matchAll(SLOT)].map((match) => match[1] as string))];
}

/** The MERGE literals of one day's window. */
export function mergeSlots(window: MergeWindow): MergeSlots {
  return {
    dt: dayStringLiteral(window.day),
    cutoff: instantLiteral(window.cutoff),
    lookupFrom: dateLiteral(window.lookupFrom),
    lookupTo: dateLiteral(window.lookupTo),
  };
}

/** The OPTIMIZE literals for the given days (at least one). */
export function optimizeSlots(days: readonly string[]): OptimizeSlots {
  if (days.length === 0) throw new Error('curation: OPTIMIZE needs at least one day');
  return { tradeDates: days.map(dateLiteral).join(', ') };
}

const indent = (text: string, by: string) =>
  text
    .split('\n')
    .map((line) => `${by}${line}`)
    .join('\n');

/**
 * One row per trade_id among the raw rows of one day ingested before the cutoff: the highest version,
 * then the latest copy (docs/design.md §10), typed as the curated table types it. `dt` and `cutoff` are SQL
 * (literals or `?`). The row_number makes the source unique by trade_id, which the MERGE needs:
 * Athena fails when a target row matches two source rows, and DuckDB silently keeps one. The copies
 * that tie on every rank key are the same event; the earliest ingested is kept, so both engines keep
 * the same one.
 */
function dayEvents(engine: CurationEngine, raw: TableRef, where: { dt: string; cutoff: string }): string {
  const names = CURATED_COLUMNS.map(({ name }) => name);
  const typed = CURATED_COLUMNS.map((column: CuratedColumn) => `${column.fromRaw(engine, 'r')} AS ${column.name}`);
  const rank = [...eventRankKeys('e').map((key) => `${key} DESC`), 'e.ingestion_time'].join(', ');
  return `SELECT ${names.join(', ')}
FROM (
  SELECT ${names.map((name) => `e.${name}`).join(', ')},
         row_number() OVER (PARTITION BY e.trade_id ORDER BY ${rank}) AS event_rank
  FROM (
    SELECT ${typed.join(',\n           ')}
    FROM ${quotedName(raw)} r
    WHERE r.dt = ${where.dt} AND r.ingestion_time < ${where.cutoff}
  ) e
) ranked
WHERE event_rank = 1`;
}

/**
 * What tells one curated row of a trade from another: its trade_date and the rank of the event it
 * holds. The MERGE and the repair name a row by it, so that each touches only the row it means.
 */
const ROW_IDENTITY_COLUMNS: readonly string[] = [TRADE_DATE_COLUMN, ...EVENT_RANK_COLUMNS];

/** The prefix under which the MERGE source carries the identity of the one row it replaces. */
const TARGET_PREFIX = 'target_';

/** The prefix under which the repair's source carries the identity of a trade's winning row. */
const WINNER_PREFIX = 'winner_';

/** SQL true when the row aliased `row` is the row whose identity `carrier` holds under `prefix`. */
function isIdentifiedRow(row: string, carrier: string, prefix: string): string {
  const carried = eventRankKeys(carrier, prefix);
  return [
    `${row}.${TRADE_DATE_COLUMN} = ${carrier}.${prefix}${TRADE_DATE_COLUMN}`,
    ...eventRankKeys(row).map((key, index) => `${key} = ${carried[index]}`),
  ].join(' AND ');
}

/**
 * The order of a trade's curated rows, the winner first: the event rank, then the first ingested
 * copy, then the latest date, so that both engines pick the same row whenever two rows differ at all.
 */
function rowOrder(alias: string): string {
  const keys = eventRankKeys(alias).map((key) => `${key} DESC`);
  return [...keys, `${alias}.ingestion_time`, `${alias}.${TRADE_DATE_COLUMN} DESC`].join(', ');
}

/**
 * The MERGE source: the day's events (one row per trade_id), each with the identity of the one curated
 * row it may replace, under `target_` names: the trade's winning row within the window, NULL when the
 * window holds none (then the event is inserted). Picking it here is what makes the MERGE update at most
 * one row per trade: the window may hold two rows of one trade (a correction that moved it further than
 * MOVE_WINDOW_DAYS left its old row, until the daily repair), and an ON clause on trade_id and the
 * window alone would update both to the same values, leaving two identical rows that nothing can tell
 * apart. The left join keeps one row per trade_id (row_rank = 1 is unique per trade_id). `where` holds
 * SQL: literals or `?`.
 */
function mergeSource(
  engine: CurationEngine,
  tables: CurationTables,
  where: { dt: string; cutoff: string; lookupFrom: string; lookupTo: string },
): string {
  const names = CURATED_COLUMNS.map(({ name }) => name);
  const events = dayEvents(engine, tables.raw, where);
  return `SELECT ${names.map((name) => `d.${name}`).join(', ')},
       ${ROW_IDENTITY_COLUMNS.map((name) => `w.${name} AS ${TARGET_PREFIX}${name}`).join(', ')}
FROM (
${indent(events, '  ')}
) d
LEFT JOIN (
  SELECT c.trade_id, ${ROW_IDENTITY_COLUMNS.map((name) => `c.${name}`).join(', ')},
         row_number() OVER (PARTITION BY c.trade_id ORDER BY ${rowOrder('c')}) AS row_rank
  FROM ${quotedName(tables.curated)} c
  WHERE c.${TRADE_DATE_COLUMN} BETWEEN ${where.lookupFrom} AND ${where.lookupTo}
) w ON w.trade_id = d.trade_id AND w.row_rank = 1`;
}

/**
 * The MERGE source of one day as a query of its own, with `?` for dt, cutoff and the window's first
 * and last trade_date (mergeSourceParameters): what a test runs to prove the source holds one row per
 * trade_id. Both engines.
 */
export function mergeSourceQuery(engine: CurationEngine, tables: CurationTables): string {
  return mergeSource(engine, tables, {
    dt: '?',
    cutoff: '?',
    lookupFrom: 'CAST(? AS date)',
    lookupTo: 'CAST(? AS date)',
  });
}

/** The MERGE source's parameter values, in the order of its `?` (the reconciliation's order too). */
export function mergeSourceParameters(window: MergeWindow): [string, string, string, string] {
  return [window.day, window.cutoff, window.lookupFrom, window.lookupTo];
}

/**
 * Question: which trades of this day are new, or newer than the curated table knows? The MERGE of one
 * raw day into the curated table (docs/design.md §10), as a template with the slots of MergeSlots. A trade
 * whose latest event moved it to another date moves its row: the row is looked for within the
 * window's trade dates, and the update sets trade_date. It updates at most one row per trade: the one
 * its source names (mergeSource), matched by its whole identity, so no other row of the trade is
 * touched. A row is replaced only by an event that outranks it, so re-running a day changes nothing,
 * and a late copy of an older event never overwrites a newer one.
 *
 * It never makes two rows of one trade alike: the row it writes is on the merged day, inside the
 * window, at an event that outranks every row of the trade within the window (the one it replaces is
 * the highest of them; it inserts only when there is none), so no other row holds that identity.
 * Athena (literals only: MERGE takes no execution parameters) and DuckDB.
 */
export function mergeTemplate(engine: CurationEngine, tables: CurationTables): string {
  const window = { lookupFrom: '{lookupFrom}', lookupTo: '{lookupTo}' };
  const source = mergeSource(engine, tables, { dt: '{dt}', cutoff: '{cutoff}', ...window });
  const names = CURATED_COLUMNS.map(({ name }) => name);
  const updated = names.filter((name) => name !== 'trade_id');
  // The window stays in the ON clause although the identity implies it: it is the constant predicate
  // on the partition column that lets the engine read only the window's partitions of the target.
  return `MERGE INTO ${quotedName(tables.curated)} AS t
USING (
${indent(source, '  ')}
) AS s
ON t.trade_id = s.trade_id AND t.${TRADE_DATE_COLUMN} BETWEEN ${window.lookupFrom} AND ${window.lookupTo}
  AND ${isIdentifiedRow('t', 's', TARGET_PREFIX)}
WHEN MATCHED AND (${outranks('s', 't')}) THEN
  UPDATE SET ${updated.map((name) => `${name} = s.${name}`).join(', ')}
WHEN NOT MATCHED THEN
  INSERT (${names.join(', ')})
  VALUES (${names.map((name) => `s.${name}`).join(', ')})`;
}

/** The MERGE of one day's window, literals in place. Both engines. */
export function mergeStatement(engine: CurationEngine, tables: CurationTables, window: MergeWindow): string {
  return fillSlots(mergeTemplate(engine, tables), { ...mergeSlots(window) });
}

/** The columns of the reconciliation's result row, in order. */
export const RECONCILIATION_COLUMNS = ['raw_trades', 'curated_trades', 'duplicate_rows'] as const;

/**
 * Question: after a day's merge, does the curated table hold every trade that has an event on that
 * day, at that event or a newer one, once? One row:
 * - `raw_trades`: the trade_ids among the day's raw rows (ingested before the cutoff);
 * - `curated_trades`: how many of them have a curated row within the window at their latest event
 *   on this day or a newer one, with a price and an executed_at (a value try_cast could not read
 *   leaves a row that does not count);
 * - `duplicate_rows`: rows beyond one for those trades within the window.
 * The day is reconciled when raw_trades = curated_trades and duplicate_rows = 0; the state machine
 * publishes the difference as the UnreconciledTrades metric. Reads the raw day once. Parameters
 * (reconciliationParameters): dt, cutoff, first and last trade_date of the window. Both engines.
 */
export function reconciliationQuery(engine: CurationEngine, tables: CurationTables): string {
  const compared = ['trade_id', ...EVENT_RANK_COLUMNS, 'price', 'executed_at'];
  return `WITH day_events AS (
${indent(dayEvents(engine, tables.raw, { dt: '?', cutoff: '?' }), '  ')}
),
curated_rows AS (
  SELECT ${compared.join(', ')}
  FROM ${quotedName(tables.curated)}
  WHERE ${TRADE_DATE_COLUMN} BETWEEN CAST(? AS date) AND CAST(? AS date)
),
compared AS (
  SELECT s.trade_id,
         c.trade_id AS curated_trade_id,
         CASE
           WHEN c.trade_id IS NOT NULL AND NOT (${outranks('s', 'c')}) AND c.price IS NOT NULL AND c.executed_at IS NOT NULL
           THEN s.trade_id
         END AS reflected_trade_id
  FROM day_events s
  LEFT JOIN curated_rows c ON c.trade_id = s.trade_id
)
SELECT count(DISTINCT trade_id) AS raw_trades,
       count(DISTINCT reflected_trade_id) AS curated_trades,
       count(curated_trade_id) - count(DISTINCT curated_trade_id) AS duplicate_rows
FROM compared`;
}

/** The reconciliation's parameter values, in the order of its `?`: bare strings (DuckDB binds them as they are). */
export function reconciliationParameters(window: MergeWindow): [string, string, string, string] {
  return [window.day, window.cutoff, window.lookupFrom, window.lookupTo];
}

/**
 * Question: does any trade_id have more than one curated row anywhere? Only a correction that moved a
 * trade further than MOVE_WINDOW_DAYS can cause one (the MERGE did not find the old row); the state
 * machine runs this daily, with VACUUM, and publishes the count. Reads the trade_id column of the
 * whole table. Both engines.
 */
export function duplicateTradesQuery(curated: TableRef): string {
  return `SELECT count(*) AS duplicate_trades
FROM (
  SELECT trade_id
  FROM ${quotedName(curated)}
  GROUP BY trade_id
  HAVING count(*) > 1
) duplicated`;
}

/**
 * The repair's source, also a query of its own (what a test runs to prove it holds one row per
 * trade_id): for each trade with more than one row, the identity of its winning row (the same order
 * as the MERGE's pick), under `winner_` names. One row per trade_id, so no target row can match two
 * source rows (Athena refuses a MERGE in which one does). Both engines.
 */
export function duplicateRepairSourceQuery(curated: TableRef): string {
  const table = quotedName(curated);
  return `SELECT trade_id, ${ROW_IDENTITY_COLUMNS.map((name) => `${name} AS ${WINNER_PREFIX}${name}`).join(', ')}
FROM (
  SELECT c.trade_id, ${ROW_IDENTITY_COLUMNS.map((name) => `c.${name}`).join(', ')},
         row_number() OVER (PARTITION BY c.trade_id ORDER BY ${rowOrder('c')}) AS row_rank
  FROM ${table} c
  WHERE c.trade_id IN (SELECT trade_id FROM ${table} GROUP BY trade_id HAVING count(*) > 1)
) ranked
WHERE row_rank = 1`;
}

/**
 * Question: which rows are a trade's older duplicates? Deletes every row of a trade that has more than
 * one, except its winning row: what a correction that moved a trade further than MOVE_WINDOW_DAYS left
 * behind. The state machine runs it when the daily duplicate check counted any. Each target row is
 * matched by trade_id to its trade's one source row, and deleted unless it has the winner's identity
 * (trade_date and event rank), so the winner itself is never deleted and a trade never loses every row.
 *
 * Rows that share the winner's whole identity are all kept: no column tells them apart, and the two
 * engines share no row id. Only a MERGE that matched a trade by trade_id and the window alone could
 * make such rows (it updated two rows of a trade to one event); mergeTemplate never does, which
 * merge.duckdb.test.ts shows over every order of a far move and back. One MERGE could delete them
 * all and insert one copy back, but its source would read every column of the whole table (the
 * daily check cannot say which dates to read): at 100 million trades a day, near the curation
 * workgroup's 1 TiB cutoff within a year, after which the repair would fail every day. Such a trade
 * stays counted by the duplicate check, whose alarm's runbook says how to repair it by hand
 * (docs/curated-zone.md). A NULL identity column compares unknown, which
 * keeps the row too. Both engines.
 */
export function duplicateRepairStatement(curated: TableRef): string {
  return `MERGE INTO ${quotedName(curated)} AS t
USING (
${indent(duplicateRepairSourceQuery(curated), '  ')}
) AS s
ON t.trade_id = s.trade_id
WHEN MATCHED AND NOT (${isIdentifiedRow('t', 's', WINNER_PREFIX)}) THEN DELETE`;
}

/** Where the Athena table lives: `s3://<bucket>/<prefix>`; the bucket may be a CDK token at synth time. */
export interface CuratedLocation {
  readonly bucketName: string;
  readonly prefix: string;
}

/**
 * Question: does the curated table exist? Creates it if not (docs/design.md §14: in an enforced workgroup a
 * CTAS lands under the results location, so the table is created empty and filled by MERGE).
 * Athena: an Iceberg table (format version 2, the only one Athena creates), Parquet, ZSTD,
 * partitioned by the identity of trade_date, at `location`; snapshots kept 5 days for time travel,
 * after which VACUUM expires them. DuckDB: a plain table (the local run writes Parquet files from it).
 * DDL is not Trino SQL: it never becomes a named query, and is tested by rendering.
 */
export function curatedTableDdl(engine: CurationEngine, curated: TableRef, location?: CuratedLocation): string {
  if (engine === 'duckdb') {
    const columns = CURATED_COLUMNS.map(({ name, type }) => `  ${name} ${ddlType(engine, type)}`);
    return `CREATE TABLE IF NOT EXISTS ${quotedName(curated)} (\n${columns.join(',\n')}\n)`;
  }
  if (location === undefined) throw new Error('curation: the Athena table needs its S3 location');
  const columns = CURATED_COLUMNS.map(
    ({ name, type, comment }) => `  ${name} ${ddlType(engine, type)} COMMENT ${ddlString(comment)}`,
  );
  return `CREATE TABLE IF NOT EXISTS ${bareName(curated)} (
${columns.join(',\n')}
)
PARTITIONED BY (${TRADE_DATE_COLUMN})
LOCATION ${ddlString(`s3://${location.bucketName}/${location.prefix}`)}
TBLPROPERTIES (
  'table_type'='ICEBERG',
  'format'='parquet',
  'write_compression'='zstd',
  'vacuum_max_snapshot_age_seconds'='${SNAPSHOT_RETENTION_SECONDS}'
)`;
}

/** How long VACUUM keeps a snapshot (time travel reaches this far back): 5 days, Athena's default, said out loud. */
export const SNAPSHOT_RETENTION_SECONDS = 5 * 24 * 3600;

/** A DDL string literal; a typographic apostrophe stands in for `'`, which Hive DDL would need escaped. */
function ddlString(text: string): string {
  if (/[\\\n]/.test(text)) throw new Error(`curation: "${text}" cannot be a DDL string`);
  return `'${text.replaceAll("'", '\u2019')}'`;
}

/**
 * Question: can the days just merged be read from fewer, larger files? Athena: rewrites the small files
 * and the files with delete files of those trade dates (OPTIMIZE accepts only partition columns in
 * its WHERE), a template with the slots of OptimizeSlots. DuckDB: nothing to compact (undefined).
 * Not Trino SQL: tested by rendering.
 */
export function optimizeTemplate(engine: CurationEngine, curated: TableRef): string | undefined {
  if (engine === 'duckdb') return undefined;
  return `OPTIMIZE ${bareName(curated)} REWRITE DATA USING BIN_PACK WHERE ${TRADE_DATE_COLUMN} IN ({tradeDates})`;
}

/** The OPTIMIZE of the given days, literals in place (undefined for DuckDB). */
export function optimizeStatement(
  engine: CurationEngine,
  curated: TableRef,
  days: readonly string[],
): string | undefined {
  const template = optimizeTemplate(engine, curated);
  return template === undefined ? undefined : fillSlots(template, { ...optimizeSlots(days) });
}

/**
 * Question: which snapshots and files does the table no longer need? Athena: expires snapshots older
 * than SNAPSHOT_RETENTION_SECONDS and removes orphan files (the curation role has s3:DeleteObject:
 * without it VACUUM reports success and deletes nothing, docs/design.md §14). DuckDB: no snapshots
 * (undefined). Not Trino SQL: tested by rendering.
 */
export function vacuumStatement(engine: CurationEngine, curated: TableRef): string | undefined {
  return engine === 'duckdb' ? undefined : `VACUUM ${bareName(curated)}`;
}
