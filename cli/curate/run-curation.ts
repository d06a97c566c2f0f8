import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  type CurationRunInput,
  type CurationRunOutput,
  curationInputProblems,
  INVALID_INPUT_ERROR,
  OTHER_RUN_STILL_IN_PROGRESS_ERROR,
} from '../../schema/curation/run-contract';
import { CliError, callAws } from '../errors';
import { EXIT } from '../exit-codes';
import type { CurationTarget } from './start-curation';
import { executionName } from './start-curation';

/** How `trades curate` waits for a run: Step Functions has no push for this, so it polls. */
export interface WaitOptions {
  readonly sleep: (ms: number) => Promise<void>;
  /** First pause between two DescribeExecution calls; it grows by half each time. @default 2000 */
  readonly firstDelayMs?: number;
  /** Longest pause between two calls. @default 15000 */
  readonly maxDelayMs?: number;
  /** Called after each poll with the execution's status. */
  readonly onPoll?: (status: string) => void;
}

/** What became of a run `trades curate` started. */
export type CurationRun =
  | { readonly executionArn: string; readonly status: 'RUNNING' }
  | { readonly executionArn: string; readonly status: 'SUCCEEDED'; readonly output: CurationRunOutput };

/**
 * Starts one run of the curation job with `input` (the run contract, checked by the job's own check
 * first), and, when `wait` is given, follows it to its end. A run that failed, timed out or was
 * aborted is a CliError with Step Functions' error and cause: the Iceberg table stays at its last
 * commit, and the run can be started again (every statement is idempotent).
 */
export async function runCuration(
  target: CurationTarget,
  input: CurationRunInput,
  now: Date,
  wait?: WaitOptions,
): Promise<CurationRun> {
  const problems = curationInputProblems(input, now);
  if (problems.length > 0) {
    throw new CliError(`The curation job was not started: ${problems.join('; ')}.`, EXIT.USAGE);
  }
  const started = await callAws(
    { action: 'states:StartExecution', resource: `state machine ${target.stateMachineArn}`, actor: target.actor },
    () =>
      target.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: target.stateMachineArn,
          name: executionName('curate', now),
          input: JSON.stringify(input),
        }),
      ),
  );
  const executionArn = started.executionArn;
  if (executionArn === undefined) throw new CliError('Step Functions started no execution.', EXIT.FAILED);
  if (wait === undefined) return { executionArn, status: 'RUNNING' };
  return { executionArn, status: 'SUCCEEDED', output: await waitForRun(target, executionArn, wait) };
}

async function waitForRun(target: CurationTarget, executionArn: string, wait: WaitOptions): Promise<CurationRunOutput> {
  let delay = wait.firstDelayMs ?? 2000;
  const maxDelay = wait.maxDelayMs ?? 15000;
  for (;;) {
    const execution = await callAws(
      { action: 'states:DescribeExecution', resource: `execution ${executionArn}`, actor: target.actor },
      () => target.sfn.send(new DescribeExecutionCommand({ executionArn })),
    );
    const status = execution.status ?? 'RUNNING';
    wait.onPoll?.(status);
    if (status === 'SUCCEEDED') return JSON.parse(execution.output ?? '{}') as CurationRunOutput;
    if (status !== 'RUNNING' && status !== 'PENDING_REDRIVE') {
      throw new CliError(
        `The curation run ${executionArn} ended ${status}${execution.error ? `: ${execution.error}` : ''}${execution.cause ? ` (${execution.cause})` : ''}. ${failureAdvice(execution.error)}`,
        EXIT.FAILED,
      );
    }
    await wait.sleep(delay);
    delay = Math.min(maxDelay, Math.round(delay * 1.5));
  }
}

/** What to do about a run that ended without succeeding, by its error. */
function failureAdvice(error: string | undefined): string {
  if (error === INVALID_INPUT_ERROR) return 'The job refused its input.';
  if (error === OTHER_RUN_STILL_IN_PROGRESS_ERROR) {
    return 'It waited for another run that did not end in time and merged nothing: start it again once that run ends (aws stepfunctions list-executions --status-filter RUNNING shows it).';
  }
  return 'curated.trades stays at its last commit; start the run again once the cause is fixed (it is idempotent).';
}
