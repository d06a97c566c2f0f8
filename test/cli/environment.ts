import { type AwsClientSettings, createAwsClients, type RoleCredentials } from '../../cli/aws/clients';
import type { CliEnvironment } from '../../cli/context';
import { runTrades } from '../../cli/program';
import { MemoryStream } from './support';

export interface TestEnvironment {
  readonly env: CliEnvironment;
  readonly stdout: MemoryStream;
  readonly stderr: MemoryStream;
  /** The settings each set of clients was made with (from the global options). */
  readonly clientSettings: AwsClientSettings[];
  /** The credentials each Kinesis client was made with. */
  readonly kinesisCredentials: RoleCredentials[];
  /** Every delay asked for, in milliseconds. */
  readonly sleeps: number[];
}

/**
 * An environment with real SDK clients (which aws-sdk-client-mock intercepts by class), captured
 * output, instant sleeps and a fixed clock.
 */
export function testEnvironment(now = new Date('2026-03-16T18:00:00Z')): TestEnvironment {
  const stdout = new MemoryStream();
  const stderr = new MemoryStream();
  const clientSettings: AwsClientSettings[] = [];
  const kinesisCredentials: RoleCredentials[] = [];
  const sleeps: number[] = [];
  const env: CliEnvironment = {
    output: { stdout, stderr },
    awsClients: (settings) => {
      clientSettings.push(settings);
      const clients = createAwsClients({ ...settings, region: settings.region ?? 'eu-west-1' });
      return {
        ...clients,
        kinesis: (credentials) => {
          kinesisCredentials.push(credentials);
          return clients.kinesis(credentials);
        },
      };
    },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => now,
  };
  return { env, stdout, stderr, clientSettings, kinesisCredentials, sleeps };
}

/**
 * Runs trades in a fresh test environment; `terminal` makes stdin and stderr a terminal, where a
 * command may ask for confirmation (`key disable`, `hold clear`).
 */
export async function runInTerminal(args: string[], terminal = false) {
  const test = testEnvironment();
  Object.defineProperty(test.stderr, 'isTTY', { value: terminal });
  const stdinTTY = Object.getOwnPropertyDescriptor(process.stdin, 'isTTY');
  Object.defineProperty(process.stdin, 'isTTY', { value: terminal, configurable: true });
  try {
    const code = await runTrades(args, test.env);
    return { ...test, code };
  } finally {
    if (stdinTTY === undefined) delete (process.stdin as { isTTY?: boolean }).isTTY;
    else Object.defineProperty(process.stdin, 'isTTY', stdinTTY);
  }
}
