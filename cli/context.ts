import type { Stage } from '../lib/config';
import { resourceNames } from '../lib/names';
import { type AssumedRole, assumeRole, sessionNameFor } from './aws/assume-role';
import { type AwsClientSettings, type AwsClients, createAwsClients } from './aws/clients';
import { readStackOutputs, requireOutput, type StackOutputs } from './aws/stack';
import type { RoleOutputName } from './aws/stack-outputs';
import type { Actor } from './errors';
import { type Output, processOutput } from './output/output';

/** The stages the app deploys (lib/config.ts); `--stage` picks the stack's default name from them. */
export const STAGES = ['dev', 'prod'] as const satisfies readonly Stage[];

/** The options every command takes (`trades --help`). */
export interface GlobalOptions {
  readonly stage: Stage;
  readonly stack?: string;
  readonly profile?: string;
  readonly region?: string;
  readonly roleArn?: string;
}

/**
 * What a command gets from outside: where to write, how to reach AWS, and time. `trades` runs with
 * defaultEnvironment(); tests pass their own (mocked clients, captured output, instant sleep).
 */
export interface CliEnvironment {
  readonly output: Output;
  /** The AWS clients for the global options. */
  readonly awsClients: (settings: AwsClientSettings) => AwsClients;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => Date;
}

export function defaultEnvironment(): CliEnvironment {
  return {
    output: processOutput(),
    awsClients: createAwsClients,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => new Date(),
  };
}

/** The stack a command works on: `--stack`, else the stage's stack name (lib/names.ts). */
export function stackNameOf(globals: GlobalOptions): string {
  return globals.stack ?? resourceNames(globals.stage).stackName;
}

/**
 * The deployed stack as one command sees it: its outputs (read once, with the caller's own
 * credentials) and the role the command acts as.
 */
export class StackSession {
  readonly stackName: string;
  readonly clients: AwsClients;
  /** The caller's own credentials, as error messages name them. */
  readonly caller: Actor;
  /** The command's clock, which also tells when an assumed role's session needs renewing. */
  readonly now: () => Date;
  private outputsRead?: Promise<StackOutputs>;

  constructor(
    env: CliEnvironment,
    private readonly globals: GlobalOptions,
  ) {
    this.stackName = stackNameOf(globals);
    this.clients = env.awsClients({ region: globals.region, profile: globals.profile });
    this.caller = { kind: 'caller', profile: globals.profile };
    this.now = env.now;
  }

  outputs(): Promise<StackOutputs> {
    this.outputsRead ??= readStackOutputs(this.clients.cloudFormation(), this.stackName, this.caller);
    return this.outputsRead;
  }

  async output(name: Parameters<typeof requireOutput>[1]): Promise<string> {
    return requireOutput(await this.outputs(), name);
  }

  /**
   * Assumes the role for `command`: `--role-arn` when given, else the role the stack outputs as
   * `roleOutput`. An administrator's own session cannot use the data key by design (docs/design.md §2),
   * so every command that touches data acts as a stack role.
   */
  async assumeRole(roleOutput: RoleOutputName, command: string): Promise<AssumedRole> {
    const override = this.globals.roleArn;
    const roleArn = override ?? (await this.output(roleOutput));
    const source = override === undefined ? `stack output ${roleOutput}` : '--role-arn';
    return assumeRole(this.clients.sts(), roleArn, sessionNameFor(command), source, this.caller, this.now);
  }
}
