import { userInfo } from 'node:os';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { type Actor, CliError, callAws } from '../errors';
import { EXIT } from '../exit-codes';

/** A role a command acts as, with its temporary credentials. */
export interface AssumedRole {
  readonly actor: Extract<Actor, { kind: 'role' }>;
  /** The role's session, assumed again before it expires (see {@link assumeRole}). */
  readonly credentials: AwsCredentialIdentityProvider;
}

/**
 * How long before a session expires it is assumed again. The SDK asks a client's credential
 * provider again once the identity it holds is within 5 minutes of expiring; a wider margin here
 * means that question always gets a fresh session, never the one about to expire.
 */
export const RENEW_BEFORE_EXPIRY_MS = 10 * 60 * 1000;
/**
 * A renewal that fails (STS throttled, the network) is an error only once the session has less than
 * this left; until then the session signs on and the next call tries again.
 */
export const LAST_USABLE_MS = 60 * 1000;

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
 * Assumes `roleArn` with the caller's own credentials, at once: a refused AssumeRole is the
 * command's first error, named as such, not an error of whichever data call came first. The stack's
 * roles allow one-hour sessions, STS's default, so no duration is asked for. The credentials given
 * to the clients assume the role again, with the same STS client and session name, when the session
 * is within {@link RENEW_BEFORE_EXPIRY_MS} of expiring, so a command may outlast the hour (a long
 * `trades replay`, or `trades produce` at a low `--rate`); every client of the role shares one
 * renewal. The SDK's own `fromTemporaryCredentials` would make its own STS client (not the one
 * `AwsClients.sts()` gives, which tests replace) and assume lazily.
 */
export async function assumeRole(
  sts: STSClient,
  roleArn: string,
  sessionName: string,
  source: string,
  caller: Actor,
  now: () => Date,
): Promise<AssumedRole> {
  const assume = async (): Promise<AwsCredentialIdentity> => {
    const response = await callAws({ action: 'sts:AssumeRole', resource: roleArn, actor: caller }, () =>
      sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName })),
    );
    const credentials = response.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
      throw new CliError(`sts:AssumeRole of ${roleArn} returned no credentials.`, EXIT.FAILED);
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: credentials.Expiration,
    };
  };
  let session = await assume();
  // When to assume again: RENEW_BEFORE_EXPIRY_MS before the end, or half way through a session
  // shorter than twice that, so a short session is not renewed on every call.
  const renewalTime = (identity: AwsCredentialIdentity): number => {
    const expiration = identity.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
    return expiration - Math.min(RENEW_BEFORE_EXPIRY_MS, (expiration - now().getTime()) / 2);
  };
  let renewAt = renewalTime(session);
  let renewal: Promise<AwsCredentialIdentity> | undefined;
  const credentials: AwsCredentialIdentityProvider = () => {
    if (now().getTime() < renewAt) return Promise.resolve(session);
    renewal ??= assume()
      .then(
        (fresh) => {
          session = fresh;
          renewAt = renewalTime(fresh);
          return fresh;
        },
        (error: unknown) => {
          // A session that still has a while to run signs this call; the next one tries again.
          const left = (session.expiration?.getTime() ?? 0) - now().getTime();
          if (left > LAST_USABLE_MS) return session;
          throw error;
        },
      )
      .finally(() => {
        renewal = undefined;
      });
    return renewal;
  };
  return { actor: { kind: 'role', roleArn, source }, credentials };
}
