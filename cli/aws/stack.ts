import {
  type CloudFormationClient,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
} from '@aws-sdk/client-cloudformation';
import { type Actor, CliError, callAws } from '../errors';
import { EXIT } from '../exit-codes';
import type { StackOutputName } from './stack-outputs';

/** A deployed stack's outputs, by output key. */
export interface StackOutputs {
  readonly stackName: string;
  readonly values: Readonly<Record<string, string>>;
}

/** CloudFormation answers a stack that does not exist with a ValidationError of this form. */
const STACK_MISSING = /does not exist/;

/** The outputs of `stackName`, read with the caller's own credentials. */
export async function readStackOutputs(
  cloudFormation: CloudFormationClient,
  stackName: string,
  actor: Actor,
): Promise<StackOutputs> {
  const call = { action: 'cloudformation:DescribeStacks', resource: `stack ${stackName}`, actor };
  let response: DescribeStacksCommandOutput;
  try {
    response = await callAws(call, () => cloudFormation.send(new DescribeStacksCommand({ StackName: stackName })));
  } catch (error) {
    const cause = error instanceof CliError ? error.cause : error;
    if (cause instanceof Error && cause.name === 'ValidationError' && STACK_MISSING.test(cause.message)) {
      throw await notFound(stackName, cloudFormation, { cause });
    }
    throw error;
  }
  const stack = response.Stacks?.[0];
  if (stack === undefined) throw await notFound(stackName, cloudFormation);
  const values: Record<string, string> = {};
  for (const { OutputKey, OutputValue } of stack.Outputs ?? []) {
    if (OutputKey !== undefined && OutputValue !== undefined) values[OutputKey] = OutputValue;
  }
  return { stackName, values };
}

async function notFound(
  stackName: string,
  cloudFormation: CloudFormationClient,
  options?: ErrorOptions,
): Promise<CliError> {
  const region = await cloudFormation.config.region().catch(() => undefined);
  return new CliError(
    `Stack ${stackName} not found${region === undefined ? '' : ` in ${region}`}: deploy it (npx cdk deploy), or name the deployed one with --stack or --stage, and its Region with --region.`,
    EXIT.AWS_SETUP,
    options,
  );
}

/** One output's value; a stack deployed before the output existed gets a message saying so. */
export function requireOutput(outputs: StackOutputs, name: StackOutputName): string {
  const value = outputs.values[name];
  if (value === undefined || value === '') {
    throw new CliError(
      `Stack ${outputs.stackName} has no output ${name}: deploy the current version of the app (npx cdk deploy).`,
      EXIT.AWS_SETUP,
    );
  }
  return value;
}
