import type { DuckDBConnection } from '@duckdb/node-api';
import type { DayPlan } from '../../../lambda/curation-planner/contract';
import { planRun } from '../../../lambda/curation-planner/plan';
import {
  fillSlots,
  mergeStatement,
  mergeTemplate,
  reconciliationParameters,
  reconciliationQuery,
} from '../../../schema/curation/statements';
import { cutoffOf, mergeWindow } from '../../../schema/curation/window';
import { curationDatabase, DUCKDB_TABLES, insertRaw, rawRow, rows } from '../../schema/curation/support/duckdb';

/**
 * The review's scenario, run in DuckDB with the plan's own windows: `trades replay` at
 * 2026-03-20T10:00Z recovers a batch of 2026-02-01, a day older than reconcileDays (35) that no
 * hourly run lists again. The writer stamped the replayed rows seconds before the replay started the
 * run. With the settled cutoff (start − 15 min) the day's MERGE left them out and its reconciliation,
 * reading the same window, reported nothing unreconciled: the trades were never curated.
 */

const DAY = '2026-02-01';
const REPLAY_RUN_START = new Date('2026-03-20T10:00:00.000Z');
const ATHENA_TABLES = { raw: { database: 'raw', table: 'trades' }, curated: { database: 'curated', table: 'trades' } };

const REPLAYED = [
  rawRow({
    trade_id: 'R1',
    executed_at: '2026-02-01T15:00:00Z',
    dt: DAY,
    arrival_time: '2026-02-01T15:00:01.000Z',
    ingestion_time: '2026-03-20T09:59:50.000Z',
  }),
  rawRow({
    trade_id: 'R2',
    executed_at: '2026-02-01T16:00:00Z',
    dt: DAY,
    arrival_time: '2026-02-01T16:00:01.000Z',
    ingestion_time: '2026-03-20T09:59:51.000Z',
  }),
];

const plan = planRun({
  runStart: REPLAY_RUN_START,
  requested: [DAY],
  withNewObjects: [],
  state: { version: 1, watermark: '2026-03-20T08:45:00.000Z', lastVacuumDate: '2026-03-20' },
});
const dayPlan = plan.days[0] as DayPlan;

let connection: DuckDBConnection;
let close: () => void;

beforeEach(async () => {
  ({ connection, close } = await curationDatabase());
  await insertRaw(connection, REPLAYED);
});
afterEach(() => close());

async function mergeAndReconcile(cutoff: string) {
  const window = mergeWindow(DAY, cutoff);
  await connection.run(mergeStatement('duckdb', DUCKDB_TABLES, window));
  const [counts] = await rows(
    connection,
    reconciliationQuery('duckdb', DUCKDB_TABLES),
    reconciliationParameters(window),
  );
  const curated = await rows(connection, 'SELECT trade_id FROM curated.trades ORDER BY trade_id');
  return { counts, curated: curated.map(({ trade_id }) => trade_id) };
}

describe('a replayed day older than reconcileDays, named to the run the replay starts', () => {
  it('is planned with the run’s start as its cutoff, in the MERGE literals and the reconciliation alike', () => {
    expect(plan.dayList).toEqual([DAY]);
    expect(dayPlan.cutoff).toBe('2026-03-20T10:00:00.000Z');
    expect(fillSlots(mergeTemplate('athena', ATHENA_TABLES), { ...dayPlan.slots })).toBe(
      mergeStatement('athena', ATHENA_TABLES, mergeWindow(DAY, dayPlan.cutoff)),
    );
    expect(dayPlan.reconciliationParameters).toEqual(
      reconciliationParameters(mergeWindow(DAY, dayPlan.cutoff)).map((value) => `'${value}'`),
    );
    // The watermark the run saves is still the settled one.
    expect(plan.stateAfterMerge.watermark).toBe('2026-03-20T09:45:00.000Z');
  });

  it('merges the rows ingested at 09:59:50Z, and reconciles them', async () => {
    const { counts, curated } = await mergeAndReconcile(dayPlan.cutoff);
    expect(curated).toEqual(['R1', 'R2']);
    expect(counts).toEqual({ raw_trades: '2', curated_trades: '2', duplicate_rows: '0' });
  });

  it('would have lost them with the settled cutoff, with a reconciliation that saw nothing missing', async () => {
    const { counts, curated } = await mergeAndReconcile(cutoffOf(REPLAY_RUN_START));
    expect(curated).toEqual([]);
    expect(counts).toEqual({ raw_trades: '0', curated_trades: '0', duplicate_rows: '0' });
  });
});
