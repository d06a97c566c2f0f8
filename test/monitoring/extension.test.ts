import { App, Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { loadConfig } from '../../lib/config';
import { resourceNames } from '../../lib/names';
import { TradingDataLakeStack } from '../../lib/trading-data-lake-stack';
import { cdkJsonContext, TEST_ENV } from '../support/app';
import { logicalIdOf } from '../support/template';
import { synthesizedAlarms } from './support/alarms';

// What the curated zone's job will do: a state machine of its own and a count metric, monitored
// through the stack's Alarms construct. Built here before synthesis, as a construct of the stack.
const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
const config = loadConfig(app.node.getAllContext());
const stack = new TradingDataLakeStack(app, resourceNames(config.stage).stackName, { config, env: TEST_ENV });
const curationJob = new sfn.StateMachine(stack, 'CurationProbe', {
  definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Merge')),
  timeout: Duration.hours(1),
});
const stateMachineAlarms = stack.alarms.monitorStateMachine(curationJob, {
  alarmFriendlyName: 'ProbeJob',
  humanReadableName: 'curation job',
});
const mismatch = new cloudwatch.Metric({
  namespace: 'TradingDataLake/dev',
  metricName: 'RawCuratedCountMismatch',
  statistic: 'Maximum',
  period: Duration.hours(1),
});
const mismatchAlarm = stack.alarms.addAlarm('CuratedCountMismatch', mismatch, {
  threshold: 1,
  description: "A day's raw and curated trade counts still differ after its merge: re-run the merge for that day.",
  severity: 'Critical',
});
const template = Template.fromStack(stack);
const alarms = synthesizedAlarms(template);
const topicRef = { Ref: logicalIdOf(stack.alarms.topic) };

describe('monitoring other constructs add', () => {
  it('monitorStateMachine alarms on any failed or timed-out execution, to the topic', () => {
    const stateMachine = { StateMachineArn: { Ref: logicalIdOf(curationJob) } };
    const byName = (suffix: string) => alarms.get(`TradingDataLake-dev-ProbeJob-${suffix}`)!;
    expect(byName('Failure-Count-Warning').metric).toMatchObject({
      namespace: 'AWS/States',
      metricName: 'ExecutionsFailed',
      dimensions: stateMachine,
      statistic: 'Sum',
    });
    expect(byName('TimedOut-Count-Warning').metric).toMatchObject({
      namespace: 'AWS/States',
      metricName: 'ExecutionsTimedOut',
      dimensions: stateMachine,
    });
    for (const suffix of ['Failure-Count-Warning', 'TimedOut-Count-Warning']) {
      expect(byName(suffix).properties).toMatchObject({
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        AlarmActions: [topicRef],
        OKActions: [topicRef],
        TreatMissingData: 'notBreaching',
      });
    }
    expect(stateMachineAlarms.map((alarm) => stack.resolve(logicalIdOf(alarm))).sort()).toEqual(
      [byName('Failure-Count-Warning').logicalId, byName('TimedOut-Count-Warning').logicalId].sort(),
    );
  });

  it('addAlarm names the alarm after its id and severity, and sends ALARM and OK to the topic', () => {
    const alarm = alarms.get('TradingDataLake-dev-CuratedCountMismatch-Critical')!;
    expect(alarm.metric).toEqual({
      namespace: 'TradingDataLake/dev',
      metricName: 'RawCuratedCountMismatch',
      dimensions: {},
      statistic: 'Maximum',
      period: 3600,
    });
    expect(alarm.properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmDescription: expect.stringContaining('re-run the merge'),
      AlarmActions: [topicRef],
      OKActions: [topicRef],
    });
    expect(stack.resolve(logicalIdOf(mismatchAlarm))).toBe(alarm.logicalId);
    expect(stack.alarms.alarms).toContain(mismatchAlarm);
  });

  it('puts both on the one dashboard', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('ExecutionsFailed');
    expect(body).toContain('RawCuratedCountMismatch');
  });
});

describe('names other constructs give', () => {
  it('refuses an id that would make an awkward alarm name', () => {
    expect(() => stack.alarms.addAlarm('count mismatch', mismatch, { threshold: 1, description: 'x' })).toThrow(
      /"count mismatch" must be letters, digits/,
    );
    expect(() => stack.alarms.monitorStateMachine(curationJob, { alarmFriendlyName: 'Curation/Job' })).toThrow(
      /"Curation\/Job" must be letters, digits/,
    );
  });
});
