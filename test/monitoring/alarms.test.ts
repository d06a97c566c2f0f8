import { CfnResource, Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Ingestion } from '../../lib/ingestion/ingestion';
import {
  governanceBypassPattern,
  legalHoldPattern,
  objectLockConfigurationPattern,
  stackKeyChangePattern,
} from '../../lib/monitoring/trail-patterns';
import { CfnResolver, type CfnTemplate } from '../access/support/cfn-resolver';
import { synthApp, TEST_ENV } from '../support/app';
import { logicalIdOf } from '../support/template';
import { renderedMetric, synthesizedAlarms } from './support/alarms';

const { stack, template } = synthApp({ alarmEmail: 'data-platform-oncall@example.com' });
const topicRef = { Ref: logicalIdOf(stack.alarms.topic) };
const alarms = synthesizedAlarms(template);
const resolver = new CfnResolver(template.toJSON() as CfnTemplate, { ...TEST_ENV, stackName: stack.stackName });
const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')) as any[];
const filterOf = (metricName: string) => {
  const found = filters.filter((f) => f.Properties.MetricTransformations[0].MetricName === metricName);
  expect(found).toHaveLength(1);
  return found[0].Properties;
};

// The patterns exactly as the Security Hub controls CloudWatch.1-.14 print them: pinned here, apart
// from lib/, so that a typo there fails this test (Security Hub fails a control on any difference).
const SECURITY_HUB_PATTERNS: [string, string, number][] = [
  ['CIS-4.1-UnauthorizedApiCalls', '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}', 5],
  [
    'CIS-4.3-RootAccountUsage',
    '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    1,
  ],
  [
    'CIS-4.4-IamPolicyChanges',
    '{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}',
    1,
  ],
  [
    'CIS-4.5-CloudTrailChanges',
    '{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}',
    1,
  ],
  [
    'CIS-4.7-CustomerKeyDisabledOrScheduledForDeletion',
    '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}',
    1,
  ],
  [
    'CIS-4.8-BucketPolicyChanges',
    '{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}',
    1,
  ],
];

/** The pipeline alarms: name, the Ingestion metric it must watch, and its condition. */
const PIPELINE: [string, (ingestion: Ingestion) => cloudwatch.Metric, string, number][] = [
  ['TradeWriter-Fault-Count-Warning', (i) => i.metricWriterErrors(), 'GreaterThanThreshold', 0],
  ['TradeWriter-Throttled-Count-Warning', (i) => i.metricWriterThrottles(), 'GreaterThanThreshold', 0],
  ['TradeWriter-Iterator-Age-Max-Warning', (i) => i.metricIteratorAge(), 'GreaterThanThreshold', 15 * 60 * 1000],
  [
    'TradeStream-WriteThroughputExceeded-Warning',
    (i) => i.metricStreamWriteThrottles(),
    'GreaterThanOrEqualToThreshold',
    1,
  ],
  ['TradeWriter-RecordsQuarantined-Warning', (i) => i.metricQuarantined(), 'GreaterThanOrEqualToThreshold', 1],
  ['TradeWriter-WriteFailures-Warning', (i) => i.metricWriteFailures(), 'GreaterThanOrEqualToThreshold', 1],
  ['TradeWriter-FailedBatches-Warning', (i) => i.metricFailedBatches(), 'GreaterThanOrEqualToThreshold', 1],
  [
    'TradeWriter-DestinationDeliveryFailures-Critical',
    (i) => i.metricDestinationDeliveryFailures(),
    'GreaterThanOrEqualToThreshold',
    1,
  ],
];

describe('alarm topic', () => {
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
          ArnLike: {
            'aws:SourceArn': `arn:aws:cloudwatch:${TEST_ENV.region}:${TEST_ENV.account}:alarm:TradingDataLake-dev-*`,
          },
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

  it('sends every alarm, and its recovery, to the one topic and nowhere else', () => {
    expect(template.findResources('AWS::SNS::Topic')).toEqual({ [logicalIdOf(stack.alarms.topic)]: expect.anything() });
    // The curation job's four (failed and timed-out executions, unreconciled days, duplicate trades) are
    // pinned in test/curated-zone/curated-zone.test.ts.
    // PIPELINE, LateTrades, KeyPolicyChanged, the CIS alarms, the three records-retention alarms, the curation job's four.
    expect(alarms.size).toBe(PIPELINE.length + 1 + 1 + SECURITY_HUB_PATTERNS.length + 3 + 5);
    for (const alarm of alarms.values()) {
      expect([alarm.name, alarm.properties.AlarmActions]).toEqual([alarm.name, [topicRef]]);
      expect([alarm.name, alarm.properties.OKActions]).toEqual([alarm.name, [topicRef]]);
      expect(alarm.properties.ActionsEnabled).not.toBe(false);
      expect(alarm.properties.InsufficientDataActions).toBeUndefined();
    }
  });

  it('exposes every alarm it made as a handle, the same set the template holds', () => {
    const handles = stack.alarms.alarms.map((alarm) => (alarm.node.defaultChild as CfnResource).logicalId);
    expect(handles.map((id) => stack.resolve(id)).sort()).toEqual([...alarms.values()].map((a) => a.logicalId).sort());
  });
});

