import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  curatedTableDdl,
  mergeStatement,
  reconciliationParameters,
  reconciliationQuery,
} from '../schema/curation/statements';
import { CURATED_TABLE, type CurationTables, quotedName } from '../schema/curation/tables';
import { mergeWindow } from '../schema/curation/window';
import {
  type DuckDbColumn,
  PARTITION_COLUMN,
  QUARANTINE_DUCKDB_COLUMNS,
  QUARANTINE_PREFIX,
  TRADE_DUCKDB_COLUMNS,
  TRADES_PREFIX,
} from '../schema/layout';
import { OBJECT_SUFFIX } from '../schema/object-keys';
import { type QueryTables, queryTables } from '../schema/queries/trade-queries';
import { QUARANTINE_TABLE, TRADES_TABLE } from '../schema/tables';
import { LOCAL_CURATED_DATABASE, registerCuratedFiles, writeCuratedFiles } from './curated-files';
import type { ExactPrice } from './exact-prices';

/**
 * The raw zone as DuckDB sees it: the objects copied from the lake bucket (lake-mirror.ts), read
 * with the column types of the schema, never inferred, and registered under the Glue table names,
 * so that the named queries run unchanged. `dt` comes from the `dt=YYYY-MM-DD/` folder, as partition
 * projection makes it in Athena, and is a string there as here.
 */

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL identifier, quoted. */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** DuckDB's `columns = {...}` argument for these columns. */
export function columnsArgument(columns: readonly DuckDbColumn[]): string {
  return `{${columns.map(({ name, type }) => `${sqlIdentifier(name)}: ${sqlString(type)}`).join(', ')}}`;
}

/**
 * The `read_json` call over one prefix: newline-delimited, gzip, the schema's types, `dt` from the
 * path as VARCHAR (DuckDB would otherwise infer a DATE from `dt=2026-03-11`).
 */
export function readJsonSql(folder: string, prefix: string, columns: readonly DuckDbColumn[]): string {
  const glob = join(folder, prefix, `${PARTITION_COLUMN}=*`, `*${OBJECT_SUFFIX}`);
  return `read_json(${sqlString(glob)}, columns = ${columnsArgument(columns)}, format = 'newline_delimited', compression = 'gzip', hive_partitioning = true, hive_types = {${sqlString(PARTITION_COLUMN)}: 'VARCHAR'})`;
}

/** Whether any object lies under `prefix` (read_json refuses a glob that matches nothing). */
function hasObjects(folder: string, prefix: string): boolean {
  const root = join(folder, prefix);
  if (!existsSync(root)) return false;
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).some((path) => path.endsWith(OBJECT_SUFFIX));
}

function emptyTableSql(name: string, columns: readonly DuckDbColumn[]): string {
  const definitions = [...columns, { name: PARTITION_COLUMN, type: 'VARCHAR' }]
    .map((column) => `${sqlIdentifier(column.name)} ${column.type}`)
    .join(', ');
  return `CREATE TABLE ${sqlIdentifier(name)} (${definitions})`;
}

/** The identity of a record in the raw zone: shard, sequence number and, once lines carry it, sub-sequence number. */
const RECORD_IDENTITY = ['shard_id', 'sequence_number', 'sub_sequence_number'].filter((name) =>
  TRADE_DUCKDB_COLUMNS.some((column) => column.name === name),
);

export { LOCAL_CURATED_DATABASE };

/** The tables of the curation statements in the local DuckDB: the raw view and `curated.trades`. */
export const LOCAL_CURATION_TABLES: CurationTables = {
  raw: { table: TRADES_TABLE },
  curated: { database: LOCAL_CURATED_DATABASE, table: CURATED_TABLE },
};

/** How the named queries name the local tables. */
export const LOCAL_QUERY_TABLES: QueryTables = queryTables({ curated: LOCAL_CURATED_DATABASE });

/** The job's reconciliation of one day after its merge (the numbers of its UnreconciledTrades metric). */
export interface DayReconciliation {
  readonly day: string;
  /** The cutoff of the run that merged it: rows ingested before it were merged and counted. */
  readonly cutoff: string;
  readonly rawTrades: number;
  readonly curatedTrades: number;
  readonly duplicateRows: number;
  /** raw − curated + duplicates: 0 when the day is reconciled. */
  readonly unreconciledTrades: number;
}

/** One run of the curation job: the days it merged, with its cutoff. */
export interface CurationRun {
  readonly cutoff: string;
  /** In order: the days with rows ingested since the previous run's cutoff (every day, for the first). */
  readonly days: readonly string[];
}

