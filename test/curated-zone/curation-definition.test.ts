import jsonata from 'jsonata';
import type { RunPlan } from '../../lambda/curation-planner/contract';
import { newSince, parseState, planRun } from '../../lambda/curation-planner/plan';
import {
  CURATION_METRICS,
  CURATION_STATES,
  curationDefinition,
  RUN_TIMEOUT_SECONDS,
} from '../../lib/curated-zone/curation-definition';
import {
  INVALID_INPUT_ERROR,
  OTHER_RUN_STILL_IN_PROGRESS_ERROR,
  OTHER_RUN_WAIT,
} from '../../schema/curation/run-contract';
import {
  curatedTableDdl,
  duplicateRepairStatement,
  duplicateTradesQuery,
  mergeStatement,
  mergeTemplate,
  optimizeStatement,
  optimizeTemplate,
  reconciliationQuery,
  vacuumStatement,
} from '../../schema/curation/statements';
import type { CurationTables } from '../../schema/curation/tables';
import { mergeWindow } from '../../schema/curation/window';
import { accessModelOf } from '../access/support/access-model';
import type { CfnTemplate } from '../access/support/cfn-resolver';
import { synthApp, TEST_ENV } from '../support/app';
import { logicalIdOf, resourceProps } from '../support/template';

/**
 * The curation state machine's definition, rendered from the synthesized template and checked state
 * by state; its JSONata expressions are evaluated with jsonata 2.0.6, the version Step Functions
 * implements, against inputs shaped as the services return them.
 */

const TABLES: CurationTables = {
  raw: { database: 'trading_data_lake_dev', table: 'trades' },
  curated: { database: 'trading_data_lake_curated_dev', table: 'trades' },
};
const S = CURATION_STATES;
const STATE_MACHINE_ARN = `arn:aws:states:${TEST_ENV.region}:${TEST_ENV.account}:stateMachine:trading-data-lake-dev-curation`;

const { stack, template } = synthApp();
const resolver = accessModelOf(template.toJSON() as CfnTemplate, TEST_ENV).resolver;
const fixed = (token: string) => resolver.resolveString(stack.resolve(token));
const definition = JSON.parse(
  resolver.resolveString(resourceProps(template, logicalIdOf(stack.curated.stateMachine)).DefinitionString),
) as { States: Record<string, any>; [key: string]: unknown };
const states: Record<string, any> = {
  ...definition.States,
  ...definition.States[S.mergeDays].ItemProcessor.States,
};
const curatedBucket = fixed(stack.curated.bucket.bucketName);

/** The JSONata expression inside a `{% … %}` field. */
function expression(field: unknown): string {
  const match = /^\{%([\s\S]*)%\}$/.exec(String(field));
  if (match === null) throw new Error(`not a JSONata field: ${String(field)}`);
  return match[1] as string;
}
/** Evaluates a field's expression; the result as JSON, as Step Functions passes it on (a JSONata sequence is an array). */
async function evaluate(field: unknown, bindings: Record<string, unknown>, input: unknown = {}): Promise<any> {
  const result = await jsonata(expression(field)).evaluate(input, bindings);
  return result === undefined ? undefined : JSON.parse(JSON.stringify(result));
}

const PLAN: RunPlan = planRun({
  runStart: new Date('2026-01-10T12:00:00.000Z'),
  requested: [],
  withNewObjects: ['2026-01-09'],
  state: { version: 1, watermark: '2026-01-10T10:45:00.000Z', lastVacuumDate: '2026-01-09' },
});

/** The states a state can go to next (Next, a Choice's branches and Default), in the top-level graph. */
function successors(state: any): string[] {
  return [
    ...(state.Next === undefined ? [] : [state.Next]),
    ...(state.Choices ?? []).map((choice: any) => choice.Next),
    ...(state.Default === undefined ? [] : [state.Default]),
  ];
}
function predecessors(name: string): string[] {
  return Object.entries(definition.States)
    .filter(([, state]) => successors(state).includes(name))
    .map(([from]) => from)
    .sort();
}

/** Evaluates every `{% … %}` field of a value (Arguments, Output), as Step Functions does. */
async function evaluateFields(value: unknown, bindings: Record<string, unknown>): Promise<any> {
  if (typeof value === 'string') return /^\{%[\s\S]*%\}$/.test(value) ? evaluate(value, bindings) : value;
  if (Array.isArray(value)) return Promise.all(value.map((item) => evaluateFields(item, bindings)));
  if (value !== null && typeof value === 'object') {
    const fields: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) fields[key] = await evaluateFields(field, bindings);
    return fields;
  }
  return value;
}

/** What a simulated run did: the states entered, in order, the state objects it saved and the metrics it published. */
interface SimulatedRun {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly entered: string[];
  readonly savedStates: unknown[];
  /** Each PutMetricData, as `{ name: value }`. */
  readonly published: Record<string, number>[];
  readonly output?: any;
  /** The error of a run that ended in a Fail state. */
  readonly error?: string;
  /** Seconds from the run's start to its end, counting only Wait states. */
  readonly waitedSeconds: number;
}

interface SimulationOptions {
  /** States whose service fails after its retries. */
  readonly failing?: readonly string[];
  readonly duplicateTrades?: number;
  /** The execution input. @default {} */
  readonly input?: unknown;
  /** What each ListExecutions call returns, in turn; the last repeats. @default only this run */
  readonly runningExecutions?: readonly { ExecutionArn: string; StartDate: string }[][];
  /** The reconciliation counts of a day (raw, curated, duplicate rows). @default 10, 10, 0 */
  readonly reconciliationOf?: (day: string) => readonly [number, number, number];
}

const executionArn = (name: string) => `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${name}`;

