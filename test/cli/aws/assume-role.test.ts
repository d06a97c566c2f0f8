import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { assumeRole, LAST_USABLE_MS, RENEW_BEFORE_EXPIRY_MS, sessionNameFor } from '../../../cli/aws/assume-role';
import { createAwsClients } from '../../../cli/aws/clients';
import type { CliError } from '../../../cli/errors';
import { EXIT } from '../../../cli/exit-codes';
import { ASSUMED_CREDENTIALS, awsError, PRODUCER_ROLE_ARN } from '../support';

const stsMock = mockClient(STSClient);
const sts = new STSClient({ region: 'eu-west-1' });
const caller = { kind: 'caller' } as const;
/** A clock the test moves: the session of ASSUMED_CREDENTIALS expires at 19:00. */
let clock = new Date('2026-03-16T18:00:00Z');
const now = () => clock;
const RENEWED = {
  AccessKeyId: 'ASIARENEWED',
  SecretAccessKey: 'renewed-secret',
  SessionToken: 'renewed-session',
  Expiration: new Date('2026-03-16T20:00:00Z'),
};

beforeEach(() => {
  stsMock.reset();
  clock = new Date('2026-03-16T18:00:00Z');
});

describe('assumeRole', () => {
  it('returns the temporary credentials of the role, and the role as the actor', async () => {
    stsMock.on(AssumeRoleCommand).resolves({ Credentials: ASSUMED_CREDENTIALS });
    const role = await assumeRole(
      sts,
      PRODUCER_ROLE_ARN,
      'trades-produce-ana',
      'stack output ProducerRoleArn',
      caller,
      now,
    );
    expect(stsMock.commandCalls(AssumeRoleCommand)[0].args[0].input).toEqual({
      RoleArn: PRODUCER_ROLE_ARN,
      RoleSessionName: 'trades-produce-ana',
    });
    expect(await role.credentials()).toEqual({
      accessKeyId: 'ASIAPRODUCER',
      secretAccessKey: 'producer-secret',
      sessionToken: 'producer-session',
      expiration: ASSUMED_CREDENTIALS.Expiration,
    });
    expect(role.actor).toEqual({ kind: 'role', roleArn: PRODUCER_ROLE_ARN, source: 'stack output ProducerRoleArn' });
  });

  it('names sts:AssumeRole and the role when the caller may not assume it', async () => {
    stsMock
      .on(AssumeRoleCommand)
      .rejects(awsError('AccessDenied', 'is not authorized to perform: sts:AssumeRole', 403));
    const failure = (await assumeRole(sts, PRODUCER_ROLE_ARN, 's', 'x', caller, now).catch((e) => e)) as CliError;
    expect(failure.exitCode).toBe(EXIT.ACCESS_DENIED);
    expect(failure.message).toContain(`your own credentials may not sts:AssumeRole on ${PRODUCER_ROLE_ARN}`);
  });
});

