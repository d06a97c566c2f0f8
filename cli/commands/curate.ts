import { Command } from 'commander';
import type { CurationRunInput } from '../../schema/curation/run-contract';
import { STACK_OUTPUTS } from '../aws/stack-outputs';
import { type CliEnvironment, type GlobalOptions, StackSession } from '../context';
import { runCuration } from '../curate/run-curation';
import { overlapNote } from '../curate/start-curation';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { calendarDate } from '../options';
import { notice } from '../output/output';
import { type Format, formatOption, renderRows } from '../output/rows';
import { roleHelp } from './help';

/** `trades curate`: starts the curation job by hand, for given days (late trades, replays), as the data engineer. */

interface CurateCommandOptions {
  readonly date: readonly string[];
  readonly wait?: boolean;
  readonly format: Format;
}

const DAY_COLUMNS = [
  { key: 'day', header: 'day' },
  { key: 'raw_trades', header: 'raw trades', align: 'right' },
  { key: 'curated_trades', header: 'curated trades', align: 'right' },
  { key: 'duplicate_rows', header: 'duplicate rows', align: 'right' },
  { key: 'unreconciled_trades', header: 'unreconciled', align: 'right' },
] as const;

const collectDates = (value: string, previous: readonly string[]): readonly string[] => [
  ...previous,
  calendarDate(value),
];

export function curateCommand(env: CliEnvironment): Command {
  return new Command('curate')
    .summary('start the curation job, for given days (late trades, replays)')
    .description(
      "Start one run of the curation job (EventBridge Scheduler starts it hourly on its own). Without --date the run merges the raw days that got objects since the last successful run, within reconcileDays; each --date adds a day whatever its age: a late trade, or a day a replay wrote to. With --wait it follows the run to its end and prints each merged day's reconciliation (raw trades, curated trades, duplicate rows, unreconciled: 0 when the day is reconciled), and exits 1 when a day does not reconcile, when another run was in progress and no --date was given (runs never overlap: that run skips, and the next hourly one lists what it would have), or when the run failed. With --date a run waits for a run in progress (every 5 minutes, up to 3 hours) instead of skipping, and fails if that run is still going then.",
    )
    .option('--date <YYYY-MM-DD>', 'a raw day (UTC) to merge; repeat for more days', collectDates, [])
    .option('--wait', 'follow the run to its end and print its reconciliation')
    .addOption(formatOption())
    .addHelpText(
      'after',
      roleHelp(
        STACK_OUTPUTS.dataEngineerRoleArn,
        'StartExecution on the curation job and DescribeExecution of its runs',
      ),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ trades curate
  $ trades curate --date 2026-03-09 --date 2026-03-10 --wait`,
    )
    .action(async (options: CurateCommandOptions, command: Command) => {
      const session = new StackSession(env, command.optsWithGlobals<GlobalOptions>());
      const stateMachineArn = await session.output(STACK_OUTPUTS.curationStateMachineArn);
      const role = await session.assumeRole(STACK_OUTPUTS.dataEngineerRoleArn, 'curate');
      const target = { sfn: session.clients.sfn(role.credentials), stateMachineArn, actor: role.actor };
      const input: CurationRunInput = options.date.length === 0 ? {} : { days: [...new Set(options.date)].sort() };
      const run = await runCuration(
        target,
        input,
        env.now(),
        options.wait
          ? { sleep: env.sleep, onPoll: (status) => notice(env.output, `Run ${status.toLowerCase()}…`) }
          : undefined,
      );
      if (run.status === 'RUNNING') {
        notice(
          env.output,
          `Started the curation job${input.days ? ` for ${input.days.join(', ')}` : ''} (execution ${run.executionArn}). Follow it with --wait next time, or aws stepfunctions describe-execution --execution-arn ${run.executionArn}.${input.days ? ` ${overlapNote()}` : ''}`,
        );
        return;
      }
      const { output } = run;
      if (output.outcome === 'SKIPPED') {
        throw new CliError(
          `The run did nothing (${output.reason}). The next hourly run lists the new raw objects; name days with --date for a run that waits for the other one instead.`,
          EXIT.FAILED,
        );
      }
      env.output.stdout.write(
        renderRows(
          DAY_COLUMNS,
          output.reconciliation.map((day) => ({
            day: day.day,
            raw_trades: day.rawTrades,
            curated_trades: day.curatedTrades,
            duplicate_rows: day.duplicateRows,
            unreconciled_trades: day.unreconciledTrades,
          })),
          options.format,
        ),
      );
      notice(
        env.output,
        `Curated ${output.days.length} day${output.days.length === 1 ? '' : 's'}${output.vacuumed ? ', with the daily VACUUM and duplicate check' : ''}; the next run looks for raw objects modified after ${output.watermark}.`,
      );
      const unreconciled = output.reconciliation.filter((day) => day.unreconciledTrades !== 0);
      if (unreconciled.length > 0) {
        throw new CliError(
          `${unreconciled.map((day) => day.day).join(', ')} did not reconcile (raw and curated counts differ): every later run merges and counts ${unreconciled.length === 1 ? 'it' : 'them'} again until ${unreconciled.length === 1 ? 'it does' : 'they do'}; see docs/curated-zone.md, "The reconciliation, and the alarms".`,
          EXIT.FAILED,
        );
      }
    });
}