/**
 * Runs the definition's states in order, as Step Functions would (Next, Choice, Wait, Fail, an inline
 * Map, Assign, Output, variables scoped to a Map iteration), with every expression evaluated and a
 * clock that only Wait states move. Each Task's service succeeds with a result shaped as that
 * service's, except the states named in `failing`, which fail after their retries; a failure ends
 * the run (the definition has no Catch).
 */
async function simulateRun(plan: RunPlan, options: SimulationOptions = {}): Promise<SimulatedRun> {
  const { failing = [], duplicateTrades = 0, input = {}, runningExecutions = [[]] } = options;
  const reconciliationOf = options.reconciliationOf ?? (() => [10, 10, 0] as const);
  const entered: string[] = [];
  const savedStates: unknown[] = [];
  const published: Record<string, number>[] = [];
  const self = executionArn('run');
  const startMillis = Date.parse(plan.runStart);
  let waitedSeconds = 0;
  let listings = 0;
  const contextOf = (stateName: string) => ({
    Execution: { Id: self, StartTime: plan.runStart, Input: input },
    State: { Name: stateName, EnteredTime: new Date(startMillis + waitedSeconds * 1000).toISOString(), RetryCount: 0 },
  });
  const service = (name: string, state: any, args: any, day: any): unknown => {
    if (failing.includes(name)) throw new Error(`${name} failed after its retries`);
    const resource = String(state.Resource);
    if (resource.endsWith(':sfn:listExecutions')) {
      const others = runningExecutions[Math.min(listings, runningExecutions.length - 1)] ?? [];
      listings += 1;
      return { Executions: [{ ExecutionArn: self, StartDate: plan.runStart }, ...others] };
    }
    if (resource.endsWith(':lambda:invoke')) return { Payload: JSON.parse(JSON.stringify(plan)) };
    if (resource.endsWith(':athena:startQueryExecution.sync')) return { QueryExecution: { QueryExecutionId: name } };
    if (resource.endsWith(':athena:getQueryResults')) {
      const values = name === S.readDuplicates ? [duplicateTrades] : reconciliationOf(day.day);
      return {
        ResultSet: {
          Rows: [{ Data: [] }, { Data: values.map((value) => ({ VarCharValue: String(value) })) }],
        },
      };
    }
    if (resource.endsWith(':cloudwatch:putMetricData')) {
      expect(args.Namespace).toBe('TradingDataLake/dev');
      published.push(Object.fromEntries(args.MetricData.map((datum: any) => [datum.MetricName, datum.Value])));
      return {};
    }
    if (resource.endsWith(':s3:putObject')) {
      expect(args).toMatchObject({ Bucket: curatedBucket, Key: 'curation/state.json' });
      savedStates.push(JSON.parse(args.Body));
      return { ETag: '"e"' };
    }
    throw new Error(`no simulated service for ${resource}`);
  };
  class RunFailed extends Error {
    constructor(readonly error: string) {
      super(`the run failed: ${error}`);
    }
  }
  const run = async (
    graph: Record<string, any>,
    startAt: string,
    stateInput: unknown,
    variables: Record<string, unknown>,
  ): Promise<unknown> => {
    const scope = { ...variables };
    let name: string | undefined = startAt;
    let current = stateInput;
    while (name !== undefined) {
      const state: any = graph[name];
      entered.push(name);
      expect(state.Catch).toBeUndefined();
      const context = contextOf(name);
      const bindings = (result?: unknown) => ({ ...scope, states: { input: current, context, result } });
      if (state.Type === 'Succeed')
        return state.Output === undefined ? current : evaluateFields(state.Output, bindings());
      if (state.Type === 'Fail') throw new RunFailed(state.Error);
      if (state.Type === 'Choice') {
        let next: string = state.Default;
        for (const choice of state.Choices) {
          if ((await evaluate(choice.Condition, bindings())) === true) {
            next = choice.Next;
            break;
          }
        }
        name = next;
        continue;
      }
      if (state.Type === 'Wait') {
        waitedSeconds += state.Seconds;
        name = state.Next;
        continue;
      }
      let result: unknown = current;
      if (state.Type === 'Task')
        result = service(name, state, await evaluateFields(state.Arguments, bindings()), scope.day);
      if (state.Type === 'Map') {
        const items = await evaluate(state.Items, bindings());
        const outputs: unknown[] = [];
        for (const item of items)
          outputs.push(await run(state.ItemProcessor.States, state.ItemProcessor.StartAt, item, scope));
        result = outputs;
      }
      // Assign and Output both see the variables as they were when the state was entered.
      const assigned = await evaluateFields(state.Assign ?? {}, bindings(result));
      current = state.Output === undefined ? result : await evaluateFields(state.Output, bindings(result));
      Object.assign(scope, assigned);
      name = state.End === true ? undefined : state.Next;
    }
    return current;
  };
  const ended = { entered, savedStates, published };
  try {
    const output = await run(definition.States, definition.StartAt as string, input, {});
    return { status: 'SUCCEEDED', ...ended, output, waitedSeconds };
  } catch (error) {
    if (error instanceof RunFailed) return { status: 'FAILED', ...ended, error: error.error, waitedSeconds };
    if (!String(error).includes('failed after its retries')) throw error;
    return { status: 'FAILED', ...ended, waitedSeconds };
  }
}

