/**
 * Names of the Glue tables, shared by the constructs that create them, the named queries, the CLI
 * and the local pipeline (which registers the same names in DuckDB).
 */

/** The raw trades table over `trades/` (lib/raw-zone/raw-tables.ts). */
export const TRADES_TABLE = 'trades';
/** The quarantine table over `quarantine/`: data engineers only. */
export const QUARANTINE_TABLE = 'quarantine';
/** The CloudTrail table in the audit database (lib/audit/cloudtrail-table.ts). */
export const CLOUDTRAIL_TABLE = 'cloudtrail';
