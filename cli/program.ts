import { Command, CommanderError, Option } from 'commander';
import { COMMANDS } from './commands';
import { type CliEnvironment, defaultEnvironment, STAGES } from './context';
import { CliError } from './errors';
import { EXIT, type ExitCode } from './exit-codes';
import { roleArn } from './options';

const EXIT_CODES_HELP = `
Exit codes:
  0   done
  1   a check or the command failed (e.g. records not accepted)
  2   usage error
  3   AWS setup: no credentials or Region, stack or stack output missing
  4   access denied (the message names the action and the role)
  5   throttled beyond the retries: run again later or slower
  70  internal error (a defect of trades)`;

/** Applies `configure` to `command` and every command below it. */
function everyCommand(command: Command, configure: (command: Command) => void): void {
  configure(command);
  for (const subcommand of command.commands) everyCommand(subcommand, configure);
}

/** The `trades` program: global options, the commands, and output and errors routed through `env`. */
export function createProgram(env: CliEnvironment): Command {
  const program = new Command('trades')
    .description(
      'Operate the trading data lake: send test trades, query them, see the pipeline at a glance, audit the deployed controls, replay failed batches, run the curation job, hold records, and pull the brake on the key.',
    )
    .addOption(
      new Option('--stage <stage>', 'stage of the stack; names it TradingDataLake-<stage>')
        .choices(STAGES)
        .default('dev'),
    )
    .option('--stack <name>', 'name of the deployed stack (default: TradingDataLake-<stage>)')
    .option('--profile <name>', 'AWS profile (default: the standard credential chain)')
    .option('--region <region>', 'AWS Region (default: the standard chain: AWS_REGION, the profile)')
    .option('--role-arn <arn>', "role to assume instead of the stack's role for the command", roleArn)
    .addHelpText('after', EXIT_CODES_HELP);
  for (const command of COMMANDS) program.addCommand(command(env));
  // addCommand, unlike command(), does not pass these on: every level gets them here.
  everyCommand(program, (command) => {
    command
      .exitOverride()
      .configureOutput({
        writeOut: (text) => env.output.stdout.write(text),
        writeErr: (text) => env.output.stderr.write(text),
      })
      .showHelpAfterError('(add --help for usage)');
  });
  return program;
}

/**
 * Runs `trades` with `args` (the words after the program name) and returns its exit code. Every
 * failure ends here: an error a person can act on prints its message alone; anything else is a
 * defect and prints its stack.
 */
export async function runTrades(
  args: readonly string[],
  env: CliEnvironment = defaultEnvironment(),
): Promise<ExitCode> {
  const program = createProgram(env);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the message or the help; --help and --version end with exit code 0.
      return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (error instanceof CliError) {
      env.output.stderr.write(`error: ${error.message}\n`);
      return error.exitCode;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    env.output.stderr.write(`internal error (a defect of trades, please report it): ${detail}\n`);
    return EXIT.INTERNAL;
  }
}
