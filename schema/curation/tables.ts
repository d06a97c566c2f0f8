/**
 * Where the curation statements read and write. In Athena both tables live in the Glue catalog, each in
 * its own database (the curated zone's database holds `trades` too); locally the names are DuckDB's.
 */

/** A table, optionally in a database (Glue) or schema (DuckDB). */
export interface TableRef {
  readonly database?: string;
  readonly table: string;
}

/** The tables one curation statement needs. */
export interface CurationTables {
  /** The raw trades table (JSON Lines, partitioned by the string `dt`). */
  readonly raw: TableRef;
  /** The curated table: one row per trade_id. */
  readonly curated: TableRef;
}

/** Name of the curated table in its database: `curated.trades` (docs/design.md §10). */
export const CURATED_TABLE = 'trades';

/**
 * The prefix of the curated bucket that holds the table (data and metadata). Never the bucket root:
 * VACUUM fails on a table at the root (docs/design.md §14).
 */
export const CURATED_TABLE_PREFIX = 'trades/';

/** Glue and DuckDB names this module writes into SQL: lower case letters, digits and `_`. */
const PLAIN_NAME = /^[a-z_][a-z0-9_]*$/;

function plainName(name: string): string {
  if (!PLAIN_NAME.test(name)) {
    throw new Error(`curation: table or database name "${name}" must be lower case letters, digits and "_"`);
  }
  return name;
}

/** `"database"."table"`: how a Trino or DuckDB query names the table. */
export function quotedName(ref: TableRef): string {
  const table = `"${plainName(ref.table)}"`;
  return ref.database === undefined ? table : `"${plainName(ref.database)}".${table}`;
}

/**
 * `database.table`, unquoted: how Athena's Hive-style DDL and its OPTIMIZE and VACUUM name the table
 * (names are checked to need no quoting).
 */
export function bareName(ref: TableRef): string {
  const table = plainName(ref.table);
  return ref.database === undefined ? table : `${plainName(ref.database)}.${table}`;
}
