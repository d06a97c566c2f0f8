import { CURATION_STATE_KEY } from '../../lambda/curation-planner/contract';
import {
  INVALID_INPUT_ERROR,
  OTHER_RUN_STILL_IN_PROGRESS_ERROR,
  OTHER_RUN_WAIT,
} from '../../schema/curation/run-contract';

/**
 * The curation job as an Amazon States Language document (JSONata), built as plain data so that a
 * test can read every state and evaluate every expression. Each Task names its resource, its
 * arguments, a timeout and bounded retries; the role that runs it is written by hand
 * (curated-zone.ts), because CDK's AthenaStartQueryExecution grants S3 on `*`, Glue deletes and no
 * KMS (docs/design.md §14).
 *
 * The run: if another run is in progress, end at once when no days are named (the next scheduled run
 * lists what this one would have), or wait for it when days are named (they would be lost), for a
 * bounded time; plan (the planner Lambda checks the input, reads the watermark and the days still
 * unreconciled, and lists the raw prefixes); create the table if it does not exist; for each day, one
 * at a time (Iceberg commits of one table conflict), MERGE it and reconcile it; publish the run's
 * unreconciled trades, one value a run; save the watermark with the days that did not reconcile (the
 * next run merges and counts them again); then the maintenance: OPTIMIZE the days merged; once a
 * day, VACUUM (and save its date), count duplicate trades and delete the older rows of any.
 *
 * A failure before the watermark is saved fails the run with the watermark where it was, so the next
 * run plans the same days again (every statement is idempotent). A maintenance failure fails the run
 * too (no Catch: the failure alarm must fire), but the watermark has moved: the next run merges only
 * what is new, instead of every day since a watermark that a failing VACUUM held back, each hour.
 * The vacuum date moves only once VACUUM has succeeded, so a failed VACUUM is tried again next run.
 */

/** Names of the states, as the execution history shows them. */
export const CURATION_STATES = {
  findOtherRuns: 'FindOtherRuns',
  anotherRunInProgress: 'AnotherRunInProgress',
  skipped: 'SkippedAnotherRunInProgress',
  waitForOtherRun: 'WaitForOtherRun',
  otherRunStillInProgress: 'OtherRunStillInProgress',
  plan: 'PlanRun',
  loadStatements: 'LoadStatements',
  ensureTable: 'EnsureCuratedTable',
  anyDays: 'AnyDaysToMerge',
  mergeDays: 'MergeDays',
  mergeDay: 'MergeDay',
  reconcileDay: 'ReconcileDay',
  readReconciliation: 'ReadReconciliation',
  publishReconciliation: 'PublishUnreconciledTrades',
  optimize: 'OptimizeMergedDays',
  vacuumDue: 'VacuumDue',
  vacuum: 'VacuumCuratedTable',
  countDuplicates: 'CountDuplicateTrades',
  readDuplicates: 'ReadDuplicateTrades',
  publishDuplicates: 'PublishDuplicateTrades',
  anyDuplicates: 'AnyDuplicateTrades',
  repairDuplicates: 'RepairDuplicateTrades',
  saveState: 'SaveWatermark',
  anyDaysToOptimize: 'AnyMergedDaysToOptimize',
  saveVacuumDate: 'SaveVacuumDate',
  curated: 'Curated',
} as const;

/** The job's own metrics (namespace: the stack's), published by the state machine. */
export const CURATION_METRICS = {
  /**
   * Once a run, after its merges: over the days it merged (those still unreconciled from earlier runs
   * among them), raw trades the curated table does not reflect, plus duplicate rows of them. One value
   * a run, not one a day: a day that did not reconcile is carried into every later run until one
   * counts it right, so the value stays above 0 until then, and no reconciled day of the same run
   * publishes a 0 that would clear the alarm meanwhile (the metric has no dimension).
   */
  unreconciledTrades: 'UnreconciledTrades',
  /** Daily: trade_ids with more than one curated row in the whole table. */
  duplicateTrades: 'DuplicateTrades',
} as const;

