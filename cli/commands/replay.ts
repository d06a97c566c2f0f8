import { Command } from 'commander';
import { STACK_OUTPUTS } from '../aws/stack-outputs';
import { type CliEnvironment, type GlobalOptions, StackSession } from '../context';
import { type CurationTarget, startCuration } from '../curate/start-curation';
import { type Actor, CliError, describeActor } from '../errors';
import { EXIT } from '../exit-codes';
import { calendarDate } from '../options';
import { notice, type Output } from '../output/output';
import { startProgress } from '../output/progress';
import { type Format, formatOption, renderRows } from '../output/rows';
import {
  describeFailedBatch,
  type FailedBatch,
  type FailedBatchListing,
  listFailedBatches,
} from '../replay/failed-batches';
import { invokeReplay, type ReplayRow, type ReplayTarget, summarize } from '../replay/invoke-replay';
import { roleHelp } from './help';

/** `trades replay`: re-drives the batches Lambda gave up on, through the replay function, as the data engineer. */

interface ReplayCommandOptions {
  readonly since?: string;
  readonly dryRun?: boolean;
  readonly format: Format;
}

/** What a dry run reads: the failed-batch bucket, as the data engineer. */
export interface ReplayScope {
  readonly bucket: FailedBatchListing;
  /** Stack output StreamName: a record of another stream is one the replay function refuses. */
  readonly streamName: string;
  readonly since?: string;
  readonly format: Format;
}

/** What a replay uses besides: the replay function, and the curation job. */
export interface ReplayRun extends ReplayScope {
  readonly replay: ReplayTarget;
  /** The curation job to start for the days recovered; undefined on a stack without one. */
  readonly curation?: CurationTarget;
}

const RESULT_COLUMNS = [
  { key: 'recorded_at', header: 'recorded' },
  { key: 'shard', header: 'shard' },
  { key: 'records', header: 'records', align: 'right' },
  { key: 'trades', header: 'trades', align: 'right' },
  { key: 'quarantined', header: 'quarantined', align: 'right' },
  { key: 'days', header: 'days' },
  { key: 'outcome', header: 'outcome' },
  { key: 'key', header: 'record' },
  { key: 'reason', header: 'reason' },
] as const;

const DRY_RUN_COLUMNS = [
  { key: 'recorded_at', header: 'recorded' },
  { key: 'shard', header: 'shard' },
  { key: 'batch_size', header: 'batch size', align: 'right' },
  { key: 'condition', header: 'Lambda gave up' },
  { key: 'first_sequence_number', header: 'first sequence number' },
  { key: 'replayable', header: 'replayable' },
  { key: 'key', header: 'record' },
] as const;

