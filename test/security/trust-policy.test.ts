import { App, Stack } from 'aws-cdk-lib';
import { AccessRoles } from '../../lib/security/access-roles';
import { trustPolicyDocumentOf, trustPolicyLength } from '../../lib/security/trust-policy';
import { CfnResolver, type CfnTemplate } from '../access/support/cfn-resolver';
import { cdkJsonContext, PROD_PRINCIPALS, synthApp, TEST_ENV } from '../support/app';
import { logicalIdOf } from '../support/template';

// lib/config.ts refuses principals whose trust policy would pass IAM's quota, by the size
// trust-policy.ts computes. These tests hold that computation equal to the trust policies the stack
// really synthesizes (cdk.json's feature flags merge statements), so the check cannot drift from
// what IAM is sent.

const sso = (name: string, account = '111111111111') =>
  `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_${name}_????????????????`;

const MIXED = [
  'arn:aws:iam::111111111111:role/analysts',
  sso('Analysts'),
  'arn:aws:iam::222222222222:root',
  sso('Quants'),
  sso('Analysts', '333333333333'),
  // Named twice: the deployed policy names each once.
  'arn:aws:iam::111111111111:role/analysts',
  sso('Quants'),
];

const CASES: Record<string, readonly string[]> = {
  'one exact ARN': ['arn:aws:iam::111111111111:role/analysts'],
  'several exact ARNs': ['arn:aws:iam::111111111111:role/a', 'arn:aws:iam::111111111111:role/b'],
  'one permission set': [sso('Analysts')],
  'exact ARNs, permission sets in two accounts, and repeats': MIXED,
  'GovCloud ARNs': ['arn:aws-us-gov:iam::111111111111:role/a', sso('Analysts').replace('arn:aws:', 'arn:aws-us-gov:')],
};

/** The synthesized trust policy of each case, with `AWS::Partition` the partition its ARNs name. */
const synthesized = (() => {
  const app = new App({ context: cdkJsonContext() });
  const stack = new Stack(app, 'Trust', { env: TEST_ENV });
  const roles = Object.entries(CASES).map(([name, principals]) => {
    const access = new AccessRoles(stack, name.replace(/\W/g, ''), {
      producerPrincipals: principals,
      analystPrincipals: principals,
      dataEngineerPrincipals: principals,
      auditorPrincipals: principals,
    });
    return { name, principals, logicalId: logicalIdOf(access.producer) };
  });
  const template = app.synth().getStackByName('Trust').template as CfnTemplate;
  return roles.map(({ name, principals, logicalId }) => {
    const partition = principals[0]?.split(':')[1] ?? 'aws';
    const resolver = new CfnResolver(template, TEST_ENV);
    const document = JSON.parse(
      JSON.stringify(resolver.resolve(template.Resources[logicalId]?.Properties?.AssumeRolePolicyDocument)).replaceAll(
        'arn:aws:iam::',
        `arn:${partition}:iam::`,
      ),
    ) as Record<string, unknown>;
    return { name, principals, document };
  });
})();

describe('the trust policy size the configuration checks is the one the stack deploys', () => {
  it.each(synthesized)('renders $name as the synthesized role does', ({ principals, document }) => {
    expect(trustPolicyDocumentOf(principals)).toEqual(document);
    expect(trustPolicyLength(principals)).toBe(JSON.stringify(document).length);
  });

  it('names each repeated principal once in the deployed policy', () => {
    const mixed = synthesized.find(({ principals }) => principals === MIXED);
    const text = JSON.stringify(mixed?.document);
    expect(text.split('"arn:aws:iam::111111111111:role/analysts"')).toHaveLength(2);
    expect(text.split('AWSReservedSSO_Quants_????????????????"')).toHaveLength(3);
  });

  it('holds for the four roles of the whole prod stack, which nothing else adds to', () => {
    const { stack, template } = synthApp({
      stage: 'prod',
      ...PROD_PRINCIPALS,
      analystPrincipals: MIXED,
      dataEngineerPrincipals: [sso('DataEngineers'), 'arn:aws:iam::111111111111:role/engineers'],
    });
    const json = template.toJSON() as CfnTemplate;
    const resolver = new CfnResolver(json, TEST_ENV);
    const expected = [
      [stack.roles.producer, PROD_PRINCIPALS.producerPrincipals],
      [stack.roles.analyst, MIXED],
      [stack.roles.dataEngineer, [sso('DataEngineers'), 'arn:aws:iam::111111111111:role/engineers']],
      [stack.roles.auditor, PROD_PRINCIPALS.auditorPrincipals],
    ] as const;
    for (const [role, principals] of expected) {
      const deployed = resolver.resolve(json.Resources[logicalIdOf(role)]?.Properties?.AssumeRolePolicyDocument);
      expect(deployed).toEqual(trustPolicyDocumentOf(principals));
    }
  });
});