/** The SQL the job runs: fixed statements as they are, the MERGE and OPTIMIZE as `{slot}` templates. */
export interface CurationStatements {
  readonly ensureTable: string;
  readonly mergeTemplate: string;
  readonly reconciliation: string;
  readonly optimizeTemplate: string;
  readonly vacuum: string;
  readonly duplicateTrades: string;
  readonly duplicateRepair: string;
}

export interface CurationDefinitionProps {
  /** This state machine's ARN, built from its fixed name (the overlap check lists its executions). */
  readonly stateMachineArn: string;
  readonly plannerFunctionArn: string;
  readonly workGroupName: string;
  /** The curated bucket, where the run state is saved. */
  readonly curatedBucketName: string;
  readonly metricsNamespace: string;
  readonly statements: CurationStatements;
}

/** The longest a run may take; an hourly schedule then skips the runs that would overlap. */
export const RUN_TIMEOUT_SECONDS = 6 * 3600;

/**
 * Per-state timeouts (seconds). Athena's own DML timeout (a service quota) may end a query first.
 *
 * How they relate to RUN_TIMEOUT_SECONDS (6 h): each bounds one attempt of one step, and none comes
 * near the run's (the longest, 2 h, is a third of it), so each can fire. Their sum along a run is
 * more than the run's: up to the watermark, one attempt of every step for one day adds up to
 * 1 h 48 min (30 + 360 + 600 + 3600 + 1800 + 30 + 30 + 30 s), each further day 1 h 30.5 min; a run
 * that names days may first wait up to OTHER_RUN_WAIT (3 h, and one more check) for another run,
 * which still leaves it more than one day's 1 h 48 min; the maintenance after the watermark adds up
 * to 6 h 1.5 min on its own (OPTIMIZE and VACUUM 2 h each, the duplicate check and the repair 1 h
 * each, three SDK calls). The run's timeout is what bounds a run: one in which every step is that
 * slow ends TIMED_OUT (and alarms), and since the watermark is saved before the maintenance, a
 * maintenance that runs out the clock costs only itself. Retries multiply a step's
 * time (an Athena step may be attempted three times), which only makes the run's timeout the tighter.
 */
export const STATE_TIMEOUTS = {
  sdkCall: 30,
  plan: 360,
  ddl: 600,
  merge: 3600,
  reconcile: 1800,
  optimize: 7200,
  vacuum: 7200,
  duplicates: 3600,
  repair: 3600,
} as const;

/** A timeout is never retried: the work is too big for its step, and a retry would only repeat it. */
const NO_RETRY_ON_TIMEOUT = { ErrorEquals: ['States.Timeout'], MaxAttempts: 0 };

/** Athena: throttling, then any failure (a query that lost an Iceberg commit race, say) twice. */
const ATHENA_RETRY = [
  NO_RETRY_ON_TIMEOUT,
  {
    ErrorEquals: ['Athena.TooManyRequestsException', 'Athena.InternalServerException'],
    IntervalSeconds: 10,
    MaxAttempts: 5,
    BackoffRate: 2,
    JitterStrategy: 'FULL',
  },
  { ErrorEquals: ['States.ALL'], IntervalSeconds: 60, MaxAttempts: 2, BackoffRate: 2, JitterStrategy: 'FULL' },
];