function sinceOf(date: string | undefined): Date | undefined {
  return date === undefined ? undefined : new Date(`${date}T00:00:00.000Z`);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : noun.endsWith('ch') ? 'es' : 's'}`;
}

function scope(bucket: string, since: string | undefined): string {
  return `failed-batch bucket ${bucket}${since === undefined ? '' : ` since ${since}`}`;
}

/** Why a replay stopped before its last record: the Invoke of `key` failed, and `untried` records were left. */
interface InvokeStopped {
  readonly error: unknown;
  readonly key: string;
  readonly untried: number;
}

const NOTHING = { records: 0, trades: 0, quarantined: 0, days: [] } as const;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The error a stopped replay exits with: the Invoke's own (its exit code says throttled, session
 * expired, access denied), with what is left. A failure that is not one trades explains (a defect)
 * stays itself, so it is reported with its stack.
 */
function stoppedError(stopped: InvokeStopped, failed: number, pending: number): unknown {
  if (!(stopped.error instanceof CliError)) return stopped.error;
  const untried =
    stopped.untried > 0
      ? `; ${plural(stopped.untried, 'more record')} ${stopped.untried === 1 ? 'was' : 'were'} not tried`
      : '';
  return new CliError(
    `${stopped.error.message} The replay stopped at ${stopped.key}: ${failed} of ${plural(pending, 'record')} could not be replayed${untried}. They stay untagged, and the next trades replay tries them again once the cause is fixed.`,
    stopped.error.exitCode,
    { cause: stopped.error },
  );
}

/** Lists what a replay would re-drive, reading each record as the replay function would. */
export async function dryRunReplay(run: ReplayScope, output: Output): Promise<readonly FailedBatch[]> {
  const pending = (await listFailedBatches(run.bucket, sinceOf(run.since))).filter((b) => b.replayedAt === undefined);
  const rows = [];
  for (const batch of pending) {
    const { batch: info, failure, problem } = await describeFailedBatch(run.bucket, batch.key, run.streamName);
    rows.push({
      recorded_at: batch.recordedAt.toISOString(),
      shard: info?.shardId ?? null,
      batch_size: info?.batchSize ?? null,
      condition: failure?.condition ?? null,
      first_sequence_number: info?.startSequenceNumber ?? null,
      replayable: problem === undefined ? 'yes' : `no: ${problem}`,
      key: batch.key,
    });
  }
  output.stdout.write(renderRows(DRY_RUN_COLUMNS, rows, run.format));
  notice(
    output,
    `Dry run: ${plural(pending.length, 'record')} of the ${scope(run.bucket.bucket, run.since)} would be replayed; nothing was invoked.`,
  );
  return pending;
}

/**
 * Replays every record of the failed-batch bucket (since a date) not yet tagged replayed, one at a
 * time, oldest first, through the replay function; prints a row a record, then what was recovered,
 * and starts the curation job for the days recovered, even when an Invoke failed and stopped the run.
 * Throws a CliError when any record was not replayed.
 */
export async function replayFailedBatches(
  run: ReplayRun,
  io: { readonly output: Output; readonly now: () => Date },
): Promise<readonly ReplayRow[]> {
  const { output } = io;
  const all = await listFailedBatches(run.bucket, sinceOf(run.since));
  const pending = all.filter((batch) => batch.replayedAt === undefined);
  const skipped = all.length - pending.length;
  notice(
    output,
    `Replaying ${plural(pending.length, 'record')} of the ${scope(run.bucket.bucket, run.since)} through ${run.replay.functionName} as ${describeActor(run.replay.actor)}${skipped > 0 ? ` (${skipped} already replayed)` : ''}.`,
  );
  const progress = startProgress(output.stderr, pending.length, 'records');
  const rows: ReplayRow[] = [];
  let stopped: InvokeStopped | undefined;
  try {
    for (const [index, batch] of pending.entries()) {
      try {
        rows.push(await invokeReplay(run.replay, batch.key));
      } catch (error) {
        // The invoke itself failed (throttled beyond the SDK's retries, the session expired, the
        // network, access denied): as invokeReplay's rule says, the run stops, since the next invoke
        // would most likely fail the same way. It must not abort unreported: the records replayed so
        // far are tagged, so the next trades replay skips them, and only this run can name their days
        // to the curation job.
        rows.push({ key: batch.key, outcome: 'error', reason: messageOf(error), ...NOTHING });
        stopped = { error, key: batch.key, untried: pending.length - index - 1 };
        break;
      }
      progress.update(rows.length);
    }
  } finally {
    progress.stop();
  }
  const recordedAt = new Map(pending.map((batch) => [batch.key, batch.recordedAt.toISOString()]));
  output.stdout.write(
    renderRows(
      RESULT_COLUMNS,
      rows.map((row) => ({
        recorded_at: recordedAt.get(row.key) ?? null,
        shard: row.shardId ?? null,
        records: row.records,
        trades: row.trades,
        quarantined: row.quarantined,
        days: row.days.join(' '),
        outcome: row.outcome,
        key: row.key,
        reason: row.reason ?? null,
      })),
      run.format,
    ),
  );
  const summary = summarize(rows);
  notice(
    output,
    `Recovered ${plural(summary.replayed, 'batch')} of ${summary.batches}: ${plural(summary.records, 'Kinesis record')}, ${plural(summary.trades, 'trade')} written, ${summary.quarantined} quarantined; days touched: ${summary.days.join(', ') || 'none'}.`,
  );
  if (summary.days.length > 0) {
    try {
      notice(output, (await startCuration(run.curation, summary.days, io.now())).note);
    } catch (error) {
      // The replayed records are tagged now: no later replay names these days again.
      notice(
        output,
        `The curation job was not started for the recovered days: start it once the cause is fixed with trades curate ${summary.days.map((day) => `--date ${day}`).join(' ')}.`,
      );
      if (stopped === undefined) throw error;
      notice(output, `The curation job could not be started: ${messageOf(error)}`);
    }
  }
  if (stopped !== undefined) throw stoppedError(stopped, summary.failed, pending.length);
  if (summary.failed > 0) {
    throw new CliError(
      `${summary.failed} of ${plural(summary.batches, 'record')} could not be replayed (see the outcome and reason of each): they stay untagged, and the next trades replay tries them again once the cause is fixed.`,
      EXIT.FAILED,
    );
  }
  if (summary.notTagged > 0) {
    throw new CliError(
      `${summary.notTagged} replayed ${summary.notTagged === 1 ? 'record is' : 'records are'} not tagged as replayed: the next trades replay re-drives them, which writes no new trade object (on another UTC day, its quarantined records again under that day).`,
      EXIT.FAILED,
    );
  }
  return rows;
}

export function replayCommand(env: CliEnvironment): Command {
  return new Command('replay')
    .summary('replay the batches Lambda gave up on (failed-batch bucket)')
    .description(
      "Re-drive the batches Lambda recorded in the failed-batch bucket when it gave up on them: each record not yet tagged replayed goes to the stack's replay function, which reads it, rebuilds the exact event, invokes the trade-writer and tags the record replayed once the writer stored every record. The writer's object keys make a replay idempotent. Never invokes the writer itself. Then starts the curation job for the days it recovered.",
    )
    .option('--since <YYYY-MM-DD>', 'only records Lambda wrote on or after this day (UTC)', calendarDate)
    .option('--dry-run', 'list what would be replayed, and whether the replay function would take it; invoke nothing')
    .addOption(formatOption())
    .addHelpText(
      'after',
      roleHelp(
        STACK_OUTPUTS.dataEngineerRoleArn,
        'List, GetObject and GetObjectTagging on the failed-batch bucket; InvokeFunction on the replay function only; StartExecution on the curation job',
      ),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ trades replay --dry-run
  $ trades replay --since 2026-03-10
  $ trades replay --format json | jq '.[] | select(.outcome != "replayed")'`,
    )
    .action(async (options: ReplayCommandOptions, command: Command) => {
      const session = new StackSession(env, command.optsWithGlobals<GlobalOptions>());
      const bucket = await session.output(STACK_OUTPUTS.failedBatchBucketName);
      const streamName = await session.output(STACK_OUTPUTS.streamName);
      // A replay needs the function; read before the role is assumed, so an old stack fails first.
      const functionName = options.dryRun ? undefined : await session.output(STACK_OUTPUTS.replayFunctionName);
      const role = await session.assumeRole(STACK_OUTPUTS.dataEngineerRoleArn, 'replay');
      const actor: Actor = role.actor;
      const scope: ReplayScope = {
        bucket: { s3: session.clients.s3(role.credentials), bucket, actor },
        streamName,
        since: options.since,
        format: options.format,
      };
      if (functionName === undefined) {
        await dryRunReplay(scope, env.output);
        return;
      }
      // Absent on a stack deployed before the curated zone: the replay then says it starts no curation.
      const stateMachineArn = (await session.outputs()).values[STACK_OUTPUTS.curationStateMachineArn];
      const run: ReplayRun = {
        ...scope,
        replay: { lambda: session.clients.lambda(role.credentials), functionName, actor },
        curation:
          stateMachineArn === undefined
            ? undefined
            : { sfn: session.clients.sfn(role.credentials), stateMachineArn, actor },
      };
      await replayFailedBatches(run, env);
    });
}