describe('the curation definition', () => {
  it('is the one curation-definition.ts builds, with this stack’s names and ARNs, and JSONata throughout', () => {
    const expected = curationDefinition({
      stateMachineArn: STATE_MACHINE_ARN,
      plannerFunctionArn: fixed(stack.curated.planner.functionArn),
      workGroupName: 'trading-data-lake-dev-curation',
      curatedBucketName: curatedBucket,
      metricsNamespace: 'TradingDataLake/dev',
      statements: {
        ensureTable: curatedTableDdl('athena', TABLES.curated, { bucketName: curatedBucket, prefix: 'trades/' }),
        mergeTemplate: mergeTemplate('athena', TABLES),
        reconciliation: reconciliationQuery('athena', TABLES),
        optimizeTemplate: optimizeTemplate('athena', TABLES.curated) as string,
        vacuum: vacuumStatement('athena', TABLES.curated) as string,
        duplicateTrades: duplicateTradesQuery(TABLES.curated),
        duplicateRepair: duplicateRepairStatement(TABLES.curated),
      },
    });
    expect(definition).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(definition.QueryLanguage).toBe('JSONata');
    expect(definition.TimeoutSeconds).toBe(RUN_TIMEOUT_SECONDS);
  });

  it('gives every Task a timeout and bounded retries, and never retries a timeout', () => {
    const tasks = Object.entries(states).filter(([, state]) => state.Type === 'Task');
    expect(tasks.length).toBeGreaterThanOrEqual(12);
    for (const [name, task] of tasks) {
      expect({ name, timeout: task.TimeoutSeconds > 0 }).toEqual({ name, timeout: true });
      expect(task.Retry.length).toBeGreaterThan(0);
      for (const retry of task.Retry) expect(retry.MaxAttempts).toBeLessThanOrEqual(5);
      expect(task.Retry.find((retry: any) => retry.ErrorEquals.includes('States.Timeout'))?.MaxAttempts).toBe(0);
    }
  });

  it('bounds each step well within the run, and reaches the watermark of a day within it (the figures on STATE_TIMEOUTS)', () => {
    const tasks = Object.values(states).filter((state) => state.Type === 'Task');
    for (const task of tasks) expect(task.TimeoutSeconds).toBeLessThanOrEqual(RUN_TIMEOUT_SECONDS / 3);
    // One attempt of each step, in seconds.
    const sum = (names: readonly string[]) => names.reduce((total, name) => total + states[name].TimeoutSeconds, 0);
    const perDay: string[] = [S.mergeDay, S.reconcileDay, S.readReconciliation];
    const toWatermark = sum([S.findOtherRuns, S.plan, S.ensureTable, ...perDay, S.publishReconciliation, S.saveState]);
    expect(toWatermark).toBe(6480);
    expect(sum(perDay)).toBe(5430);
    expect(toWatermark).toBeLessThan(RUN_TIMEOUT_SECONDS);
    // A run that names days may wait for another one first (the last wait starts just before the
    // limit, and one more check follows it), and still reaches the watermark of a day within its own.
    const longestWait = OTHER_RUN_WAIT.atMostSeconds + OTHER_RUN_WAIT.checkEverySeconds + sum([S.findOtherRuns]);
    expect(states[S.waitForOtherRun].Seconds).toBe(OTHER_RUN_WAIT.checkEverySeconds);
    expect(longestWait + toWatermark).toBe(17610);
    expect(longestWait + toWatermark).toBeLessThan(RUN_TIMEOUT_SECONDS);
    // The maintenance alone may outlast the run: then the run times out, after the watermark was saved.
    const maintenance =
      sum([S.optimize, S.vacuum, S.saveVacuumDate, S.countDuplicates, S.readDuplicates]) +
      sum([S.publishDuplicates, S.repairDuplicates]);
    expect(maintenance).toBe(21690);
    expect(maintenance).toBeGreaterThan(RUN_TIMEOUT_SECONDS);
  });

  it('runs every Athena statement in the curation workgroup, waiting for it to finish (.sync)', () => {
    const athena = Object.values(states).filter((state) => String(state.Resource).includes(':athena:startQuery'));
    expect(athena).toHaveLength(7);
    for (const state of athena) {
      expect(state.Resource).toBe('arn:aws:states:::athena:startQueryExecution.sync');
      expect(state.Arguments.WorkGroup).toBe('trading-data-lake-dev-curation');
    }
  });
});

