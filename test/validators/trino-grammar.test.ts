import {
  curatedTableDdl,
  duplicateRepairStatement,
  duplicateTradesQuery,
  mergeStatement,
  optimizeStatement,
  reconciliationQuery,
  vacuumStatement,
} from '../../schema/curation/statements';
import type { CurationTables } from '../../schema/curation/tables';
import { mergeWindow } from '../../schema/curation/window';
import { AUDIT_QUERIES } from '../../schema/queries/audit-queries';
import { queryTables, TRADE_QUERIES } from '../../schema/queries/trade-queries';
import { loadTrinoGrammar, type TrinoGrammar } from './support/trino-grammar';

/**
 * Athena engine 3 runs Trino SQL: every named query must parse with a Trino grammar, its `?`
 * execution parameters as they are (the grammar reads `?` as a parameter; nothing is substituted).
 * A parse proves the syntax only: that Athena resolves the tables, columns and functions is for a
 * run in an account (README, first-deploy checklist).
 */

const TABLES = queryTables({ raw: 'trading_data_lake_dev', curated: 'trading_data_lake_curated_dev' });
const CURATION_TABLES: CurationTables = {
  raw: { database: 'trading_data_lake_dev', table: 'trades' },
  curated: { database: 'trading_data_lake_curated_dev', table: 'trades' },
};
const WINDOW = mergeWindow('2026-01-02', '2026-01-02T09:45:00.000Z');

/**
 * Every named query the stack saves, and the Trino statements the curation job runs (its MERGE with
 * the literals of one day, its SELECTs with their `?`), as [name, SQL]. A new list joins here.
 */
const NAMED_QUERIES: readonly (readonly [string, string])[] = [
  ...TRADE_QUERIES.map((query) => [query.name, query.sql(TABLES)] as const),
  ...AUDIT_QUERIES.map((query) => [query.name, query.sql] as const),
  ['curation MERGE of one day', mergeStatement('athena', CURATION_TABLES, WINDOW)],
  ['curation reconciliation of one day', reconciliationQuery('athena', CURATION_TABLES)],
  ['curation duplicate trades', duplicateTradesQuery(CURATION_TABLES.curated)],
  ['curation duplicate repair', duplicateRepairStatement(CURATION_TABLES.curated)],
];

/** What the curation job runs in Athena that is not Trino SQL: Hive-style DDL, OPTIMIZE, VACUUM. */
const ATHENA_ONLY: readonly (readonly [string, string])[] = [
  [
    'curated table DDL',
    curatedTableDdl('athena', CURATION_TABLES.curated, { bucketName: 'curated-bucket', prefix: 'trades/' }),
  ],
  ['OPTIMIZE', optimizeStatement('athena', CURATION_TABLES.curated, ['2026-01-02']) as string],
  ['VACUUM', vacuumStatement('athena', CURATION_TABLES.curated) as string],
];

/** A named query with its first closing parenthesis removed. */
function withoutFirstClosingParenthesis(sql: string): string {
  const at = sql.indexOf(')');
  if (at < 0) throw new Error(`no ")" to remove in ${sql}`);
  return sql.slice(0, at) + sql.slice(at + 1);
}

/** Runs `parse` with console.error silenced: the parser's error recovery prints some errors it also returns. */
function quietly<T>(parse: () => T): T {
  const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    return parse();
  } finally {
    quiet.mockRestore();
  }
}

let trino: TrinoGrammar;
beforeAll(() => {
  trino = loadTrinoGrammar();
});
afterAll(() => trino.dispose());

describe('named queries against the Trino grammar (dt-sql-parser)', () => {
  it('has the trade and the audit queries to check', () => {
    expect(TRADE_QUERIES.length).toBeGreaterThan(0);
    expect(AUDIT_QUERIES.length).toBeGreaterThan(0);
    expect(NAMED_QUERIES.map(([name]) => name)).toEqual(
      expect.arrayContaining(['vwap-by-symbol', 'data-key-use', 'curation MERGE of one day']),
    );
  });

  it.each(NAMED_QUERIES)('parses %s as one Trino statement', (name, sql) => {
    expect({ name, errors: trino.syntaxErrors(sql) }).toEqual({ name, errors: [] });
    // Athena runs one statement per query execution.
    expect(trino.statementCount(sql)).toBe(1);
  });

  it.each(ATHENA_ONLY)(
    'does not parse the %s, which is why it is never a named query and is tested by rendering',
    (_name, sql) => {
      expect(quietly(() => trino.syntaxErrors(sql))).not.toEqual([]);
    },
  );

  it.each(NAMED_QUERIES)('reports %s once a closing parenthesis is missing', (_name, sql) => {
    expect(quietly(() => trino.syntaxErrors(withoutFirstClosingParenthesis(sql)))).not.toEqual([]);
  });

  it('names the position and the cause of a syntax error', () => {
    expect(trino.syntaxErrors('SELECT symbol\nFROM "trades"\nWHERE dt = ?)')).toEqual([
      expect.stringMatching(/^3:13 '\)' is not valid at this position/),
    ]);
  });

  it('is a Trino grammar, not a permissive one: a MySQL-only LIMIT does not parse', () => {
    expect(trino.syntaxErrors('SELECT symbol FROM "trades" LIMIT 10, 20')).not.toEqual([]);
    expect(trino.syntaxErrors('SELECT symbol FROM "trades" OFFSET 10 LIMIT 20')).toEqual([]);
  });

  it('counts two statements as two, so a query that smuggles a second one is caught', () => {
    expect(trino.statementCount('SELECT 1; SELECT 2')).toBe(2);
  });
});
