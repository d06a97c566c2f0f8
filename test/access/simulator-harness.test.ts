// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings hold ${...} placeholders by design.
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { type AccessModel, accessModelOf, type NamedPolicy, type PolicyDocument } from './support/access-model';
import type { CfnTemplate } from './support/cfn-resolver';
import { ALLOW_EVERYTHING, sessionArnOf } from './support/principals';
import { type AccessRequest, evaluate } from './support/simulate';

// The harness on a small hand-written template, so that each behaviour the access matrix relies on is
// pinned down on its own: how the model is built, how the simulator is called, what it gets wrong.

const ENV = { account: '111111111111', region: 'eu-west-1' };
const KEY_ARN = 'arn:aws:kms:eu-west-1:111111111111:key/Key';
const STREAM_ARN = 'arn:aws:kinesis:eu-west-1:111111111111:stream/trades';
const READER_ARN = 'arn:aws:iam::111111111111:role/Reader';
const VIA_KINESIS = 'kinesis.eu-west-1.amazonaws.com';

const keyPolicy = (...statements: PolicyDocument['Statement']): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: statements,
});

const TEMPLATE: CfnTemplate = {
  Resources: {
    Reader: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: { 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:root' } },
              Action: 'sts:AssumeRole',
            },
          ],
        },
      },
    },
    ReaderPolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'ReaderPolicy',
        Roles: [{ Ref: 'Reader' }],
        PolicyDocument: {
          Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': ['Key', 'Arn'] } }],
        },
      },
    },
    Key: {
      Type: 'AWS::KMS::Key',
      Properties: {
        KeyPolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: { 'Fn::GetAtt': ['Reader', 'Arn'] } },
              Action: 'kms:Decrypt',
              Resource: '*',
              Condition: {
                StringEquals: {
                  'kms:ViaService': VIA_KINESIS,
                  'kms:EncryptionContext:aws:kinesis:arn': { 'Fn::GetAtt': ['Stream', 'Arn'] },
                },
              },
            },
          ],
        },
      },
    },
    Stream: { Type: 'AWS::Kinesis::Stream', Properties: { Name: 'trades' } },
  },
};

const { model } = accessModelOf(TEMPLATE, ENV);
const reader = model.roles[READER_ARN]?.identityPolicies ?? [];

function decrypt(context: Record<string, string>, policies: readonly NamedPolicy[] = reader): AccessRequest {
  return {
    principal: sessionArnOf(READER_ARN),
    identityPolicies: policies,
    action: 'kms:Decrypt',
    resource: KEY_ARN,
    context: { 'aws:SecureTransport': 'true', ...context },
  };
}

function withKeyPolicy(policy: PolicyDocument): AccessModel {
  return { ...model, keyPolicies: { [KEY_ARN]: policy } };
}

/** A key policy that lets the reader decrypt, and denies what `deny` says. */
function readerAllowedBut(
  deny: Omit<PolicyDocument['Statement'][number], 'Effect' | 'Principal' | 'Resource'>,
): AccessModel {
  return withKeyPolicy(
    keyPolicy(
      { Effect: 'Allow', Principal: { AWS: READER_ARN }, Action: 'kms:Decrypt', Resource: '*' },
      { ...deny, Effect: 'Deny', Principal: '*', Resource: '*' },
    ),
  );
}

describe('accessModelOf', () => {
  it('attaches each AWS::IAM::Policy to the roles it names and keeps the trust policy', () => {
    expect(Object.keys(model.roles)).toEqual([READER_ARN]);
    expect(reader.map((policy) => policy.name)).toEqual(['ReaderPolicy']);
    expect(reader[0]?.policy.Statement[0]?.Resource).toBe(KEY_ARN);
    expect(model.roles[READER_ARN]?.trustPolicy.Statement[0]?.Principal).toEqual({
      AWS: 'arn:aws:iam::111111111111:root',
    });
  });

  it('keys the key policies by key ARN, intrinsics resolved', () => {
    expect(model.keyPolicies[KEY_ARN]?.Statement[0]?.Condition?.StringEquals).toEqual({
      'kms:ViaService': VIA_KINESIS,
      'kms:EncryptionContext:aws:kinesis:arn': STREAM_ARN,
    });
  });

  it('refuses a role with a managed policy, which the template does not hold', () => {
    const withManaged: CfnTemplate = {
      Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { ManagedPolicyArns: ['arn:aws:iam::aws:policy/x'] } } },
    };
    expect(() => accessModelOf(withManaged, ENV)).toThrow(/managed policies/);
  });
});

