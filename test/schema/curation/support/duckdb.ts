import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { curatedTableDdl } from '../../../../schema/curation/statements';
import type { CurationTables } from '../../../../schema/curation/tables';
import { PARTITION_COLUMN, TRADE_DUCKDB_COLUMNS } from '../../../../schema/layout';

/** The tables of the DuckDB tests: the raw table as the local run registers it, and `curated.trades`. */
export const DUCKDB_TABLES: CurationTables = {
  raw: { table: 'trades' },
  curated: { database: 'curated', table: 'trades' },
};

/** A raw trade line as the raw table reads it: the producer's fields, the ingestion fields and dt. */
export type RawRow = Readonly<Record<string, string | number | null>>;

let sequence = 1000;

/**
 * A raw row with defaults for what a test does not care about: a NEW trade of version 1 on
 * 2026-01-02, its own sequence number, ingested at 10:00:02 that day.
 */
export function rawRow(fields: Record<string, string | number | null>): RawRow {
  sequence += 1;
  return {
    symbol: 'AAPL',
    side: 'BUY',
    quantity: 10,
    price: '101.25',
    executed_at: '2026-01-02T10:00:00Z',
    currency: null,
    venue: null,
    account_id: null,
    trader_id: null,
    exec_type: null,
    version: null,
    shard_id: 'shardId-000000000000',
    sequence_number: `4965${sequence}`,
    arrival_time: '2026-01-02T10:00:01.000Z',
    ingestion_time: '2026-01-02T10:00:02.000Z',
    [PARTITION_COLUMN]: '2026-01-02',
    ...fields,
  };
}

/** A DuckDB database with the raw table (typed from schema/, never inferred) and the curated table. */
export async function curationDatabase(): Promise<{ connection: DuckDBConnection; close: () => void }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const columns = [...TRADE_DUCKDB_COLUMNS, { name: PARTITION_COLUMN, type: 'VARCHAR' }];
  await connection.run(`CREATE TABLE trades (${columns.map(({ name, type }) => `${name} ${type}`).join(', ')})`);
  await connection.run('CREATE SCHEMA curated');
  await connection.run(curatedTableDdl('duckdb', DUCKDB_TABLES.curated));
  return {
    connection,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Appends raw rows. */
export async function insertRaw(connection: DuckDBConnection, rows: readonly RawRow[]): Promise<void> {
  const columns = [...TRADE_DUCKDB_COLUMNS.map(({ name }) => name), PARTITION_COLUMN];
  for (const row of rows) {
    const values = columns.map((name) => row[name] ?? null);
    await connection.run(
      `INSERT INTO trades (${columns.join(', ')}) VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')})`,
      values,
    );
  }
}

/** The rows of a query as JSON-friendly objects. */
export async function rows(
  connection: DuckDBConnection,
  sql: string,
  parameters: readonly string[] = [],
): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql, [...parameters]);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}
