import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzip } from '../../lambda/trade-writer/encode';
import { planBatch } from '../../lambda/trade-writer/plan';
import { QUERY_PARAMETERS, type QueryContext } from '../../local/answers';
import { DuckDbLake, LOCAL_QUERY_TABLES } from '../../local/duckdb-lake';
import { exactPricesOf } from '../../local/exact-prices';
import { comparableText, SUBSET_RULES, subsetViolations, textColumnsRead } from '../../local/sql-subset';
import { TRADE_QUERIES } from '../../schema/queries/trade-queries';
import { kinesisEvent, tradeJson } from '../../tools/fixtures/trade-events';

/**
 * The named queries that the local run answers are written in the SQL that Athena (Trino) and
 * DuckDB read alike (issue #10): each one passes the subset lint, and each one runs in DuckDB over
 * rows the writer stored, with the same answer whether `/` divides integers as Trino does or not.
 * That Athena accepts them is proven in an account only (test/integ/, the first-deploy checklist).
 */

/** One example of every construct the lint refuses, by rule id. */
const FORBIDDEN: Readonly<Record<string, string>> = {
  'double-colon-cast': 'SELECT price::double FROM trades',
  'integer-division-operator': 'SELECT quantity // 2 FROM trades',
  ilike: "SELECT * FROM trades WHERE symbol ILIKE 'aapl'",
  qualify: 'SELECT trade_id FROM trades QUALIFY row_number() OVER (PARTITION BY trade_id) = 1',
  'by-all': 'SELECT symbol, count(*) FROM trades GROUP BY ALL',
  'star-modifier': 'SELECT * EXCLUDE (price) FROM trades',
  'from-first': 'FROM trades SELECT symbol',
  pivot: 'PIVOT trades ON symbol USING sum(quantity)',
  sample: 'SELECT * FROM trades USING SAMPLE 10%',
  lambda: 'SELECT filter(tags, t -> t IS NOT NULL) FROM trades',
  'approximate-function': 'SELECT approx_distinct(trade_id) FROM trades',
  'duckdb-only-function': 'SELECT arg_max(price, executed_at) FROM trades',
  'trino-only-function': 'SELECT from_iso8601_timestamp(executed_at) FROM trades',
  'different-meaning': "SELECT element_at(attributes, 'venue') FROM trades",
  'dt-as-date': "SELECT * FROM trades WHERE dt = DATE '2026-03-11'",
  'text-without-cast': 'SELECT sum(quantity * price) FROM trades',
};

/** Constructs of the subset that look close to forbidden ones. */
const ALLOWED = [
  'SELECT CAST(price AS double), CAST(price AS decimal(38,18)) FROM trades',
  'SELECT sum(quantity * CAST(price AS double)) / sum(quantity) FROM trades WHERE dt = ?',
  'SELECT * FROM trades WHERE dt BETWEEN ? AND ? AND trade_id = ?',
  "SELECT * FROM trades WHERE dt = '2026-03-11'",
  "SELECT 'a::b ILIKE qualify -> // approx_distinct(x)' AS text FROM trades",
  "-- a comment may say ILIKE or '::'\nSELECT price FROM trades",
  "SELECT concat(shard_id, '/', sequence_number), lpad(sequence_number, 129, '0'), max_by(price, version) FROM trades",
  'SELECT try_cast(price AS double), json_extract(line, \'$.a\') FROM "format"',
];

describe('the SQL subset lint', () => {
  it('has an example for every rule', () => {
    expect(Object.keys(FORBIDDEN).sort()).toEqual(SUBSET_RULES.map(({ id }) => id).sort());
  });

  it.each(Object.entries(FORBIDDEN))('catches %s', (rule, sql) => {
    expect(subsetViolations(sql).map((violation) => violation.rule)).toEqual([rule]);
  });

  it.each(ALLOWED)('allows %s', (sql) => {
    expect(subsetViolations(sql)).toEqual([]);
  });

  it("computes with the curated table's typed columns, which need no cast", () => {
    expect(
      subsetViolations('SELECT min(price), max(executed_at) FROM "curated"."trades"', textColumnsRead(['curated'])),
    ).toEqual([]);
    expect(subsetViolations('SELECT min(price) FROM "trades"', textColumnsRead(['trades']))).toHaveLength(1);
  });

  it('reads past literals, escaped quotes and comments', () => {
    expect(comparableText("SELECT 'it''s ::' /* ILIKE */ FROM \"T\" -- QUALIFY\nWHERE x::int = 1")).toBe(
      `select ''   from "t" \nwhere x::int = 1`,
    );
  });
});

