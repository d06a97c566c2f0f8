import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzip } from '../../lambda/trade-writer/encode';
import { planBatch } from '../../lambda/trade-writer/plan';
import {
  curatedColumnsRead,
  curatedDataFolder,
  curatedFiles,
  curatedVwapScan,
  vwapColumns,
  vwapQuerySql,
  writeCuratedFiles,
} from '../../local/curated-files';
import { type Curation, DuckDbLake, LOCAL_CURATION_TABLES } from '../../local/duckdb-lake';
import { exactPricesOf } from '../../local/exact-prices';
import { CURATED_COLUMNS } from '../../schema/curation/columns';
import { ddlType } from '../../schema/curation/engine';
import { kinesisEvent, sequenceNumber, tradeJson } from '../../tools/fixtures/trade-events';

/** More fraction digits than a double holds: a Parquet round trip through a double would lose them. */
const LONG_PRICE = '64123.123456789012345678';

const RECORDS = [
  tradeJson({ trade_id: 'T-1', symbol: 'AAPL', price: '187.25', executed_at: '2026-03-11T14:30:00.123456Z' }),
  // T-1 corrected (version 2), T-2 cancelled: the latest events win, the cancel keeps its row.
  tradeJson({
    trade_id: 'T-1',
    symbol: 'AAPL',
    price: '187.50',
    executed_at: '2026-03-11T14:30:00.123456Z',
    exec_type: 'CORRECT',
    version: 2,
  }),
  tradeJson({ trade_id: 'T-2', symbol: 'MSFT', price: LONG_PRICE, executed_at: '2026-03-11T15:00:00Z' }),
  tradeJson({
    trade_id: 'T-2',
    symbol: 'MSFT',
    price: LONG_PRICE,
    executed_at: '2026-03-11T15:00:00Z',
    exec_type: 'CANCEL',
    version: 2,
  }),
  tradeJson({ trade_id: 'T-3', symbol: 'SAP', quantity: 9, price: '120', executed_at: '2026-03-10T09:00:00Z' }),
  tradeJson({ trade_id: 'T-4', symbol: 'SAP', quantity: 3, price: '121', executed_at: '2026-03-11T09:00:00Z' }),
];

let root: string;
let curatedFolder: string;
let lake: DuckDbLake;
let curation: Curation;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'curated-files-'));
  const rawFolder = join(root, 'lake');
  curatedFolder = join(root, 'curated');
  const plan = planBatch(kinesisEvent(RECORDS).Records, new Date('2026-03-11T18:00:00Z'));
  const bodies: Buffer[] = [];
  for (const { key, body } of plan.objects) {
    const gz = gzip(body);
    if (key.startsWith('trades/')) bodies.push(gz);
    mkdirSync(dirname(join(rawFolder, key)), { recursive: true });
    writeFileSync(join(rawFolder, key), gz);
  }
  lake = await DuckDbLake.open(
    rawFolder,
    bodies.flatMap((body) => exactPricesOf(body)),
  );
  curation = await lake.curate(new Date('2026-03-11T18:05:00Z'), curatedFolder);
});

afterAll(() => {
  lake?.close();
  rmSync(root, { recursive: true, force: true });
});

const curatedName = '"curated"."trades"';

