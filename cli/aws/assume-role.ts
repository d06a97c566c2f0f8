import { userInfo } from 'node:os';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { type Actor, CliError, callAws } from '../errors';
import { EXIT } from '../exit-codes';

/** A role a command acts as, with its temporary credentials. */
export interface AssumedRole {
  readonly actor: Extract<Actor, { kind: 'role' }>;
  readonly credentials: AwsCredentialIdentity;
}

/** What a role session name may hold (STS: `[\w+=,.@-]{2,64}`). */
const SESSION_NAME_CHARS = /[^\w+=,.@-]/g;

/**
 * `trades-<command>-<user>`: CloudTrail records it with every call the role makes, so an auditor can
 * tell which person's run of which command did what.
 */
export function sessionNameFor(command: string, user: string = currentUser()): string {
  const name = `trades-${command}-${user}`.replace(SESSION_NAME_CHARS, '-');
  return name.slice(0, 64).padEnd(2, '-');
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * Assumes `roleArn` with the caller's own credentials. The stack's roles allow one-hour sessions,
 * STS's default, so no duration is asked for. The credentials are not refreshed: a command that
 * outlasts the hour fails its next call with ExpiredToken (exit 3); only a long `trades replay` can,
 * and it reports what it recovered first (docs/cli.md). The SDK's refreshing fromTemporaryCredentials
 * would make its own STS client (not the one `AwsClients.sts()` gives, which tests replace) and
 * assume lazily, so a refused AssumeRole would surface as an error of the first data call instead.
 */
export async function assumeRole(
  sts: STSClient,
  roleArn: string,
  sessionName: string,
  source: string,
  caller: Actor,
): Promise<AssumedRole> {
  const response = await callAws({ action: 'sts:AssumeRole', resource: roleArn, actor: caller }, () =>
    sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName })),
  );
  const credentials = response.Credentials;
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
    throw new CliError(`sts:AssumeRole of ${roleArn} returned no credentials.`, EXIT.FAILED);
  }
  return {
    actor: { kind: 'role', roleArn, source },
    credentials: {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: credentials.Expiration,
    },
  };
}