describe('state by state', () => {
  it(`${S.findOtherRuns}: counts the running executions of this state machine that started before this one`, async () => {
    const state = states[S.findOtherRuns];
    expect(state.Resource).toBe('arn:aws:states:::aws-sdk:sfn:listExecutions');
    expect(state.Arguments).toEqual({ StateMachineArn: STATE_MACHINE_ARN, StatusFilter: 'RUNNING', MaxResults: 100 });
    const self = executionArn('m-this-run');
    const START = '2026-03-11T10:00:00.500Z';
    const otherRuns = (executions: { arn: string; start?: string | number }[]) =>
      evaluate(state.Assign.otherRuns, {
        states: {
          result: {
            Executions: executions.map(({ arn, start }) => ({
              ExecutionArn: arn,
              ...(start === undefined ? {} : { StartDate: start }),
            })),
          },
          context: { Execution: { Id: self, StartTime: START } },
        },
      });
    expect(await otherRuns([{ arn: self, start: START }])).toBe(0);
    expect(await otherRuns([])).toBe(0);
    // An earlier run makes this one skip; a later one does not (it skips itself).
    expect(
      await otherRuns([
        { arn: self, start: START },
        { arn: executionArn('z-earlier'), start: '2026-03-11T10:00:00.200Z' },
      ]),
    ).toBe(1);
    expect(
      await otherRuns([
        { arn: self, start: START },
        { arn: executionArn('a-later'), start: '2026-03-11T10:00:00.800Z' },
      ]),
    ).toBe(0);
    // Started in the same millisecond: the lower ARN goes on, the higher one skips.
    expect(await otherRuns([{ arn: executionArn('a-same'), start: START }])).toBe(1);
    expect(await otherRuns([{ arn: executionArn('z-same'), start: START }])).toBe(0);
    // StartDate as epoch seconds, or missing (counted as earlier).
    expect(
      await otherRuns([{ arn: executionArn('z-epoch'), start: Date.parse('2026-03-11T10:00:00.200Z') / 1000 }]),
    ).toBe(1);
    expect(await otherRuns([{ arn: executionArn('z-unknown') }])).toBe(1);
  });

  it(`${S.anotherRunInProgress}: a run that names no days skips; one that names days waits, for ${OTHER_RUN_WAIT.atMostSeconds / 3600} hours at most, then fails`, async () => {
    const choice = states[S.anotherRunInProgress];
    const START = '2026-03-11T10:00:00.000Z';
    /** Where the Choice goes, `waited` seconds after the run's start. */
    const next = async (otherRuns: number, input: unknown, waited = 0) => {
      const context = {
        Execution: { StartTime: START, Input: input },
        State: { EnteredTime: new Date(Date.parse(START) + waited * 1000).toISOString() },
      };
      for (const rule of choice.Choices) {
        if ((await evaluate(rule.Condition, { otherRuns, states: { context } })) === true) return rule.Next;
      }
      return choice.Default;
    };
    const named = { days: ['2026-01-02'] };
    expect(await next(0, {})).toBe(S.plan);
    expect(await next(0, named, 7200)).toBe(S.plan);
    expect(await next(1, {})).toBe(S.skipped);
    expect(await next(1, { days: [] })).toBe(S.skipped);
    expect(await next(2, named)).toBe(S.waitForOtherRun);
    expect(await next(1, named, OTHER_RUN_WAIT.atMostSeconds - 1)).toBe(S.waitForOtherRun);
    expect(await next(1, named, OTHER_RUN_WAIT.atMostSeconds)).toBe(S.otherRunStillInProgress);
    expect(states[S.skipped]).toMatchObject({ Type: 'Succeed', Output: { outcome: 'SKIPPED' } });
    expect(states[S.waitForOtherRun]).toEqual({
      Type: 'Wait',
      Comment: expect.any(String),
      Seconds: 300,
      Next: S.findOtherRuns,
    });
    expect(states[S.otherRunStillInProgress]).toMatchObject({
      Type: 'Fail',
      Error: OTHER_RUN_STILL_IN_PROGRESS_ERROR,
      Cause: expect.stringContaining('were not merged'),
    });
  });

  it(`${S.plan}: invokes the planner with the execution input and start time, and never retries a refused input`, async () => {
    const state = states[S.plan];
    expect(state.Resource).toBe('arn:aws:states:::lambda:invoke');
    expect(state.Arguments.FunctionName).toBe(fixed(stack.curated.planner.functionArn));
    const context = { Execution: { Input: { days: ['2026-01-02'] }, StartTime: '2026-01-10T12:00:00.000Z' } };
    expect(await evaluate(state.Arguments.Payload.executionInput, { states: { context } })).toEqual({
      days: ['2026-01-02'],
    });
    expect(await evaluate(state.Arguments.Payload.executionStartTime, { states: { context } })).toBe(
      '2026-01-10T12:00:00.000Z',
    );
    expect(state.Retry[0]).toEqual({ ErrorEquals: [INVALID_INPUT_ERROR], MaxAttempts: 0 });
    expect(await evaluate(state.Assign.plan, { states: { result: { Payload: PLAN } } })).toEqual(PLAN);
  });

  it(`${S.ensureTable}: creates the Iceberg table under trades/ of the curated bucket if it does not exist`, () => {
    expect(states[S.ensureTable].Arguments.QueryString).toBe(
      curatedTableDdl('athena', TABLES.curated, { bucketName: curatedBucket, prefix: 'trades/' }),
    );
    expect(states[S.ensureTable].Next).toBe(S.anyDays);
  });

  it(`${S.mergeDays}: one day at a time, even when the plan has a single day`, async () => {
    const map = definition.States[S.mergeDays];
    expect(map.MaxConcurrency).toBe(1);
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'INLINE' });
    // A path to a one-element array gives JSONata a single value; the state needs the array.
    expect(await evaluate(map.Items, { plan: PLAN })).toEqual(JSON.parse(JSON.stringify(PLAN.days)));
    expect(await evaluate(states[S.anyDays].Choices[0].Condition, { plan: PLAN })).toBe(true);
    expect(await evaluate(states[S.anyDays].Choices[0].Condition, { plan: { ...PLAN, dayList: [] } })).toBe(false);
    // Both ways lead to the run's one UnreconciledTrades value, then the watermark.
    expect(states[S.anyDays].Default).toBe(S.publishReconciliation);
    expect(map.Next).toBe(S.publishReconciliation);
    expect(predecessors(S.publishReconciliation)).toEqual([S.anyDays, S.mergeDays]);
    expect(states[S.publishReconciliation].Next).toBe(S.saveState);
    // The days that did not reconcile, as an array whatever their number.
    const day = (name: string, unreconciledTrades: number) => ({
      day: name,
      rawTrades: 10,
      curatedTrades: 10 - unreconciledTrades,
      duplicateRows: 0,
      unreconciledTrades,
    });
    const unreconciled = (result: unknown) => evaluate(map.Assign.unreconciledDays, { states: { result } });
    expect(await unreconciled([day('2026-01-08', 0), day('2026-01-09', 2), day('2026-01-10', 1)])).toEqual([
      '2026-01-09',
      '2026-01-10',
    ]);
    expect(await unreconciled([day('2026-01-09', 2)])).toEqual(['2026-01-09']);
    expect(await unreconciled([day('2026-01-09', 0)])).toEqual([]);
    expect(states[S.loadStatements].Assign.unreconciledDays).toEqual([]);
  });

  it(`${S.mergeDay}: fills the MERGE template with the planned literals: the statement schema/curation renders`, async () => {
    const state = states[S.mergeDay];
    const loaded = states[S.loadStatements].Assign;
    const day = PLAN.days[0];
    const sql = await evaluate(state.Arguments.QueryString, {
      mergeTemplate: loaded.mergeTemplate,
      states: { input: day },
    });
    expect(sql).toBe(mergeStatement('athena', TABLES, mergeWindow('2026-01-09', PLAN.cutoff)));
    expect(state.TimeoutSeconds).toBe(3600);
  });

  it(`${S.reconcileDay} and ${S.readReconciliation}: counts the day with parameters, gives it raw − curated + duplicates`, async () => {
    const day = PLAN.days[0];
    const reconcile = states[S.reconcileDay];
    expect(reconcile.Arguments.QueryString).toBe(reconciliationQuery('athena', TABLES));
    expect(await evaluate(reconcile.Arguments.ExecutionParameters, { day })).toEqual([
      "'2026-01-09'",
      "'2026-01-10T11:45:00.000Z'",
      "'2026-01-02'",
      "'2026-01-16'",
    ]);
    const read = states[S.readReconciliation];
    expect(read.Resource).toBe('arn:aws:states:::athena:getQueryResults');
    const result = {
      ResultSet: {
        Rows: [
          {
            Data: [
              { VarCharValue: 'raw_trades' },
              { VarCharValue: 'curated_trades' },
              { VarCharValue: 'duplicate_rows' },
            ],
          },
          { Data: [{ VarCharValue: '1000' }, { VarCharValue: '998' }, { VarCharValue: '1' }] },
        ],
      },
    };
    const output: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(read.Output))
      output[field] = await evaluate(value, { day, states: { result } });
    expect(output).toEqual({
      day: '2026-01-09',
      rawTrades: 1000,
      curatedTrades: 998,
      duplicateRows: 1,
      unreconciledTrades: 3,
    });
    expect(read.End).toBe(true);
  });

  it(`${S.publishReconciliation}: publishes one value a run, the unreconciled trades of all its days (0 when it merged none)`, async () => {
    const publish = states[S.publishReconciliation];
    expect(publish.Resource).toBe('arn:aws:states:::aws-sdk:cloudwatch:putMetricData');
    expect(publish.Arguments.Namespace).toBe('TradingDataLake/dev');
    expect(publish.Arguments.MetricData).toHaveLength(1);
    expect(publish.Arguments.MetricData[0]).toMatchObject({
      MetricName: CURATION_METRICS.unreconciledTrades,
      Unit: 'Count',
    });
    // No Dimensions: one alarm watches the metric, whichever day it is.
    expect(publish.Arguments.MetricData[0].Dimensions).toBeUndefined();
    const value = (reconciliation: unknown) => evaluate(publish.Arguments.MetricData[0].Value, { reconciliation });
    expect(
      await value([
        { day: '2026-01-08', unreconciledTrades: 3 },
        { day: '2026-01-09', unreconciledTrades: 0 },
        { day: '2026-01-10', unreconciledTrades: 1 },
      ]),
    ).toBe(4);
    expect(await value([{ day: '2026-01-09', unreconciledTrades: 0 }])).toBe(0);
    expect(await value([])).toBe(0);
  });

  it(`${S.saveState}: saves the new watermark, the last VACUUM's date and the days that did not reconcile once the days are merged and reconciled, before any maintenance`, async () => {
    const state = states[S.saveState];
    expect(state.Resource).toBe('arn:aws:states:::aws-sdk:s3:putObject');
    expect(state.Arguments).toMatchObject({
      Bucket: curatedBucket,
      Key: 'curation/state.json',
      ContentType: 'application/json',
    });
    expect(
      JSON.parse(await evaluate(state.Arguments.Body, { plan: PLAN, unreconciledDays: ['2026-01-09'] })),
    ).toStrictEqual({
      version: 1,
      watermark: '2026-01-10T11:45:00.000Z',
      lastVacuumDate: '2026-01-09',
      unreconciledDays: ['2026-01-09'],
    });
    expect(JSON.parse(await evaluate(state.Arguments.Body, { plan: PLAN, unreconciledDays: [] }))).toStrictEqual({
      version: 1,
      watermark: '2026-01-10T11:45:00.000Z',
      lastVacuumDate: '2026-01-09',
      unreconciledDays: [],
    });
    // Reached once the run's value is published, from the merges or straight from the plan; never after maintenance.
    expect(predecessors(S.saveState)).toEqual([S.publishReconciliation]);
    expect(state.Next).toBe(S.anyDaysToOptimize);
    const choice = states[S.anyDaysToOptimize];
    expect(choice.Choices[0].Next).toBe(S.optimize);
    expect(await evaluate(choice.Choices[0].Condition, { plan: PLAN })).toBe(true);
    expect(await evaluate(choice.Choices[0].Condition, { plan: { ...PLAN, dayList: [] } })).toBe(false);
    expect(choice.Default).toBe(S.vacuumDue);
    expect(predecessors(S.optimize)).toEqual([S.anyDaysToOptimize]);
  });

  it(`${S.optimize}: compacts the merged trade dates, one or many`, async () => {
    const state = states[S.optimize];
    const optimizeTemplateSql = states[S.loadStatements].Assign.optimizeTemplate;
    for (const days of [['2026-01-09'], ['2026-01-02', '2026-01-09', '2026-01-10']]) {
      const plan = planRun({
        runStart: new Date('2026-01-10T12:00:00.000Z'),
        requested: days,
        withNewObjects: [],
        state: undefined,
      });
      expect(await evaluate(state.Arguments.QueryString, { optimizeTemplate: optimizeTemplateSql, plan })).toBe(
        optimizeStatement('athena', TABLES.curated, days),
      );
    }
  });

  it(`${S.vacuumDue}: vacuums and counts duplicate trades only when the planner says the day has not had it`, async () => {
    const choice = states[S.vacuumDue];
    expect(await evaluate(choice.Choices[0].Condition, { plan: { vacuum: true } })).toBe(true);
    expect(await evaluate(choice.Choices[0].Condition, { plan: { vacuum: false } })).toBe(false);
    expect(choice.Default).toBe(S.curated);
    expect(states[S.vacuum].Arguments.QueryString).toBe('VACUUM trading_data_lake_curated_dev.trades');
    expect(states[S.vacuum].Next).toBe(S.saveVacuumDate);
    expect(states[S.countDuplicates].Arguments.QueryString).toBe(duplicateTradesQuery(TABLES.curated));
    expect(states[S.publishDuplicates].Arguments.MetricData[0].MetricName).toBe(CURATION_METRICS.duplicateTrades);
    expect(states[S.publishDuplicates].Next).toBe(S.anyDuplicates);
  });

  it(`${S.anyDuplicates}: deletes the older rows of duplicated trades only when the check counted some`, async () => {
    const choice = states[S.anyDuplicates];
    expect(await evaluate(choice.Choices[0].Condition, { states: { input: { duplicateTrades: 2 } } })).toBe(true);
    expect(await evaluate(choice.Choices[0].Condition, { states: { input: { duplicateTrades: 0 } } })).toBe(false);
    expect(choice.Choices[0].Next).toBe(S.repairDuplicates);
    expect(choice.Default).toBe(S.curated);
    expect(states[S.repairDuplicates].Arguments.QueryString).toBe(duplicateRepairStatement(TABLES.curated));
    expect(states[S.repairDuplicates].Next).toBe(S.curated);
  });

  it(`${S.saveVacuumDate}: saves today as the vacuum date only once VACUUM has succeeded, with the same watermark and unreconciled days`, async () => {
    const state = states[S.saveVacuumDate];
    expect(state.Resource).toBe('arn:aws:states:::aws-sdk:s3:putObject');
    expect(state.Arguments).toMatchObject({
      Bucket: curatedBucket,
      Key: 'curation/state.json',
      ContentType: 'application/json',
    });
    expect(PLAN.vacuum).toBe(true);
    // The days still unreconciled are saved again with it: this save must not drop them.
    expect(
      JSON.parse(await evaluate(state.Arguments.Body, { plan: PLAN, unreconciledDays: ['2026-01-09'] })),
    ).toStrictEqual({
      version: 1,
      watermark: '2026-01-10T11:45:00.000Z',
      lastVacuumDate: '2026-01-10',
      unreconciledDays: ['2026-01-09'],
    });
    expect(predecessors(S.saveVacuumDate)).toEqual([S.vacuum]);
    expect(predecessors(S.vacuum)).toEqual([S.vacuumDue]);
    expect(state.Next).toBe(S.countDuplicates);
    // Nothing catches a failure: a failed statement fails the run (and its alarm fires).
    for (const candidate of Object.values(states)) expect(candidate.Catch).toBeUndefined();
  });

  it(`${S.curated}: returns the days, their reconciliation, the watermark and the days left unreconciled, as arrays even for one day`, async () => {
    const output = states[S.curated].Output;
    const reconciliation = [
      { day: '2026-01-09', rawTrades: 1, curatedTrades: 1, duplicateRows: 0, unreconciledTrades: 0 },
    ];
    const bindings = { plan: PLAN, reconciliation, unreconciledDays: [] };
    expect(output.outcome).toBe('CURATED');
    expect(await evaluate(output.unreconciledDays, bindings)).toEqual([]);
    expect(await evaluate(output.unreconciledDays, { ...bindings, unreconciledDays: ['2026-01-09'] })).toEqual([
      '2026-01-09',
    ]);
    expect(await evaluate(output.droppedUnreconciledDays, bindings)).toEqual([]);
    expect(
      await evaluate(output.droppedUnreconciledDays, {
        ...bindings,
        plan: { ...PLAN, droppedUnreconciledDays: ['2025-11-02'] },
      }),
    ).toEqual(['2025-11-02']);
    expect(await evaluate(output.days, bindings)).toEqual(['2026-01-09']);
    expect(await evaluate(output.reconciliation, bindings)).toEqual(reconciliation);
    expect(await evaluate(output.reconciliation, { ...bindings, reconciliation: [] })).toEqual([]);
    expect(await evaluate(output.watermark, bindings)).toBe('2026-01-10T11:45:00.000Z');
    expect(states[S.loadStatements].Assign.reconciliation).toEqual([]);
  });
});

