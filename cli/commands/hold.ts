import type { ObjectLockLegalHoldStatus } from '@aws-sdk/client-s3';
import { Command } from 'commander';
import { STACK_OUTPUTS } from '../aws/stack-outputs';
import { type CliEnvironment, type GlobalOptions, StackSession } from '../context';
import { CliError, describeActor, usageError } from '../errors';
import { EXIT } from '../exit-codes';
import {
  type DayObject,
  dayPrefixes,
  type LakeAccess,
  legalHoldsOf,
  listDay,
  NO_RECORDS_KEPT,
  objectsHoldingTrade,
  requireObjectLock,
  setLegalHolds,
} from '../hold/legal-holds';
import { calendarDate } from '../options';
import { notice, type Output } from '../output/output';
import { startProgress } from '../output/progress';
import { type Format, formatOption, renderRows } from '../output/rows';
import { roleHelp } from './help';

/** `trades hold set|clear|list`: S3 legal holds on the lake objects of a day, or of one trade, as the data engineer. */

interface HoldCommandOptions {
  readonly date: string;
  readonly tradeId?: string;
  readonly includeQuarantine?: boolean;
  readonly format: Format;
}

/** What a hold command works on. */
export interface HoldSelection {
  readonly date: string;
  readonly tradeId?: string;
  readonly includeQuarantine: boolean;
}

type HoldAction = 'set' | 'clear' | 'list';

