import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { assumeRole, sessionNameFor } from '../../../cli/aws/assume-role';
import type { CliError } from '../../../cli/errors';
import { EXIT } from '../../../cli/exit-codes';
import { ASSUMED_CREDENTIALS, awsError, PRODUCER_ROLE_ARN } from '../support';

const stsMock = mockClient(STSClient);
const sts = new STSClient({ region: 'eu-west-1' });
const caller = { kind: 'caller' } as const;

beforeEach(() => stsMock.reset());

describe('assumeRole', () => {
  it('returns the temporary credentials of the role, and the role as the actor', async () => {
    stsMock.on(AssumeRoleCommand).resolves({ Credentials: ASSUMED_CREDENTIALS });
    const role = await assumeRole(sts, PRODUCER_ROLE_ARN, 'trades-produce-ana', 'stack output ProducerRoleArn', caller);
    expect(stsMock.commandCalls(AssumeRoleCommand)[0].args[0].input).toEqual({
      RoleArn: PRODUCER_ROLE_ARN,
      RoleSessionName: 'trades-produce-ana',
    });
    expect(role.credentials).toEqual({
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
    const failure = (await assumeRole(sts, PRODUCER_ROLE_ARN, 's', 'x', caller).catch((e) => e)) as CliError;
    expect(failure.exitCode).toBe(EXIT.ACCESS_DENIED);
    expect(failure.message).toContain(`your own credentials may not sts:AssumeRole on ${PRODUCER_ROLE_ARN}`);
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
