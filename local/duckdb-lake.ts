import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { curatedTableDdl, mergeStatement } from '../schema/curation/statements';
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

/** The DuckDB schema that holds the curated table, as its Glue database holds it in Athena. */
export const LOCAL_CURATED_DATABASE = 'curated';

/** The tables of the curation statements in the local DuckDB: the raw view and `curated.trades`. */
export const LOCAL_CURATION_TABLES: CurationTables = {
  raw: { table: TRADES_TABLE },
  curated: { database: LOCAL_CURATED_DATABASE, table: CURATED_TABLE },
};

/** How the named queries name the local tables. */
export const LOCAL_QUERY_TABLES: QueryTables = queryTables({ curated: LOCAL_CURATED_DATABASE });

/** A query's answer: column names and rows of JSON-safe values (DuckDB's JSON conversion). */
export interface QueryAnswer {
  readonly columns: readonly string[];
  /** The DuckDB type of each column, as SQL (`DECIMAL(38,18)`, `VARCHAR`). */
  readonly types: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

export class DuckDbLake {
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
   * Builds `curated.trades` as the curation job does (DESIGN §5b), in memory: the curated zone's own
   * DDL and MERGE (schema/curation/, in their DuckDB form), one raw day after the other, with a cutoff
   * after everything the run ingested. Returns the curated rows. Writing the curated days as Parquet
   * files is the curated zone's part of the local run (issue #12).
   */
  async curate(now: Date): Promise<number> {
    const { connection } = this;
    await connection.run(`CREATE SCHEMA IF NOT EXISTS ${sqlIdentifier(LOCAL_CURATED_DATABASE)}`);
    await connection.run(curatedTableDdl('duckdb', LOCAL_CURATION_TABLES.curated));
    const days = await this.query(`SELECT DISTINCT dt FROM ${sqlIdentifier(TRADES_TABLE)} ORDER BY dt`);
    const cutoff = new Date(now.getTime() + 1000).toISOString();
    for (const [day] of days.rows) {
      await connection.run(mergeStatement('duckdb', LOCAL_CURATION_TABLES, mergeWindow(day as string, cutoff)));
    }
    const curated = await this.query(`SELECT count(*) FROM ${quotedName(LOCAL_CURATION_TABLES.curated)}`);
    return Number(curated.rows[0]?.[0] ?? 0);
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
  }
}
