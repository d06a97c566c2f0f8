import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { gzip } from '../../lambda/trade-writer/encode';
import { planBatch } from '../../lambda/trade-writer/plan';
import { DuckDbLake } from '../../local/duckdb-lake';
import { exactPricesOf } from '../../local/exact-prices';
import { countLake } from '../../local/lake-count';
import type { LakeObject } from '../../local/lake-mirror';
import { TRADE_DUCKDB_COLUMNS } from '../../schema/layout';
import { kinesisEvent, tradeJson } from '../../tools/fixtures/trade-events';

const INGESTION = new Date('2026-03-11T15:00:00Z');
/** A price with more digits than a double holds, sent as a JSON number. */
const LONG_PRICE = '64123.123456789012345678';

const TRADES = [
  // A JSON number price with 24 significant digits, and a 20-digit integer trade_id.
  `{"trade_id":12345678901234567890,"symbol":"BTC-USD","side":"SELL","quantity":1,"price":${LONG_PRICE},"executed_at":"2026-03-11T00:00:00Z"}`,
  // A trailing zero a double drops; a nested object with a price of its own comes first.
  '{"legs":[{"price":1}],"trade_id":"T-2","symbol":"SAP","side":"BUY","quantity":5,"price":120.50,"executed_at":"2026-03-10T09:00:00Z"}',
  tradeJson({
    trade_id: 'T-3',
    price: '187.250',
    executed_at: '2026-03-11T14:30:00Z',
    exec_type: 'CORRECT',
    version: 2,
  }),
  // The same event again (a producer's re-send): a duplicate, not a new event.
  tradeJson({
    trade_id: 'T-3',
    price: '187.250',
    executed_at: '2026-03-11T14:30:00Z',
    exec_type: 'CORRECT',
    version: 2,
  }),
  tradeJson({ trade_id: 'T-3', price: '187.25', executed_at: '2026-03-11T14:30:00Z' }),
];
const INVALID = ['not json', tradeJson({ side: 'HOLD' })];

let folder: string;
let objects: LakeObject[];
let lake: DuckDbLake;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'duckdb-lake-'));
  // What the writer stores for one batch, and the same batch stored again by a retry under another key.
  const plan = planBatch(kinesisEvent([...TRADES, ...INVALID]).Records, INGESTION);
  objects = plan.objects.flatMap(({ key, body }) => [
    { key, body: gzip(body) },
    { key: key.replace('.jsonl.gz', '-retry.jsonl.gz'), body: gzip(body) },
  ]);
  for (const { key, body } of objects) {
    mkdirSync(dirname(join(folder, key)), { recursive: true });
    writeFileSync(join(folder, key), body);
  }
  lake = await DuckDbLake.open(
    folder,
    objects.filter(({ key }) => key.startsWith('trades/')).flatMap(({ body }) => exactPricesOf(body)),
  );
});

afterAll(() => {
  lake?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('the raw zone in DuckDB', () => {
  it('needs the exact-price pass: DuckDB reads a JSON number through a double, even into VARCHAR', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(
      `SELECT CAST(json_extract('{"price":${LONG_PRICE}}', '$.price') AS VARCHAR), json_extract_string('{"price":120.50}', '$.price')`,
    );
    expect(reader.getRowsJson()[0]).toEqual(['64123.12345678901', '120.5']);
    connection.closeSync();
    instance.closeSync();
  });

  it("gives every price as the producer wrote it, the trade's own and never a nested one", async () => {
    const { rows } = await lake.query(`SELECT DISTINCT trade_id, price FROM "trades" ORDER BY trade_id, price`);
    expect(rows).toEqual([
      ['12345678901234567890', LONG_PRICE],
      ['T-2', '120.50'],
      ['T-3', '187.25'],
      ['T-3', '187.250'],
    ]);
  });

  it('reads the columns with the types of schema/layout.ts, not inferred ones', async () => {
    const { rows } = await lake.query(
      `SELECT column_name, column_type FROM (DESCRIBE SELECT * EXCLUDE (dt) FROM "trades")`,
    );
    expect(rows).toEqual(TRADE_DUCKDB_COLUMNS.map(({ name, type }) => [name, type]));
  });

  it('takes dt from the dt=YYYY-MM-DD folder, as a string compared as one', async () => {
    const { rows } = await lake.query(`SELECT dt, typeof(dt), count(*) FROM "trades" WHERE dt = ? GROUP BY dt`, [
      '2026-03-10',
    ]);
    // Two copies of T-2's line: the object and its retry.
    expect(rows).toEqual([['2026-03-10', 'VARCHAR', '2']]);
  });

  it('counts what landed: distinct events, copies beyond the first, distinct quarantined records', async () => {
    const counted = await countLake(lake, objects);
    expect(counted).toMatchObject({
      // 12345678901234567890, T-2, T-3 CORRECT v2, T-3 NEW v1.
      written: 4,
      // Five trade lines stored twice: ten lines, four events.
      tradeLines: 10,
      duplicates: 6,
      recordCopies: 5,
      quarantined: 2,
      quarantineLines: 4,
      tradeIds: 3,
      tradeObjects: objects.filter(({ key }) => key.startsWith('trades/')).length,
    });
    expect(counted.bytesPerTrade).toBeCloseTo(counted.tradeBytes / 10);
  });

  it('registers an empty table with the same columns when a prefix has no object yet', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'duckdb-empty-'));
    const emptyLake = await DuckDbLake.open(empty, []);
    try {
      expect((await emptyLake.query(`SELECT count(*) FROM "trades"`)).rows).toEqual([['0']]);
      expect((await emptyLake.query(`SELECT count(*) FROM "quarantine" WHERE dt = ?`, ['2026-03-11'])).rows).toEqual([
        ['0'],
      ]);
    } finally {
      emptyLake.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('refuses a statement whose parameters do not match', async () => {
    await expect(lake.query(`SELECT * FROM "trades" WHERE dt = ?`, [])).rejects.toThrow(/takes 1 parameters, 0 given/);
  });
});
