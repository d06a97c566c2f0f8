// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings hold ${...} placeholders by design.
import { CfnResolver, type CfnTemplate } from './support/cfn-resolver';

const ENV = { account: '111111111111', region: 'eu-west-1' };

const TEMPLATE: CfnTemplate = {
  Resources: {
    WriterRole: { Type: 'AWS::IAM::Role', Properties: {} },
    NamedRole: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'named', Path: '/team/' } },
    LakeBucket: { Type: 'AWS::S3::Bucket' },
    NamedBucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { 'Fn::Sub': 'logs-${AWS::AccountId}' } } },
    DataKey: { Type: 'AWS::KMS::Key' },
    DataKeyAlias: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/trading-data-key' } },
    Stream: { Type: 'AWS::Kinesis::Stream', Properties: { Name: 'trades' } },
    LogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/app/writer' } },
    Trail: { Type: 'AWS::CloudTrail::Trail', Properties: { TrailName: 'audit' } },
    Writer: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'writer' } },
    Topic: { Type: 'AWS::SNS::Topic' },
    Queue: { Type: 'AWS::SQS::Queue' },
    SelfNamed: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { Ref: 'SelfNamed' } } },
  },
};

describe('CfnResolver', () => {
  const resolver = new CfnResolver(TEMPLATE, ENV);
  const resolve = (value: unknown) => resolver.resolve(value);

  it("resolves a role's Arn to arn:aws:iam::<account>:role/<LogicalId>", () => {
    expect(resolve({ 'Fn::GetAtt': ['WriterRole', 'Arn'] })).toBe('arn:aws:iam::111111111111:role/WriterRole');
  });

  it('uses RoleName and Path when the template sets them', () => {
    expect(resolve({ 'Fn::GetAtt': ['NamedRole', 'Arn'] })).toBe('arn:aws:iam::111111111111:role/team/named');
    expect(resolve({ Ref: 'NamedRole' })).toBe('named');
  });

  it('resolves a bucket Ref to its lowercased logical id and its Arn to arn:aws:s3:::<name>', () => {
    expect(resolve({ Ref: 'LakeBucket' })).toBe('lakebucket');
    expect(resolve({ 'Fn::GetAtt': ['LakeBucket', 'Arn'] })).toBe('arn:aws:s3:::lakebucket');
  });

  it('resolves a BucketName that is itself an intrinsic', () => {
    expect(resolve({ Ref: 'NamedBucket' })).toBe('logs-111111111111');
  });

  it("resolves a key's Arn to arn:aws:kms:<region>:<account>:key/<LogicalId> and its Ref to the key id", () => {
    expect(resolve({ 'Fn::GetAtt': ['DataKey', 'Arn'] })).toBe('arn:aws:kms:eu-west-1:111111111111:key/DataKey');
    expect(resolve({ Ref: 'DataKey' })).toBe('DataKey');
    expect(resolve({ Ref: 'DataKeyAlias' })).toBe('alias/trading-data-key');
  });

  it('resolves stream, log group, trail, function and topic ARNs', () => {
    expect(resolve({ 'Fn::GetAtt': ['Stream', 'Arn'] })).toBe('arn:aws:kinesis:eu-west-1:111111111111:stream/trades');
    // CloudFormation's log group Arn ends in ":*".
    expect(resolve({ 'Fn::GetAtt': ['LogGroup', 'Arn'] })).toBe(
      'arn:aws:logs:eu-west-1:111111111111:log-group:/app/writer:*',
    );
    expect(resolve({ 'Fn::GetAtt': ['Trail', 'Arn'] })).toBe('arn:aws:cloudtrail:eu-west-1:111111111111:trail/audit');
    expect(resolve({ 'Fn::GetAtt': ['Writer', 'Arn'] })).toBe('arn:aws:lambda:eu-west-1:111111111111:function:writer');
    expect(resolve({ Ref: 'Topic' })).toBe('arn:aws:sns:eu-west-1:111111111111:Topic');
  });

  it('accepts the string form of Fn::GetAtt', () => {
    expect(resolve({ 'Fn::GetAtt': 'DataKey.Arn' })).toBe('arn:aws:kms:eu-west-1:111111111111:key/DataKey');
  });

  it('resolves pseudo parameters', () => {
    expect(resolve([{ Ref: 'AWS::AccountId' }, { Ref: 'AWS::Region' }, { Ref: 'AWS::Partition' }])).toEqual([
      '111111111111',
      'eu-west-1',
      'aws',
    ]);
  });

  it('joins resolved parts with Fn::Join', () => {
    expect(resolve({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['LakeBucket', 'Arn'] }, '/trades/*']] })).toBe(
      'arn:aws:s3:::lakebucket/trades/*',
    );
  });

  it('substitutes pseudo parameters, references, attributes and variables in Fn::Sub, and keeps ${!literals}', () => {
    expect(resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x-${AWS::Region}' })).toBe(
      'arn:aws:iam::111111111111:role/x-eu-west-1',
    );
    expect(resolve({ 'Fn::Sub': '${LakeBucket.Arn}/${Stream}/${!NotAVariable}' })).toBe(
      'arn:aws:s3:::lakebucket/trades/${NotAVariable}',
    );
    expect(resolve({ 'Fn::Sub': ['${Name}-${Key}', { Name: 'n', Key: { Ref: 'DataKey' } }] })).toBe('n-DataKey');
  });

  it('resolves Fn::Select over Fn::Split', () => {
    expect(resolve({ 'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::GetAtt': ['Stream', 'Arn'] }] }] })).toBe('trades');
  });

  it('resolves intrinsics deep inside a policy document', () => {
    const policy = {
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::GetAtt': ['WriterRole', 'Arn'] } },
          Condition: { StringEquals: { 'kms:EncryptionContext:aws:kinesis:arn': { 'Fn::GetAtt': ['Stream', 'Arn'] } } },
        },
      ],
    };
    expect(resolve(policy)).toEqual({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111111111111:role/WriterRole' },
          Condition: {
            StringEquals: {
              'kms:EncryptionContext:aws:kinesis:arn': 'arn:aws:kinesis:eu-west-1:111111111111:stream/trades',
            },
          },
        },
      ],
    });
  });

  it('leaves a ${...} placeholder in a plain string alone, as CloudFormation does (only Fn::Sub substitutes)', () => {
    expect(resolve('arn:${AWS::Partition}:iam::111111111111:role/x')).toBe(
      'arn:${AWS::Partition}:iam::111111111111:role/x',
    );
  });

  it('refuses what it cannot resolve instead of guessing', () => {
    expect(() => resolve({ 'Fn::If': ['IsProd', 'a', 'b'] })).toThrow(/unsupported intrinsic Fn::If/);
    expect(() => resolve({ Ref: 'Missing' })).toThrow(/no resource Missing/);
    expect(() => resolve({ 'Fn::GetAtt': ['Queue', 'Arn'] })).toThrow(/no fixed name for AWS::SQS::Queue/);
    expect(() => resolve({ 'Fn::GetAtt': ['DataKey', 'Rotation'] })).toThrow(
      /no fixed value for AWS::KMS::Key.Rotation/,
    );
    expect(() => resolve({ Ref: 'AWS::NotificationARNs' })).toThrow(/unsupported pseudo parameter/);
    expect(() => resolve({ Ref: 'SelfNamed' })).toThrow(/circular/);
  });
});