describe('a run, simulated state by state with every expression evaluated', () => {
  const STATE = { version: 1 as const, watermark: '2026-01-10T22:45:00.000Z', lastVacuumDate: '2026-01-10' };
  // The first run of 2026-01-11: two days to merge, and the day's VACUUM due.
  const DUE: RunPlan = planRun({
    runStart: new Date('2026-01-11T00:05:00.000Z'),
    requested: [],
    withNewObjects: ['2026-01-10', '2026-01-11'],
    state: STATE,
  });
  const NEW_WATERMARK = '2026-01-10T23:50:00.000Z';
  const merges = [S.mergeDay, S.reconcileDay, S.readReconciliation];
  /** A saved state, with no day left unreconciled. */
  const saved = (watermark: string, lastVacuumDate: string) => ({
    version: 1,
    watermark,
    lastVacuumDate,
    unreconciledDays: [],
  });

  it('whose VACUUM fails: fails, leaving the new watermark with the old vacuum date, so the next run lists from it and vacuums', async () => {
    const run = await simulateRun(DUE, { failing: [S.vacuum] });
    expect(run.status).toBe('FAILED');
    expect(run.entered.slice(run.entered.indexOf(S.mergeDays))).toEqual([
      S.mergeDays,
      ...merges,
      ...merges,
      S.publishReconciliation,
      S.saveState,
      S.anyDaysToOptimize,
      S.optimize,
      S.vacuumDue,
      S.vacuum,
    ]);
    expect(run.savedStates).toStrictEqual([saved(NEW_WATERMARK, '2026-01-10')]);
    const state = parseState(JSON.stringify(run.savedStates.at(-1)));
    expect(newSince(state)?.toISOString()).toBe('2026-01-10T23:45:00.000Z');
    const next = planRun({
      runStart: new Date('2026-01-11T01:05:00.000Z'),
      requested: [],
      withNewObjects: [],
      state,
    });
    expect(next.vacuum).toBe(true);
  });

  it('whose OPTIMIZE fails: fails after the watermark moved, before any VACUUM', async () => {
    const run = await simulateRun(DUE, { failing: [S.optimize] });
    expect(run.status).toBe('FAILED');
    expect(run.entered.at(-1)).toBe(S.optimize);
    expect(run.entered).not.toContain(S.vacuum);
    expect(run.savedStates).toStrictEqual([{ ...DUE.stateAfterMerge, unreconciledDays: [] }]);
    expect(DUE.stateAfterMerge).toStrictEqual({ version: 1, watermark: NEW_WATERMARK, lastVacuumDate: '2026-01-10' });
  });

  it('whose MERGE fails: fails before the watermark moves, so the next run plans the same days', async () => {
    const run = await simulateRun(DUE, { failing: [S.mergeDay] });
    expect(run.status).toBe('FAILED');
    expect(run.entered).not.toContain(S.saveState);
    expect(run.savedStates).toEqual([]);
  });

  it('whose duplicate check fails: fails after both saves (the check is tried again on the next day’s first run)', async () => {
    const run = await simulateRun(DUE, { failing: [S.countDuplicates] });
    expect(run.status).toBe('FAILED');
    expect(run.savedStates).toStrictEqual([saved(NEW_WATERMARK, '2026-01-10'), saved(NEW_WATERMARK, '2026-01-11')]);
  });

  it('that succeeds with the day’s maintenance: saves the watermark before OPTIMIZE and the vacuum date right after VACUUM', async () => {
    const run = await simulateRun(DUE, { duplicateTrades: 2 });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.entered.slice(run.entered.indexOf(S.publishReconciliation))).toEqual([
      S.publishReconciliation,
      S.saveState,
      S.anyDaysToOptimize,
      S.optimize,
      S.vacuumDue,
      S.vacuum,
      S.saveVacuumDate,
      S.countDuplicates,
      S.readDuplicates,
      S.publishDuplicates,
      S.anyDuplicates,
      S.repairDuplicates,
      S.curated,
    ]);
    expect(run.savedStates).toStrictEqual([
      { ...DUE.stateAfterMerge, unreconciledDays: [] },
      { ...DUE.stateAfterVacuum, unreconciledDays: [] },
    ]);
    expect(run.savedStates.at(-1)).toStrictEqual(saved(NEW_WATERMARK, '2026-01-11'));
    // One UnreconciledTrades value for the run's two days, then the day's DuplicateTrades.
    expect(run.published).toEqual([{ UnreconciledTrades: 0 }, { DuplicateTrades: 2 }]);
    expect(run.output).toMatchObject({
      outcome: 'CURATED',
      days: ['2026-01-10', '2026-01-11'],
      vacuumed: true,
      watermark: NEW_WATERMARK,
    });
    expect(run.output.reconciliation).toHaveLength(2);
  });

  it('with nothing to merge and today’s VACUUM done: saves the watermark and ends, without OPTIMIZE or VACUUM', async () => {
    const idle = planRun({
      runStart: new Date('2026-01-11T02:05:00.000Z'),
      requested: [],
      withNewObjects: [],
      state: { version: 1, watermark: NEW_WATERMARK, lastVacuumDate: '2026-01-11' },
    });
    const run = await simulateRun(idle);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.entered.slice(run.entered.indexOf(S.ensureTable))).toEqual([
      S.ensureTable,
      S.anyDays,
      S.publishReconciliation,
      S.saveState,
      S.anyDaysToOptimize,
      S.vacuumDue,
      S.curated,
    ]);
    expect(run.savedStates).toStrictEqual([saved('2026-01-11T01:50:00.000Z', '2026-01-11')]);
    // Nothing merged and nothing left unreconciled: the run says so with a 0.
    expect(run.published).toEqual([{ UnreconciledTrades: 0 }]);
    expect(run.output).toMatchObject({
      outcome: 'CURATED',
      days: [],
      reconciliation: [],
      vacuumed: false,
      unreconciledDays: [],
      droppedUnreconciledDays: [],
    });
  });
});

