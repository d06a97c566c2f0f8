import type { DuckDBConnection } from '@duckdb/node-api';
import {
  duplicateRepairStatement,
  duplicateTradesQuery,
  mergeSourceQuery,
  mergeStatement,
  reconciliationParameters,
  reconciliationQuery,
} from '../../../schema/curation/statements';
import { MOVE_WINDOW_DAYS, mergeWindow } from '../../../schema/curation/window';
import { curationDatabase, DUCKDB_TABLES, insertRaw, type RawRow, rawRow, rows } from './support/duckdb';

/**
 * The curation's MERGE run for real in DuckDB (the engine of the local run) over raw rows with
 * duplicates, corrections (one that moves a trade to another date) and cancels, compared with the
 * rows expected. Athena runs the same text but for the timestamp parse (engine.ts); that Athena
 * accepts it is on the first-deploy checklist (docs/curated-zone.md).
 */

const D1 = '2026-01-02';
const D2 = '2026-01-03';
const D5 = '2026-01-06';
const FAR = '2026-01-20';
const CUTOFF = '2026-01-21T00:00:00.000Z';

/** The raw zone of the scenario, day by day, each row as the writer would have stored it. */
const RAW: readonly RawRow[] = [
  // A: one event received three times: the first copy, a Lambda retry of the same record (same
  // sequence number, written again later) and a producer re-send (a later sequence number).
  rawRow({ trade_id: 'A', sequence_number: '100', ingestion_time: '2026-01-02T10:00:02.000Z' }),
  rawRow({ trade_id: 'A', sequence_number: '100', ingestion_time: '2026-01-02T10:05:00.000Z' }),
  rawRow({ trade_id: 'A', sequence_number: '150', ingestion_time: '2026-01-02T10:06:00.000Z' }),
  // B: corrected on the same day.
  rawRow({ trade_id: 'B', price: '50' }),
  rawRow({ trade_id: 'B', exec_type: 'CORRECT', version: 2, price: '50.5' }),
  // C: a correction moves it from D1 to D2 (the writer files the correction under D2).
  rawRow({ trade_id: 'C', executed_at: '2026-01-02T23:59:59Z' }),
  rawRow({ trade_id: 'C', exec_type: 'CORRECT', version: 2, executed_at: '2026-01-03T00:00:01Z', dt: D2 }),
  // D: cancelled; a correction of an older version arrives after the cancel and must not revive it.
  rawRow({ trade_id: 'D', executed_at: '2026-01-03T09:00:00Z', dt: D2 }),
  rawRow({ trade_id: 'D', exec_type: 'CANCEL', version: 3, executed_at: '2026-01-03T09:00:00Z', dt: D2 }),
  rawRow({
    trade_id: 'D',
    exec_type: 'CORRECT',
    version: 2,
    price: '99',
    executed_at: '2026-01-03T09:00:00Z',
    dt: D2,
    ingestion_time: '2026-01-03T12:00:00.000Z',
  }),
  // E: moved four days ahead, then a late copy of its first version is replayed into D1.
  rawRow({ trade_id: 'E' }),
  rawRow({ trade_id: 'E', exec_type: 'CORRECT', version: 2, executed_at: '2026-01-06T08:00:00Z', dt: D5 }),
  rawRow({ trade_id: 'E', sequence_number: '900', ingestion_time: '2026-01-07T00:00:00.000Z' }),
  // F: a 20-digit integer id, an 18-decimal price, no currency: kept exact, USD.
  rawRow({ trade_id: '12345678901234567890', price: '0.000000000000000001' }),
  // G: an offset just after midnight UTC, nanoseconds: the UTC time, to the microsecond, truncated.
  rawRow({ trade_id: 'G', executed_at: '2026-01-03T05:29:59.123456789+05:30', currency: 'EUR', price: '1.5e2' }),
  // K: one event twice in one KPL aggregate (same sequence number): the later user record wins.
  rawRow({ trade_id: 'K', sequence_number: '700', sub_sequence_number: 3 }),
  rawRow({ trade_id: 'K', sequence_number: '700', sub_sequence_number: 0 }),
  // H: ingested after the run's cutoff: the next run merges it, never this one.
  rawRow({ trade_id: 'H', ingestion_time: '2026-01-21T00:00:00.000Z' }),
];

/** What curated.trades must hold after the days are merged, with the run's cutoff. */
const EXPECTED = [
  {
    trade_id: '12345678901234567890',
    version: '1',
    status: 'ACTIVE',
    trade_date: D1,
    price: '0.000000000000000001',
    currency: 'USD',
  },
  { trade_id: 'A', version: '1', status: 'ACTIVE', trade_date: D1, sequence_number: '150', exec_type: 'NEW' },
  {
    trade_id: 'B',
    version: '2',
    status: 'ACTIVE',
    trade_date: D1,
    price: '50.500000000000000000',
    exec_type: 'CORRECT',
  },
  { trade_id: 'C', version: '2', status: 'ACTIVE', trade_date: D2, executed_at: '2026-01-03 00:00:01' },
  {
    trade_id: 'D',
    version: '3',
    status: 'CANCELLED',
    trade_date: D2,
    exec_type: 'CANCEL',
    price: '101.250000000000000000',
  },
  { trade_id: 'E', version: '2', status: 'ACTIVE', trade_date: D5, executed_at: '2026-01-06 08:00:00' },
  {
    trade_id: 'G',
    version: '1',
    status: 'ACTIVE',
    trade_date: D1,
    executed_at: '2026-01-02 23:59:59.123456',
    price: '150.000000000000000000',
    currency: 'EUR',
  },
  { trade_id: 'K', version: '1', status: 'ACTIVE', trade_date: D1, sequence_number: '700', sub_sequence_number: 3 },
];