/** SDK calls (ListExecutions, GetQueryResults, PutMetricData, PutObject): three retries. */
const SDK_RETRY = [
  NO_RETRY_ON_TIMEOUT,
  { ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' },
];

/** The planner: a refused input is final; anything else (Lambda or S3 trouble) is retried. */
const PLANNER_RETRY = [
  { ErrorEquals: [INVALID_INPUT_ERROR], MaxAttempts: 0 },
  NO_RETRY_ON_TIMEOUT,
  { ErrorEquals: ['States.ALL'], IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' },
];

/**
 * JSONata that fills a `{slot}` template held in the variable `$<template>` with the literals of the
 * object `slots` (an expression): what schema/curation's fillSlots does, at run time.
 */
export function fillExpression(template: string, slots: string): string {
  return `{% ( $slots := ${slots}; $reduce($keys($slots), function($sql, $name) { $replace($sql, '{' & $name & '}', $lookup($slots, $name)) }, $${template}) ) %}`;
}

/** The first value of result row `row` (1 = the first row after the header) of a GetQueryResults result. */
function resultValue(column: number): string {
  return `$number($states.result.ResultSet.Rows[1].Data[${column}].VarCharValue)`;
}

/** The ASL document of the curation job. */
export function curationDefinition(props: CurationDefinitionProps): Record<string, unknown> {
  const S = CURATION_STATES;
  const athena = (queryString: string, timeout: number, extra: Record<string, unknown> = {}) => ({
    Type: 'Task',
    Resource: 'arn:aws:states:::athena:startQueryExecution.sync',
    Arguments: { QueryString: queryString, WorkGroup: props.workGroupName, ...extra },
    TimeoutSeconds: timeout,
    Retry: ATHENA_RETRY,
  });
  const queryResults = (next: string | undefined, output: Record<string, string>) => ({
    Type: 'Task',
    Resource: 'arn:aws:states:::athena:getQueryResults',
    Arguments: { QueryExecutionId: '{% $states.input.QueryExecution.QueryExecutionId %}', MaxResults: 2 },
    TimeoutSeconds: STATE_TIMEOUTS.sdkCall,
    Retry: SDK_RETRY,
    Output: output,
    ...(next === undefined ? { End: true } : { Next: next }),
  });
  const putMetric = (metricName: string, value: string, next: string | undefined) => ({
    Type: 'Task',
    Resource: 'arn:aws:states:::aws-sdk:cloudwatch:putMetricData',
    Arguments: {
      Namespace: props.metricsNamespace,
      MetricData: [{ MetricName: metricName, Value: value, Unit: 'Count' }],
    },
    TimeoutSeconds: STATE_TIMEOUTS.sdkCall,
    Retry: SDK_RETRY,
    Output: '{% $states.input %}',
    ...(next === undefined ? { End: true } : { Next: next }),
  });

  return {
    Comment:
      'trading-data-lake curation: merge the raw days with new objects into curated.trades (Iceberg), reconcile, compact, vacuum daily',
    QueryLanguage: 'JSONata',
    TimeoutSeconds: RUN_TIMEOUT_SECONDS,
    StartAt: S.findOtherRuns,
    States: {
      [S.findOtherRuns]: {
        Type: 'Task',
        Comment: 'Runs never overlap: list the running executions of this state machine',
        Resource: 'arn:aws:states:::aws-sdk:sfn:listExecutions',
        Arguments: { StateMachineArn: props.stateMachineArn, StatusFilter: 'RUNNING', MaxResults: 100 },
        TimeoutSeconds: STATE_TIMEOUTS.sdkCall,
        Retry: SDK_RETRY,
        // A run gives way only to one that started before it (the same millisecond: the lower ARN), so
        // of two runs started together one goes on, instead of both seeing the other and skipping.
        // StartDate is an ISO string in SDK integration output; an epoch number or none is handled too
        // (none counts as earlier: never two runs at once).
        Assign: {
          otherRuns:
            "{% ($me := $states.context.Execution.Id; $start := $toMillis($states.context.Execution.StartTime); $millis := function($d) { $type($d) = 'number' ? $round($d * 1000) : $toMillis($d) }; $count($states.result.Executions[ExecutionArn != $me and ($not($exists(StartDate)) or $millis(StartDate) < $start or ($millis(StartDate) = $start and ExecutionArn < $me))])) %}",
        },
        Next: S.anotherRunInProgress,
      },
      [S.anotherRunInProgress]: {
        Type: 'Choice',
        Choices: [
          // The schedule's run names no days: the next run lists every object this one would have.
          {
            Condition: '{% $otherRuns > 0 and $count($states.context.Execution.Input.days) = 0 %}',
            Next: S.skipped,
          },
          // Named days (trades curate --date, trades replay) would be lost by a skip, and an old one is
          // never listed: wait for the other run, within half of this run's timeout.
          {
            Condition: `{% $otherRuns > 0 and $toMillis($states.context.State.EnteredTime) - $toMillis($states.context.Execution.StartTime) < ${OTHER_RUN_WAIT.atMostSeconds * 1000} %}`,
            Next: S.waitForOtherRun,
          },
          { Condition: '{% $otherRuns > 0 %}', Next: S.otherRunStillInProgress },
        ],
        Default: S.plan,
      },
      [S.skipped]: {
        Type: 'Succeed',
        Output: {
          outcome: 'SKIPPED',
          reason:
            'another curation run is in progress and this one names no days: it did nothing, and the next scheduled run lists the raw objects it would have',
        },
      },
      [S.waitForOtherRun]: {
        Type: 'Wait',
        Comment: 'This run names days: check again for the other run instead of ending without them',
        Seconds: OTHER_RUN_WAIT.checkEverySeconds,
        Next: S.findOtherRuns,
      },
      [S.otherRunStillInProgress]: {
        Type: 'Fail',
        Error: OTHER_RUN_STILL_IN_PROGRESS_ERROR,
        Cause: `another curation run was still in progress ${OTHER_RUN_WAIT.atMostSeconds / 3600} hours after this one started; the days this run names were not merged: start them again (trades curate --date) once it ends`,
      },
      [S.plan]: {
        Type: 'Task',
        Comment:
          'Check the input, read the watermark and the days still unreconciled, list the raw prefixes: the days to merge',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: {
          FunctionName: props.plannerFunctionArn,
          Payload: {
            executionInput: '{% $states.context.Execution.Input %}',
            executionStartTime: '{% $states.context.Execution.StartTime %}',
          },
        },
        TimeoutSeconds: STATE_TIMEOUTS.plan,
        Retry: PLANNER_RETRY,
        Assign: { plan: '{% $states.result.Payload %}' },
        Next: S.loadStatements,
      },
      [S.loadStatements]: {
        Type: 'Pass',
        Comment: 'The MERGE and OPTIMIZE templates (schema/curation), filled with literals per run',
        Assign: {
          mergeTemplate: props.statements.mergeTemplate,
          optimizeTemplate: props.statements.optimizeTemplate,
          // Replaced by the Map's result when there are days to merge.
          reconciliation: [],
          unreconciledDays: [],
        },
        Next: S.ensureTable,
      },
      [S.ensureTable]: { ...athena(props.statements.ensureTable, STATE_TIMEOUTS.ddl), Next: S.anyDays },
      [S.anyDays]: {
        Type: 'Choice',
        Choices: [{ Condition: '{% $count($plan.dayList) > 0 %}', Next: S.mergeDays }],
        // Nothing to merge: no day is left unreconciled either (the plan carries every such day), so the
        // run publishes 0.
        Default: S.publishReconciliation,
      },
      [S.mergeDays]: {
        Type: 'Map',
        Comment: 'One day at a time: concurrent commits to one Iceberg table conflict',
        Items: '{% $plan.days[] %}',
        MaxConcurrency: 1,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: S.mergeDay,
          States: {
            [S.mergeDay]: {
              ...athena(fillExpression('mergeTemplate', '$states.input.slots'), STATE_TIMEOUTS.merge),
              Assign: { day: '{% $states.input %}' },
              Next: S.reconcileDay,
            },
            [S.reconcileDay]: {
              ...athena(props.statements.reconciliation, STATE_TIMEOUTS.reconcile, {
                ExecutionParameters: '{% $day.reconciliationParameters[] %}',
              }),
              Next: S.readReconciliation,
            },
            [S.readReconciliation]: queryResults(undefined, {
              day: '{% $day.day %}',
              rawTrades: `{% ${resultValue(0)} %}`,
              curatedTrades: `{% ${resultValue(1)} %}`,
              duplicateRows: `{% ${resultValue(2)} %}`,
              unreconciledTrades: `{% ${resultValue(0)} - ${resultValue(1)} + ${resultValue(2)} %}`,
            }),
          },
        },
        Assign: {
          reconciliation: '{% $states.result %}',
          // An array even for one day or none (a JSONata path to one value gives the value).
          unreconciledDays: '{% [$states.result[unreconciledTrades != 0].day] %}',
        },
        Next: S.publishReconciliation,
      },
      [S.publishReconciliation]: putMetric(
        CURATION_METRICS.unreconciledTrades,
        // The array constructor: $sum of an empty path is undefined, of an empty array 0.
        '{% $sum([$reconciliation.unreconciledTrades]) %}',
        S.saveState,
      ),
      [S.saveState]: {
        Type: 'Task',
        // No encryption header: the bucket's default (the data key) applies, and its policy refuses any other.
        Comment:
          'The days are merged and reconciled: the next run lists raw objects from this run’s cutoff, whatever the maintenance does, and merges again the days that did not reconcile; the vacuum date stays the last VACUUM’s',
        Resource: 'arn:aws:states:::aws-sdk:s3:putObject',
        Arguments: {
          Bucket: props.curatedBucketName,
          Key: CURATION_STATE_KEY,
          Body: "{% $string($merge([$plan.stateAfterMerge, {'unreconciledDays': $unreconciledDays}])) %}",
          ContentType: 'application/json',
        },
        TimeoutSeconds: STATE_TIMEOUTS.sdkCall,
        Retry: SDK_RETRY,
        Next: S.anyDaysToOptimize,
      },
      [S.anyDaysToOptimize]: {
        Type: 'Choice',
        // OPTIMIZE … WHERE trade_date IN () is not SQL: a run with nothing merged goes straight on.
        Choices: [{ Condition: '{% $count($plan.dayList) > 0 %}', Next: S.optimize }],
        Default: S.vacuumDue,
      },
      [S.optimize]: {
        ...athena(fillExpression('optimizeTemplate', '$plan.optimizeSlots'), STATE_TIMEOUTS.optimize),
        Next: S.vacuumDue,
      },
      [S.vacuumDue]: {
        Type: 'Choice',
        Choices: [{ Condition: '{% $plan.vacuum %}', Next: S.vacuum }],
        Default: S.curated,
      },
      [S.vacuum]: { ...athena(props.statements.vacuum, STATE_TIMEOUTS.vacuum), Next: S.saveVacuumDate },
      [S.saveVacuumDate]: {
        Type: 'Task',
        // Saved before the duplicate check, not after it: a check that keeps failing (it reads the
        // trade_id column of the whole table) is then tried again on the next day's first run, not on
        // every run with another VACUUM. Between the two saves an overlapping run (ListExecutions is
        // eventually consistent) may have saved a later watermark; this one sets it back to this run's,
        // which only makes the next run list a little more.
        Comment: 'VACUUM succeeded: the same watermark, and today as the day of the last VACUUM',
        Resource: 'arn:aws:states:::aws-sdk:s3:putObject',
        Arguments: {
          Bucket: props.curatedBucketName,
          Key: CURATION_STATE_KEY,
          Body: "{% $string($merge([$plan.stateAfterVacuum, {'unreconciledDays': $unreconciledDays}])) %}",
          ContentType: 'application/json',
        },
        TimeoutSeconds: STATE_TIMEOUTS.sdkCall,
        Retry: SDK_RETRY,
        Next: S.countDuplicates,
      },
      [S.countDuplicates]: {
        ...athena(props.statements.duplicateTrades, STATE_TIMEOUTS.duplicates),
        Next: S.readDuplicates,
      },
      [S.readDuplicates]: queryResults(S.publishDuplicates, { duplicateTrades: `{% ${resultValue(0)} %}` }),
      [S.publishDuplicates]: putMetric(
        CURATION_METRICS.duplicateTrades,
        '{% $states.input.duplicateTrades %}',
        S.anyDuplicates,
      ),
      [S.anyDuplicates]: {
        Type: 'Choice',
        Choices: [{ Condition: '{% $states.input.duplicateTrades > 0 %}', Next: S.repairDuplicates }],
        Default: S.curated,
      },
      // The metric above has alarmed already: a move further than the MERGE looks deserves a look even
      // once the older rows are gone.
      [S.repairDuplicates]: { ...athena(props.statements.duplicateRepair, STATE_TIMEOUTS.repair), Next: S.curated },
      [S.curated]: {
        Type: 'Succeed',
        Output: {
          outcome: 'CURATED',
          days: '{% $plan.dayList[] %}',
          reconciliation: '{% $reconciliation %}',
          vacuumed: '{% $plan.vacuum %}',
          watermark: '{% $plan.stateAfterMerge.watermark %}',
          unreconciledDays: '{% $unreconciledDays %}',
          droppedUnreconciledDays: '{% $plan.droppedUnreconciledDays[] %}',
        },
      },
    },
  };
}
