import { CURATION_STATE_KEY } from '../../../lambda/curation-planner/contract';
import {
  CLOCK_SKEW_MINUTES,
  InvalidCurationInput,
  MAX_CARRIED_DAYS,
  newSince,
  parseState,
  planRun,
  reconciledDays,
  requestedDays,
} from '../../../lambda/curation-planner/plan';
import { INVALID_INPUT_ERROR } from '../../../schema/curation/run-contract';
import {
  fillSlots,
  mergeStatement,
  mergeTemplate,
  reconciliationParameters,
} from '../../../schema/curation/statements';
import { addDays } from '../../../schema/curation/values';
import { cutoffOf, mergeWindow, namedDayCutoffOf, SETTLE_MINUTES } from '../../../schema/curation/window';

const RUN_START = new Date('2026-01-10T12:00:00.000Z');
const TABLES = { raw: { database: 'raw', table: 'trades' }, curated: { database: 'curated', table: 'trades' } };

describe('the days a run lists', () => {
  it('are the last reconcileDays days, today included, and tomorrow (the writer accepts a day ahead)', () => {
    expect(reconciledDays(RUN_START, 3)).toEqual(['2026-01-08', '2026-01-09', '2026-01-10', '2026-01-11']);
    expect(reconciledDays(RUN_START, 35)).toHaveLength(36);
    expect(reconciledDays(RUN_START, 35)[0]).toBe('2025-12-07');
  });

  it("reach back to the window of the watermark's day, so a trade written after a day's last run is listed the next day", () => {
    // Written at 23:50 on Jan 9, dated on Jan 9's first window day (Jan 7 with 3 days): not late for
    // the writer, and after Jan 9's last run.
    const since = new Date('2026-01-09T23:00:00.000Z');
    expect(reconciledDays(new Date('2026-01-10T00:05:00.000Z'), 3, since)).toEqual([
      '2026-01-07',
      '2026-01-08',
      '2026-01-09',
      '2026-01-10',
      '2026-01-11',
    ]);
    // After a week without a run, back to the window of the first object it may hold.
    expect(reconciledDays(RUN_START, 3, new Date('2026-01-03T12:00:00.000Z'))[0]).toBe('2026-01-01');
    // A watermark of the same day (or a clock ahead) changes nothing.
    expect(reconciledDays(RUN_START, 3, new Date('2026-01-10T09:00:00.000Z'))).toEqual(reconciledDays(RUN_START, 3));
    expect(reconciledDays(RUN_START, 3, new Date('2026-01-11T09:00:00.000Z'))).toEqual(reconciledDays(RUN_START, 3));
  });

  it('refuses a reconcileDays that is not a whole number of at least 1', () => {
    expect(() => reconciledDays(RUN_START, 0)).toThrow('at least 1');
  });
});

describe('the watermark', () => {
  it(`looks ${CLOCK_SKEW_MINUTES} minutes before the last watermark, for clocks that disagree`, () => {
    expect(newSince({ version: 1, watermark: '2026-01-10T10:45:00.000Z' })?.toISOString()).toBe(
      new Date(Date.parse('2026-01-10T10:45:00.000Z') - CLOCK_SKEW_MINUTES * 60_000).toISOString(),
    );
  });

  it('takes every object as new on the first run', () => {
    expect(newSince(undefined)).toBeUndefined();
  });

  it('reads only a state this planner wrote, and says how to start over otherwise', () => {
    expect(parseState('{"version":1,"watermark":"2026-01-10T10:45:00.000Z","lastVacuumDate":"2026-01-10"}')).toEqual({
      version: 1,
      watermark: '2026-01-10T10:45:00.000Z',
      lastVacuumDate: '2026-01-10',
    });
    expect(() => parseState('not json')).toThrow(`delete it to reconcile the whole window`);
    expect(() => parseState('{"version":2,"watermark":"2026-01-10T10:45:00.000Z"}')).toThrow('{"version":1');
    expect(() => parseState('{"version":1,"watermark":"yesterday"}')).toThrow('{"version":1');
    expect(() => parseState('null')).toThrow('{"version":1');
    expect(CURATION_STATE_KEY).toBe('curation/state.json');
  });

  it('reads the days still unreconciled, and refuses a list that is not of calendar dates', () => {
    const watermark = '2026-01-10T10:45:00.000Z';
    expect(parseState(JSON.stringify({ version: 1, watermark, unreconciledDays: ['2026-01-09'] }))).toStrictEqual({
      version: 1,
      watermark,
      lastVacuumDate: undefined,
      unreconciledDays: ['2026-01-09'],
    });
    // A state saved before days were carried has none.
    expect(parseState(JSON.stringify({ version: 1, watermark })).unreconciledDays).toBeUndefined();
    for (const unreconciledDays of ['2026-01-09', ['2026-02-30'], [20260109], [null]]) {
      expect(() => parseState(JSON.stringify({ version: 1, watermark, unreconciledDays }))).toThrow(
        'delete it to reconcile the whole window',
      );
    }
  });
});

