import jsonata from 'jsonata';
import type { RunPlan } from '../../lambda/curation-planner/contract';
import { planRun } from '../../lambda/curation-planner/plan';
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
    expect(choice.Default).toBe(S.saveState);
    expect(states[S.vacuum].Arguments.QueryString).toBe('VACUUM trading_data_lake_curated_dev.trades');
    expect(states[S.countDuplicates].Arguments.QueryString).toBe(duplicateTradesQuery(TABLES.curated));
    expect(states[S.publishDuplicates].Arguments.MetricData[0].MetricName).toBe(CURATION_METRICS.duplicateTrades);
    expect(states[S.publishDuplicates].Next).toBe(S.anyDuplicates);
  });

  it(`${S.anyDuplicates}: deletes the older rows of duplicated trades only when the check counted some`, async () => {
    const choice = states[S.anyDuplicates];
    expect(await evaluate(choice.Choices[0].Condition, { states: { input: { duplicateTrades: 2 } } })).toBe(true);
    expect(await evaluate(choice.Choices[0].Condition, { states: { input: { duplicateTrades: 0 } } })).toBe(false);
    expect(choice.Choices[0].Next).toBe(S.repairDuplicates);
    expect(choice.Default).toBe(S.saveState);
    expect(states[S.repairDuplicates].Arguments.QueryString).toBe(duplicateRepairStatement(TABLES.curated));
    expect(states[S.repairDuplicates].Next).toBe(S.saveState);
  });

  it(`${S.saveState}: saves the next state in the curated bucket only after every statement succeeded`, async () => {
    const state = states[S.saveState];
    expect(state.Resource).toBe('arn:aws:states:::aws-sdk:s3:putObject');
    expect(state.Arguments).toMatchObject({ Bucket: curatedBucket, Key: 'curation/state.json' });
    expect(JSON.parse(await evaluate(state.Arguments.Body, { plan: PLAN }))).toEqual(PLAN.nextState);
    // Nothing catches a failure: a failed statement fails the run before the watermark moves.
    for (const candidate of Object.values(states)) expect(candidate.Catch).toBeUndefined();
    expect(state.Next).toBe(S.curated);
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
