/**
 * The two engines that run the curation: Athena (engine version 3, Trino) in AWS and DuckDB in the
 * local run. The SQL of both is the same text except where this file says otherwise: timestamp
 * parsing, table DDL, OPTIMIZE and VACUUM. Each difference is one function, tested for both engines.
 */

export type CurationEngine = 'athena' | 'duckdb';

/**
 * The UTC timestamp, to the microsecond, of an RFC 3339 text with any offset (the writer accepts
 * fractions of up to 9 digits). Both engines drop digits past the sixth, never round: DuckDB does so
 * when it casts, and Trino's cast to timestamp(6) would round, so its text is cut to six digits first.
 * Athena wraps the parse in `try`, which turns a value Trino cannot read into NULL instead of failing
 * the whole MERGE (the writer already quarantines zone offsets beyond Trino's ±14:00; this guards
 * what it cannot foresee): the reconciliation counts such a trade as not curated, and its alarm fires.
 */
export function utcTimestampSql(engine: CurationEngine, text: string): string {
  switch (engine) {
    case 'athena':
      return `try(CAST(from_iso8601_timestamp_nanos(regexp_replace(${text}, '(\\.[0-9]{6})[0-9]+', '$1')) AT TIME ZONE 'UTC' AS timestamp(6)))`;
    case 'duckdb':
      return `TRY_CAST(CAST(${text} AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS TIMESTAMP)`;
  }
}

/** A curated column's type as each engine's DDL writes it (Athena: Hive DDL over Iceberg types). */
export function ddlType(engine: CurationEngine, type: string): string {
  if (engine === 'athena') return type;
  const duckdb: Record<string, string> = {
    string: 'VARCHAR',
    double: 'DOUBLE',
    bigint: 'BIGINT',
    int: 'INTEGER',
    timestamp: 'TIMESTAMP',
    date: 'DATE',
  };
  const decimal = /^decimal\((\d+),(\d+)\)$/.exec(type);
  if (decimal) return `DECIMAL(${decimal[1]},${decimal[2]})`;
  const mapped = duckdb[type];
  if (mapped === undefined) throw new Error(`curation: no DuckDB type for "${type}"`);
  return mapped;
}
