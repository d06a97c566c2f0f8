import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import type { VerifyContext } from '../../../cli/verify/context';
import { alarmTopicPolicy } from '../../../cli/verify/controls';
import { synthApp } from '../../support/app';
import { logicalIdOf } from '../../support/template';
import { AUDIT_KEY_ARN, TOPIC_ARN, TOPIC_POLICY } from '../deployed-stack';
import { ACCOUNT } from '../support';

const ALARMS = `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:TradingDataLake-dev-*`;
const CONFUSED_DEPUTY = `CloudWatch may publish without aws:SourceAccount ${ACCOUNT} and an aws:SourceArn of this account's alarms (confused deputy), through `;

const snsMock = mockClient(SNSClient);
const context = {
  auditor: { kind: 'role', roleArn: `arn:aws:iam::${ACCOUNT}:role/auditor`, source: 'stack output AuditorRoleArn' },
  sns: new SNSClient({ region: 'eu-west-1' }),
  auditKeyArn: AUDIT_KEY_ARN,
} as unknown as VerifyContext;

const FROM_THIS_ACCOUNTS_ALARMS = {
  StringEquals: { 'aws:SourceAccount': ACCOUNT },
  ArnLike: { 'aws:SourceArn': ALARMS },
};

/** The statements the stack writes: enforceSSL's Deny and the scoped Allow for CloudWatch. */
const DEPLOYED = TOPIC_POLICY.Statement;

async function judge(statements: readonly object[]) {
  snsMock.on(GetTopicAttributesCommand).resolves({
    Attributes: {
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
      KmsMasterKeyId: AUDIT_KEY_ARN,
    },
  });
  return alarmTopicPolicy(context, TOPIC_ARN);
}

beforeEach(() => snsMock.reset());