describe('the curated table as Parquet files', () => {
  it('merges the raw days one after the other, each reconciled as the job reconciles it', () => {
    expect(curation.days).toEqual(['2026-03-10', '2026-03-11']);
    expect(curation.runs).toEqual([{ cutoff: '2026-03-11T18:05:01.000Z', days: ['2026-03-10', '2026-03-11'] }]);
    expect(curation.reconciliation.map(({ unreconciledTrades }) => unreconciledTrades)).toEqual([0, 0]);
    expect(curation.reconciliation.map(({ rawTrades }) => rawTrades)).toEqual([1, 3]);
    expect(curation.mergedRows).toBe(4);
  });

  it('writes one folder per trade_date under trades/data/, as the Iceberg table is partitioned', () => {
    expect(curation.files).toEqual(['trade_date=2026-03-10/data_0.parquet', 'trade_date=2026-03-11/data_0.parquet']);
    expect(curatedFiles(curatedFolder)).toEqual(curation.files);
    expect(readdirSync(join(curatedFolder, 'trades', 'data')).sort()).toEqual([
      'trade_date=2026-03-10',
      'trade_date=2026-03-11',
    ]);
  });

  it('compresses every column chunk with ZSTD and keeps trade_date in the folder name only', async () => {
    const { rows } = await lake.query(
      `SELECT DISTINCT path_in_schema, compression FROM parquet_metadata('${join(curatedDataFolder(curatedFolder), '*', '*.parquet')}') ORDER BY 1`,
    );
    const inFiles = CURATED_COLUMNS.map(({ name }) => name)
      .filter((name) => name !== 'trade_date')
      .sort();
    expect(rows).toEqual(inFiles.map((name) => [name, 'ZSTD']));
  });

  it('leaves the queries nothing but the files: curated.trades is a view over them, the merged table dropped', async () => {
    const { rows } = await lake.query(
      `SELECT table_type FROM information_schema.tables WHERE table_schema = 'curated' AND table_name = 'trades'`,
    );
    expect(rows).toEqual([['VIEW']]);
    const { rows: sql } = await lake.query(`SELECT sql FROM duckdb_views() WHERE view_name = 'trades'`);
    expect(String(sql[0]?.[0])).toContain(curatedDataFolder(curatedFolder));
  });

  it('reads every column with the type of schema/curation/columns.ts, in table order', async () => {
    const { rows } = await lake.query(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${curatedName})`);
    expect(rows).toEqual(CURATED_COLUMNS.map(({ name, type }) => [name, ddlType('duckdb', type)]));
  });

  it('holds each trade once at its latest event, the cancel kept, the price and time exact after Parquet', async () => {
    const { rows } = await lake.query(
      `SELECT trade_id, version, status, CAST(trade_date AS VARCHAR), CAST(price AS VARCHAR), CAST(executed_at AS VARCHAR) FROM ${curatedName} ORDER BY trade_id`,
    );
    expect(rows).toEqual([
      ['T-1', '2', 'ACTIVE', '2026-03-11', '187.500000000000000000', '2026-03-11 14:30:00.123456'],
      ['T-2', '2', 'CANCELLED', '2026-03-11', `${LONG_PRICE}`, '2026-03-11 15:00:00'],
      ['T-3', '1', 'ACTIVE', '2026-03-10', '120.000000000000000000', '2026-03-10 09:00:00'],
      ['T-4', '1', 'ACTIVE', '2026-03-11', '121.000000000000000000', '2026-03-11 09:00:00'],
    ]);
  });

  it('prunes by trade_date from the folder names: a day reads its own file only', async () => {
    const { rows } = await lake.query(
      `EXPLAIN (FORMAT json) SELECT symbol FROM ${curatedName} WHERE trade_date = CAST('2026-03-10' AS date)`,
    );
    expect(JSON.stringify(JSON.parse(String(rows[0]?.[1])))).toContain('"Scanning Files":"1/2"');
  });

  it('refuses to write into a folder that holds curated files already', async () => {
    await expect(writeCuratedFiles(lake.connection, LOCAL_CURATION_TABLES.curated, curatedFolder)).rejects.toThrow(
      /already holds curated files/,
    );
  });

  it("reads a kept run's files again, without merging, as the recount does", async () => {
    const again = await DuckDbLake.open(join(root, 'lake'), []);
    try {
      await again.openCurated(curatedFolder);
      expect(await again.curatedRows()).toBe(4);
    } finally {
      again.close();
    }
  });

  it('is an empty table of the same columns when no trade was curated', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'curated-empty-'));
    const emptyLake = await DuckDbLake.open(join(empty, 'lake'), []);
    try {
      const result = await emptyLake.curate(new Date('2026-03-11T18:05:00Z'), join(empty, 'curated'));
      expect(result).toMatchObject({ days: [], mergedRows: 0, files: [] });
      expect(await emptyLake.curatedRows()).toBe(0);
      const { rows } = await emptyLake.query(`SELECT column_name FROM (DESCRIBE SELECT * FROM ${curatedName})`);
      expect(rows.map(([name]) => name)).toEqual(CURATED_COLUMNS.map(({ name }) => name));
    } finally {
      emptyLake.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('writes into a temporary folder without one, which close() removes', async () => {
    const other = await DuckDbLake.open(join(root, 'lake'), []);
    const result = await other.curate(new Date('2026-03-11T18:05:00Z'));
    expect(existsSync(curatedDataFolder(result.folder))).toBe(true);
    other.close();
    expect(existsSync(result.folder)).toBe(false);
  });
});

describe('two runs of the curation job, with a cutoff between them (as --chaos runs it)', () => {
  const v1 = (id: string, executedAt = '2026-03-11T14:00:00Z') =>
    tradeJson({ trade_id: id, symbol: 'AAPL', price: '10', executed_at: executedAt });
  const v2 = (id: string, executedAt = '2026-03-11T14:00:00Z') =>
    tradeJson({ trade_id: id, symbol: 'AAPL', price: '11', executed_at: executedAt, exec_type: 'CORRECT', version: 2 });
  // Before the cutoff: three trades, one of them (T-6) corrected already.
  const early = [v1('T-1'), v1('T-5'), v1('T-6'), v2('T-6')];
  // After it: T-1's correction (an update of a row the first run wrote), T-5's moving it a day back,
  // then stale copies of the first versions of all three, byte for byte, at later stream positions.
  const late = [v2('T-1'), v2('T-5', '2026-03-10T14:00:00Z'), v1('T-1'), v1('T-5'), v1('T-6')];
  const CUTOFF = new Date('2026-03-11T12:30:00Z');
  let twoRuns: Curation;
  let runsLake: DuckDbLake;
  let runsRoot: string;

  beforeAll(async () => {
    runsRoot = mkdtempSync(join(tmpdir(), 'curation-runs-'));
    const rawFolder = join(runsRoot, 'lake');
    const batches: [readonly string[], number, Date][] = [
      [early, 0, new Date('2026-03-11T12:00:00Z')],
      [late, 100, new Date('2026-03-11T13:00:00Z')],
    ];
    for (const [texts, first, ingestedAt] of batches) {
      const specs = texts.map((text, i) => ({ text, sequenceNumber: sequenceNumber(first + i) }));
      for (const { key, body } of planBatch(kinesisEvent(specs).Records, ingestedAt).objects) {
        mkdirSync(dirname(join(rawFolder, key)), { recursive: true });
        writeFileSync(join(rawFolder, key), gzip(body));
      }
    }
    runsLake = await DuckDbLake.open(rawFolder, []);
    twoRuns = await runsLake.curate(new Date('2026-03-11T13:05:00Z'), join(runsRoot, 'curated'), [CUTOFF]);
  });

  afterAll(() => {
    runsLake?.close();
    rmSync(runsRoot, { recursive: true, force: true });
  });

  it('merges, in the second run, only the days with rows ingested since the first cutoff', () => {
    expect(twoRuns.runs).toEqual([
      { cutoff: CUTOFF.toISOString(), days: ['2026-03-11'] },
      { cutoff: '2026-03-11T13:05:01.000Z', days: ['2026-03-10', '2026-03-11'] },
    ]);
    expect(twoRuns.days).toEqual(['2026-03-10', '2026-03-11']);
    expect(
      twoRuns.reconciliation.map(({ day, cutoff, rawTrades, unreconciledTrades }) => [
        day,
        cutoff,
        rawTrades,
        unreconciledTrades,
      ]),
    ).toEqual([
      ['2026-03-11', CUTOFF.toISOString(), 3, 0],
      ['2026-03-10', '2026-03-11T13:05:01.000Z', 1, 0],
      ['2026-03-11', '2026-03-11T13:05:01.000Z', 3, 0],
    ]);
  });

  it('holds each trade once at its highest version, whatever arrived after it: a correction updates, a stale copy changes nothing', async () => {
    const { rows } = await runsLake.query(
      `SELECT trade_id, version, CAST(trade_date AS VARCHAR), CAST(price AS VARCHAR), sequence_number FROM ${curatedName} ORDER BY trade_id`,
    );
    expect(rows).toEqual([
      ['T-1', '2', '2026-03-11', '11.000000000000000000', sequenceNumber(100)],
      // Moved a day back by its correction; its stale first version, on the old day, did not bring it back.
      ['T-5', '2', '2026-03-10', '11.000000000000000000', sequenceNumber(101)],
      ['T-6', '2', '2026-03-11', '11.000000000000000000', sequenceNumber(3)],
    ]);
  });

  it('refuses cutoffs that do not rise', async () => {
    const other = await DuckDbLake.open(join(runsRoot, 'lake'), []);
    try {
      await expect(
        other.curate(new Date('2026-03-11T13:05:00Z'), undefined, [new Date('2026-03-12T00:00:00Z')]),
      ).rejects.toThrow(/cutoffs must rise/);
    } finally {
      other.close();
    }
  });
});

/** The columns of the curated files DuckDB's plan reads for a query: the scan's projections and filters. */
function scannedColumns(plan: unknown): string[] {
  const found = new Set<string>();
  const names = CURATED_COLUMNS.map(({ name }) => name);
  const visit = (node: { name?: string; extra_info?: Record<string, unknown>; children?: unknown[] }) => {
    if (node.name === 'READ_PARQUET' || node.name === 'PARQUET_SCAN') {
      const info = node.extra_info ?? {};
      const projections = ([] as unknown[]).concat(info.Projections ?? []).map(String);
      const filters = `${info.Filters ?? ''}`;
      for (const name of names) {
        if (projections.includes(name) || new RegExp(`\\b${name}\\b`).test(filters)) found.add(name);
      }
    }
    for (const child of node.children ?? []) visit(child as typeof node);
  };
  for (const node of plan as unknown[]) visit(node as Parameters<typeof visit>[0]);
  return [...found].sort();
}

describe("a day's VWAP over the curated files", () => {
  it('reads the columns the query names, which are the columns DuckDB scans for it', async () => {
    expect(vwapColumns().sort()).toEqual(['currency', 'price', 'quantity', 'status', 'symbol']);
    const sql = vwapQuerySql().replace('?', "'2026-03-11'");
    const { rows } = await lake.query(`EXPLAIN (FORMAT json) ${sql}`);
    expect(scannedColumns(JSON.parse(String(rows[0]?.[1])))).toEqual(vwapColumns().sort());
  });

  it('finds column names outside string literals only, never the partition column', () => {
    expect(curatedColumnsRead(`SELECT symbol FROM t WHERE venue = 'price' AND trade_date = DATE '2026-01-01'`)).toEqual(
      ['symbol', 'venue'],
    );
  });

  it("counts the compressed bytes of those columns' chunks in the day's files, per trade of the day", async () => {
    const scan = await curatedVwapScan(lake.connection, curatedFolder, '2026-03-11');
    const file = join(curatedDataFolder(curatedFolder), 'trade_date=2026-03-11', 'data_0.parquet');
    const { rows } = await lake.query(
      `SELECT path_in_schema, total_compressed_size FROM parquet_metadata('${file}') ORDER BY 1`,
    );
    const chunks: Record<string, number> = Object.fromEntries(
      rows.map(([column, size]) => [String(column), Number(size)]),
    );
    const read = ['currency', 'price', 'quantity', 'status', 'symbol'];
    const bytes = read.reduce((sum, column) => sum + (chunks[column] ?? Number.NaN), 0);
    const all = Object.values(chunks).reduce((sum, size) => sum + size, 0);
    expect(scan).toMatchObject({ day: '2026-03-11', files: 1, trades: 3, bytes });
    expect(scan.bytes).toBeLessThan(all);
    expect(scan.bytesPerTrade).toBeCloseTo(bytes / 3);
    expect(Object.keys(scan.bytesByColumn).sort()).toEqual(read);
  });

  it('counts nothing for a day without files', async () => {
    expect(await curatedVwapScan(lake.connection, curatedFolder, '2026-03-09')).toMatchObject({
      files: 0,
      trades: 0,
      bytes: 0,
      bytesPerTrade: 0,
    });
  });
});
