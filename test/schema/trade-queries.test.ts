import type { DuckDBConnection } from '@duckdb/node-api';
import { mergeStatement } from '../../schema/curation/statements';
import { mergeWindow } from '../../schema/curation/window';
import { type QueryTable, queryTables, TRADE_QUERIES, type TradeQuery } from '../../schema/queries/trade-queries';
import { curationDatabase, DUCKDB_TABLES, insertRaw, rawRow, rows } from './curation/support/duckdb';

const TABLES = queryTables({ raw: 'trading_data_lake_dev', curated: 'trading_data_lake_curated_dev' });
const reads = (table: QueryTable) => TRADE_QUERIES.filter((query) => query.tables.includes(table));
const named = (name: string): TradeQuery => {
  const query = TRADE_QUERIES.find((candidate) => candidate.name === name);
  if (query === undefined) throw new Error(`no query ${name}`);
  return query;
};
const sqlOf = (query: TradeQuery) => [query.name, query.sql(TABLES)] as const;

describe('queries over curated.trades', () => {
  it.each(reads('curated').map(sqlOf))(
    '%s reads one row per trade, with no deduplication at query time',
    (_name, sql) => {
      expect(sql).toContain('FROM "trading_data_lake_curated_dev"."trades"');
      expect(sql).not.toMatch(/row_number|DISTINCT/);
      expect(sql).toMatch(/WHERE trade_date (= CAST\(\? AS date\)|BETWEEN CAST\(\? AS date\) AND CAST\(\? AS date\))/);
    },
  );

  it.each(reads('curated').map(sqlOf))('%s keeps prices decimal: never a price cast to double', (_name, sql) => {
    expect(sql).not.toMatch(/CAST\(price AS double\)/);
  });

  it.each(['volume-and-notional-by-symbol', 'vwap-by-symbol'])('%s leaves cancelled trades out', (name) => {
    expect(named(name).sql(TABLES)).toContain("AND status = 'ACTIVE'");
  });

  it('shows one trade whether cancelled or not, with its status', () => {
    const sql = named('trade-by-id').sql(TABLES);
    expect(sql).not.toContain("status = 'ACTIVE'");
    expect(sql).toMatch(/SELECT trade_id,\s+status,/);
  });
});

describe('queries over the raw table (forensics)', () => {
  it.each(reads('trades').map(sqlOf))(
    '%s numbers the copies of each event (trade_id, exec_type, version) in stream order',
    (_name, sql) => {
      expect(sql).toContain(
        "row_number() OVER (PARTITION BY t.trade_id, coalesce(t.exec_type, 'NEW'), coalesce(t.version, 1) ORDER BY lpad(t.sequence_number, 129, '0'), coalesce(t.sub_sequence_number, 0))",
      );
    },
  );

  it.each(reads('trades').map(sqlOf))(
    '%s keeps its dt predicate beside the window, so partitions are pruned',
    (_name, sql) => {
      expect(sql).toMatch(/FROM "trading_data_lake_dev"\."trades" t\n\s*WHERE t\.dt (= \?|BETWEEN \? AND \?)/);
    },
  );
});

describe('every named query', () => {
  it('declares the tables it reads, so a workgroup saves only what its users may run', () => {
    for (const query of TRADE_QUERIES) {
      const sql = query.sql(TABLES);
      for (const table of ['curated', 'trades', 'quarantine'] as const) {
        expect({ query: query.name, table, reads: sql.includes(TABLES[table]) }).toEqual({
          query: query.name,
          table,
          reads: query.tables.includes(table),
        });
      }
    }
  });

  it('counts a quarantined record once even when a retry stored it twice (shard, sequence and sub-sequence number)', () => {
    expect(named('quarantine-by-reason').sql(TABLES)).toContain(
      "count(DISTINCT concat(shard_id, '/', sequence_number, '/', coalesce(CAST(sub_sequence_number AS varchar), '')))",
    );
  });
});

describe('the curated queries, run in DuckDB over a merged day', () => {
  const DAY = '2026-01-02';
  let connection: DuckDBConnection;
  let close: () => void;
  const local = queryTables({ curated: 'curated' });
  beforeAll(async () => {
    ({ connection, close } = await curationDatabase());
    await insertRaw(connection, [
      rawRow({ trade_id: 'T1', quantity: 10, price: '100.000000000000000001' }),
      rawRow({ trade_id: 'T1', quantity: 10, price: '100.000000000000000001' }),
      rawRow({ trade_id: 'T2', quantity: 30, price: '104' }),
      rawRow({ trade_id: 'T3', quantity: 1000, price: '1' }),
      rawRow({ trade_id: 'T3', quantity: 1000, price: '1', exec_type: 'CANCEL', version: 2 }),
      rawRow({ trade_id: 'T4', quantity: 5, price: '7', symbol: 'MSFT', currency: 'EUR' }),
    ]);
    await connection.run(mergeStatement('duckdb', DUCKDB_TABLES, mergeWindow(DAY, '2026-01-03T00:00:00.000Z')));
  });
  afterAll(() => close());

  it('answers VWAP, low and high over the active trades only, each trade once, prices exact', async () => {
    expect(await rows(connection, named('vwap-by-symbol').sql(local), [DAY])).toEqual([
      {
        symbol: 'AAPL',
        currency: 'USD',
        // 4120 / 40 in double; the notional drops the price's last 8 decimals (decimal(38,10)).
        vwap: 103,
        volume: '40.00000000',
        low: '100.000000000000000001',
        high: '104.000000000000000000',
        trades: '2',
      },
      {
        symbol: 'MSFT',
        currency: 'EUR',
        vwap: 7,
        volume: '5.00000000',
        low: '7.000000000000000000',
        high: '7.000000000000000000',
        trades: '1',
      },
    ]);
  });

  it('answers volume and notional exactly, in decimal', async () => {
    expect(await rows(connection, named('volume-and-notional-by-symbol').sql(local), [DAY])).toEqual([
      { symbol: 'AAPL', currency: 'USD', trades: '2', volume: '40.00000000', notional: '4120.000000000000000000' },
      { symbol: 'MSFT', currency: 'EUR', trades: '1', volume: '5.00000000', notional: '35.000000000000000000' },
    ]);
  });

  it('shows a cancelled trade by id, with its status', async () => {
    expect(await rows(connection, named('trade-by-id').sql(local), [DAY, DAY, 'T3'])).toEqual([
      expect.objectContaining({ trade_id: 'T3', status: 'CANCELLED', version: '2' }),
    ]);
  });
});
