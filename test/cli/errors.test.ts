import { type AwsCall, CliError, callAws, explainAwsError } from '../../cli/errors';
import { EXIT } from '../../cli/exit-codes';
import { awsError } from './support';

const ROLE = 'arn:aws:iam::111111111111:role/TradingDataLake-dev-ProducerRole';
const asRole: AwsCall = {
  action: 'kinesis:PutRecords',
  resource: 'stream trading-data-lake-dev-trades',
  actor: { kind: 'role', roleArn: ROLE, source: 'stack output ProducerRoleArn' },
};
const asCaller: AwsCall = { action: 'sts:AssumeRole', resource: ROLE, actor: { kind: 'caller', profile: 'ops' } };

describe('explainAwsError: errors a person can act on', () => {
  it('says there are no credentials, and how to get some', () => {
    const error = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    const explained = explainAwsError(error, asCaller)!;
    expect(explained.exitCode).toBe(EXIT.AWS_SETUP);
    expect(explained.message).toBe(
      'No AWS credentials for sts:AssumeRole: Could not load credentials from any providers. Sign in (aws configure, aws sso login) or name a profile with --profile.',
    );
  });

  it('names the action and the role when AWS denies a role', () => {
    const explained = explainAwsError(
      awsError('AccessDeniedException', 'User: ... is not authorized to perform: kinesis:PutRecords', 403),
      asRole,
    )!;
    expect(explained.exitCode).toBe(EXIT.ACCESS_DENIED);
    expect(explained.message).toContain(
      `Access denied: the role ${ROLE} (stack output ProducerRoleArn) may not kinesis:PutRecords on stream trading-data-lake-dev-trades.`,
    );
    expect(explained.message).toContain('--role-arn');
    expect(explained.message).toContain('AWS said: AccessDeniedException: User: ... is not authorized');
  });

  it('names the role a caller may not assume, and who decides who may', () => {
    const explained = explainAwsError(
      awsError('AccessDenied', 'not authorized to perform: sts:AssumeRole', 403),
      asCaller,
    )!;
    expect(explained.exitCode).toBe(EXIT.ACCESS_DENIED);
    expect(explained.message).toContain(`your own credentials (profile ops) may not sts:AssumeRole on ${ROLE}.`);
    expect(explained.message).toContain('producerPrincipals');
  });

  it.each([
    ['ExpiredTokenException', EXIT.AWS_SETUP, /has expired/],
    ['UnrecognizedClientException', EXIT.AWS_SETUP, /refused the credentials/],
    ['KMSAccessDeniedException', EXIT.ACCESS_DENIED, /may not use the KMS key of stream trading-data-lake-dev-trades/],
    ['KMSDisabledException', EXIT.FAILED, /disabled .*trades key enable/],
    ['ProvisionedThroughputExceededException', EXIT.THROTTLED, /throttled kinesis:PutRecords/],
    ['ThrottlingException', EXIT.THROTTLED, /run the command again later/],
    ['ResourceNotFoundException', EXIT.AWS_SETUP, /does not exist .*--stack/],
    ['ValidationException', EXIT.FAILED, /kinesis:PutRecords on stream .* failed\. AWS said: ValidationException/],
  ])('turns %s into exit code %d', (name, exitCode, message) => {
    const explained = explainAwsError(awsError(name, 'details'), asRole)!;
    expect(explained).toBeInstanceOf(CliError);
    expect(explained.exitCode).toBe(exitCode);
    expect(explained.message).toMatch(message);
  });

  it('says a Region is missing', () => {
    const explained = explainAwsError(new Error('Region is missing'), asCaller)!;
    expect(explained.exitCode).toBe(EXIT.AWS_SETUP);
    expect(explained.message).toMatch(/--region/);
  });

  it('says AWS cannot be reached', () => {
    const explained = explainAwsError(
      Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }),
      asRole,
    )!;
    expect(explained.message).toMatch(/Could not reach AWS .*ENOTFOUND/);
  });

  it('leaves an error that is not from AWS to be reported as a defect', () => {
    expect(explainAwsError(new TypeError('x is undefined'), asRole)).toBeUndefined();
  });

  it('keeps the original error as the cause', async () => {
    const original = awsError('AccessDeniedException', 'no', 403);
    const failure = await callAws(asRole, () => Promise.reject(original)).catch((e: unknown) => e);
    expect((failure as CliError).cause).toBe(original);
  });
});