describe('the execution input', () => {
  it('names days to merge whatever their age', () => {
    expect(requestedDays({ days: ['2025-03-01'] }, RUN_START)).toEqual(['2025-03-01']);
    expect(requestedDays({}, RUN_START)).toEqual([]);
  });

  it('is refused with InvalidCurationInput (the error the state machine fails the run with), every problem named', () => {
    let thrown: unknown;
    try {
      requestedDays({ days: ['2026-13-01'], dry: true }, RUN_START);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidCurationInput);
    expect((thrown as Error).name).toBe(INVALID_INPUT_ERROR);
    expect((thrown as InvalidCurationInput).problems).toEqual([
      'unknown member "dry": the input takes only "days"',
      'days[0] "2026-13-01": not a calendar date written YYYY-MM-DD',
    ]);
  });
});

describe('the plan of a run', () => {
  const state = { version: 1 as const, watermark: '2026-01-10T10:45:00.000Z', lastVacuumDate: '2026-01-10' };
  const plan = planRun({
    runStart: RUN_START,
    requested: ['2025-03-01', '2026-01-10'],
    withNewObjects: ['2026-01-10', '2026-01-09'],
    state,
  });

  it('merges the days found and the days named, once each, in order', () => {
    expect(plan.dayList).toEqual(['2025-03-01', '2026-01-09', '2026-01-10']);
    expect(plan.days.map(({ day }) => day)).toEqual(plan.dayList);
  });

  it("gives a listed day the MERGE literals and the reconciliation's Athena parameters of its window", () => {
    const window = mergeWindow('2026-01-09', cutoffOf(RUN_START));
    const day = plan.days[1];
    expect(day?.slots).toEqual({
      dt: "'2026-01-09'",
      cutoff: "'2026-01-10T11:45:00.000Z'",
      lookupFrom: "DATE '2026-01-02'",
      lookupTo: "DATE '2026-01-16'",
    });
    expect(day?.reconciliationParameters).toEqual(reconciliationParameters(window).map((value) => `'${value}'`));
    // The template filled with the planned literals is the day's MERGE as schema/curation renders it.
    expect(fillSlots(mergeTemplate('athena', TABLES), { ...day?.slots })).toBe(
      mergeStatement('athena', TABLES, window),
    );
  });

  it('compacts the merged days and moves the watermark to the cutoff once they are merged', () => {
    expect(plan.optimizeSlots).toEqual({
      tradeDates: "DATE '2025-03-01', DATE '2026-01-09', DATE '2026-01-10'",
    });
    expect(plan.cutoff).toBe('2026-01-10T11:45:00.000Z');
    expect(plan.stateAfterMerge).toEqual({ version: 1, watermark: plan.cutoff, lastVacuumDate: '2026-01-10' });
  });

  it('runs VACUUM once a UTC day: not again today, on the first run of the next day', () => {
    expect(plan.vacuum).toBe(false);
    expect(plan.stateAfterVacuum).toBeUndefined();
    const tomorrow = planRun({
      runStart: new Date('2026-01-11T00:05:00.000Z'),
      requested: [],
      withNewObjects: [],
      state,
    });
    expect(tomorrow.vacuum).toBe(true);
    const first = planRun({ runStart: RUN_START, requested: [], withNewObjects: [], state: undefined });
    expect(first.vacuum).toBe(true);
  });

  it('saves the new watermark with the old vacuum date after the merges, and today’s only after VACUUM', () => {
    const tomorrow = planRun({
      runStart: new Date('2026-01-11T00:05:00.000Z'),
      requested: [],
      withNewObjects: ['2026-01-10'],
      state,
    });
    expect(tomorrow.stateAfterMerge).toStrictEqual({
      version: 1,
      watermark: '2026-01-10T23:50:00.000Z',
      lastVacuumDate: '2026-01-10',
    });
    expect(tomorrow.stateAfterVacuum).toStrictEqual({
      version: 1,
      watermark: '2026-01-10T23:50:00.000Z',
      lastVacuumDate: '2026-01-11',
    });
    // Before the first VACUUM the state has no vacuum date at all (the schema parseState reads).
    const first = planRun({ runStart: RUN_START, requested: [], withNewObjects: [], state: undefined });
    expect(first.stateAfterMerge).toStrictEqual({ version: 1, watermark: '2026-01-10T11:45:00.000Z' });
    expect(first.stateAfterVacuum?.lastVacuumDate).toBe('2026-01-10');
    for (const saved of [tomorrow.stateAfterMerge, tomorrow.stateAfterVacuum, first.stateAfterMerge]) {
      expect(parseState(JSON.stringify(saved))).toEqual(saved);
    }
  });

  it('after a run whose VACUUM failed, lists from the new watermark and vacuums again', () => {
    const failedVacuumRun = planRun({
      runStart: new Date('2026-01-11T00:05:00.000Z'),
      requested: [],
      withNewObjects: ['2026-01-10'],
      state,
    });
    // Only the state saved after the merges was written.
    const saved = parseState(JSON.stringify(failedVacuumRun.stateAfterMerge));
    const next = planRun({
      runStart: new Date('2026-01-11T01:05:00.000Z'),
      requested: [],
      withNewObjects: [],
      state: saved,
    });
    expect(newSince(saved)?.toISOString()).toBe('2026-01-10T23:45:00.000Z');
    expect(next.vacuum).toBe(true);
    expect(next.stateAfterVacuum?.lastVacuumDate).toBe('2026-01-11');
    // Had it succeeded, the next run would not vacuum again today.
    const afterVacuum = parseState(JSON.stringify(failedVacuumRun.stateAfterVacuum));
    expect(
      planRun({ runStart: new Date('2026-01-11T01:05:00.000Z'), requested: [], withNewObjects: [], state: afterVacuum })
        .vacuum,
    ).toBe(false);
  });

  it('plans nothing to merge when no day has a new object, and still moves the watermark', () => {
    const idle = planRun({ runStart: RUN_START, requested: [], withNewObjects: [], state });
    expect(idle.days).toEqual([]);
    expect(idle.optimizeSlots).toBeUndefined();
    expect(idle.stateAfterMerge.watermark).toBe(plan.cutoff);
  });
});