describe('evaluate', () => {
  it("pins the simulator's limitation: its validated entry point drops kms:EncryptionContext keys", async () => {
    // If this starts failing, the simulator learned the key: drop the unvalidated path in simulate.ts.
    const result = await runSimulation(
      {
        request: {
          principal: sessionArnOf(READER_ARN),
          action: 'kms:Decrypt',
          resource: { resource: KEY_ARN, accountId: ENV.account },
          contextVariables: { 'kms:ViaService': VIA_KINESIS, 'kms:EncryptionContext:aws:kinesis:arn': STREAM_ARN },
        },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: model.keyPolicies[KEY_ARN],
      },
      {},
    );
    expect(result.resultType === 'single' && result.result.ignoredContextKeys).toEqual([
      'kms:EncryptionContext:aws:kinesis:arn',
    ]);
    expect(result.resultType === 'single' && result.overallResult).toBe('ImplicitlyDenied');
  });

  it('evaluates an encryption context condition: this stream allowed, another stream or none denied', async () => {
    const via = { 'kms:ViaService': VIA_KINESIS };
    const thisStream = await evaluate(model, decrypt({ ...via, 'kms:EncryptionContext:aws:kinesis:arn': STREAM_ARN }));
    expect(thisStream).toMatchObject({ result: 'Allowed', engine: 'unvalidated-for-encryption-context' });
    const otherStream = await evaluate(
      model,
      decrypt({ ...via, 'kms:EncryptionContext:aws:kinesis:arn': `${STREAM_ARN}-other` }),
    );
    expect(otherStream.result).toBe('ImplicitlyDenied');
    expect((await evaluate(model, decrypt(via))).result).toBe('ImplicitlyDenied');
  });

  it('refuses a context key that does not apply to the action, instead of dropping it silently', async () => {
    await expect(evaluate(model, decrypt({ 's3:prefix': 'trades/' }))).rejects.toThrow(/do not apply to kms:Decrypt/);
  });

  it('refuses a policy the simulator cannot validate', async () => {
    const broken = withKeyPolicy(
      keyPolicy({ Effect: 'Permit' as 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' }),
    );
    await expect(evaluate(broken, decrypt({}))).rejects.toThrow(/simulation rejected/);
  });

  it('models KMS: an IAM policy grants key usage only where the key policy names the account', async () => {
    const admin = [{ name: 'Admin', policy: ALLOW_EVERYTHING }];
    const kmsEverythingFor = (principal: string) =>
      withKeyPolicy(keyPolicy({ Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:*', Resource: '*' }));
    const noAccount = kmsEverythingFor('arn:aws:iam::111111111111:role/Other');
    const account = kmsEverythingFor('arn:aws:iam::111111111111:root');
    expect((await evaluate(noAccount, decrypt({}, admin))).result).toBe('ImplicitlyDenied');
    expect((await evaluate(account, decrypt({}, admin))).result).toBe('Allowed');
  });

  it('does not match a Deny whose condition key is missing from the request (why scenarios carry the full context)', async () => {
    const denyHttp = readerAllowedBut({
      Sid: 'DenyHttp',
      Action: 'kms:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    const withoutKey = { ...decrypt({}), context: {} };
    expect((await evaluate(denyHttp, withoutKey)).result).toBe('Allowed');
    const overHttp = await evaluate(denyHttp, decrypt({ 'aws:SecureTransport': 'false' }));
    expect(overHttp).toMatchObject({ result: 'ExplicitlyDenied', explicitDenies: ['DenyHttp'] });
  });

  it('names an explicit Deny without a Sid by its condition keys', async () => {
    const denyOther = readerAllowedBut({
      Action: 'kms:Decrypt',
      Condition: { StringNotEquals: { 'kms:CallerAccount': '111111111111' } },
    });
    const outcome = await evaluate(denyOther, decrypt({ 'kms:CallerAccount': '222222222222' }));
    expect(outcome).toMatchObject({ result: 'ExplicitlyDenied', explicitDenies: ['kms:CallerAccount'] });
  });
});
