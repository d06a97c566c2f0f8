import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CURATED_COLUMNS, TRADE_DATE_COLUMN } from '../schema/curation/columns';
import { ddlType } from '../schema/curation/engine';
import { curatedTableDdl } from '../schema/curation/statements';
import { CURATED_TABLE_PREFIX, quotedName, type TableRef } from '../schema/curation/tables';
import { queryTables, TRADE_QUERIES } from '../schema/queries/trade-queries';

/** The DuckDB schema that holds the curated table, as its Glue database holds it in Athena. */
export const LOCAL_CURATED_DATABASE = 'curated';

/**
 * The curated table as files, as the Iceberg table keeps it in the curated bucket: Parquet, ZSTD, one
 * folder per `trade_date` (the table's identity partition), under `trades/data/` (Iceberg's data
 * folder under the table's prefix). The local run writes the table the curation MERGE built into
 * these files, and the named queries then read `curated.trades` from them, so that what they read,
 * and the bytes a query scans, are Parquet's and not an in-memory table's.
 *
 *   <folder>/trades/data/trade_date=YYYY-MM-DD/data_0.parquet
 *
 * Not Iceberg: no metadata, manifests or snapshots (DuckDB writes plain Parquet), and the partition
 * column lives in the folder name only (Hive layout), as DuckDB's PARTITION_BY writes it.
 */

/** A run's copy of the curated bucket, under the run's folder: `DIR/curated/trades/data/trade_date=…/`. */
export const CURATED_FOLDER = 'curated';

/** Where the data files lie under the curated bucket's folder, as Iceberg places them under the table. */
export const CURATED_DATA_PREFIX = `${CURATED_TABLE_PREFIX}data/`;

/** The suffix of a curated data file. */
export const PARQUET_SUFFIX = '.parquet';

/** The folder of the curated data files under `curatedFolder` (a copy of the curated bucket). */
export function curatedDataFolder(curatedFolder: string): string {
  return join(curatedFolder, ...CURATED_DATA_PREFIX.split('/').filter(Boolean));
}

function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The glob of the data files of one day, or of every day. */
export function curatedFilesGlob(curatedFolder: string, day?: string): string {
  if (day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a trade date: ${day}`);
  return join(curatedDataFolder(curatedFolder), `${TRADE_DATE_COLUMN}=${day ?? '*'}`, `*${PARQUET_SUFFIX}`);
}

/** The data files under `curatedFolder`, relative to its data folder (`trade_date=…/data_0.parquet`), sorted. */
export function curatedFiles(curatedFolder: string): string[] {
  const root = curatedDataFolder(curatedFolder);
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith(PARQUET_SUFFIX))
    .sort();
}

/**
 * Writes the rows of `table` as the curated data files: one folder per trade_date, Parquet with ZSTD
 * (the Iceberg table's `'write_compression'='zstd'`), in the order the table holds them. No sort
 * order: Athena's MERGE and its BIN_PACK OPTIMIZE keep none either (the table declares none), so a
 * sorted local file would make the measured bytes look better than Athena's. Returns the files written.
 */
export async function writeCuratedFiles(
  connection: DuckDBConnection,
  table: TableRef,
  curatedFolder: string,
): Promise<string[]> {
  const folder = curatedDataFolder(curatedFolder);
  if (existsSync(folder) && readdirSync(folder).length > 0) {
    throw new Error(`${folder} already holds curated files: the local run writes them once, into a new folder`);
  }
  // DuckDB creates the data folder itself, not its parents.
  mkdirSync(dirname(folder), { recursive: true });
  await connection.run(
    `COPY (SELECT * FROM ${quotedName(table)}) TO ${sqlString(folder)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (${TRADE_DATE_COLUMN}))`,
  );
  return curatedFiles(curatedFolder);
}

/**
 * The view that reads the curated data files as `curated` reads in Athena: every column of
 * schema/curation/columns.ts, in table order, cast to its type there (so a file written with another
 * type is read as the table's type, or fails), `trade_date` from the folder name as a DATE.
 */
export function curatedViewSql(curated: TableRef, curatedFolder: string): string {
  const columns = CURATED_COLUMNS.map(
    ({ name, type }) => `CAST(${name} AS ${ddlType('duckdb', type)}) AS ${name}`,
  ).join(',\n       ');
  return `CREATE VIEW ${quotedName(curated)} AS
SELECT ${columns}
FROM read_parquet(${sqlString(curatedFilesGlob(curatedFolder))}, hive_partitioning = true, hive_types = {${sqlString(TRADE_DATE_COLUMN)}: 'DATE'})`;
}

/**
 * Registers `curated` as the view over the data files under `curatedFolder`, or, when there are none
 * (a run without a valid trade), as an empty table of the same columns: read_parquet refuses a glob
 * that matches nothing.
 */
export async function registerCuratedFiles(
  connection: DuckDBConnection,
  curated: TableRef,
  curatedFolder: string,
): Promise<void> {
  if (curated.database !== undefined) {
    await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quotedName({ table: curated.database })}`);
  }
  if (curatedFiles(curatedFolder).length === 0) {
    await connection.run(curatedTableDdl('duckdb', curated));
  } else {
    await connection.run(curatedViewSql(curated, curatedFolder));
  }
}