describe("the stack's own key alarm", () => {
  const pattern = () => filterOf('KeyPolicyChanges').FilterPattern;

  it('reads the trail log group', () => {
    expect(filterOf('KeyPolicyChanges').LogGroupName).toEqual({ Ref: logicalIdOf(stack.audit!.logGroup) });
  });

  it("names both of this stack's keys by ARN in the pattern, and no other key", () => {
    const keyArns = JSON.stringify(pattern()).match(/Fn::GetAtt[^\]]*\]/g);
    expect(keyArns).toEqual([
      `Fn::GetAtt":["${logicalIdOf(stack.dataKey.key)}","Arn"]`,
      `Fn::GetAtt":["${logicalIdOf(stack.auditKey.key)}","Arn"]`,
    ]);
    const dataKeyArn = resolver.resolveString({ 'Fn::GetAtt': [logicalIdOf(stack.dataKey.key), 'Arn'] });
    const auditKeyArn = resolver.resolveString({ 'Fn::GetAtt': [logicalIdOf(stack.auditKey.key), 'Arn'] });
    expect(resolver.resolveString(pattern())).toBe(stackKeyChangePattern([dataKeyArn, auditKeyArn]));
    expect(resolver.resolveString(pattern())).toContain(`$.resources[0].ARN = "${dataKeyArn}"`);
    expect(resolver.resolveString(pattern())).toContain(`$.resources[0].ARN = "${auditKeyArn}"`);
  });

  it('alarms on the first matching event, under the name the README gives it', () => {
    const alarm = alarms.get('TradingDataLake-dev-KeyPolicyChanged')!;
    expect(alarm.metric).toEqual({
      namespace: 'TradingDataLake/dev',
      metricName: 'KeyPolicyChanges',
      dimensions: {},
      statistic: 'Sum',
      period: 300,
    });
    expect(alarm.properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });
});