describe('a day that does not reconcile, over the runs that follow', () => {
  const DAY = '2026-01-10';
  const STATE = { version: 1 as const, watermark: '2026-01-11T00:50:00.000Z', lastVacuumDate: '2026-01-11' };
  const runAt = (hour: number) => new Date(`2026-01-11T0${hour}:05:00.000Z`);
  const missingTwo = () => [10, 8, 0] as const;
  const reconciled = () => [10, 10, 0] as const;

  it('is merged and counted again by every run, new objects or not, and stays above 0 until a run counts it right', async () => {
    // Run 1: the day has new objects; two of its trades are not in the table after the MERGE.
    const first = planRun({ runStart: runAt(2), requested: [], withNewObjects: [DAY], state: STATE });
    const run1 = await simulateRun(first, { reconciliationOf: missingTwo });
    expect(run1.published).toEqual([{ UnreconciledTrades: 2 }]);
    expect(run1.savedStates).toStrictEqual([{ ...first.stateAfterMerge, unreconciledDays: [DAY] }]);
    expect(run1.output.unreconciledDays).toEqual([DAY]);

    // Run 2: no new object anywhere; the day is merged and counted again, still wrong.
    const second = planRun({
      runStart: runAt(3),
      requested: [],
      withNewObjects: [],
      state: parseState(JSON.stringify(run1.savedStates.at(-1))),
    });
    expect(second.dayList).toEqual([DAY]);
    expect(second.carriedUnreconciledDays).toEqual([DAY]);
    const run2 = await simulateRun(second, { reconciliationOf: missingTwo });
    expect(run2.entered).toContain(S.mergeDay);
    expect(run2.published).toEqual([{ UnreconciledTrades: 2 }]);
    expect(run2.savedStates.at(-1)).toMatchObject({ unreconciledDays: [DAY] });

    // Run 3: merged again, now it counts right: 0, and the day is no longer carried.
    const third = planRun({
      runStart: runAt(4),
      requested: [],
      withNewObjects: [],
      state: parseState(JSON.stringify(run2.savedStates.at(-1))),
    });
    expect(third.dayList).toEqual([DAY]);
    const run3 = await simulateRun(third, { reconciliationOf: reconciled });
    expect(run3.published).toEqual([{ UnreconciledTrades: 0 }]);
    expect(run3.savedStates.at(-1)).toMatchObject({ unreconciledDays: [] });

    // Run 4: nothing to merge any more.
    const fourth = planRun({
      runStart: runAt(5),
      requested: [],
      withNewObjects: [],
      state: parseState(JSON.stringify(run3.savedStates.at(-1))),
    });
    expect(fourth.dayList).toEqual([]);
    expect((await simulateRun(fourth)).published).toEqual([{ UnreconciledTrades: 0 }]);
  });

  it('keeps the run’s one value above 0 when another day of the same run reconciles', async () => {
    const plan = planRun({ runStart: runAt(2), requested: [], withNewObjects: ['2026-01-09', DAY], state: STATE });
    const run = await simulateRun(plan, { reconciliationOf: (day) => (day === DAY ? missingTwo() : reconciled()) });
    expect(run.published).toEqual([{ UnreconciledTrades: 2 }]);
    expect(run.savedStates.at(-1)).toMatchObject({ unreconciledDays: [DAY] });
  });

  it('is saved again with the vacuum date, so the day’s VACUUM does not drop it', async () => {
    const plan = planRun({
      runStart: new Date('2026-01-12T00:05:00.000Z'),
      requested: [],
      withNewObjects: [DAY],
      state: STATE,
    });
    expect(plan.vacuum).toBe(true);
    const run = await simulateRun(plan, { reconciliationOf: missingTwo });
    expect(run.savedStates).toStrictEqual([
      { ...plan.stateAfterMerge, unreconciledDays: [DAY] },
      { ...plan.stateAfterVacuum, unreconciledDays: [DAY] },
    ]);
  });
});

