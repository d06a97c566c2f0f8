import { AUDIT_QUERIES } from '../../schema/queries/audit-queries';
import { TRADE_QUERIES } from '../../schema/queries/trade-queries';
import { QUARANTINE_TABLE, TRADES_TABLE } from '../../schema/tables';
import { loadTrinoGrammar, type TrinoGrammar } from './support/trino-grammar';

/**
 * Athena engine 3 runs Trino SQL: every named query must parse with a Trino grammar, its `?`
 * execution parameters as they are (the grammar reads `?` as a parameter; nothing is substituted).
 * A parse proves the syntax only: that Athena resolves the tables, columns and functions is for a
 * run in an account (README, first-deploy checklist).
 */

const TABLES = { trades: TRADES_TABLE, quarantine: QUARANTINE_TABLE };

/** Every named query the stack saves, as [name, SQL]; a new list of named queries joins here. */
const NAMED_QUERIES: readonly (readonly [string, string])[] = [
  ...TRADE_QUERIES.map((query) => [query.name, query.sql(TABLES)] as const),
  ...AUDIT_QUERIES.map((query) => [query.name, query.sql] as const),
];

/** A named query with its first closing parenthesis removed. */
function withoutFirstClosingParenthesis(sql: string): string {
  const at = sql.indexOf(')');
  if (at < 0) throw new Error(`no ")" to remove in ${sql}`);
  return sql.slice(0, at) + sql.slice(at + 1);
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
    expect(NAMED_QUERIES.map(([name]) => name)).toEqual(expect.arrayContaining(['vwap-by-symbol', 'data-key-use']));
  });

  it.each(NAMED_QUERIES)('parses %s as one Trino statement', (name, sql) => {
    expect({ name, errors: trino.syntaxErrors(sql) }).toEqual({ name, errors: [] });
    // Athena runs one statement per query execution.
    expect(trino.statementCount(sql)).toBe(1);
  });

  it.each(NAMED_QUERIES)('reports %s once a closing parenthesis is missing', (_name, sql) => {
    expect(trino.syntaxErrors(withoutFirstClosingParenthesis(sql))).not.toEqual([]);
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
