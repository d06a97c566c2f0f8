// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings hold ${...} placeholders by design.
import { PROD_PRINCIPALS, synthApp } from '../support/app';

// A policy past its service's size quota is refused at deploy, halfway through a stack, never at
// synth; cfn-lint does not count them. These tests count every policy of both stages the way the
// services do (JSON without whitespace) with every value CloudFormation fills in at its longest, so
// that a grant that grows a policy too far fails here first.

/** Characters each kind of policy may hold (IAM and AWS STS quotas; KMS and S3 quotas). */
const QUOTAS = {
  /** IAM: all inline policies of one role together (an AWS::IAM::Policy is an inline policy). */
  roleInlinePolicies: 10_240,
  /** IAM: one customer managed policy. */
  managedPolicy: 6_144,
  /** IAM: a role trust policy, by default (lib/config.ts checks the configured principals against it). */
  roleTrustPolicy: 2_048,
  /** KMS: one key policy (32 KB). */
  keyPolicy: 32_768,
  /** S3: one bucket policy (20 KB). */
  bucketPolicy: 20_480,
  /** SNS: one topic policy (30 KB). */
  topicPolicy: 30_720,
};

/**
 * The longest each value CloudFormation fills in can be: pseudo parameters at their longest
 * (GovCloud, the longest Region name and URL suffix), and any other Ref or attribute as 256
 * characters, more than any ARN these policies name takes (a generated role ARN is at most about
 * 100; a state machine, log group or stream ARN with a long name, a few hundred at most).
 */
const LONGEST_PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws-us-gov',
  'AWS::AccountId': '123456789012',
  'AWS::Region': 'ap-southeast-2',
  'AWS::URLSuffix': 'amazonaws.com.cn',
  'AWS::StackName': 'TradingDataLake-prod',
};
const LONGEST_VALUE = 'x'.repeat(256);

function longest(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(longest);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [name, argument] = entries[0] as [string, unknown];
    if (name === 'Ref') return LONGEST_PSEUDO[argument as string] ?? LONGEST_VALUE;
    if (name === 'Fn::GetAtt' || name === 'Fn::ImportValue') return LONGEST_VALUE;
    if (name === 'Fn::Join') {
      const [separator, parts] = argument as [string, unknown[]];
      return (longest(parts) as unknown[]).map(String).join(separator);
    }
    if (name === 'Fn::Sub') {
      const template = Array.isArray(argument) ? (argument[0] as string) : (argument as string);
      return template.replace(/\$\{([^}]+)\}/g, (_, variable: string) => LONGEST_PSEUDO[variable] ?? LONGEST_VALUE);
    }
    if (name.startsWith('Fn::')) throw new Error(`no longest form for ${name}: add one`);
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, longest(item)]));
}

/** Characters the service counts in `document`, at its longest. */
const lengthOf = (document: unknown) => JSON.stringify(longest(document)).length;

interface Counted {
  readonly what: string;
  readonly length: number;
  readonly quota: number;
}

type Resource = { Type: string; Properties: Record<string, unknown> };

/** The resource types that hold one policy each, where, and what it is called. */
const ONE_POLICY: Record<string, { property: string; what: string; quota: number }> = {
  'AWS::IAM::Role': { property: 'AssumeRolePolicyDocument', what: 'trust policy of', quota: QUOTAS.roleTrustPolicy },
  'AWS::IAM::ManagedPolicy': { property: 'PolicyDocument', what: 'managed policy', quota: QUOTAS.managedPolicy },
  'AWS::KMS::Key': { property: 'KeyPolicy', what: 'key policy of', quota: QUOTAS.keyPolicy },
  'AWS::S3::BucketPolicy': { property: 'PolicyDocument', what: 'bucket policy', quota: QUOTAS.bucketPolicy },
  'AWS::SNS::TopicPolicy': { property: 'PolicyDocument', what: 'topic policy', quota: QUOTAS.topicPolicy },
};