function describeSelection({ date, tradeId, includeQuarantine }: HoldSelection): string {
  if (tradeId !== undefined) return `the objects of ${date} holding trade ${tradeId}`;
  return `the trades/${includeQuarantine ? ' and quarantine/' : ''} objects of ${date}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The objects of the selection: a day's, or those of the day whose lines hold the trade. */
export async function selectObjects(lake: LakeAccess, selection: HoldSelection, output: Output): Promise<DayObject[]> {
  const objects = await listDay(lake, dayPrefixes(selection.date, selection.includeQuarantine));
  if (selection.tradeId === undefined) return objects;
  const progress = startProgress(output.stderr, objects.length, 'objects read');
  let read = 0;
  try {
    return await objectsHoldingTrade(lake, objects, selection.tradeId, () => progress.update(++read));
  } finally {
    progress.stop();
  }
}

function rowsOf(objects: readonly DayObject[], holds: readonly ObjectLockLegalHoldStatus[], selection: HoldSelection) {
  return objects.map((object, index) => ({
    key: object.key,
    size: object.size,
    ...(selection.tradeId === undefined ? {} : { trade_lines: object.tradeLines ?? 0 }),
    legal_hold: holds[index] ?? null,
  }));
}

function columnsOf(selection: HoldSelection) {
  return [
    { key: 'key', header: 'object' },
    { key: 'size', header: 'bytes', align: 'right' as const },
    ...(selection.tradeId === undefined
      ? []
      : [{ key: 'trade_lines', header: 'trade lines', align: 'right' as const }]),
    { key: 'legal_hold', header: 'legal hold' },
  ];
}

/**
 * Places (`set`), lifts (`clear`) or shows (`list`) the legal holds of the selected objects, after
 * checking that the lake has Object Lock at all. Throws a CliError when set or clear finds nothing.
 */
export async function runHold(
  action: HoldAction,
  lake: LakeAccess,
  selection: HoldSelection,
  recordsRetention: string | undefined,
  io: { readonly output: Output; readonly format: Format },
): Promise<readonly DayObject[]> {
  const { output, format } = io;
  await requireObjectLock(lake, recordsRetention);
  const objects = await selectObjects(lake, selection, output);
  const what = describeSelection(selection);
  if (objects.length === 0 && action !== 'list') {
    throw new CliError(
      `Nothing to ${action === 'set' ? 'hold' : 'release'}: there are no ${what.replace(/^the /, '')} in bucket ${lake.bucket}.`,
      EXIT.FAILED,
    );
  }
  const keys = objects.map(({ key }) => key);
  let holds: ObjectLockLegalHoldStatus[];
  if (action === 'list') {
    holds = await legalHoldsOf(lake, keys);
  } else {
    const status: ObjectLockLegalHoldStatus = action === 'set' ? 'ON' : 'OFF';
    const progress = startProgress(output.stderr, keys.length, 'objects');
    let done = 0;
    try {
      await setLegalHolds(lake, keys, status, () => progress.update(++done));
    } finally {
      progress.stop();
    }
    holds = keys.map(() => status);
  }
  output.stdout.write(renderRows(columnsOf(selection), rowsOf(objects, holds, selection), format));
  const who = describeActor(lake.actor);
  if (action === 'set') {
    notice(
      output,
      `Placed a legal hold on ${plural(objects.length, 'object')}: ${what}, as ${who}. It stays until trades hold clear lifts it, whatever the retention.`,
    );
  } else if (action === 'clear') {
    notice(
      output,
      `Lifted the legal hold of ${plural(objects.length, 'object')}: ${what}, as ${who}. Their Object Lock retention still applies.`,
    );
  } else {
    const held = holds.filter((status) => status === 'ON').length;
    notice(output, `${plural(objects.length, 'object')} (${what}); ${held} under legal hold.`);
  }
  return objects;
}

function holdSubcommand(env: CliEnvironment, action: HoldAction, summary: string, description: string): Command {
  return new Command(action)
    .summary(summary)
    .description(description)
    .requiredOption('--date <YYYY-MM-DD>', 'the trading day (the dt partition, UTC date of executed_at)', calendarDate)
    .option('--trade-id <id>', 'only the objects whose lines hold this trade_id (every event of the trade)')
    .option('--include-quarantine', 'also the quarantine/ objects under the same dt (records that could not be trades)')
    .addOption(formatOption())
    .addHelpText(
      'after',
      roleHelp(
        STACK_OUTPUTS.dataEngineerRoleArn,
        'ListBucket and GetObject on the lake, PutObjectLegalHold and GetObjectLegalHold on trades/ and quarantine/, granted only where the lake has Object Lock',
      ),
    )
    .action(async (options: HoldCommandOptions, command: Command) => {
      if (options.tradeId !== undefined && options.includeQuarantine) {
        throw usageError(
          '--include-quarantine holds whole days: a quarantined record keeps its bytes as base64, not a trade_id to search. Leave out one of --trade-id and --include-quarantine.',
        );
      }
      if (options.tradeId !== undefined && options.tradeId.trim() === '') throw usageError('--trade-id is empty.');
      const session = new StackSession(env, command.optsWithGlobals<GlobalOptions>());
      const bucket = await session.output(STACK_OUTPUTS.bucketName);
      // Absent on a stack deployed before the output: runHold then asks S3.
      const recordsRetention = (await session.outputs()).values[STACK_OUTPUTS.recordsRetention];
      // Said before assuming a role: on such a stack the role has no legal-hold permission to try.
      if (recordsRetention === 'none') throw new CliError(NO_RECORDS_KEPT, EXIT.FAILED);
      const role = await session.assumeRole(STACK_OUTPUTS.dataEngineerRoleArn, 'hold');
      const lake: LakeAccess = { s3: session.clients.s3(role.credentials), bucket, actor: role.actor };
      await runHold(
        action,
        lake,
        { date: options.date, tradeId: options.tradeId, includeQuarantine: options.includeQuarantine === true },
        recordsRetention,
        { output: env.output, format: options.format },
      );
    });
}

export function holdCommand(env: CliEnvironment): Command {
  return new Command('hold')
    .summary('place, lift or list S3 legal holds on the lake objects of a day or a trade')
    .description(
      'S3 legal holds on the lake objects holding a day of trades, or one trade: a held object version cannot be deleted or overwritten, whatever its retention, until the hold is lifted. Needs a stack with Object Lock (recordsRetention other than none).',
    )
    .addCommand(
      holdSubcommand(
        env,
        'set',
        'place legal holds',
        'Place a legal hold on the current version of each selected object (the lake writes each object once). With --trade-id, every object of the day is read and searched for the trade.',
      ),
    )
    .addCommand(
      holdSubcommand(
        env,
        'clear',
        'lift legal holds',
        'Lift the legal hold of each selected object; its Object Lock retention still applies.',
      ),
    )
    .addCommand(
      holdSubcommand(env, 'list', 'show legal holds', 'Show whether each selected object is under legal hold.'),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ trades hold set --date 2026-03-11 --trade-id T20260311-0000042-0000017
  $ trades hold list --date 2026-03-11 --include-quarantine
  $ trades hold clear --date 2026-03-11 --trade-id T20260311-0000042-0000017`,
    );
}
