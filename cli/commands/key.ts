import { Command, Option } from 'commander';
import { STACK_OUTPUTS } from '../aws/stack-outputs';
import { type CliEnvironment, type GlobalOptions, StackSession } from '../context';
import { CliError, describeActor, usageError } from '../errors';
import { EXIT } from '../exit-codes';
import { askToConfirm } from '../key/confirm';
import { disableImpact } from '../key/impact';
import {
  disableKey,
  enableKey,
  KEY_CHOICES,
  type KeyAdministration,
  type KeyChoice,
  type KeyState,
  keysOf,
  readKeyState,
  type StackKey,
} from '../key/keys';
import { notice, type Output } from '../output/output';
import { type Format, formatOption, renderRows } from '../output/rows';

/**
 * `trades key status | disable | enable`: the break-glass on the stack's KMS keys. Run with the
 * caller's own credentials as a configured key administrator; never a stack role (no role of the
 * stack may administer a key, and an assumed role would hide who pulled the brake).
 */

/** Records Lambda gives up on after this long unless the stack says otherwise (the config's default). */
const DEFAULT_MAX_RECORD_AGE_HOURS = 24;

const STATUS_COLUMNS = [
  { key: 'key', header: 'key' },
  { key: 'alias', header: 'alias' },
  { key: 'state', header: 'state' },
  { key: 'rotation', header: 'rotation' },
  { key: 'next_rotation', header: 'next rotation' },
  { key: 'deletion_date', header: 'deletion date' },
  { key: 'arn', header: 'ARN' },
] as const;

interface KeyCommandOptions {
  readonly key: KeyChoice;
  readonly format: Format;
  readonly yes?: boolean;
}

const day = (date: Date | undefined) => (date === undefined ? null : date.toISOString().slice(0, 10));

function statusRow(state: KeyState) {
  return {
    key: state.name,
    alias: state.alias ?? null,
    state: state.state,
    rotation:
      state.rotation === undefined
        ? null
        : state.rotation
          ? `on, every ${state.rotationPeriodDays ?? 365} days`
          : 'off',
    next_rotation: day(state.nextRotation),
    deletion_date: day(state.deletionDate),
    arn: state.arn,
  };
}

function describeKey(state: KeyState): string {
  return `the ${state.name} key ${state.arn}${state.alias === undefined ? '' : ` (${state.alias})`}`;
}

/** The stack's keys and the caller's own KMS client; refuses --role-arn, which would make a role administer. */
async function keyAdministration(env: CliEnvironment, command: Command, choice: KeyChoice) {
  const globals = command.optsWithGlobals<GlobalOptions>();
  if (globals.roleArn !== undefined) {
    throw usageError(
      "trades key runs with your own credentials as a key administrator, never as a role: no role of the stack may administer a key. Leave out --role-arn (use --profile for the administrator's credentials).",
    );
  }
  const session = new StackSession(env, globals);
  const outputs = { data: STACK_OUTPUTS.keyArn, audit: STACK_OUTPUTS.auditKeyArn } as const;
  const keys: StackKey[] = [];
  for (const name of keysOf(choice)) keys.push({ name, arn: await session.output(outputs[name]) });
  const admin: KeyAdministration = { kms: session.clients.kms(), actor: session.caller };
  return { session, keys, admin };
}

function printStatus(output: Output, states: readonly KeyState[], format: Format): void {
  output.stdout.write(renderRows(STATUS_COLUMNS, states.map(statusRow), format));
}

/** Shows each key's state, rotation and pending deletion; a key that is not Enabled fails the check. */
export async function showKeyStatus(
  admin: KeyAdministration,
  keys: readonly StackKey[],
  output: Output,
  format: Format,
): Promise<readonly KeyState[]> {
  const states: KeyState[] = [];
  for (const key of keys) states.push(await readKeyState(admin, key));
  printStatus(output, states, format);
  const unusable = states.filter(({ state }) => state !== 'Enabled');
  if (unusable.length > 0) {
    throw new CliError(
      unusable
        .map((state) => `${describeKey(state)} is ${state.state}: nothing it encrypts can be read or written.`)
        .join(' '),
      EXIT.FAILED,
    );
  }
  return states;
}

