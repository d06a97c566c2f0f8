import type { ObjectLockLegalHoldStatus } from '@aws-sdk/client-s3';
import { Command } from 'commander';
import { STACK_OUTPUTS } from '../aws/stack-outputs';
import { type CliEnvironment, type GlobalOptions, StackSession } from '../context';
import { CliError, describeActor, usageError } from '../errors';
import { EXIT } from '../exit-codes';
import {
  type DayVersion,
  dayPrefixes,
  type LakeAccess,
  legalHoldsOf,
  listDay,
  NO_RECORDS_KEPT,
  requireObjectLock,
  setLegalHolds,
  versionsHoldingTrade,
} from '../hold/legal-holds';
import { type Settled, worstError } from '../hold/settled';
import { askToConfirm } from '../key/confirm';
import { calendarDate } from '../options';
import { notice, type Output } from '../output/output';
import { startProgress } from '../output/progress';
import { type Format, formatOption, renderRows } from '../output/rows';
import { roleHelp } from './help';

/**
 * `trades hold set|clear|list`: S3 legal holds on the lake's object versions of a day, or of one trade,
 * as the data engineer. A hold is one flag on one object version, never on a trade: an object holds a
 * whole invocation's trades, so lifting the hold of one trade's object releases every trade in it.
 */

interface HoldCommandOptions {
  readonly date: string;
  readonly tradeId?: string;
  readonly includeQuarantine?: boolean;
  readonly yes?: boolean;
  readonly format: Format;
}

/** What a hold command works on. */
export interface HoldSelection {
  readonly date: string;
  readonly tradeId?: string;
  readonly includeQuarantine: boolean;
}

type HoldAction = 'set' | 'clear' | 'list';

export interface HoldIo {
  readonly output: Output;
  readonly format: Format;
  /** `clear` releases without asking (`--yes`). @default false */
  readonly yes?: boolean;
  /** Asks the person; undefined when there is no terminal. @default no terminal */
  readonly confirm?: (message: string) => Promise<boolean | undefined>;
}

/** At most this many versions are named one by one before `clear` asks; the rest are counted. */
const VERSIONS_NAMED = 20;