describe("alarmTopicPolicy: every statement that lets CloudWatch publish is scoped to this account's alarms", () => {
  it('passes the policy the stack writes', async () => {
    expect(await judge(DEPLOYED)).toMatchObject({ result: 'PASS' });
  });

  it('judges the policy the stack synthesizes, which the fixture above is', () => {
    const { stack, template } = synthApp();
    const topicRef = { Ref: logicalIdOf(stack.alarms.topic) };
    const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy')) as any[];
    expect(policies).toHaveLength(1);
    // The topic's Ref stands for its ARN; everything else is literal in an app with a fixed environment.
    const synthesized = JSON.parse(
      JSON.stringify(policies[0].Properties.PolicyDocument.Statement).replaceAll(
        JSON.stringify(topicRef),
        JSON.stringify(TOPIC_ARN),
      ),
    );
    expect(synthesized).toEqual(TOPIC_POLICY.Statement);
  });

  it('passes scoped statements however they spell the action, the principal and the resource', async () => {
    const scoped = { Effect: 'Allow', Condition: FROM_THIS_ACCOUNTS_ALARMS };
    expect(
      await judge([
        ...DEPLOYED,
        { ...scoped, Sid: 'All', Principal: { Service: ['cloudwatch.amazonaws.com'] }, Action: 'sns:*', Resource: '*' },
        { ...scoped, Sid: 'Anyone', Principal: '*', Action: ['SNS:Publish'], Resource: TOPIC_ARN },
      ]),
    ).toMatchObject({ result: 'PASS' });
  });

  it.each<[string, object, string]>([
    [
      'sns:* for CloudWatch, with no condition',
      { Sid: 'Everything', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:*', Resource: TOPIC_ARN },
      `Sid "Everything" (cloudwatch.amazonaws.com, sns:*, Resource ${TOPIC_ARN})`,
    ],
    [
      'sns:Pub* for CloudWatch, with no condition',
      { Sid: 'Prefix', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Pub*', Resource: TOPIC_ARN },
      `Sid "Prefix" (cloudwatch.amazonaws.com, sns:Pub*, Resource ${TOPIC_ARN})`,
    ],
    [
      'the action * for CloudWatch, with no condition',
      { Sid: 'Star', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: '*', Resource: TOPIC_ARN },
      `Sid "Star" (cloudwatch.amazonaws.com, *, Resource ${TOPIC_ARN})`,
    ],
    [
      'sns:Publish for CloudWatch on Resource *, with no condition',
      { Sid: 'AnyTopic', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: '*' },
      'Sid "AnyTopic" (cloudwatch.amazonaws.com, sns:Publish, Resource *)',
    ],
    [
      'sns:Publish for Principal "*"',
      { Sid: 'Public', Principal: '*', Action: 'sns:Publish', Resource: TOPIC_ARN },
      `Sid "Public" (any principal, sns:Publish, Resource ${TOPIC_ARN})`,
    ],
    [
      'SNS:Publish for Principal {AWS: "*"}, in upper case',
      { Sid: 'AnyAccount', Principal: { AWS: '*' }, Action: 'SNS:Publish', Resource: TOPIC_ARN },
      `Sid "AnyAccount" (any principal, SNS:Publish, Resource ${TOPIC_ARN})`,
    ],
    [
      'a NotAction that leaves sns:Publish allowed, for anyone but one account (NotPrincipal)',
      { NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, NotAction: 'sns:Subscribe', Resource: TOPIC_ARN },
      `statement 3 without a Sid (any principal, NotAction sns:Subscribe, Resource ${TOPIC_ARN})`,
    ],
    [
      "sns:Publish for CloudWatch scoped to the account but to any account's alarms",
      {
        Sid: 'AnyAlarm',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: TOPIC_ARN,
        Condition: { ...FROM_THIS_ACCOUNTS_ALARMS, ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:*:*:alarm:*' } },
      },
      `Sid "AnyAlarm" (cloudwatch.amazonaws.com, sns:Publish, Resource ${TOPIC_ARN})`,
    ],
  ])('fails the control when an unscoped statement stands beside the scoped one: %s', async (_, unscoped, named) => {
    expect(await judge([...DEPLOYED, { Effect: 'Allow', ...unscoped }])).toEqual({
      control: "alarm topic's policy lets CloudWatch publish, scoped to this account's alarms",
      result: 'FAIL',
      reason: `${CONFUSED_DEPUTY}${named}`,
    });
  });

  it('names every unscoped statement, not only the first', async () => {
    const result = await judge([
      ...DEPLOYED,
      { Sid: 'One', Effect: 'Allow', Principal: '*', Action: 'sns:Publish', Resource: '*' },
      { Sid: 'Two', Effect: 'Allow', Principal: { AWS: ['*'] }, Action: 'sns:*', Resource: TOPIC_ARN },
    ]);
    expect(result.reason).toBe(
      `${CONFUSED_DEPUTY}Sid "One" (any principal, sns:Publish, Resource *); Sid "Two" (any principal, sns:*, Resource ${TOPIC_ARN})`,
    );
  });

  it('leaves statements that cannot let CloudWatch publish to others: a Deny, another service, another action', async () => {
    expect(
      await judge([
        ...DEPLOYED,
        { Effect: 'Deny', Principal: '*', Action: 'sns:*', Resource: '*' },
        { Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish', Resource: TOPIC_ARN },
        { Effect: 'Allow', Principal: '*', Action: 'sns:Subscribe', Resource: TOPIC_ARN },
      ]),
    ).toMatchObject({ result: 'PASS' });
  });

  it('fails when the only statement that lets CloudWatch publish names another topic: every alarm is silent', async () => {
    const [deny, allow] = DEPLOYED;
    expect(await judge([deny, { ...allow, Resource: `${TOPIC_ARN}-other` }])).toMatchObject({
      result: 'FAIL',
      reason: 'no statement allows cloudwatch.amazonaws.com sns:Publish on the topic: every alarm is silent',
    });
  });
});