const CURATED_ROWS = `SELECT trade_id, symbol, side, quantity, price, executed_at, currency, exec_type, version, status,
       trade_date, shard_id, sequence_number, sub_sequence_number, ingestion_time
FROM curated.trades ORDER BY trade_id`;

async function merge(connection: DuckDBConnection, days: readonly string[], cutoff = CUTOFF): Promise<number> {
  let changed = 0;
  for (const day of days) {
    const [result] = await rows(connection, mergeStatement('duckdb', DUCKDB_TABLES, mergeWindow(day, cutoff)));
    changed += Number(result?.Count ?? 0);
  }
  return changed;
}

async function reconciliation(connection: DuckDBConnection, day: string, cutoff = CUTOFF) {
  const [counts] = await rows(
    connection,
    reconciliationQuery('duckdb', DUCKDB_TABLES),
    reconciliationParameters(mergeWindow(day, cutoff)),
  );
  return counts;
}

describe.each([
  ['in date order', [D1, D2, D5]],
  ['in reverse date order', [D5, D2, D1]],
])('the MERGE of three days %s', (_order, days) => {
  let connection: DuckDBConnection;
  let close: () => void;
  beforeAll(async () => {
    ({ connection, close } = await curationDatabase());
    await insertRaw(connection, RAW);
    await merge(connection, days);
  });
  afterAll(() => close());

  it('keeps one row per trade: the highest version, then the latest copy, cancels kept as CANCELLED', async () => {
    const curated = await rows(connection, CURATED_ROWS);
    expect(curated).toEqual(EXPECTED.map((expected) => expect.objectContaining(expected)));
  });

  it('moves a corrected trade to the date of its correction, and a late copy of its old version moves nothing', async () => {
    const moved = await rows(
      connection,
      "SELECT trade_id, trade_date FROM curated.trades WHERE trade_id IN ('C', 'E') ORDER BY trade_id",
    );
    expect(moved).toEqual([
      { trade_id: 'C', trade_date: D2 },
      { trade_id: 'E', trade_date: D5 },
    ]);
  });

  it('types the columns as the trade-field table says: decimal(38,18) price, UTC timestamp, defaults applied', async () => {
    const [types] = await rows(
      connection,
      "SELECT typeof(price) AS price, typeof(executed_at) AS executed_at, typeof(trade_date) AS trade_date, typeof(version) AS version FROM curated.trades WHERE trade_id = 'A'",
    );
    expect(types).toEqual({ price: 'DECIMAL(38,18)', executed_at: 'TIMESTAMP', trade_date: 'DATE', version: 'BIGINT' });
  });

  it('changes nothing when the same days are merged again', async () => {
    const before = await rows(connection, CURATED_ROWS);
    expect(await merge(connection, [D1, D2, D5, D1])).toBe(0);
    expect(await rows(connection, CURATED_ROWS)).toEqual(before);
  });

  it('reconciles every merged day: each raw trade of the day curated at that event or a newer one, once', async () => {
    const counts = [];
    for (const day of days) counts.push({ day, ...(await reconciliation(connection, day)) });
    const expected: Record<string, string> = { [D1]: '7', [D2]: '2', [D5]: '1' };
    expect(counts).toEqual(
      days.map((day) => ({ day, raw_trades: expected[day], curated_trades: expected[day], duplicate_rows: '0' })),
    );
  });

  it('leaves out the rows ingested after the cutoff, and merges them in the next run', async () => {
    expect(await rows(connection, "SELECT trade_id FROM curated.trades WHERE trade_id = 'H'")).toEqual([]);
    expect(await merge(connection, [D1], '2026-01-21T00:15:00.000Z')).toBe(1);
    expect(await rows(connection, "SELECT trade_id FROM curated.trades WHERE trade_id = 'H'")).toEqual([
      { trade_id: 'H' },
    ]);
    await connection.run("DELETE FROM curated.trades WHERE trade_id = 'H'");
  });
});