function countPolicies(resources: Record<string, Resource>): Counted[] {
  const counted: Counted[] = [];
  // IAM counts a role's inline policies together: its own `Policies` and every AWS::IAM::Policy on it.
  const inlineByRole = new Map<string, number>();
  const addInline = (role: string, length: number) => inlineByRole.set(role, (inlineByRole.get(role) ?? 0) + length);
  for (const [id, { Type, Properties }] of Object.entries(resources)) {
    const one = ONE_POLICY[Type];
    if (one !== undefined) {
      counted.push({ what: `${one.what} ${id}`, length: lengthOf(Properties[one.property]), quota: one.quota });
    }
    if (Type === 'AWS::IAM::Role') {
      for (const { PolicyDocument } of (Properties.Policies ?? []) as { PolicyDocument: unknown }[]) {
        addInline(id, lengthOf(PolicyDocument));
      }
      addInline(id, 0);
    }
    if (Type === 'AWS::IAM::Policy') {
      for (const role of (Properties.Roles ?? []) as { Ref?: string }[]) {
        addInline(role.Ref ?? `an imported role of ${id}`, lengthOf(Properties.PolicyDocument));
      }
    }
  }
  for (const [role, length] of inlineByRole) {
    counted.push({ what: `inline policies of ${role}`, length, quota: QUOTAS.roleInlinePolicies });
  }
  return counted;
}

/** Properties that hold a policy document, on any resource type. */
const POLICY_PROPERTIES = new Set(['PolicyDocument', 'KeyPolicy', 'AssumeRolePolicyDocument', 'Policies']);
/** The types countPolicies counts. */
const COUNTED_TYPES = new Set([...Object.keys(ONE_POLICY), 'AWS::IAM::Policy']);

/** The policies past their quota. */
const overQuota = (counted: readonly Counted[]) => counted.filter(({ length, quota }) => length > quota);

const STAGES = {
  dev: synthApp().template.toJSON().Resources as Record<string, Resource>,
  prod: synthApp({ stage: 'prod', ...PROD_PRINCIPALS }).template.toJSON().Resources as Record<string, Resource>,
};

describe.each(Object.entries(STAGES))('every policy of the %s stack fits its service’s size quota', (_, resources) => {
  const counted = countPolicies(resources);

  it('counts every role, key, bucket and topic policy of the stack', () => {
    const kinds = (prefix: string) => counted.filter(({ what }) => what.startsWith(prefix)).length;
    const ofType = (type: string) => Object.values(resources).filter(({ Type }) => Type === type).length;
    expect(kinds('trust policy of')).toBe(ofType('AWS::IAM::Role'));
    expect(kinds('key policy of')).toBe(ofType('AWS::KMS::Key'));
    expect(kinds('bucket policy')).toBe(ofType('AWS::S3::BucketPolicy'));
    expect(kinds('topic policy')).toBe(ofType('AWS::SNS::TopicPolicy'));
    expect(kinds('inline policies of')).toBeGreaterThanOrEqual(8);
  });

  it('leaves no resource that holds a policy document uncounted', () => {
    const holdsPolicy = ({ Properties }: Resource) =>
      Object.keys(Properties ?? {}).some((name) => POLICY_PROPERTIES.has(name));
    const types = new Set(
      Object.values(resources)
        .filter(holdsPolicy)
        .map(({ Type }) => Type),
    );
    expect([...types].filter((type) => !COUNTED_TYPES.has(type))).toEqual([]);
  });

  it('keeps each within its quota with every filled-in value at its longest', () => {
    expect(overQuota(counted)).toEqual([]);
  });
});

describe('the count itself', () => {
  it('measures a document without whitespace, each Ref and attribute at its longest', () => {
    const document = {
      Statement: [
        {
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'Bucket' }, '/*']] },
        },
      ],
    };
    expect(lengthOf(document)).toBe(
      JSON.stringify({ Statement: [{ Effect: 'Allow', Resource: `arn:aws-us-gov:s3:::${LONGEST_VALUE}/*` }] }).length,
    );
    expect(
      lengthOf({ Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${Key}' } }),
    ).toBe(JSON.stringify({ Resource: `arn:aws-us-gov:kms:ap-southeast-2:123456789012:key/${LONGEST_VALUE}` }).length);
  });

  it('finds a policy over its quota', () => {
    const big = {
      Statement: Array.from({ length: 300 }, (_, i) => ({
        Effect: 'Allow',
        Action: `s3:Action${i}`,
        Resource: { 'Fn::GetAtt': ['B', 'Arn'] },
      })),
    };
    const counted = countPolicies({ K: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: big } } });
    expect(counted).toEqual([{ what: 'key policy of K', length: lengthOf(big), quota: QUOTAS.keyPolicy }]);
    expect(overQuota(counted)).toEqual(counted);
  });
});
