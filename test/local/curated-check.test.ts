import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExpectedTrade } from '../../cli/produce';
import { checkCurated } from '../../local/curated-check';
import { DuckDbLake } from '../../local/duckdb-lake';

/**
 * The check the local run makes of curated.trades against the generator's expected trades: it must
 * catch each way the table can be wrong, and pass a right one.
 */

const CURATED = { database: 'curated', table: 'trades' };

function expectedTrade(tradeId: string, version: number, status: 'ACTIVE' | 'CANCELLED', tradeDate: string) {
  return {
    tradeId,
    version,
    execType: status === 'CANCELLED' ? 'CANCEL' : version > 1 ? 'CORRECT' : 'NEW',
    status,
    tradeDate,
    event: {
      trade_id: tradeId,
      symbol: 'AAPL',
      side: 'BUY',
      quantity: 1,
      price: '1',
      executed_at: `${tradeDate}T15:00:00Z`,
    },
  } as ExpectedTrade;
}

const EXPECTED: readonly ExpectedTrade[] = [
  expectedTrade('T-1', 1, 'ACTIVE', '2026-03-11'),
  expectedTrade('T-2', 3, 'CANCELLED', '2026-03-11'),
  expectedTrade('T-3', 2, 'ACTIVE', '2026-03-10'),
];

/** The rows of a right table: (trade_id, version, status, trade_date). */
const RIGHT: readonly (readonly [string, number, string, string])[] = [
  ['T-1', 1, 'ACTIVE', '2026-03-11'],
  ['T-2', 3, 'CANCELLED', '2026-03-11'],
  ['T-3', 2, 'ACTIVE', '2026-03-10'],
];

let folder: string;
let lake: DuckDbLake;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'curated-check-'));
  lake = await DuckDbLake.open(folder, []);
  await lake.connection.run('CREATE SCHEMA curated');
});

afterAll(() => {
  lake?.close();
  rmSync(folder, { recursive: true, force: true });
});

async function checkRows(rows: readonly (readonly [string, number, string, string])[]) {
  await lake.connection.run(
    'CREATE OR REPLACE TABLE curated.trades (trade_id VARCHAR, version BIGINT, status VARCHAR, trade_date DATE)',
  );
  for (const [tradeId, version, status, tradeDate] of rows) {
    await lake.connection.run(
      `INSERT INTO curated.trades VALUES ('${tradeId}', ${version}, '${status}', DATE '${tradeDate}')`,
    );
  }
  return checkCurated(lake, CURATED, EXPECTED);
}

describe('the check of curated.trades against the trades sent', () => {
  it('passes a table with each trade once at its latest version, status and trade date', async () => {
    expect(await checkRows(RIGHT)).toEqual({
      rows: 3,
      missing: 0,
      unexpected: 0,
      duplicated: 0,
      wrongVersion: 0,
      wrongStatus: 0,
      wrongTradeDate: 0,
      problems: [],
    });
  });

  it('catches a trade without its row', async () => {
    const check = await checkRows(RIGHT.slice(1));
    expect(check).toMatchObject({ rows: 2, missing: 1, unexpected: 0, wrongVersion: 0 });
    expect(check.problems).toEqual(['1 trades sent have no curated row (e.g. T-1)']);
  });

  it('catches a row of no trade sent', async () => {
    const check = await checkRows([...RIGHT, ['T-9', 1, 'ACTIVE', '2026-03-11']]);
    expect(check).toMatchObject({ rows: 4, unexpected: 1, missing: 0 });
    expect(check.problems).toEqual(['1 curated rows are of no trade sent (e.g. T-9)']);
  });

  it('catches a trade with two rows, such as a far move leaves', async () => {
    const check = await checkRows([...RIGHT, ['T-3', 1, 'ACTIVE', '2026-03-01']]);
    expect(check).toMatchObject({ rows: 4, duplicated: 1 });
    expect(check.problems).toContain('1 trades have more than one curated row (e.g. T-3)');
  });

  it('catches a trade at an older version', async () => {
    const check = await checkRows([RIGHT[0]!, RIGHT[1]!, ['T-3', 1, 'ACTIVE', '2026-03-10']]);
    expect(check).toMatchObject({ wrongVersion: 1, wrongStatus: 0, wrongTradeDate: 0 });
    expect(check.problems).toEqual(['1 trades are not at their latest version (e.g. T-3)']);
  });

  it('catches a cancelled trade shown active, and an active one shown cancelled', async () => {
    const check = await checkRows([
      ['T-1', 1, 'CANCELLED', '2026-03-11'],
      ['T-2', 3, 'ACTIVE', '2026-03-11'],
      RIGHT[2]!,
    ]);
    expect(check).toMatchObject({ wrongStatus: 2, wrongVersion: 0 });
    expect(check.problems).toEqual([
      '2 trades have the wrong status (a cancel is CANCELLED, anything else ACTIVE) (e.g. T-1, T-2)',
    ]);
  });

  it('catches a trade left on the date a correction moved it from', async () => {
    const check = await checkRows([RIGHT[0]!, RIGHT[1]!, ['T-3', 2, 'ACTIVE', '2026-03-11']]);
    expect(check).toMatchObject({ wrongTradeDate: 1 });
    expect(check.problems).toEqual(['1 trades are not on the trade date of their latest event (e.g. T-3)']);
  });

  it('leaves nothing behind in the database it checked in', async () => {
    await checkRows(RIGHT);
    const { rows } = await lake.query(
      `SELECT count(*) FROM information_schema.tables WHERE table_name = 'expected_curated_trades'`,
    );
    expect(rows).toEqual([['0']]);
  });
});