describe('the MERGE source', () => {
  let connection: DuckDBConnection;
  let close: () => void;
  beforeAll(async () => {
    ({ connection, close } = await curationDatabase());
    await insertRaw(connection, RAW);
  });
  afterAll(() => close());

  it('holds exactly one row per trade_id of the day, although the raw day holds some trades three times', async () => {
    const [raw] = await rows(
      connection,
      `SELECT count(*) AS raw_rows, count(DISTINCT trade_id) AS trades FROM trades WHERE dt = '${D1}' AND ingestion_time < '${CUTOFF}'`,
    );
    expect(Number(raw?.raw_rows)).toBeGreaterThan(Number(raw?.trades));
    const [source] = await rows(
      connection,
      `SELECT count(*) AS source_rows, count(DISTINCT trade_id) AS trades FROM (${mergeSourceQuery('duckdb', DUCKDB_TABLES.raw)}) s`,
      [D1, CUTOFF],
    );
    expect(source).toEqual({ source_rows: raw?.trades, trades: raw?.trades });
  });

  it('is needed: DuckDB merges a source with two rows for one trade without an error, keeping one of them', async () => {
    // Athena refuses this MERGE ("a single target table row matches more than one source row"); DuckDB
    // does not, so only the uniqueness above keeps the local run and Athena alike.
    await connection.run(
      "INSERT INTO curated.trades (trade_id, version, trade_date) VALUES ('Z', 1, DATE '2026-01-02')",
    );
    await connection.run(`MERGE INTO curated.trades AS t
USING (SELECT 'Z' AS trade_id, 2 AS version UNION ALL SELECT 'Z', 3) AS s
ON t.trade_id = s.trade_id
WHEN MATCHED THEN UPDATE SET version = s.version`);
    const kept = await rows(connection, "SELECT version FROM curated.trades WHERE trade_id = 'Z'");
    expect(kept).toHaveLength(1);
    expect(['2', '3']).toContain(kept[0]?.version);
  });
});

describe('reconciliation and the duplicate check', () => {
  let connection: DuckDBConnection;
  let close: () => void;
  beforeEach(async () => {
    ({ connection, close } = await curationDatabase());
    await insertRaw(connection, RAW);
    await merge(connection, [D1, D2, D5]);
  });
  afterEach(() => close());

  it('counts a trade the curated table lost', async () => {
    await connection.run("DELETE FROM curated.trades WHERE trade_id = 'B'");
    expect(await reconciliation(connection, D1)).toEqual({ raw_trades: '7', curated_trades: '6', duplicate_rows: '0' });
  });

  it('counts a trade the curated table holds at an older version than the raw day', async () => {
    await connection.run("UPDATE curated.trades SET version = 1 WHERE trade_id = 'B'");
    expect(await reconciliation(connection, D1)).toMatchObject({ raw_trades: '7', curated_trades: '6' });
  });

  it('counts a trade whose price no engine could type (try_cast left it NULL)', async () => {
    await connection.run("UPDATE curated.trades SET price = NULL WHERE trade_id = 'A'");
    expect(await reconciliation(connection, D1)).toMatchObject({ raw_trades: '7', curated_trades: '6' });
  });

  it('counts a second row of one trade within the window', async () => {
    await connection.run(
      "INSERT INTO curated.trades SELECT * REPLACE (DATE '2026-01-04' AS trade_date) FROM curated.trades WHERE trade_id = 'B'",
    );
    expect(await reconciliation(connection, D1)).toMatchObject({ duplicate_rows: '1' });
    expect(await rows(connection, duplicateTradesQuery(DUCKDB_TABLES.curated))).toEqual([{ duplicate_trades: '1' }]);
  });

  it(`gives a trade moved further than ${MOVE_WINDOW_DAYS} days a second row, which the duplicate check counts`, async () => {
    expect(await rows(connection, duplicateTradesQuery(DUCKDB_TABLES.curated))).toEqual([{ duplicate_trades: '0' }]);
    await insertRaw(connection, [
      rawRow({ trade_id: 'B', exec_type: 'CORRECT', version: 3, executed_at: '2026-01-20T10:00:00Z', dt: FAR }),
    ]);
    await merge(connection, [FAR]);
    expect(await rows(connection, duplicateTradesQuery(DUCKDB_TABLES.curated))).toEqual([{ duplicate_trades: '1' }]);
  });

  it('repairs a far move: deletes the older row of a duplicated trade, keeps the newest and every other trade', async () => {
    await insertRaw(connection, [
      rawRow({ trade_id: 'B', exec_type: 'CORRECT', version: 3, executed_at: '2026-01-20T10:00:00Z', dt: FAR }),
    ]);
    await merge(connection, [FAR]);
    const before = await rows(
      connection,
      "SELECT trade_id FROM curated.trades WHERE trade_id <> 'B' ORDER BY trade_id",
    );
    await connection.run(duplicateRepairStatement(DUCKDB_TABLES.curated));
    expect(await rows(connection, duplicateTradesQuery(DUCKDB_TABLES.curated))).toEqual([{ duplicate_trades: '0' }]);
    expect(await rows(connection, "SELECT version, trade_date FROM curated.trades WHERE trade_id = 'B'")).toEqual([
      { version: '3', trade_date: FAR },
    ]);
    expect(
      await rows(connection, "SELECT trade_id FROM curated.trades WHERE trade_id <> 'B' ORDER BY trade_id"),
    ).toEqual(before);
    // Nothing to repair: nothing changes.
    const [result] = await rows(connection, duplicateRepairStatement(DUCKDB_TABLES.curated));
    expect(result?.Count).toBe('0');
  });
});
