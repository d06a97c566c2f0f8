import { QUERY_PARAMETERS, type QueryContext } from '../../local/answers';
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