// Trades on two days, with a re-send, a correction, a price sent as a JSON number, an absent
// currency, and a record the writer quarantines.
const RECORDS = [
  tradeJson({ trade_id: 'T-1', symbol: 'AAPL', quantity: 100, price: '187.25', executed_at: '2026-03-11T14:30:00Z' }),
  tradeJson({ trade_id: 'T-1', symbol: 'AAPL', quantity: 100, price: '187.25', executed_at: '2026-03-11T14:30:00Z' }),
  tradeJson({
    trade_id: 'T-1',
    symbol: 'AAPL',
    quantity: 120,
    price: '187.30',
    executed_at: '2026-03-11T14:30:00Z',
    exec_type: 'CORRECT',
    version: 2,
  }),
  tradeJson({ trade_id: 'T-2', symbol: 'MSFT', quantity: 3, price: '410.5', executed_at: '2026-03-11T15:00:00Z' }),
  '{"trade_id":"T-3","symbol":"MSFT","side":"SELL","quantity":7,"price":410.125,"executed_at":"2026-03-11T16:00:00Z"}',
  tradeJson({ trade_id: 'T-4', symbol: 'SAP', quantity: 9, price: '120', executed_at: '2026-03-10T09:00:00Z' }),
  'not json',
];

const CONTEXT: QueryContext = {
  busiestTradeDate: '2026-03-11',
  busiestRawDate: '2026-03-11',
  quarantineDate: '2026-03-11',
  sampleTrade: { tradeId: 'T-1', firstDate: '2026-03-10', lastDate: '2026-03-11' },
};

let folder: string;
let lake: DuckDbLake;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'duckdb-subset-'));
  const plan = planBatch(kinesisEvent(RECORDS).Records, new Date('2026-03-11T18:00:00Z'));
  const bodies: Buffer[] = [];
  for (const { key, body } of plan.objects) {
    const gz = gzip(body);
    if (key.startsWith('trades/')) bodies.push(gz);
    mkdirSync(dirname(join(folder, key)), { recursive: true });
    writeFileSync(join(folder, key), gz);
  }
  lake = await DuckDbLake.open(
    folder,
    bodies.flatMap((body) => exactPricesOf(body)),
  );
  // The named queries read curated.trades: built with the curation job's own MERGE.
  await lake.curate(new Date('2026-03-11T18:05:00Z'));
});

afterAll(() => {
  lake?.close();
  rmSync(folder, { recursive: true, force: true });
});

const queries = TRADE_QUERIES.map((query) => [query.name, query] as const);

describe('the named queries the local run answers', () => {
  it.each(queries)('%s is inside the subset', (_name, query) => {
    expect(subsetViolations(query.sql(LOCAL_QUERY_TABLES), textColumnsRead(query.tables))).toEqual([]);
  });

  it.each(queries)('%s runs in DuckDB over what the writer stored, and answers', async (_name, query) => {
    const parameters = QUERY_PARAMETERS[query.name]?.(CONTEXT) ?? [];
    const answer = await lake.query(query.sql(LOCAL_QUERY_TABLES), parameters);
    expect(answer.rows.length).toBeGreaterThan(0);
  });

  it.each(queries)('%s answers the same when / divides integers, as in Trino', async (_name, query) => {
    const parameters = QUERY_PARAMETERS[query.name]?.(CONTEXT) ?? [];
    const asDuckDb = await lake.query(query.sql(LOCAL_QUERY_TABLES), parameters);
    await lake.connection.run('SET integer_division = true');
    try {
      expect(await lake.query(query.sql(LOCAL_QUERY_TABLES), parameters)).toEqual(asDuckDb);
    } finally {
      await lake.connection.run('SET integer_division = false');
    }
  });

  it('would catch a query that divides integers: the check is not vacuous', async () => {
    const sql = `SELECT sum(version) / count(*) FROM "trades" WHERE dt = ?`;
    const asDuckDb = await lake.query(sql, ['2026-03-11']);
    await lake.connection.run('SET integer_division = true');
    try {
      expect(await lake.query(sql, ['2026-03-11'])).not.toEqual(asDuckDb);
    } finally {
      await lake.connection.run('SET integer_division = false');
    }
  });
});
