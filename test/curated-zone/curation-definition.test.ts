import jsonata from 'jsonata';
import type { RunPlan } from '../../lambda/curation-planner/contract';
import { newSince, parseState, planRun } from '../../lambda/curation-planner/plan';
import {
  CURATION_METRICS,
  CURATION_STATES,
  curationDefinition,
  RUN_TIMEOUT_SECONDS,
} from '../../lib/curated-zone/curation-definition';
import { INVALID_INPUT_ERROR } from '../../schema/curation/run-contract';
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

/** What a simulated run did: the states entered, in order, and the bodies of the state objects it saved. */
interface SimulatedRun {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly entered: string[];
  readonly savedStates: unknown[];
  readonly output?: any;
}

/**
 * Runs the definition's states in order, as Step Functions would (Next, Choice, an inline Map, Assign,
 * Output, variables scoped to a Map iteration), with every expression evaluated. Each Task's service
 * succeeds with a result shaped as that service's, except the states named in `failing`, which fail
 * after their retries; a failure ends the run (the definition has no Catch).
 */
async function simulateRun(
  plan: RunPlan,
  { failing = [], duplicateTrades = 0 }: { failing?: readonly string[]; duplicateTrades?: number } = {},
): Promise<SimulatedRun> {
  const entered: string[] = [];
  const savedStates: unknown[] = [];
  const context = {
    Execution: { Id: `${STATE_MACHINE_ARN}:run`, StartTime: plan.runStart, Input: {} },
  };
  const service = (name: string, state: any, args: any): unknown => {
    if (failing.includes(name)) throw new Error(`${name} failed after its retries`);
    const resource = String(state.Resource);
    if (resource.endsWith(':sfn:listExecutions')) return { Executions: [] };
    if (resource.endsWith(':lambda:invoke')) return { Payload: JSON.parse(JSON.stringify(plan)) };
    if (resource.endsWith(':athena:startQueryExecution.sync')) return { QueryExecution: { QueryExecutionId: name } };
    if (resource.endsWith(':athena:getQueryResults')) {
      const values = name === S.readDuplicates ? [duplicateTrades] : [10, 10, 0];
      return {
        ResultSet: {
          Rows: [{ Data: [] }, { Data: values.map((value) => ({ VarCharValue: String(value) })) }],
        },
      };
    }
    if (resource.endsWith(':cloudwatch:putMetricData')) return {};
    if (resource.endsWith(':s3:putObject')) {
      expect(args).toMatchObject({ Bucket: curatedBucket, Key: 'curation/state.json' });
      savedStates.push(JSON.parse(args.Body));
      return { ETag: '"e"' };
    }
    throw new Error(`no simulated service for ${resource}`);
  };
  const run = async (
    graph: Record<string, any>,
    startAt: string,
    input: unknown,
    variables: Record<string, unknown>,
  ): Promise<unknown> => {
    const scope = { ...variables };
    let name: string | undefined = startAt;
    let current = input;
    while (name !== undefined) {
      const state: any = graph[name];
      entered.push(name);
      expect(state.Catch).toBeUndefined();
      const bindings = (result?: unknown) => ({ ...scope, states: { input: current, context, result } });
      if (state.Type === 'Succeed')
        return state.Output === undefined ? current : evaluateFields(state.Output, bindings());
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
      let result: unknown = current;
      if (state.Type === 'Task') result = service(name, state, await evaluateFields(state.Arguments, bindings()));
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
  try {
    const output = await run(definition.States, definition.StartAt as string, {}, {});
    return { status: 'SUCCEEDED', entered, savedStates, output };
  } catch (error) {
    if (!String(error).includes('failed after its retries')) throw error;
    return { status: 'FAILED', entered, savedStates };
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
    const perDay: string[] = [S.mergeDay, S.reconcileDay, S.readReconciliation, S.publishReconciliation];
    const toWatermark = sum([S.findOtherRuns, S.plan, S.ensureTable, ...perDay, S.saveState]);
    expect(toWatermark).toBe(6480);
    expect(sum(perDay)).toBe(5460);
    expect(toWatermark).toBeLessThan(RUN_TIMEOUT_SECONDS);
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
  it(`${S.findOtherRuns}: ends the run at once when another execution of this state machine is running`, async () => {
    const state = states[S.findOtherRuns];
    expect(state.Resource).toBe('arn:aws:states:::aws-sdk:sfn:listExecutions');
    expect(state.Arguments).toEqual({ StateMachineArn: STATE_MACHINE_ARN, StatusFilter: 'RUNNING', MaxResults: 100 });
    const executionArn = (name: string) => `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${name}`;
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
    const choice = states[S.anotherRunInProgress];
    expect(await evaluate(choice.Choices[0].Condition, { otherRuns: 1 })).toBe(true);
    expect(await evaluate(choice.Choices[0].Condition, { otherRuns: 0 })).toBe(false);
    expect(choice.Choices[0].Next).toBe(S.skipped);
    expect(states[S.skipped]).toMatchObject({ Type: 'Succeed', Output: { outcome: 'SKIPPED' } });
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
    expect(states[S.anyDays].Default).toBe(S.saveState);
    expect(map.Next).toBe(S.saveState);
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

  it(`${S.reconcileDay} and ${S.readReconciliation}: counts the day with parameters, publishes raw − curated + duplicates`, async () => {
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
    const publish = states[S.publishReconciliation];
    expect(publish.Resource).toBe('arn:aws:states:::aws-sdk:cloudwatch:putMetricData');
    expect(publish.Arguments.Namespace).toBe('TradingDataLake/dev');
    expect(publish.Arguments.MetricData[0]).toMatchObject({
      MetricName: CURATION_METRICS.unreconciledTrades,
      Unit: 'Count',
    });
    expect(await evaluate(publish.Arguments.MetricData[0].Value, { states: { input: output } })).toBe(3);
    expect(publish.End).toBe(true);
  });

  it(`${S.saveState}: saves the new watermark with the last VACUUM's date once the days are merged and reconciled, before any maintenance`, async () => {
    const state = states[S.saveState];
    expect(state.Resource).toBe('arn:aws:states:::aws-sdk:s3:putObject');
    expect(state.Arguments).toMatchObject({
      Bucket: curatedBucket,
      Key: 'curation/state.json',
      ContentType: 'application/json',
    });
    expect(JSON.parse(await evaluate(state.Arguments.Body, { plan: PLAN }))).toStrictEqual({
      version: 1,
      watermark: '2026-01-10T11:45:00.000Z',
      lastVacuumDate: '2026-01-09',
    });
    // Reached from the merges, or straight from the plan when there is nothing to merge; never after maintenance.
    expect(predecessors(S.saveState)).toEqual([S.anyDays, S.mergeDays]);
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

  it(`${S.saveVacuumDate}: saves today as the vacuum date only once VACUUM has succeeded, with the same watermark`, async () => {
    const state = states[S.saveVacuumDate];
    expect(state.Resource).toBe('arn:aws:states:::aws-sdk:s3:putObject');
    expect(state.Arguments).toMatchObject({
      Bucket: curatedBucket,
      Key: 'curation/state.json',
      ContentType: 'application/json',
    });
    expect(PLAN.vacuum).toBe(true);
    expect(JSON.parse(await evaluate(state.Arguments.Body, { plan: PLAN }))).toStrictEqual({
      version: 1,
      watermark: '2026-01-10T11:45:00.000Z',
      lastVacuumDate: '2026-01-10',
    });
    expect(predecessors(S.saveVacuumDate)).toEqual([S.vacuum]);
    expect(predecessors(S.vacuum)).toEqual([S.vacuumDue]);
    expect(state.Next).toBe(S.countDuplicates);
    // Nothing catches a failure: a failed statement fails the run (and its alarm fires).
    for (const candidate of Object.values(states)) expect(candidate.Catch).toBeUndefined();
  });

  it(`${S.curated}: returns the days, their reconciliation and the watermark, as arrays even for one day`, async () => {
    const output = states[S.curated].Output;
    const reconciliation = [
      { day: '2026-01-09', rawTrades: 1, curatedTrades: 1, duplicateRows: 0, unreconciledTrades: 0 },
    ];
    const bindings = { plan: PLAN, reconciliation };
    expect(output.outcome).toBe('CURATED');
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
  const merges = [S.mergeDay, S.reconcileDay, S.readReconciliation, S.publishReconciliation];

  it('whose VACUUM fails: fails, leaving the new watermark with the old vacuum date, so the next run lists from it and vacuums', async () => {
    const run = await simulateRun(DUE, { failing: [S.vacuum] });
    expect(run.status).toBe('FAILED');
    expect(run.entered.slice(run.entered.indexOf(S.mergeDays))).toEqual([
      S.mergeDays,
      ...merges,
      ...merges,
      S.saveState,
      S.anyDaysToOptimize,
      S.optimize,
      S.vacuumDue,
      S.vacuum,
    ]);
    expect(run.savedStates).toStrictEqual([{ version: 1, watermark: NEW_WATERMARK, lastVacuumDate: '2026-01-10' }]);
    const saved = parseState(JSON.stringify(run.savedStates.at(-1)));
    expect(newSince(saved)?.toISOString()).toBe('2026-01-10T23:45:00.000Z');
    const next = planRun({
      runStart: new Date('2026-01-11T01:05:00.000Z'),
      requested: [],
      withNewObjects: [],
      state: saved,
    });
    expect(next.vacuum).toBe(true);
  });

  it('whose OPTIMIZE fails: fails after the watermark moved, before any VACUUM', async () => {
    const run = await simulateRun(DUE, { failing: [S.optimize] });
    expect(run.status).toBe('FAILED');
    expect(run.entered.at(-1)).toBe(S.optimize);
    expect(run.entered).not.toContain(S.vacuum);
    expect(run.savedStates).toStrictEqual([DUE.stateAfterMerge]);
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
    expect(run.savedStates).toStrictEqual([
      { version: 1, watermark: NEW_WATERMARK, lastVacuumDate: '2026-01-10' },
      { version: 1, watermark: NEW_WATERMARK, lastVacuumDate: '2026-01-11' },
    ]);
  });

  it('that succeeds with the day’s maintenance: saves the watermark before OPTIMIZE and the vacuum date right after VACUUM', async () => {
    const run = await simulateRun(DUE, { duplicateTrades: 2 });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.entered.slice(run.entered.indexOf(S.saveState))).toEqual([
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
    expect(run.savedStates).toStrictEqual([DUE.stateAfterMerge, DUE.stateAfterVacuum]);
    expect(run.savedStates.at(-1)).toStrictEqual({
      version: 1,
      watermark: NEW_WATERMARK,
      lastVacuumDate: '2026-01-11',
    });
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
      S.saveState,
      S.anyDaysToOptimize,
      S.vacuumDue,
      S.curated,
    ]);
    expect(run.savedStates).toStrictEqual([
      { version: 1, watermark: '2026-01-11T01:50:00.000Z', lastVacuumDate: '2026-01-11' },
    ]);
    expect(run.output).toMatchObject({ outcome: 'CURATED', days: [], reconciliation: [], vacuumed: false });
  });
});
