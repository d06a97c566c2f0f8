import { EXIT, type ExitCode } from './exit-codes';

/**
 * An error a person can act on: its message says what happened and what to do, and its exit code
 * tells a script which kind of failure it was. `trades` prints the message alone, without a stack.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** The command line asks for something that cannot be done as asked. */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT.USAGE);
}

/** Who makes an AWS call: the caller's own credentials, or a role a command assumed. */
export type Actor =
  | { readonly kind: 'caller'; readonly profile?: string }
  | {
      readonly kind: 'role';
      readonly roleArn: string;
      /** Where the role came from: a stack output's name, or `--role-arn`. */
      readonly source: string;
    };

/** One AWS call, as the error messages name it. */
export interface AwsCall {
  /** The IAM action, as a policy names it: `kinesis:PutRecords`. */
  readonly action: string;
  /** What it acts on, for the message: a stream, a stack, a role. */
  readonly resource?: string;
  readonly actor: Actor;
}

export function describeActor(actor: Actor): string {
  if (actor.kind === 'role') return `the role ${actor.roleArn} (${actor.source})`;
  return actor.profile === undefined ? 'your own credentials' : `your own credentials (profile ${actor.profile})`;
}

/** The fields of an AWS SDK v3 error that say what kind of failure it is. */
interface AwsErrorShape {
  readonly name?: string;
  readonly message?: string;
  readonly code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

function shapeOf(error: unknown): AwsErrorShape | undefined {
  return typeof error === 'object' && error !== null ? (error as AwsErrorShape) : undefined;
}

const CREDENTIAL_ERRORS = new Set(['CredentialsProviderError', 'TokenProviderError']);
const EXPIRED_ERRORS = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);
const REFUSED_CREDENTIAL_ERRORS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
]);
const ACCESS_DENIED_ERRORS = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AuthorizationError',
  'UnauthorizedOperation',
]);
/** Names AWS services give throttling; the SDK has retried each of them already. */
export const THROTTLING_ERRORS: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'KMSThrottlingException',
  'SlowDown',
]);
const NETWORK_ERRORS = new Set(['ENOTFOUND', 'ECONNREFUSED', 'ECONNRESET', 'EAI_AGAIN', 'ETIMEDOUT']);

/** Is this error a throttle (of any AWS service)? */
export function isThrottling(error: unknown): boolean {
  const name = shapeOf(error)?.name;
  return name !== undefined && THROTTLING_ERRORS.has(name);
}

/** A message of the SDK's as a sentence: some end with a period, some do not. */
function sentence(text: string | undefined): string {
  const trimmed = (text ?? '').trim();
  return trimmed === '' || /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function awsSaid(shape: AwsErrorShape): string {
  return shape.message ? ` AWS said: ${shape.name}: ${shape.message}` : ` AWS said: ${shape.name}`;
}

/**
 * The error a person can act on for an AWS call that failed, or undefined when the error is not
 * one AWS or the SDK raised (a defect, left for the top level to report as one).
 */
export function explainAwsError(error: unknown, call: AwsCall): CliError | undefined {
  if (error instanceof CliError) return error;
  const shape = shapeOf(error);
  if (shape === undefined) return undefined;
  const name = shape.name ?? '';
  const who = describeActor(call.actor);
  const on = call.resource === undefined ? '' : ` on ${call.resource}`;
  const cause = { cause: error };
  if (CREDENTIAL_ERRORS.has(name)) {
    return new CliError(
      `No AWS credentials for ${call.action}: ${sentence(shape.message)} Sign in (aws configure, aws sso login) or name a profile with --profile.`,
      EXIT.AWS_SETUP,
      cause,
    );
  }
  if (EXPIRED_ERRORS.has(name)) {
    return new CliError(
      `The AWS session of ${who} has expired (${call.action}): sign in again.${awsSaid(shape)}`,
      EXIT.AWS_SETUP,
      cause,
    );
  }
  if (REFUSED_CREDENTIAL_ERRORS.has(name)) {
    return new CliError(
      `AWS refused the credentials of ${who} (${call.action}): check the access keys or the profile.${awsSaid(shape)}`,
      EXIT.AWS_SETUP,
      cause,
    );
  }
  if (/region is missing/i.test(shape.message ?? '')) {
    return new CliError(
      `No AWS Region for ${call.action}: pass --region, set AWS_REGION, or give the profile a region.`,
      EXIT.AWS_SETUP,
      cause,
    );
  }
  if (NETWORK_ERRORS.has(shape.code ?? '') || name === 'TimeoutError') {
    return new CliError(
      `Could not reach AWS for ${call.action} (${shape.code ?? name}): check the network and the Region.`,
      EXIT.AWS_SETUP,
      cause,
    );
  }
  if (ACCESS_DENIED_ERRORS.has(name)) {
    const hint =
      call.action === 'sts:AssumeRole'
        ? ' The role trusts only the principals configured for it (cdk.json context, e.g. producerPrincipals): ask for yours to be added, or pass --role-arn with a role you may assume.'
        : call.actor.kind === 'role'
          ? ' The stack grants each role only its row of the access matrix (docs/cli.md names the role each command needs); pass --role-arn to use another.'
          : '';
    return new CliError(
      `Access denied: ${who} may not ${call.action}${on}.${hint}${awsSaid(shape)}`,
      EXIT.ACCESS_DENIED,
      cause,
    );
  }
  if (name === 'KMSAccessDeniedException') {
    return new CliError(
      `Access denied: ${who} may not use the KMS key of ${call.resource ?? 'the resource'} (${call.action} needs kms:GenerateDataKey through the service).${awsSaid(shape)}`,
      EXIT.ACCESS_DENIED,
      cause,
    );
  }
  if (name === 'KMSDisabledException' || name === 'KMSInvalidStateException') {
    return new CliError(
      `${call.action} failed: the KMS key of ${call.resource ?? 'the resource'} is disabled or not usable; nothing encrypted with it can be written or read until a key administrator enables it (trades key enable).${awsSaid(shape)}`,
      EXIT.FAILED,
      cause,
    );
  }
  if (THROTTLING_ERRORS.has(name)) {
    return new CliError(
      `AWS throttled ${call.action}${on} beyond the retries: run the command again later, or slower.${awsSaid(shape)}`,
      EXIT.THROTTLED,
      cause,
    );
  }
  if (name === 'ResourceNotFoundException') {
    return new CliError(
      `${call.action} failed: ${call.resource ?? 'the resource'} does not exist in this account and Region: check --stack, --stage and --region.${awsSaid(shape)}`,
      EXIT.AWS_SETUP,
      cause,
    );
  }
  if (shape.$metadata !== undefined) {
    return new CliError(`${call.action}${on} failed.${awsSaid(shape)}`, EXIT.FAILED, cause);
  }
  return undefined;
}

/** Runs one AWS call and turns what AWS or the SDK raised into an error a person can act on. */
export async function callAws<T>(call: AwsCall, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw explainAwsError(error, call) ?? error;
  }
}