/** What `curate` did. */
export interface Curation {
  /** The raw days merged by any run, in order. */
  readonly days: readonly string[];
  /** The runs, in order. */
  readonly runs: readonly CurationRun[];
  /** Every day's reconciliation after its merge, run after run. */
  readonly reconciliation: readonly DayReconciliation[];
  /** Rows of the table the MERGE built, before it was written. */
  readonly mergedRows: number;
  /** The folder that holds them (a copy of the curated bucket). */
  readonly folder: string;
  /** The data files written, relative to the data folder (`trade_date=…/data_0.parquet`). */
  readonly files: readonly string[];
}

/** A query's answer: column names and rows of JSON-safe values (DuckDB's JSON conversion). */
export interface QueryAnswer {
  readonly columns: readonly string[];
  /** The DuckDB type of each column, as SQL (`DECIMAL(38,18)`, `VARCHAR`). */
  readonly types: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

export class DuckDbLake {
  private readonly temporaryFolders: string[] = [];

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  /**
   * Opens an in-memory DuckDB over the mirrored objects in `folder` and registers the raw tables.
   * `exactPrices` are the prices sent as JSON numbers, with their text as written (exact-prices.ts).
   */
  static async open(folder: string, exactPrices: readonly ExactPrice[]): Promise<DuckDbLake> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const lake = new DuckDbLake(instance, connection);
    await lake.registerTables(folder, exactPrices);
    return lake;
  }

  private async registerTables(folder: string, exactPrices: readonly ExactPrice[]): Promise<void> {
    const { connection } = this;
    await connection.run(
      `CREATE TABLE exact_prices (shard_id VARCHAR, sequence_number VARCHAR, sub_sequence_number BIGINT, price VARCHAR)`,
    );
    const appender = await connection.createAppender('exact_prices');
    for (const { shardId, sequenceNumber, subSequenceNumber, price } of exactPrices) {
      appender.appendVarchar(shardId);
      appender.appendVarchar(sequenceNumber);
      if (subSequenceNumber === null) appender.appendNull();
      else appender.appendBigInt(BigInt(subSequenceNumber));
      appender.appendVarchar(price);
      appender.endRow();
    }
    appender.closeSync();

    if (hasObjects(folder, TRADES_PREFIX)) {
      // A record stored twice (a retried write) has the same text twice: one exact price per record.
      // A plain record's sub_sequence_number is NULL on both sides.
      const join = RECORD_IDENTITY.map((name) => `x.${name} IS NOT DISTINCT FROM r.${name}`).join(' AND ');
      await connection.run(
        `CREATE VIEW ${sqlIdentifier(TRADES_TABLE)} AS
SELECT r.* REPLACE (coalesce(x.price, r.price) AS price)
FROM ${readJsonSql(folder, TRADES_PREFIX, TRADE_DUCKDB_COLUMNS)} r
LEFT JOIN (SELECT DISTINCT ${RECORD_IDENTITY.join(', ')}, price FROM exact_prices) x ON ${join}`,
      );
    } else {
      await connection.run(emptyTableSql(TRADES_TABLE, TRADE_DUCKDB_COLUMNS));
    }
    if (hasObjects(folder, QUARANTINE_PREFIX)) {
      await connection.run(
        `CREATE VIEW ${sqlIdentifier(QUARANTINE_TABLE)} AS SELECT * FROM ${readJsonSql(folder, QUARANTINE_PREFIX, QUARANTINE_DUCKDB_COLUMNS)}`,
      );
    } else {
      await connection.run(emptyTableSql(QUARANTINE_TABLE, QUARANTINE_DUCKDB_COLUMNS));
    }
  }

