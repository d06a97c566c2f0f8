import { TRADE_QUERIES } from '../../schema/queries/trade-queries';
import { QUARANTINE_TABLE, TRADES_TABLE } from '../../schema/tables';

const TABLES = { trades: TRADES_TABLE, quarantine: QUARANTINE_TABLE };
const tradeQueries = TRADE_QUERIES.filter((q) => q.tables.includes(TRADES_TABLE)).map(
  (q) => [q.name, q.sql(TABLES)] as const,
);

describe('trade queries over the raw table', () => {
  it.each(tradeQueries)(
    'deduplicates %s per dt and trade_id, keeping the dt filter inside so partitions are pruned',
    (_name, sql) => {
      expect(sql).toContain("row_number() OVER (PARTITION BY dt, trade_id ORDER BY lpad(sequence_number, 129, '0'))");
      // The date predicate sits in the same SELECT as the window function, on the raw table.
      expect(sql).toMatch(/FROM "trades"( t)?\s*\n\s*WHERE (t\.)?dt (= \?|BETWEEN \? AND \?)/);
    },
  );

  it.each(tradeQueries)('reads an absent currency as USD in %s', (_name, sql) => {
    expect(sql).toMatch(/coalesce\((t\.)?currency, 'USD'\) AS currency/);
    expect(sql).not.toMatch(/SELECT t\.\*/);
  });

  it('declares the tables each query reads, so a workgroup saves only what its users may run', () => {
    for (const query of TRADE_QUERIES) {
      const sql = query.sql(TABLES);
      for (const table of [TRADES_TABLE, QUARANTINE_TABLE]) {
        expect(sql.includes(`"${table}"`)).toBe((query.tables as readonly string[]).includes(table));
      }
    }
  });
});

describe('quarantine queries', () => {
  it('counts a quarantined record once even when a retry stored it twice', () => {
    const sql = TRADE_QUERIES.find((q) => q.name === 'quarantine-by-reason')?.sql(TABLES);
    expect(sql).toContain("count(DISTINCT concat(shard_id, '/', sequence_number))");
    expect(sql).toContain('WHERE dt = ?');
  });
});
