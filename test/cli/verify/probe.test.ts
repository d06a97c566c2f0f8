import { deniedBy, judgeProbe, PROBE_CONTROL } from '../../../cli/verify/probe';
import { awsError } from '../support';

const auditor = {
  kind: 'role',
  roleArn: 'arn:aws:iam::111111111111:role/auditor',
  source: 'stack output AuditorRoleArn',
} as const;
const answer = (name: string, message: string, status: number) =>
  judgeProbe({ error: awsError(name, message, status) }, auditor);
const INCONCLUSIVE =
  "the probe is inconclusive, so the bucket policy's Deny (DenyPutObjectWithoutSseKms) is not proven: look at the bucket policy and at what refused the request";
const DENIED_BY =
  'User: arn:aws:sts::111111111111:assumed-role/auditor/trades-verify is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::lake/verify-probe/never-written"';

describe("judgeProbe: what S3's answer to the unencrypted, conditional probe says about the bucket policy", () => {
  it('passes a 403 that names an explicit Deny in a resource-based policy', () => {
    expect(answer('AccessDenied', `${DENIED_BY} with an explicit deny in a resource-based policy`, 403)).toEqual({
      control: PROBE_CONTROL,
      result: 'PASS',
      reason: '403 AccessDenied (an explicit Deny in the bucket policy); nothing was written',
    });
  });

  it('fails a 403 without a reason: the bucket policy may not be what refused it, so the probe is inconclusive', () => {
    expect(answer('AccessDenied', 'Access Denied', 403)).toEqual({
      control: PROBE_CONTROL,
      result: 'FAIL',
      reason: `403 AccessDenied, but S3 gave no reason: ${INCONCLUSIVE}. S3 said AccessDenied: Access Denied`,
    });
  });

  it('fails the probe when an SCP, not the bucket policy, refused it', () => {
    expect(answer('AccessDenied', `${DENIED_BY} with an explicit deny in a service control policy`, 403)).toMatchObject(
      {
        result: 'FAIL',
        reason: expect.stringMatching(
          /^403 AccessDenied from an explicit deny in a service control policy, not the bucket policy: the probe is inconclusive/,
        ),
      },
    );
  });

  it('fails the probe when a permissions boundary, not the bucket policy, refused it', () => {
    expect(
      answer('AccessDenied', `${DENIED_BY} because no permissions boundary allows the s3:PutObject action`, 403),
    ).toMatchObject({
      result: 'FAIL',
      reason: expect.stringMatching(
        /^403 AccessDenied because no permissions boundary allows the request, not the bucket policy: the probe is inconclusive/,
      ),
    });
  });

  it("fails the probe when the auditor's own identity-based policy, not the bucket policy, denied it", () => {
    expect(answer('AccessDenied', `${DENIED_BY} with an explicit deny in an identity-based policy`, 403)).toMatchObject(
      {
        result: 'FAIL',
        reason: expect.stringMatching(
          /^403 AccessDenied from an explicit deny in an identity-based policy, not the bucket policy: the probe is inconclusive/,
        ),
      },
    );
  });

  it.each([
    ['SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'],
    ['InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'],
    ['RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.'],
    ['AllAccessDisabled', 'All access to this object has been disabled'],
  ])('fails the probe when S3 refused it with %s, before any policy was read', (name, message) => {
    expect(answer(name, message, 403)).toEqual({
      control: PROBE_CONTROL,
      result: 'FAIL',
      reason: `403 ${name} is not an authorization answer (a signature, credential, clock or account error comes before any policy): ${INCONCLUSIVE}. S3 said ${name}: ${message}`,
    });
  });

  it('passes only the explicit deny of a resource-based policy, not a message that merely mentions one', () => {
    expect(
      answer('AccessDenied', `${DENIED_BY} because no resource-based policy allows the s3:PutObject action`, 403),
    ).toMatchObject({ result: 'FAIL', reason: expect.stringContaining('because no resource-based policy allows') });
  });

  it('fails a 403 for want of an IAM Allow: it proves nothing about the bucket policy', () => {
    expect(
      answer('AccessDenied', `${DENIED_BY} because no identity-based policy allows the s3:PutObject action`, 403),
    ).toMatchObject({
      result: 'FAIL',
      reason: expect.stringMatching(/^403 for want of an IAM Allow, which proves nothing about the bucket policy/),
    });
  });

  it('fails a 403 from KMS: the request got past the bucket policy', () => {
    expect(
      answer('AccessDenied', 'User is not authorized to perform: kms:GenerateDataKey on the key', 403),
    ).toMatchObject({ result: 'FAIL', reason: expect.stringContaining('only KMS refused it: the Deny does not hold') });
  });

  it.each([
    ['NoSuchKey', 404],
    ['PreconditionFailed', 412],
  ])('fails %s (%i): authorized, stopped only by the precondition', (name, status) => {
    expect(answer(name, 'At least one of the pre-conditions you specified did not hold', status)).toEqual({
      control: PROBE_CONTROL,
      result: 'FAIL',
      reason: `S3 answered ${status} ${name}: the unencrypted request was authorized and stopped only by its If-Match precondition, so the bucket policy does not deny it (nothing was written).`,
    });
  });

  it('fails loudly if S3 ever stored the probe', () => {
    expect(judgeProbe({ stored: true }, auditor)).toMatchObject({
      result: 'FAIL',
      reason: expect.stringMatching(/^S3 stored an object at verify-probe\/never-written without encryption headers/),
    });
  });

  it('fails any other answer as unexpected, with what S3 said', () => {
    expect(answer('InvalidRequest', 'Bucket is missing Object Lock Configuration', 400)).toEqual({
      control: PROBE_CONTROL,
      result: 'FAIL',
      reason: 'unexpected answer to the probe (400): InvalidRequest: Bucket is missing Object Lock Configuration',
    });
  });

  it('fails with the message a person can act on when S3 never answered (credentials, network)', () => {
    const offline = Object.assign(new Error('getaddrinfo ENOTFOUND s3.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' });
    expect(judgeProbe({ error: offline }, auditor)).toMatchObject({
      result: 'FAIL',
      reason: 'Could not reach AWS for s3:PutObject (ENOTFOUND): check the network and the Region.',
    });
  });

  it('leaves a defect (not an AWS error) to be reported as one', () => {
    expect(() => judgeProbe({ error: new TypeError('undefined is not a function') }, auditor)).toThrow(TypeError);
  });
});

describe('deniedBy: the policy type an S3 AccessDenied message names', () => {
  it.each([
    ['with an explicit deny in a resource-based policy', { deny: 'explicit', policy: 'resource-based policy' }],
    ['with an explicit deny in a service control policy', { deny: 'explicit', policy: 'service control policy' }],
    ['with an explicit deny in a resource control policy', { deny: 'explicit', policy: 'resource control policy' }],
    ['with an explicit deny in an identity-based policy', { deny: 'explicit', policy: 'identity-based policy' }],
    ['with an explicit deny in a VPC endpoint policy', { deny: 'explicit', policy: 'VPC endpoint policy' }],
    [
      'because no permissions boundary allows the s3:PutObject action',
      { deny: 'implicit', policy: 'permissions boundary' },
    ],
    ['because no session policy allows the s3:PutObject action', { deny: 'implicit', policy: 'session policy' }],
  ])('reads "%s"', (reason, expected) => {
    expect(deniedBy(`${DENIED_BY} ${reason}`)).toEqual(expected);
  });

  it('finds none in a bare "Access Denied"', () => {
    expect(deniedBy('Access Denied')).toBeUndefined();
  });
});
