import { Match } from 'aws-cdk-lib/assertions';
import { KEY_POLICY_CHANGE_PATTERN } from '../../lib/monitoring/alarms';
import { synthApp, TEST_ENV } from '../support/app';
import { logicalIdOf } from '../support/template';

const { stack, template } = synthApp({ alarmEmail: 'data-platform-oncall@example.com' });
const topicRef = { Ref: logicalIdOf(stack.alarms.topic) };
const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[];

describe('alarms', () => {
  it('publishes to an SNS topic encrypted with the audit key that refuses plain HTTP', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalIdOf(stack.auditKey.key), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Effect: 'Deny',
            Principal: '*',
            Resource: topicRef,
            Sid: 'AllowPublishThroughSSLOnly',
          },
        ]),
      },
    });
  });

  // Topic({ enforceSSL: true }) writes a topic policy that replaces SNS's default one: without this
  // Allow, CloudWatch could not publish and every alarm would be silent.
  it("lets CloudWatch publish to the alarm topic, only for this account's alarms", () => {
    const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy')) as any[];
    expect(policies).toHaveLength(1);
    const allows = policies[0].Properties.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Sid: 'CloudWatchAlarmsPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topicRef,
        Condition: {
          StringEquals: { 'aws:SourceAccount': TEST_ENV.account },
          ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${TEST_ENV.region}:${TEST_ENV.account}:alarm:*` },
        },
      },
    ]);
  });

  it('subscribes the configured email address', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'data-platform-oncall@example.com',
      TopicArn: topicRef,
    });
  });

  it('alarms on PutKeyPolicy, DisableKey, ScheduleKeyDeletion and CreateGrant from the trail', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logicalIdOf(stack.audit!.logGroup) },
      FilterPattern: KEY_POLICY_CHANGE_PATTERN,
    });
    for (const event of ['PutKeyPolicy', 'DisableKey', 'ScheduleKeyDeletion', 'CreateGrant']) {
      expect(KEY_POLICY_CHANGE_PATTERN).toContain(`$.eventName = "${event}"`);
    }
    expect(alarms.map((a) => a.Properties.MetricName)).toContain('KeyPolicyChanges');
  });

  it('alarms when the writer fails or falls more than 15 minutes behind the stream', () => {
    const byMetric = Object.fromEntries(alarms.map((a) => [a.Properties.MetricName, a.Properties]));
    expect(byMetric.Errors).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 1 });
    expect(byMetric.IteratorAge).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Maximum', Threshold: 900000 });
    expect(byMetric.WriteFailures).toMatchObject({ Namespace: 'TradingDataLake/dev', Threshold: 1 });
  });

  it('sends every alarm and its recovery to the topic', () => {
    expect(alarms.length).toBe(4);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([topicRef]);
      expect(alarm.Properties.OKActions).toEqual([topicRef]);
    }
  });

  it('has no key-policy alarm without a trail (an organization trail watches the account then)', () => {
    const noTrail = synthApp({ createTrail: false });
    noTrail.template.resourceCountIs('AWS::Logs::MetricFilter', 0);
    noTrail.template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
  });
});