describe('CIS AWS Foundations 4.x metric filters and alarms', () => {
  it.each(SECURITY_HUB_PATTERNS)(
    "%s carries the CIS pattern as Security Hub's remediation text writes it (pinned against an edit)",
    (metricName, documented) => {
      const filter = filterOf(metricName);
      expect(filter.FilterPattern).toBe(documented);
      expect(filter.LogGroupName).toEqual({ Ref: logicalIdOf(stack.audit!.logGroup) });
      expect(filter.MetricTransformations).toEqual([
        { MetricName: metricName, MetricNamespace: 'TradingDataLake/dev', MetricValue: '1', DefaultValue: 0 },
      ]);
    },
  );

  it.each(SECURITY_HUB_PATTERNS)('%s alarms on its filter metric, Sum over 5 minutes', (metricName, _p, threshold) => {
    const alarm = alarms.get(`TradingDataLake-dev-${metricName}`)!;
    expect(alarm.metric).toEqual({
      namespace: 'TradingDataLake/dev',
      metricName,
      dimensions: {},
      statistic: 'Sum',
      period: 300,
    });
    expect(alarm.properties).toMatchObject({
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });
});

describe('records-retention alarms (docs/design.md §9)', () => {
  const recordsBuckets = () =>
    [stack.lake.bucket, stack.ingestion.failedBatchBucket, stack.audit!.trailBucket].map((bucket) =>
      resolver.resolveString({ Ref: logicalIdOf(bucket) }),
    );

  it.each([
    ['ObjectLockConfigurationChanges', objectLockConfigurationPattern],
    ['LegalHoldChanges', legalHoldPattern],
    ['GovernanceRetentionBypassed', governanceBypassPattern],
  ])('%s watches the lake, failed-batch and trail buckets, and alarms on one event', (metricName, pattern) => {
    const filter = filterOf(metricName);
    expect(filter.LogGroupName).toEqual({ Ref: logicalIdOf(stack.audit!.logGroup) });
    expect(resolver.resolveString(filter.FilterPattern)).toBe(pattern(recordsBuckets()));
    for (const bucket of recordsBuckets()) {
      expect(resolver.resolveString(filter.FilterPattern)).toContain(`$.requestParameters.bucketName = "${bucket}"`);
    }
    const alarm = alarms.get(`TradingDataLake-dev-${metricName}`)!;
    expect(alarm.metric).toMatchObject({ namespace: 'TradingDataLake/dev', metricName, statistic: 'Sum' });
    expect(alarm.properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });
});

describe('pipeline alarms', () => {
  it.each(PIPELINE)(
    '%s watches the metric Ingestion exposes for it, over 5 minutes',
    (name, metricOf, operator, threshold) => {
      const alarm = alarms.get(`TradingDataLake-dev-${name}`);
      expect(alarm).toBeDefined();
      expect(alarm!.metric).toEqual(renderedMetric(stack, metricOf(stack.ingestion)));
      expect(alarm!.metric.period).toBe(300);
      expect(alarm!.properties).toMatchObject({
        ComparisonOperator: operator,
        Threshold: threshold,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        // Counts publish nothing when nothing happened: missing data must read as OK, not as unknown.
        TreatMissingData: 'notBreaching',
      });
    },
  );

  it('puts the writer metrics in the stage namespace', () => {
    for (const name of ['RecordsQuarantined', 'WriteFailures', 'LateTrades']) {
      expect(alarms.get(`TradingDataLake-dev-TradeWriter-${name}-Warning`)!.metric.namespace).toBe(
        'TradingDataLake/dev',
      );
    }
  });

  describe('TradeWriter-LateTrades-Warning', () => {
    const late = () => alarms.get('TradingDataLake-dev-TradeWriter-LateTrades-Warning')!;

    it("watches Ingestion's LateTrades metric, the writer's own, summed over an hour", () => {
      expect(late()).toBeDefined();
      expect(late().metric).toEqual(
        renderedMetric(stack, stack.ingestion.metricLateTrades({ period: Duration.hours(1) })),
      );
      expect(late().metric).toEqual({
        namespace: 'TradingDataLake/dev',
        metricName: 'LateTrades',
        dimensions: { service: 'trade-writer' },
        statistic: 'Sum',
        period: 3600,
      });
    });

    it('fires on one late trade, and reads an hour without any as OK', () => {
      expect(late().properties).toMatchObject({
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [topicRef],
        OKActions: [topicRef],
      });
    });

    it("tells the on-call to curate the dates the writer's warning names", () => {
      const description: string = late().properties.AlarmDescription;
      expect(description).toContain("'trades written before the curation window'");
      expect(description).toContain('trades curate --date D');
      expect(description).toContain('curated.trades');
    });
  });

  it('says that a batch that could not be recorded is lost, and is the one critical pipeline alarm', () => {
    const critical = [...alarms.keys()].filter((name) => name.endsWith('-Critical'));
    expect(critical).toEqual(['TradingDataLake-dev-TradeWriter-DestinationDeliveryFailures-Critical']);
    expect(alarms.get(critical[0]!)!.properties.AlarmDescription).toMatch(/^CRITICAL, trades may be lost/);
  });

  it('gives every alarm a description that says what to do', () => {
    for (const alarm of alarms.values()) {
      expect([alarm.name, alarm.properties.AlarmDescription.length > 80]).toEqual([alarm.name, true]);
    }
  });
});

describe('dashboard', () => {
  const dashboards = template.findResources('AWS::CloudWatch::Dashboard');
  const body = () => JSON.stringify(Object.values(dashboards)[0]);

  it('is one dashboard, named for the stage and the Region, the handle the construct exposes', () => {
    expect(Object.keys(dashboards)).toEqual([logicalIdOf(stack.alarms.dashboard)]);
    expect((Object.values(dashboards)[0] as any).Properties.DashboardName).toBe('TradingDataLake-dev-eu-west-1');
  });

  it("graphs the writer, the stream and the writer's own metrics, and shows every CloudTrail alarm", () => {
    for (const metricName of [
      'Errors',
      'Throttles',
      'IteratorAge',
      'WriteProvisionedThroughputExceeded',
      'TradesWritten',
    ]) {
      expect(body()).toContain(`\\"${metricName}\\"`);
    }
    for (const metricName of [
      'RecordsQuarantined',
      'WriteFailures',
      'OnFailureDestinationDeliveredEventCount',
      'DestinationDeliveryFailures',
      'LateTrades',
    ]) {
      expect(body()).toContain(`\\"${metricName}\\"`);
    }
    for (const name of ['KeyPolicyChanged', 'CIS-4.1-UnauthorizedApiCalls', 'GovernanceRetentionBypassed']) {
      expect(body()).toContain(alarms.get(`TradingDataLake-dev-${name}`)!.logicalId);
    }
  });
});

describe('what cdk-monitoring-constructs adds', () => {
  it('adds only alarms and the dashboard: no topic, function, role or custom resource of its own', () => {
    const types = stack.alarms.node
      .findAll()
      .filter(CfnResource.isCfnResource)
      .map((resource) => resource.cfnResourceType);
    expect(new Set(types)).toEqual(
      new Set([
        'AWS::SNS::Topic',
        'AWS::SNS::TopicPolicy',
        'AWS::SNS::Subscription',
        'AWS::CloudWatch::Alarm',
        'AWS::CloudWatch::Dashboard',
        'AWS::Logs::MetricFilter',
      ]),
    );
  });
});