/** The named query whose scan the curated zone's figure measures (issue #12). */
export const VWAP_QUERY_NAME = 'vwap-by-symbol';

/**
 * The curated columns a query's SQL names, outside string literals, except the partition column:
 * `trade_date` is in the folder name here and in the manifests' partition data in Iceberg, so a query
 * that filters on it prunes files without reading a column. What a columnar scan reads of the files.
 */
export function curatedColumnsRead(sql: string): string[] {
  const words = new Set(
    (sql.replace(/'(?:[^']|'')*'/g, "''").match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).map((word) => word.toLowerCase()),
  );
  return CURATED_COLUMNS.map(({ name }) => name).filter((name) => name !== TRADE_DATE_COLUMN && words.has(name));
}

/** The named VWAP query's SQL, over the tables as the local run names them. */
export function vwapQuerySql(): string {
  const query = TRADE_QUERIES.find(({ name }) => name === VWAP_QUERY_NAME);
  if (query === undefined) throw new Error(`no named query ${VWAP_QUERY_NAME}`);
  return query.sql(queryTables({ curated: LOCAL_CURATED_DATABASE }));
}

/** The columns of the curated files a day's VWAP reads. */
export function vwapColumns(): string[] {
  return curatedColumnsRead(vwapQuerySql());
}

/** What a day's VWAP scans of the curated files, from their Parquet metadata. */
export interface CuratedScan {
  readonly day: string;
  /** The columns read. */
  readonly columns: readonly string[];
  /** The day's files (trade_date=…/data_0.parquet). */
  readonly files: number;
  /** The rows of the day's files: every trade of the day, cancelled ones included (they are read, then filtered). */
  readonly trades: number;
  /** The compressed bytes of the column chunks read (`total_compressed_size`: pages and their headers). */
  readonly bytes: number;
  /** `bytes` by column. */
  readonly bytesByColumn: Readonly<Record<string, number>>;
  /** `bytes / trades`, 0 for a day without trades. */
  readonly bytesPerTrade: number;
}

/**
 * The compressed bytes of the column chunks that a day's VWAP reads, and the trades they hold, from
 * the files' own Parquet metadata (`parquet_metadata`, `parquet_file_metadata`): what Athena bills
 * for the same query over the same files (it reads the column chunks of the columns a query names in
 * the partitions it keeps, plus footers, and at least 10 MB a query).
 */
export async function curatedVwapScan(
  connection: DuckDBConnection,
  curatedFolder: string,
  day: string,
): Promise<CuratedScan> {
  const columns = vwapColumns();
  const glob = curatedFilesGlob(curatedFolder, day);
  const files = curatedFiles(curatedFolder).filter((path) => path.startsWith(`${TRADE_DATE_COLUMN}=${day}/`));
  if (files.length === 0) return { day, columns, files: 0, trades: 0, bytes: 0, bytesByColumn: {}, bytesPerTrade: 0 };
  const rows = (await connection.runAndReadAll(`SELECT sum(num_rows) FROM parquet_file_metadata(${sqlString(glob)})`))
    .getRowsJson()
    .map(([value]) => Number(value));
  const trades = rows[0] ?? 0;
  const chunks = await connection.runAndReadAll(
    `SELECT path_in_schema, sum(total_compressed_size)
FROM parquet_metadata(${sqlString(glob)})
WHERE path_in_schema IN (${columns.map(sqlString).join(', ')})
GROUP BY path_in_schema`,
  );
  const bytesByColumn: Record<string, number> = {};
  for (const [column, bytes] of chunks.getRowsJson()) bytesByColumn[String(column)] = Number(bytes);
  const missing = columns.filter((column) => bytesByColumn[column] === undefined);
  if (missing.length > 0) throw new Error(`the curated files of ${day} have no column ${missing.join(', ')}`);
  const bytes = Object.values(bytesByColumn).reduce((sum, value) => sum + value, 0);
  return {
    day,
    columns,
    files: files.length,
    trades,
    bytes,
    bytesByColumn,
    bytesPerTrade: trades ? bytes / trades : 0,
  };
}