describe('the credentials of an assumed role', () => {
  const assumeProducer = () => assumeRole(sts, PRODUCER_ROLE_ARN, 'trades-produce-ana', 'src', caller, now);
  /** STS gives the first session, then the renewed one. */
  const stsRenewsOnce = () =>
    stsMock
      .on(AssumeRoleCommand)
      .resolvesOnce({ Credentials: ASSUMED_CREDENTIALS })
      .resolvesOnce({ Credentials: RENEWED });
  /** The first renewal fails with `error`; the one after it succeeds. */
  const stsFailsOneRenewal = (error: Error) =>
    stsMock
      .on(AssumeRoleCommand)
      .resolvesOnce({ Credentials: ASSUMED_CREDENTIALS })
      .rejectsOnce(error)
      .resolvesOnce({ Credentials: RENEWED });

  it('keeps the session while it has more than the renewal margin left, assuming the role once', async () => {
    stsMock.on(AssumeRoleCommand).resolves({ Credentials: ASSUMED_CREDENTIALS });
    const role = await assumeProducer();
    clock = new Date(ASSUMED_CREDENTIALS.Expiration.getTime() - RENEW_BEFORE_EXPIRY_MS - 1000);
    expect((await role.credentials()).accessKeyId).toBe('ASIAPRODUCER');
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it('assumes the role again, with the same session name, once the session is within the margin', async () => {
    stsRenewsOnce();
    const role = await assumeProducer();
    clock = new Date(ASSUMED_CREDENTIALS.Expiration.getTime() - RENEW_BEFORE_EXPIRY_MS + 1000);
    expect(await role.credentials()).toEqual({
      accessKeyId: 'ASIARENEWED',
      secretAccessKey: 'renewed-secret',
      sessionToken: 'renewed-session',
      expiration: RENEWED.Expiration,
    });
    const calls = stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input);
    expect(calls).toEqual([
      { RoleArn: PRODUCER_ROLE_ARN, RoleSessionName: 'trades-produce-ana' },
      { RoleArn: PRODUCER_ROLE_ARN, RoleSessionName: 'trades-produce-ana' },
    ]);
    // The renewed session is kept in turn.
    expect((await role.credentials()).accessKeyId).toBe('ASIARENEWED');
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('renews once for every client that asks at the same time', async () => {
    stsRenewsOnce();
    const role = await assumeProducer();
    clock = ASSUMED_CREDENTIALS.Expiration;
    const identities = await Promise.all([role.credentials(), role.credentials(), role.credentials()]);
    expect(identities.map((identity) => identity.accessKeyId)).toEqual(['ASIARENEWED', 'ASIARENEWED', 'ASIARENEWED']);
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('fails the call that needed a renewal with the reason STS gave, then tries again on the next', async () => {
    stsFailsOneRenewal(awsError('ExpiredToken', 'The security token included in the request is expired', 400));
    const role = await assumeProducer();
    clock = ASSUMED_CREDENTIALS.Expiration;
    const failure = (await role.credentials().catch((e) => e)) as CliError;
    expect(failure.exitCode).toBe(EXIT.AWS_SETUP);
    expect(failure.message).toContain('has expired (sts:AssumeRole): sign in again');
    expect((await role.credentials()).accessKeyId).toBe('ASIARENEWED');
  });

  it('renews before the SDK would ask for a new identity, so it never gets the session about to expire', async () => {
    stsRenewsOnce();
    const role = await assumeProducer();
    // Seven minutes left: inside this margin, outside the SDK's five.
    clock = new Date(ASSUMED_CREDENTIALS.Expiration.getTime() - 7 * 60 * 1000);
    expect((await role.credentials()).accessKeyId).toBe('ASIARENEWED');
  });

  it('keeps signing with a session that has a while left when a renewal fails, and renews on the next call', async () => {
    stsFailsOneRenewal(awsError('Throttling', 'Rate exceeded', 400));
    const role = await assumeProducer();
    clock = new Date(ASSUMED_CREDENTIALS.Expiration.getTime() - LAST_USABLE_MS - 60_000);
    expect((await role.credentials()).accessKeyId).toBe('ASIAPRODUCER');
    expect((await role.credentials()).accessKeyId).toBe('ASIARENEWED');
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(3);
  });

  it('renews a session shorter than twice the margin half way through, not on every call', async () => {
    const short = { ...ASSUMED_CREDENTIALS, Expiration: new Date(clock.getTime() + 8 * 60 * 1000) };
    stsMock.on(AssumeRoleCommand).resolvesOnce({ Credentials: short }).resolvesOnce({ Credentials: RENEWED });
    const role = await assumeProducer();
    await role.credentials();
    clock = new Date(clock.getTime() + 3 * 60 * 1000);
    await role.credentials();
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    clock = new Date(clock.getTime() + 2 * 60 * 1000);
    expect((await role.credentials()).accessKeyId).toBe('ASIARENEWED');
  });

  it('signs with the renewed session through a client made by cli/aws/clients.ts', async () => {
    stsRenewsOnce();
    const role = await assumeProducer();
    const kinesis = createAwsClients({ region: 'eu-west-1' }).kinesis(role.credentials);
    expect((await kinesis.config.credentials()).accessKeyId).toBe('ASIAPRODUCER');
    clock = ASSUMED_CREDENTIALS.Expiration;
    // The SDK asks the provider again once the identity it holds is near expiry (by the real clock,
    // long past this fixture's 19:00); the provider, by the command's clock, then renews.
    expect((await kinesis.config.credentials()).accessKeyId).toBe('ASIARENEWED');
  });
});

describe('sessionNameFor', () => {
  it('names the command and the user, in the characters STS allows, at most 64', () => {
    expect(sessionNameFor('produce', 'ana')).toBe('trades-produce-ana');
    expect(sessionNameFor('produce', 'DOMAIN\\ana maria')).toBe('trades-produce-DOMAIN-ana-maria');
    const long = sessionNameFor('produce', 'u'.repeat(100));
    expect(long).toHaveLength(64);
    expect(long).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
});