describe('the cutoff of each day', () => {
  const state = { version: 1 as const, watermark: '2026-01-10T10:45:00.000Z', lastVacuumDate: '2026-01-10' };
  const plan = planRun({
    runStart: RUN_START,
    requested: ['2025-03-01', '2026-01-10'],
    withNewObjects: ['2026-01-09', '2026-01-10'],
    state,
  });
  const dayPlan = (day: string) => plan.days.find((planned) => planned.day === day);
  const settled = new Date(RUN_START.getTime() - SETTLE_MINUTES * 60_000).toISOString();

  it('is the run’s start for a day the input names: it was asked for after its writes finished', () => {
    expect(namedDayCutoffOf(RUN_START)).toBe('2026-01-10T12:00:00.000Z');
    const named = dayPlan('2025-03-01');
    expect(named?.cutoff).toBe('2026-01-10T12:00:00.000Z');
    expect(named?.slots.cutoff).toBe("'2026-01-10T12:00:00.000Z'");
    // The reconciliation counts up to the same instant as the MERGE.
    expect(named?.reconciliationParameters).toEqual(
      reconciliationParameters(mergeWindow('2025-03-01', '2026-01-10T12:00:00.000Z')).map((value) => `'${value}'`),
    );
  });

  it(`is the start less ${SETTLE_MINUTES} minutes for a day found by listing`, () => {
    expect(dayPlan('2026-01-09')?.cutoff).toBe(settled);
    expect(dayPlan('2026-01-09')?.slots.cutoff).toBe(`'${settled}'`);
    expect(dayPlan('2026-01-09')?.reconciliationParameters[1]).toBe(`'${settled}'`);
  });

  it('is the later of the two for a day both named and listed', () => {
    expect(dayPlan('2026-01-10')?.cutoff).toBe('2026-01-10T12:00:00.000Z');
    expect(plan.days.filter(({ day }) => day === '2026-01-10')).toHaveLength(1);
  });

  it('never moves the watermark: the next run still lists from the settled cutoff', () => {
    const listedOnly = planRun({ runStart: RUN_START, requested: [], withNewObjects: ['2026-01-10'], state });
    expect(plan.cutoff).toBe(settled);
    expect(plan.stateAfterMerge).toEqual({ version: 1, watermark: settled, lastVacuumDate: '2026-01-10' });
    expect(plan.stateAfterMerge).toEqual(listedOnly.stateAfterMerge);
    expect(cutoffOf(RUN_START)).toBe(settled);
  });
});