describe('a run that finds another run in progress', () => {
  const RUN_START = new Date('2026-01-11T10:00:00.000Z');
  const STATE = { version: 1 as const, watermark: '2026-01-11T08:45:00.000Z', lastVacuumDate: '2026-01-11' };
  const EARLIER = { ExecutionArn: executionArn('earlier'), StartDate: '2026-01-11T09:00:00.000Z' };
  const NAMED = ['2025-06-30'];
  const named = planRun({ runStart: RUN_START, requested: NAMED, withNewObjects: [], state: STATE });
  const waits = (run: SimulatedRun) => run.entered.filter((name) => name === S.waitForOtherRun).length;

  it('ends SKIPPED at once when it names no days (the schedule’s): the next run lists what it would have', async () => {
    const scheduled = planRun({ runStart: RUN_START, requested: [], withNewObjects: [], state: STATE });
    const run = await simulateRun(scheduled, { runningExecutions: [[EARLIER]] });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.entered).toEqual([S.findOtherRuns, S.anotherRunInProgress, S.skipped]);
    expect(run.output).toMatchObject({ outcome: 'SKIPPED' });
    expect(run.savedStates).toEqual([]);
  });

  it('waits for it when it names days, checking every 5 minutes, and then merges them', async () => {
    const run = await simulateRun(named, {
      input: { days: NAMED },
      runningExecutions: [[EARLIER], [EARLIER], []],
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.entered.slice(0, 9)).toEqual([
      S.findOtherRuns,
      S.anotherRunInProgress,
      S.waitForOtherRun,
      S.findOtherRuns,
      S.anotherRunInProgress,
      S.waitForOtherRun,
      S.findOtherRuns,
      S.anotherRunInProgress,
      S.plan,
    ]);
    expect(run.waitedSeconds).toBe(600);
    expect(run.output).toMatchObject({ outcome: 'CURATED', days: NAMED });
  });

  it(`fails with ${OTHER_RUN_STILL_IN_PROGRESS_ERROR} when the other run is still going after 3 hours, having merged nothing`, async () => {
    const run = await simulateRun(named, { input: { days: NAMED }, runningExecutions: [[EARLIER]] });
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe(OTHER_RUN_STILL_IN_PROGRESS_ERROR);
    expect(waits(run)).toBe(36);
    expect(run.waitedSeconds).toBe(OTHER_RUN_WAIT.atMostSeconds);
    expect(run.entered).not.toContain(S.plan);
    expect(run.entered.at(-1)).toBe(S.otherRunStillInProgress);
    expect(run.savedStates).toEqual([]);
  });

  it('never waits for a run that started after it (that one waits or skips instead)', async () => {
    const later = { ExecutionArn: executionArn('later'), StartDate: '2026-01-11T10:00:01.000Z' };
    const run = await simulateRun(named, { input: { days: NAMED }, runningExecutions: [[later]] });
    expect(waits(run)).toBe(0);
    expect(run.output).toMatchObject({ outcome: 'CURATED', days: NAMED });
  });
});
