import { randomBytes } from 'node:crypto';
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  type CurationRunInput,
  curationInputProblems,
  MAX_REQUESTED_DAYS,
  OTHER_RUN_STILL_IN_PROGRESS_ERROR,
  OTHER_RUN_WAIT,
} from '../../schema/curation/run-contract';
import { type Actor, callAws } from '../errors';

/**
 * Starting the curation job by hand: the job merges a raw day only when it finds objects there newer
 * than its watermark, within `reconcileDays`, or when it is told the day (docs/curated-zone.md,
 * "Starting a run"). A replay writes objects of days that may be older than that, and a late trade
 * may land on a day outside the window, so `trades replay` and `trades curate` name the days.
 */

/** The curation job, as the data engineer starts it. */
export interface CurationTarget {
  readonly sfn: SFNClient;
  /** Stack output CurationStateMachineArn. */
  readonly stateMachineArn: string;
  readonly actor: Actor;
}

/** What became of the curation of the days a replay recovered. */
export interface CurationStart {
  /** The execution started, or undefined when none was. */
  readonly executionArn?: string;
  /** A line for the person running the replay. */
  readonly note: string;
}

/**
 * What a run that names days does when another run is in progress (runs never overlap): it waits
 * instead of ending SKIPPED, and fails, loudly, rather than drop the days.
 */
export function overlapNote(): string {
  const every = OTHER_RUN_WAIT.checkEverySeconds / 60;
  const atMost = OTHER_RUN_WAIT.atMostSeconds / 3600;
  return `If another curation run is in progress, this one waits for it (checking every ${every} minutes, for up to ${atMost} hours) and then merges the days; if that run is still going after ${atMost} hours, this one ends FAILED with error ${OTHER_RUN_STILL_IN_PROGRESS_ERROR} and the days must be started again (trades curate --date).`;
}

/**
 * A name Step Functions has not seen in the last 90 days: who started it, the time, and 8 random hex
 * digits (an execution name must be unique among the state machine's recent executions).
 */
export function executionName(startedBy: 'replay' | 'curate', now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${startedBy}-${stamp}-${randomBytes(4).toString('hex')}`;
}

/**
 * Starts the curation job for `days`, the `dt` partitions a replay wrote trades to, with the input
 * contract `{"days": [...]}`, checked by the job's own check first. Does not wait: a run merges one
 * day after another and may take minutes; the note says how to follow it. One run takes at most 366
 * days and runs never overlap, so more are named for `trades curate` rather than started at once.
 */
export async function startCuration(
  target: CurationTarget | undefined,
  days: readonly string[],
  now: Date,
): Promise<CurationStart> {
  if (days.length === 0) return { note: 'No trades were recovered: the curated zone has nothing new.' };
  if (target === undefined) {
    return {
      note: `This stack has no curation job (no output CurationStateMachineArn): the curated zone does not show the recovered trades of ${days.join(', ')}.`,
    };
  }
  const run = [...days].sort().slice(0, MAX_REQUESTED_DAYS);
  const left = days.length - run.length;
  const input: CurationRunInput = { days: run };
  const problems = curationInputProblems(input, now);
  if (problems.length > 0) {
    return { note: `The curation job was not started for ${run.join(', ')}: ${problems.join('; ')}.` };
  }
  const response = await callAws(
    { action: 'states:StartExecution', resource: `state machine ${target.stateMachineArn}`, actor: target.actor },
    () =>
      target.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: target.stateMachineArn,
          name: executionName('replay', now),
          input: JSON.stringify(input),
        }),
      ),
  );
  const executionArn = response.executionArn;
  return {
    executionArn,
    note: `Started the curation job for ${run.join(', ')} (execution ${executionArn}): curated.trades shows the recovered trades once it succeeds. Follow it with aws stepfunctions describe-execution --execution-arn ${executionArn}. ${overlapNote()}${left > 0 ? ` ${left} more days are left for a later run ({"days": [...]}): one run takes at most ${MAX_REQUESTED_DAYS}.` : ''}`,
  };
}
