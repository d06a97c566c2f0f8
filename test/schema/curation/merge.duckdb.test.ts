import type { DuckDBConnection } from '@duckdb/node-api';
import {
  duplicateRepairSourceQuery,
  duplicateRepairStatement,
  duplicateTradesQuery,
  mergeSourceParameters,
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
    // Two curated rows of A within the window (what a far move leaves until the repair): the source's
    // join with the target must still give A one row.
    await connection.run(
      "INSERT INTO curated.trades (trade_id, version, sequence_number, trade_date) VALUES ('A', 1, '1', DATE '2026-01-02'), ('A', 1, '2', DATE '2026-01-05')",
    );
  });
  afterAll(() => close());

  it('holds exactly one row per trade_id of the day, although the raw day holds some trades three times and the window two rows of one', async () => {
    const [raw] = await rows(
      connection,
      `SELECT count(*) AS raw_rows, count(DISTINCT trade_id) AS trades FROM trades WHERE dt = '${D1}' AND ingestion_time < '${CUTOFF}'`,
    );
    expect(Number(raw?.raw_rows)).toBeGreaterThan(Number(raw?.trades));
    const [source] = await rows(
      connection,
      `SELECT count(*) AS source_rows, count(DISTINCT trade_id) AS trades FROM (${mergeSourceQuery('duckdb', DUCKDB_TABLES)}) s`,
      mergeSourceParameters(mergeWindow(D1, CUTOFF)),
    );
    expect(source).toEqual({ source_rows: raw?.trades, trades: raw?.trades });
  });

  it('names, for a trade with two rows in the window, the higher one as the row to replace; for a new trade, none', async () => {
    const targets = await rows(
      connection,
      `SELECT trade_id, target_trade_date, target_sequence_number FROM (${mergeSourceQuery('duckdb', DUCKDB_TABLES)}) s WHERE trade_id IN ('A', 'B') ORDER BY trade_id`,
      mergeSourceParameters(mergeWindow(D1, CUTOFF)),
    );
    expect(targets).toEqual([
      { trade_id: 'A', target_trade_date: '2026-01-05', target_sequence_number: '2' },
      { trade_id: 'B', target_trade_date: null, target_sequence_number: null },
    ]);
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

// A trade moved further than the window, then back within reach of both of its rows before the daily
// repair (the review's case): v1 on A; v2 moves it ten days back, to B, leaving v1's row (the MERGE of
// B does not reach A); v3 moves it to C, whose window holds both rows.
const A = '2026-01-12';
const B = '2026-01-02';
const C = '2026-01-07';
const MOVED: readonly RawRow[] = [
  rawRow({ trade_id: 'M', executed_at: '2026-01-12T10:00:00Z', dt: A }),
  rawRow({ trade_id: 'M', exec_type: 'CORRECT', version: 2, executed_at: '2026-01-02T10:00:00Z', dt: B }),
  rawRow({ trade_id: 'M', exec_type: 'CORRECT', version: 3, price: '102', executed_at: '2026-01-07T10:00:00Z', dt: C }),
  // N: a trade of day C nobody moves, which neither the MERGE nor the repair may disturb.
  rawRow({ trade_id: 'N', executed_at: '2026-01-07T11:00:00Z', dt: C }),
];

const ROWS_OF_M = `SELECT version, trade_date, price, sequence_number, ingestion_time
FROM curated.trades WHERE trade_id = 'M' ORDER BY version`;

/** Rows of one trade that share a trade_date and an event: rows nothing can tell apart. */
const ALIKE_ROWS = `SELECT count(*) AS alike
FROM (
  SELECT trade_id FROM curated.trades
  GROUP BY trade_id, trade_date, version, sequence_number, sub_sequence_number
  HAVING count(*) > 1
) alike`;

async function repair(connection: DuckDBConnection): Promise<number> {
  const [result] = await rows(connection, duplicateRepairStatement(DUCKDB_TABLES.curated));
  return Number(result?.Count ?? 0);
}

describe(`a trade moved more than ${MOVE_WINDOW_DAYS} days, then back within reach of both its rows before the repair`, () => {
  let connection: DuckDBConnection;
  let close: () => void;
  beforeAll(async () => {
    ({ connection, close } = await curationDatabase());
    await insertRaw(connection, MOVED);
  });
  afterAll(() => close());

  it('has two rows after the far move, as the duplicate check says', async () => {
    await merge(connection, [A, B]);
    expect(await rows(connection, 'SELECT version, trade_date FROM curated.trades ORDER BY version')).toEqual([
      { version: '1', trade_date: A },
      { version: '2', trade_date: B },
    ]);
    expect(await rows(connection, duplicateTradesQuery(DUCKDB_TABLES.curated))).toEqual([{ duplicate_trades: '1' }]);
  });

  it('replaces only the winning row of the two when day C is merged, and leaves the other row untouched', async () => {
    const [olderRow] = await rows(connection, `${ROWS_OF_M} LIMIT 1`);
    // The trade M and the new trade N: one row each, never both rows of M.
    expect(await merge(connection, [C])).toBe(2);
    expect(await rows(connection, ROWS_OF_M)).toEqual([
      olderRow,
      expect.objectContaining({ version: '3', trade_date: C, price: '102.000000000000000000' }),
    ]);
    expect(await rows(connection, ALIKE_ROWS)).toEqual([{ alike: '0' }]);
  });

  it('changes nothing when the three days are merged again before the repair', async () => {
    const before = await rows(connection, CURATED_ROWS);
    expect(await merge(connection, [A, B, C])).toBe(0);
    expect(await rows(connection, CURATED_ROWS)).toEqual(before);
  });

  it('ends, after the repair, with exactly one row of the trade, at v3 on the date of v3, and every other trade kept', async () => {
    expect(await reconciliation(connection, C)).toEqual({ raw_trades: '2', curated_trades: '2', duplicate_rows: '1' });
    expect(await repair(connection)).toBe(1);
    expect(
      await rows(connection, 'SELECT trade_id, version, trade_date FROM curated.trades ORDER BY trade_id'),
    ).toEqual([
      { trade_id: 'M', version: '3', trade_date: C },
      { trade_id: 'N', version: '1', trade_date: C },
    ]);
    expect(await rows(connection, duplicateTradesQuery(DUCKDB_TABLES.curated))).toEqual([{ duplicate_trades: '0' }]);
    expect(await reconciliation(connection, C)).toEqual({ raw_trades: '2', curated_trades: '2', duplicate_rows: '0' });
    expect(await repair(connection)).toBe(0);
  });
});

const ORDERS = [
  [A, B, C],
  [A, C, B],
  [B, A, C],
  [B, C, A],
  [C, A, B],
  [C, B, A],
];

it.each(ORDERS)(
  'merging the three days in the order %s, %s, %s never makes two rows of a trade alike, and the repair leaves the v3 row alone',
  async (...days) => {
    const { connection, close } = await curationDatabase();
    try {
      await insertRaw(connection, MOVED);
      for (const day of days) {
        await merge(connection, [day]);
        expect({ day, ...(await rows(connection, ALIKE_ROWS))[0] }).toEqual({ day, alike: '0' });
      }
      await repair(connection);
      expect(await rows(connection, "SELECT version, trade_date FROM curated.trades WHERE trade_id = 'M'")).toEqual([
        { version: '3', trade_date: C },
      ]);
    } finally {
      close();
    }
  },
);

describe('the duplicate repair, whatever rows it finds', () => {
  let connection: DuckDBConnection;
  let close: () => void;
  beforeEach(async () => {
    ({ connection, close } = await curationDatabase());
    await insertRaw(connection, MOVED);
    await merge(connection, [A, B, C]);
    await repair(connection);
  });
  afterEach(() => close());

  /** Adds a copy of M's v3 row with some columns replaced (DuckDB's `* REPLACE`; a test fixture only). */
  const copyOfM = (replaced: string) =>
    connection.run(
      `INSERT INTO curated.trades SELECT * REPLACE (${replaced}) FROM curated.trades WHERE trade_id = 'M' AND version = 3 LIMIT 1`,
    );

  it('keeps the winner when an older row shares its trade_date', async () => {
    await copyOfM("CAST(2 AS BIGINT) AS version, '1' AS sequence_number");
    expect(await repair(connection)).toBe(1);
    expect(await rows(connection, "SELECT version, trade_date FROM curated.trades WHERE trade_id = 'M'")).toEqual([
      { version: '3', trade_date: C },
    ]);
  });

  it('deletes the two older of three rows of a trade, from a source with one row per trade (Athena refuses more)', async () => {
    await copyOfM("CAST(1 AS BIGINT) AS version, DATE '2025-12-01' AS trade_date");
    await copyOfM("CAST(2 AS BIGINT) AS version, DATE '2026-02-01' AS trade_date");
    const [source] = await rows(
      connection,
      `SELECT count(*) AS source_rows, count(DISTINCT trade_id) AS trades FROM (${duplicateRepairSourceQuery(DUCKDB_TABLES.curated)}) s`,
    );
    expect(source).toEqual({ source_rows: '1', trades: '1' });
    expect(await repair(connection)).toBe(2);
    expect(
      await rows(connection, 'SELECT trade_id, version, trade_date FROM curated.trades ORDER BY trade_id'),
    ).toEqual([
      { trade_id: 'M', version: '3', trade_date: C },
      { trade_id: 'N', version: '1', trade_date: C },
    ]);
  });

  it('never deletes every row of a trade: rows alike (what the MERGE matching on the window alone left) are kept, and stay counted', async () => {
    await copyOfM("DATE '2026-01-07' AS trade_date");
    await copyOfM("CAST(1 AS BIGINT) AS version, DATE '2026-01-12' AS trade_date");
    expect(await repair(connection)).toBe(1);
    expect(await rows(connection, "SELECT version, trade_date FROM curated.trades WHERE trade_id = 'M'")).toEqual([
      { version: '3', trade_date: C },
      { version: '3', trade_date: C },
    ]);
    // The alarm keeps firing until the trade is repaired by hand (docs/curated-zone.md).
    expect(await rows(connection, duplicateTradesQuery(DUCKDB_TABLES.curated))).toEqual([{ duplicate_trades: '1' }]);
  });
});