async function maxRecordAgeHours(session: StackSession, output: Output): Promise<number> {
  const value = (await session.outputs()).values[STACK_OUTPUTS.maxRecordAgeHours];
  const hours = value === undefined ? Number.NaN : Number(value);
  if (Number.isFinite(hours) && hours > 0) return hours;
  notice(
    output,
    `Stack ${session.stackName} does not say its maxRecordAgeHours (output ${STACK_OUTPUTS.maxRecordAgeHours}); assuming the default, ${DEFAULT_MAX_RECORD_AGE_HOURS}.`,
  );
  return DEFAULT_MAX_RECORD_AGE_HOURS;
}

function refusePendingDeletion(state: KeyState): void {
  if (state.state !== 'PendingDeletion') return;
  throw new CliError(
    `${describeKey(state)} is pending deletion (on ${day(state.deletionDate)}): cancel the deletion first (aws kms cancel-key-deletion --key-id ${state.arn}), then run trades key again.`,
    EXIT.FAILED,
  );
}

export interface DisableIo {
  readonly output: Output;
  /** Asks the person; undefined when there is no terminal. */
  readonly confirm: (message: string) => Promise<boolean | undefined>;
}

/**
 * Disables the keys after stating what that does and, unless `yes`, asking. A key already disabled is
 * left as it is; a key pending deletion is refused.
 */
export async function disableKeys(
  admin: KeyAdministration,
  keys: readonly StackKey[],
  options: { readonly yes: boolean; readonly maxRecordAgeHours: number; readonly format: Format },
  io: DisableIo,
): Promise<readonly KeyState[]> {
  const before: KeyState[] = [];
  for (const key of keys) before.push(await readKeyState(admin, key));
  before.forEach(refusePendingDeletion);
  const toDisable = before.filter(({ state }) => state !== 'Disabled');
  for (const state of before.filter(({ state }) => state === 'Disabled')) {
    notice(io.output, `${describeKey(state)} is already disabled.`);
  }
  if (toDisable.length > 0) {
    for (const state of toDisable) {
      notice(io.output, `Disabling ${describeKey(state)} stops everything it encrypts, at once:`);
      for (const line of disableImpact(state.name, options.maxRecordAgeHours)) notice(io.output, `  - ${line}`);
    }
    if (!options.yes) {
      const names = toDisable.map(({ name }) => name).join(' and ');
      const answer = await io.confirm(`Disable the ${names} key${toDisable.length > 1 ? 's' : ''} now?`);
      if (answer === undefined) {
        throw usageError(
          'trades key disable asks before it disables a key, and there is no terminal to ask on: pass --yes to disable without asking.',
        );
      }
      if (!answer) throw new CliError('Not disabled: the disable was not confirmed.', EXIT.FAILED);
    }
    for (const state of toDisable) {
      await disableKey(admin, state);
      notice(io.output, `Disabled ${describeKey(state)} as ${describeActor(admin.actor)}.`);
    }
    if (toDisable.some(({ name }) => name === 'data')) {
      notice(
        io.output,
        `Enable it again within ${options.maxRecordAgeHours} hours (trades key enable), or records on the stream are lost.`,
      );
    }
  }
  const after: KeyState[] = [];
  for (const key of keys) after.push(await readKeyState(admin, key));
  printStatus(io.output, after, options.format);
  return after;
}