describe('the days a run left unreconciled', () => {
  const DAY = '2026-01-05';
  const WATERMARK = '2026-01-10T10:45:00.000Z';
  // What run 1 saved: its merge of DAY did not reconcile.
  const afterRun1 = parseState(JSON.stringify({ version: 1, watermark: WATERMARK, unreconciledDays: [DAY] }));

  it('are merged and counted by the next run without a new object, at the settled cutoff', () => {
    const run2 = planRun({ runStart: RUN_START, requested: [], withNewObjects: [], state: afterRun1 });
    expect(run2.dayList).toEqual([DAY]);
    expect(run2.carriedUnreconciledDays).toEqual([DAY]);
    expect(run2.droppedUnreconciledDays).toEqual([]);
    const window = mergeWindow(DAY, cutoffOf(RUN_START));
    expect(run2.days[0]?.cutoff).toBe(cutoffOf(RUN_START));
    expect(run2.days[0]?.reconciliationParameters).toEqual(
      reconciliationParameters(window).map((value) => `'${value}'`),
    );
    expect(run2.optimizeSlots).toEqual({ tradeDates: `DATE '${DAY}'` });
    // The state machine, not the planner, writes which days are still unreconciled after the run.
    expect(run2.stateAfterMerge).toStrictEqual({ version: 1, watermark: cutoffOf(RUN_START) });
  });

  it('are no longer merged once a run counted them right (it saved none)', () => {
    const afterRun2 = parseState(JSON.stringify({ version: 1, watermark: WATERMARK, unreconciledDays: [] }));
    const run3 = planRun({ runStart: RUN_START, requested: [], withNewObjects: [], state: afterRun2 });
    expect(run3.dayList).toEqual([]);
    expect(run3.carriedUnreconciledDays).toEqual([]);
  });

  it('are merged once when also listed or named, at the later cutoff when named', () => {
    const state = parseState(
      JSON.stringify({ version: 1, watermark: WATERMARK, unreconciledDays: ['2026-01-09', '2026-01-10', DAY] }),
    );
    const plan = planRun({ runStart: RUN_START, requested: ['2026-01-10'], withNewObjects: ['2026-01-09'], state });
    expect(plan.dayList).toEqual([DAY, '2026-01-09', '2026-01-10']);
    expect(plan.carriedUnreconciledDays).toEqual([DAY, '2026-01-09', '2026-01-10']);
    expect(plan.days.map(({ day, cutoff }) => [day, cutoff])).toEqual([
      [DAY, cutoffOf(RUN_START)],
      ['2026-01-09', cutoffOf(RUN_START)],
      ['2026-01-10', namedDayCutoffOf(RUN_START)],
    ]);
  });

  it(`are carried ${MAX_CARRIED_DAYS} at most, the newest; the oldest are given up and named, unless listed or named anyway`, () => {
    const unreconciledDays = Array.from({ length: MAX_CARRIED_DAYS + 6 }, (_, index) => addDays('2025-12-01', index));
    const state = parseState(JSON.stringify({ version: 1, watermark: WATERMARK, unreconciledDays }));
    const plan = planRun({ runStart: RUN_START, requested: ['2025-12-02'], withNewObjects: [], state });
    const newest = unreconciledDays.slice(-MAX_CARRIED_DAYS);
    // 2025-12-02 is named: merged anyway, so neither given up nor counted against the bound.
    expect(plan.droppedUnreconciledDays).toEqual([
      '2025-12-01',
      '2025-12-03',
      '2025-12-04',
      '2025-12-05',
      '2025-12-06',
    ]);
    expect(plan.carriedUnreconciledDays).toEqual(['2025-12-02', ...newest]);
    expect(plan.dayList).toEqual(['2025-12-02', ...newest]);
    expect(MAX_CARRIED_DAYS).toBe(14);
  });

  it('come out in order and once each, whatever the state holds', () => {
    const state = parseState(
      JSON.stringify({ version: 1, watermark: WATERMARK, unreconciledDays: ['2026-01-07', DAY, '2026-01-07'] }),
    );
    const plan = planRun({ runStart: RUN_START, requested: [], withNewObjects: [], state });
    expect(plan.dayList).toEqual([DAY, '2026-01-07']);
  });
});
