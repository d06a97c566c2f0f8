import { formatAnswer, QUERY_PARAMETERS, type QueryContext } from '../../local/answers';
import { LOCAL_QUERY_TABLES } from '../../local/duckdb-lake';
import { TRADE_QUERIES } from '../../schema/queries/trade-queries';

const CONTEXT: QueryContext = {
  busiestTradeDate: '2026-03-11',
  busiestRawDate: '2026-03-10',
  quarantineDate: '2026-03-12',
  sampleTrade: { tradeId: 'T-1', firstDate: '2026-03-10', lastDate: '2026-03-11' },
};

describe('the parameters the local run gives the named queries', () => {
  it.each(TRADE_QUERIES.map((query) => [query.name, query] as const))(
    'fills every ? of %s, and no more',
    (_name, query) => {
      const parametersOf = QUERY_PARAMETERS[query.name];
      expect(parametersOf).toBeDefined();
      const sql = query.sql(LOCAL_QUERY_TABLES);
      expect(parametersOf?.(CONTEXT)).toHaveLength(sql.split('?').length - 1);
    },
  );

  it('has no parameters for a query that no longer exists', () => {
    expect(Object.keys(QUERY_PARAMETERS).sort()).toEqual(TRADE_QUERIES.map(({ name }) => name).sort());
  });
});

describe('an answer as a table', () => {
  const query = TRADE_QUERIES[0] as (typeof TRADE_QUERIES)[number];

  it("shows a DECIMAL without its scale's trailing zeros, and a text column as it is", () => {
    const text = formatAnswer({
      query,
      parameters: ['2026-03-11'],
      answer: {
        columns: ['volume', 'price'],
        types: ['DECIMAL(38,8)', 'VARCHAR'],
        rows: [['413520.00000000', '187.250']],
      },
    });
    expect(text).toContain(' 413520 ');
    expect(text).toContain(' 187.250 ');
    expect(text.startsWith(`${query.name} (2026-03-11): `)).toBe(true);
  });

  it('turns an answer too wide for a terminal into one column per row, and says how many rows it left out', () => {
    const columns = Array.from({ length: 12 }, (_, i) => `c${i}`);
    const rows = Array.from({ length: 12 }, (_, r) => columns.map((_, c) => `v${r}-${c}`));
    const text = formatAnswer(
      { query, parameters: [], answer: { columns, types: columns.map(() => 'VARCHAR'), rows } },
      3,
    );
    expect(text).toContain('row 3');
    expect(text).not.toContain('row 4');
    expect(text).toMatch(/│ c11 +│ v0-11 +│/);
    expect(text.endsWith('… 9 more rows')).toBe(true);
  });
});