  /**
   * Builds `curated.trades` as the curation job does (docs/design.md §10): the curated zone's own DDL and
   * MERGE (schema/curation/, in their DuckDB form), one raw day after the other, each followed by
   * the job's reconciliation of that day. One run for each of `earlierCutoffs` (in order), as the
   * hourly job ran before: each merges the rows ingested before its cutoff, of the days with rows
   * ingested since the previous run's (the days the planner would list as newer than its watermark);
   * then the run at `now`, whose cutoff is after everything the run ingested. The table is then
   * written as the curated data files (curated-files.ts) under `curatedFolder`, and `curated.trades`
   * becomes a view over those files: the named queries read Parquet, as Athena reads the Iceberg
   * table's files. Without a folder, the files go to a temporary one that `close` removes.
   */
  async curate(now: Date, curatedFolder?: string, earlierCutoffs: readonly Date[] = []): Promise<Curation> {
    const { connection } = this;
    const folder = curatedFolder ?? this.temporaryFolder();
    const { curated } = LOCAL_CURATION_TABLES;
    await connection.run(`CREATE SCHEMA IF NOT EXISTS ${sqlIdentifier(LOCAL_CURATED_DATABASE)}`);
    await connection.run(curatedTableDdl('duckdb', curated));
    const cutoffs = [
      ...earlierCutoffs.map((cutoff) => cutoff.toISOString()),
      new Date(now.getTime() + 1000).toISOString(),
    ];
    if (cutoffs.some((cutoff, i) => i > 0 && cutoff <= (cutoffs[i - 1] as string))) {
      throw new Error(`the curation runs' cutoffs must rise: ${cutoffs.join(', ')}`);
    }
    const runs: CurationRun[] = [];
    const reconciliation: DayReconciliation[] = [];
    let since: string | undefined;
    for (const cutoff of cutoffs) {
      // ingestion_time is the writer's ISO 8601 text, and the cutoff an instant written alike: as strings they sort by time.
      const days = await this.query(
        `SELECT DISTINCT dt FROM ${sqlIdentifier(TRADES_TABLE)} WHERE ingestion_time < ?${since === undefined ? '' : ' AND ingestion_time >= ?'} ORDER BY dt`,
        since === undefined ? [cutoff] : [cutoff, since],
      );
      for (const [day] of days.rows) {
        const window = mergeWindow(day as string, cutoff);
        await connection.run(mergeStatement('duckdb', LOCAL_CURATION_TABLES, window));
        const counts = await this.query(
          reconciliationQuery('duckdb', LOCAL_CURATION_TABLES),
          reconciliationParameters(window),
        );
        const [rawTrades, curatedTrades, duplicateRows] = (counts.rows[0] ?? []).map(Number) as [
          number,
          number,
          number,
        ];
        reconciliation.push({
          day: window.day,
          cutoff,
          rawTrades,
          curatedTrades,
          duplicateRows,
          unreconciledTrades: rawTrades - curatedTrades + duplicateRows,
        });
      }
      runs.push({ cutoff, days: days.rows.map(([day]) => day as string) });
      since = cutoff;
    }
    const merged = await this.query(`SELECT count(*) FROM ${quotedName(curated)}`);
    const files = await writeCuratedFiles(connection, curated, folder);
    // From here on every reader of curated.trades reads the files, never the table the MERGE built.
    await connection.run(`DROP TABLE ${quotedName(curated)}`);
    await registerCuratedFiles(connection, curated, folder);
    return {
      days: [...new Set(runs.flatMap(({ days }) => days))].sort(),
      runs,
      reconciliation,
      mergedRows: Number(merged.rows[0]?.[0] ?? 0),
      folder,
      files,
    };
  }

  private temporaryFolder(): string {
    const folder = mkdtempSync(join(tmpdir(), 'trading-data-lake-curated-'));
    this.temporaryFolders.push(folder);
    return folder;
  }

  /** Registers `curated.trades` over curated data files written before (a kept run's, for a recount). */
  async openCurated(curatedFolder: string): Promise<void> {
    await registerCuratedFiles(this.connection, LOCAL_CURATION_TABLES.curated, curatedFolder);
  }

  /** Rows of `curated.trades` as the queries read it. */
  async curatedRows(): Promise<number> {
    const { rows } = await this.query(`SELECT count(*) FROM ${quotedName(LOCAL_CURATION_TABLES.curated)}`);
    return Number(rows[0]?.[0] ?? 0);
  }

  /** Runs one statement with `?` parameters bound in order as VARCHAR, as Athena binds execution parameters. */
  async query(sql: string, parameters: readonly string[] = []): Promise<QueryAnswer> {
    const statement = await this.connection.prepare(sql);
    if (statement.parameterCount !== parameters.length) {
      throw new Error(`the statement takes ${statement.parameterCount} parameters, ${parameters.length} given`);
    }
    parameters.forEach((value, index) => {
      statement.bindVarchar(index + 1, value);
    });
    const reader = await statement.runAndReadAll();
    return {
      columns: reader.columnNames(),
      types: reader.columnTypes().map((type) => type.toString()),
      rows: reader.getRowsJson(),
    };
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
    for (const folder of this.temporaryFolders.splice(0)) rmSync(folder, { recursive: true, force: true });
  }
}