function describeSelection({ date, tradeId, includeQuarantine }: HoldSelection): string {
  if (tradeId !== undefined) return `the objects of ${date} holding trade ${tradeId}`;
  return `the trades/${includeQuarantine ? ' and quarantine/' : ''} objects of ${date}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The versions of the selection: a day's, or those of the day whose lines hold the trade. */
export async function selectVersions(
  lake: LakeAccess,
  selection: HoldSelection,
  output: Output,
): Promise<DayVersion[]> {
  const versions = await listDay(lake, dayPrefixes(selection.date, selection.includeQuarantine));
  if (selection.tradeId === undefined) return versions;
  const progress = startProgress(output.stderr, versions.length, 'object versions read');
  let read = 0;
  try {
    return await versionsHoldingTrade(lake, versions, selection.tradeId, () => progress.update(++read));
  } finally {
    progress.stop();
  }
}

function rowsOf(
  versions: readonly DayVersion[],
  outcomes: readonly Settled<ObjectLockLegalHoldStatus>[],
  selection: HoldSelection,
) {
  return versions.map((version, index) => {
    const outcome = outcomes[index];
    return {
      key: version.key,
      version_id: version.versionId,
      version_state: version.state,
      size: version.size,
      ...(selection.tradeId === undefined
        ? {}
        : { trade_lines: version.tradeLines ?? 0, other_trades: version.otherTradeIds?.length ?? 0 }),
      legal_hold: outcome?.ok ? outcome.value : null,
      error: outcome === undefined || outcome.ok ? null : messageOf(outcome.error),
    };
  });
}

function columnsOf(selection: HoldSelection, withErrors: boolean) {
  return [
    { key: 'key', header: 'object' },
    { key: 'version_id', header: 'version' },
    { key: 'version_state', header: 'state' },
    { key: 'size', header: 'bytes', align: 'right' as const },
    ...(selection.tradeId === undefined
      ? []
      : [
          { key: 'trade_lines', header: 'trade lines', align: 'right' as const },
          { key: 'other_trades', header: 'other trades', align: 'right' as const },
        ]),
    { key: 'legal_hold', header: 'legal hold' },
    ...(withErrors ? [{ key: 'error', header: 'error' }] : []),
  ];
}

/**
 * Before `clear` lifts anything: says which other trades the lifted holds release and, unless `yes`,
 * asks. A whole day always releases whatever each hold was placed for; one trade's objects release the
 * other trades in their lines (a hold is per object version, not per trade). Nothing to ask when the
 * versions hold that trade alone.
 */
async function confirmRelease(versions: readonly DayVersion[], selection: HoldSelection, io: HoldIo): Promise<void> {
  let question: string;
  if (selection.tradeId === undefined) {
    notice(
      io.output,
      `Lifting the legal hold of every version of ${describeSelection(selection)}: ${plural(versions.length, 'object version')}, whatever trade or matter each hold was placed for.`,
    );
    question = `Lift the legal hold of all ${plural(versions.length, 'object version')} of ${selection.date}?`;
  } else {
    const sharing = versions.filter((version) => (version.otherTradeIds?.length ?? 0) > 0);
    if (sharing.length === 0) return;
    const others = new Set(sharing.flatMap((version) => version.otherTradeIds ?? []));
    notice(
      io.output,
      `Lifting the holds of trade ${selection.tradeId} releases ${plural(others.size, 'other trade')} too: a legal hold is one flag per object version, not per trade, and ${plural(sharing.length, 'object version')} of the ${versions.length} selected also hold other trades:`,
    );
    for (const version of sharing.slice(0, VERSIONS_NAMED)) {
      notice(
        io.output,
        `  - ${version.key} (version ${version.versionId}): ${plural(version.otherTradeIds?.length ?? 0, 'other trade')}`,
      );
    }
    if (sharing.length > VERSIONS_NAMED) notice(io.output, `  - and ${sharing.length - VERSIONS_NAMED} more`);
    question = `Lift the legal hold of ${plural(versions.length, 'object version')}, releasing ${plural(others.size, 'other trade')}?`;
  }
  if (io.yes) return;
  const answer = io.confirm === undefined ? undefined : await io.confirm(question);
  if (answer === undefined) {
    throw usageError(
      'trades hold clear asks before it releases what other holds may have been placed for, and there is no terminal to ask on: pass --yes to lift the holds anyway.',
    );
  }
  if (!answer) throw new CliError('Not cleared: the release was not confirmed; no hold was lifted.', EXIT.FAILED);
}

/** The verb of a summary, for `n` of the versions. */
const DONE: Record<HoldAction, string> = {
  set: 'Placed a legal hold on',
  clear: 'Lifted the legal hold of',
  list: 'Read the legal hold of',
};

/**
 * Places (`set`), lifts (`clear`) or shows (`list`) the legal holds of the selected object versions,
 * each version on its own, after checking that the lake has Object Lock at all. Every row is printed,
 * failed ones with their error; then a failure ends the command with the worst exit code among them.
 * Throws a CliError when set or clear finds nothing, or clear is not confirmed.
 */
export async function runHold(
  action: HoldAction,
  lake: LakeAccess,
  selection: HoldSelection,
  recordsRetention: string | undefined,
  io: HoldIo,
): Promise<readonly DayVersion[]> {
  const { output, format } = io;
  await requireObjectLock(lake, recordsRetention);
  const versions = await selectVersions(lake, selection, output);
  const what = describeSelection(selection);
  if (versions.length === 0 && action !== 'list') {
    throw new CliError(
      `Nothing to ${action === 'set' ? 'hold' : 'release'}: there are no ${what.replace(/^the /, '')} in bucket ${lake.bucket}.`,
      EXIT.FAILED,
    );
  }
  if (action === 'clear') await confirmRelease(versions, selection, io);
  let outcomes: Settled<ObjectLockLegalHoldStatus>[];
  if (action === 'list') {
    outcomes = await legalHoldsOf(lake, versions);
  } else {
    const progress = startProgress(output.stderr, versions.length, 'object versions');
    let done = 0;
    try {
      outcomes = await setLegalHolds(lake, versions, action === 'set' ? 'ON' : 'OFF', () => progress.update(++done));
    } finally {
      progress.stop();
    }
  }
  const errors = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome.error]));
  output.stdout.write(
    renderRows(columnsOf(selection, errors.length > 0), rowsOf(versions, outcomes, selection), format),
  );
  const hidden = versions.filter(({ state }) => state === 'behind a delete marker').length;
  const hiddenNote =
    hidden === 0
      ? ''
      : ` ${plural(hidden, 'version')} behind a delete marker: hidden from Athena, a record all the same.`;
  if (errors.length > 0) {
    const worst = worstError(errors);
    if (!(worst instanceof CliError)) throw worst;
    throw new CliError(
      `${DONE[action]} ${versions.length - errors.length} of ${plural(versions.length, 'object version')} (${what}); ${errors.length} failed (the rows say why). ${worst.message}`,
      worst.exitCode,
      { cause: worst },
    );
  }
  const who = describeActor(lake.actor);
  if (action === 'set') {
    notice(
      output,
      `${DONE.set} ${plural(versions.length, 'object version')}: ${what}, as ${who}. It stays until trades hold clear lifts it, whatever the retention.${hiddenNote}`,
    );
  } else if (action === 'clear') {
    notice(
      output,
      `${DONE.clear} ${plural(versions.length, 'object version')}: ${what}, as ${who}. Their Object Lock retention still applies.`,
    );
  } else {
    const held = outcomes.filter((outcome) => outcome.ok && outcome.value === 'ON').length;
    notice(output, `${plural(versions.length, 'object version')} (${what}); ${held} under legal hold.${hiddenNote}`);
  }
  return versions;
}

function holdSubcommand(env: CliEnvironment, action: HoldAction, summary: string, description: string): Command {
  const subcommand = new Command(action)
    .summary(summary)
    .description(description)
    .requiredOption('--date <YYYY-MM-DD>', 'the trading day (the dt partition, UTC date of executed_at)', calendarDate)
    .option('--trade-id <id>', 'only the object versions whose lines hold this trade_id (every event of the trade)')
    .option(
      '--include-quarantine',
      'also the quarantine/ objects under the same dt (records that could not be trades)',
    );
  if (action === 'clear') {
    subcommand.option(
      '--yes',
      'lift without asking, even holds that keep other trades (for a script); what is released is still printed',
    );
  }
  return subcommand
    .addOption(formatOption())
    .addHelpText(
      'after',
      roleHelp(
        STACK_OUTPUTS.dataEngineerRoleArn,
        'ListBucketVersions on trades/ and quarantine/, GetObjectVersion on trades/ (with --trade-id), PutObjectLegalHold and GetObjectLegalHold on trades/ and quarantine/, granted only where the lake has Object Lock',
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
        {
          output: env.output,
          format: options.format,
          yes: options.yes === true,
          confirm: (message) => askToConfirm(env.output, message),
        },
      );
    });
}

export function holdCommand(env: CliEnvironment): Command {
  return new Command('hold')
    .summary('place, lift or list S3 legal holds on the lake object versions of a day or a trade')
    .description(
      "S3 legal holds on the lake object versions holding a day of trades, or one trade: a held object version cannot be deleted or overwritten, whatever its retention, until the hold is lifted. A hold is one flag per object version, not per trade: an object holds a whole invocation's trades. Every version is listed (ListObjectVersions), those behind a delete marker included. Needs a stack with Object Lock (recordsRetention other than none).",
    )
    .addCommand(
      holdSubcommand(
        env,
        'set',
        'place legal holds',
        'Place a legal hold on every version of each selected object: current, noncurrent, and hidden behind a delete marker (where expireAfterRetention, or a DeleteObject, puts a record). With --trade-id, every version of the day is read and searched for the trade.',
      ),
    )
    .addCommand(
      holdSubcommand(
        env,
        'clear',
        'lift legal holds',
        'Lift the legal hold of every version of each selected object; its Object Lock retention still applies. A hold keeps every trade of its object version: with --trade-id, when the versions also hold other trades, clear names them and asks (or needs --yes); a whole day always asks (or needs --yes).',
      ),
    )
    .addCommand(
      holdSubcommand(
        env,
        'list',
        'show legal holds',
        'Show whether each version of the selected objects is under legal hold, and whether it is current or behind a delete marker.',
      ),
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