/** Enables the keys; a key already enabled is left as it is, a key pending deletion is refused. */
export async function enableKeys(
  admin: KeyAdministration,
  keys: readonly StackKey[],
  output: Output,
  format: Format,
): Promise<readonly KeyState[]> {
  const before: KeyState[] = [];
  for (const key of keys) before.push(await readKeyState(admin, key));
  before.forEach(refusePendingDeletion);
  for (const state of before) {
    if (state.state === 'Enabled') {
      notice(output, `${describeKey(state)} is already enabled.`);
      continue;
    }
    await enableKey(admin, state);
    notice(output, `Enabled ${describeKey(state)} as ${describeActor(admin.actor)}.`);
    if (state.name === 'data') {
      notice(
        output,
        'Producers and the writer resume; Lambda retries what is still on the stream. Batches it gave up on meanwhile are in the failed-batch bucket: trades replay.',
      );
    }
  }
  const after: KeyState[] = [];
  for (const key of keys) after.push(await readKeyState(admin, key));
  printStatus(output, after, format);
  return after;
}

const KEY_HELP = `
Keys: data is the data key (stream, lake, failed batches, analytics results; stack output KeyArn);
audit is the audit key (trail, log groups, alarm topic, audit results; AuditKeyArn).
Credentials: your own, as a configured key administrator (keyAdminPrincipals); never a stack role.`;

function keyOption(defaultChoice: KeyChoice, why?: string): Option {
  return new Option('--key <key>', why === undefined ? 'which key' : `which key; ${why}`)
    .choices(KEY_CHOICES)
    .default(defaultChoice);
}

export function keyCommand(env: CliEnvironment): Command {
  const status = new Command('status')
    .summary("show the keys' state, rotation and pending deletion")
    .description(
      "Show each key's state (Enabled, Disabled, PendingDeletion), whether it rotates and when next, and the date of a pending deletion. Exits 1 when a key is not Enabled.",
    )
    .addOption(keyOption('both'))
    .addOption(formatOption())
    .addHelpText('after', KEY_HELP)
    .action(async (options: KeyCommandOptions, command: Command) => {
      const { keys, admin } = await keyAdministration(env, command, options.key);
      await showKeyStatus(admin, keys, env.output, options.format);
    });

  const disable = new Command('disable')
    .summary('disable a key: the break-glass (asks first)')
    .description(
      'Disable a key: everything it encrypts becomes unreadable and unwritable at once. States the impact and asks for confirmation unless --yes. The default is the data key alone: it stops trade data everywhere, while the audit key keeps the trail, the logs and the alarms working, so that what happens during the incident is still recorded and reported.',
    )
    .addOption(keyOption('data', 'data alone keeps the audit trail and the alarms working'))
    .option('--yes', 'disable without asking (for a script); the impact is still printed')
    .addOption(formatOption())
    .addHelpText('after', KEY_HELP)
    .action(async (options: KeyCommandOptions, command: Command) => {
      const { session, keys, admin } = await keyAdministration(env, command, options.key);
      await disableKeys(
        admin,
        keys,
        {
          yes: options.yes === true,
          maxRecordAgeHours: await maxRecordAgeHours(session, env.output),
          format: options.format,
        },
        { output: env.output, confirm: (message) => askToConfirm(env.output, message) },
      );
    });

  const enable = new Command('enable')
    .summary('enable a disabled key again')
    .description('Enable a disabled key again; producers, the writer and every reader resume.')
    .addOption(keyOption('data'))
    .addOption(formatOption())
    .addHelpText('after', KEY_HELP)
    .action(async (options: KeyCommandOptions, command: Command) => {
      const { keys, admin } = await keyAdministration(env, command, options.key);
      await enableKeys(admin, keys, env.output, options.format);
    });

  return new Command('key')
    .summary("see, disable or enable the stack's KMS keys (key administrators)")
    .description(
      "The break-glass on the stack's two customer managed keys. Run with your own credentials as a configured key administrator: no role of the stack may administer a key.",
    )
    .addCommand(status)
    .addCommand(disable)
    .addCommand(enable)
    .addHelpText('after', KEY_HELP);
}
