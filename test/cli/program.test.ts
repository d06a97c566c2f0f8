import type { Command } from 'commander';
import { EXIT } from '../../cli/exit-codes';
import { createProgram, runTrades } from '../../cli/program';
import { testEnvironment } from './environment';

/** Every command path: `[]` for trades itself, `['produce']`, and so on down nested commands. */
function commandPaths(command: Command, path: string[] = []): string[][] {
  return [path, ...command.commands.flatMap((sub) => commandPaths(sub, [...path, sub.name()]))];
}

const paths = commandPaths(createProgram(testEnvironment().env)).filter((path) => path.at(-1) !== 'help');

describe('trades --help', () => {
  it('covers every command there is', () => {
    expect(paths.map((path) => path.join(' '))).toEqual([
      '',
      'produce',
      'replay',
      'key',
      'key status',
      'key disable',
      'key enable',
      'hold',
      'hold set',
      'hold clear',
      'hold list',
      'query',
      'status',
      'verify',
      'curate',
    ]);
  });

  it.each(paths.map((path) => [path.join(' ') || '(trades)', path]))(
    'prints the usage of %s on stdout and exits 0',
    async (_, path) => {
      const { env, stdout, stderr } = testEnvironment();
      expect(await runTrades([...(path as string[]), '--help'], env)).toBe(EXIT.OK);
      expect(stdout.text()).toContain(`Usage: trades ${(path as string[]).join(' ')}`.trim());
      expect(stdout.text()).toContain('--help');
      expect(stderr.text()).toBe('');
    },
  );

  it('lists the exit codes and the global options at the top level', async () => {
    const { env, stdout } = testEnvironment();
    await runTrades(['--help'], env);
    for (const option of ['--stage', '--stack', '--profile', '--region', '--role-arn'])
      expect(stdout.text()).toContain(option);
    for (const [code] of Object.entries(EXIT).map(([, code]) => [code])) {
      expect(stdout.text()).toMatch(new RegExp(`^  ${code} +\\S`, 'm'));
    }
  });

  it('says which role replay assumes, and that it never invokes the writer', async () => {
    const { env, stdout } = testEnvironment();
    await runTrades(['replay', '--help'], env);
    expect(stdout.text()).toContain("Role: assumes the stack's role from output DataEngineerRoleArn");
    expect(stdout.text()).toContain('InvokeFunction on the replay function only');
  });

  it.each(['set', 'clear', 'list'])('says which role hold %s assumes', async (sub) => {
    const { env, stdout } = testEnvironment();
    await runTrades(['hold', sub, '--help'], env);
    expect(stdout.text()).toContain("Role: assumes the stack's role from output DataEngineerRoleArn");
  });

  it.each(['status', 'disable', 'enable'])(
    'says that key %s runs with your own credentials, never a stack role',
    async (sub) => {
      const { env, stdout } = testEnvironment();
      await runTrades(['key', sub, '--help'], env);
      expect(stdout.text()).toContain(
        'Credentials: your own, as a configured key administrator (keyAdminPrincipals); never a stack role.',
      );
    },
  );

  it.each([
    ['query', 'AnalystRoleArn', 'with --as engineer, from output DataEngineerRoleArn'],
    ['status', 'AuditorRoleArn', 'GetMetricData and DescribeAlarms'],
    ['verify', 'AuditorRoleArn', 'The newest-trade-object control assumes output DataEngineerRoleArn'],
  ])('says which role %s assumes', async (command, output, more) => {
    const { env, stdout } = testEnvironment();
    await runTrades([command, '--help'], env);
    expect(stdout.text()).toContain(`Role: assumes the stack's role from output ${output}`);
    expect(stdout.text()).toContain(more);
  });

  it('says which role produce assumes', async () => {
    const { env, stdout } = testEnvironment();
    await runTrades(['produce', '--help'], env);
    expect(stdout.text()).toContain("Role: assumes the stack's role from output ProducerRoleArn");
  });
});

describe('usage errors exit with 2 and say what is wrong', () => {
  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['produce'], /required option '--count <n>' not specified/],
    [['produce', '--count', '0'], /argument '0' is invalid. Give a whole number from 1/],
    [['produce', '--count', '10', '--invalid-ratio', '2'], /Give a number from 0 to 1/],
    [['produce', '--count', '10', '--corrections', '0.95'], /Give a number from 0 to 0.9/],
    [
      ['produce', '--count', '10', '--rate', '0'],
      /argument '0' is invalid. Give a number of user records per second from 0.001 to 1000000000/,
    ],
    [['produce', '--count', '10', '--date', '2026-02-30'], /calendar date/],
    [['produce', '--count', '10', '--format', 'xml'], /Allowed choices are table, csv, json/],
    [['--stage', 'test', 'produce', '--count', '1'], /Allowed choices are dev, prod/],
    [['--role-arn', 'ProducerRole', 'produce', '--count', '1'], /Give an IAM role ARN/],
    [['produce', '--count', '10', '--dry-run', '--date', '2026-03-20'], /outside the dates the writer accepts/],
    [['replay', '--since', '2026-13-01'], /calendar date/],
    [['key', 'disable', '--key', 'all'], /Allowed choices are data, audit, both/],
    [['key', 'frobnicate'], /unknown command 'frobnicate'/],
  ])('%j', async (args, message) => {
    const { env, stderr } = testEnvironment();
    expect(await runTrades(args, env)).toBe(EXIT.USAGE);
    expect(stderr.text()).toMatch(message);
  });

  it('prints the help and exits with 2 when no command is given', async () => {
    const { env, stderr } = testEnvironment();
    expect(await runTrades([], env)).toBe(EXIT.USAGE);
    expect(stderr.text()).toContain('Usage: trades');
  });
});

describe('an unexpected error', () => {
  it('is reported as a defect with its stack, exit code 70', async () => {
    const { env, stderr } = testEnvironment();
    const broken = {
      ...env,
      awsClients: () => {
        throw new TypeError('clients exploded');
      },
    };
    expect(await runTrades(['produce', '--count', '1'], broken)).toBe(EXIT.INTERNAL);
    expect(stderr.text()).toMatch(
      /^internal error \(a defect of trades, please report it\): TypeError: clients exploded\n +at /,
    );
  });
});
