import { STACK_OUTPUTS } from '../../../cli/aws/stack-outputs';
import { NAMED_QUERIES } from '../../../cli/query/named-queries';
import { parseStatusMetrics, STATUS_METRIC_KEYS } from '../../../cli/status/status-metrics';
import { parseRecordsRetention } from '../../../cli/verify/object-lock';
import { WRITER_METRICS, WRITER_SERVICE_NAME } from '../../../lambda/trade-writer/contract';
import { CfnResolver, type CfnTemplate } from '../../access/support/cfn-resolver';
import { synthApp, TEST_ENV } from '../../support/app';
import { logicalIdOf } from '../../support/template';

const { stack, template } = synthApp();
const outputs = template.findOutputs('*');

describe('the stack outputs trades reads', () => {
  it.each(Object.values(STACK_OUTPUTS))('exist in the synthesized stack: %s', (name) => {
    expect(outputs[name]).toBeDefined();
  });

  it('give the stream and the producer role under the names produce reads', () => {
    expect(outputs.StreamName.Value).toEqual({ Ref: logicalIdOf(stack.ingestion.stream) });
    expect(outputs.ProducerRoleArn.Value).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack.roles.producer), 'Arn'] });
  });
});

describe('what query and status read from the stack is what the stack deploys', () => {
  const resolver = new CfnResolver(template.toJSON() as CfnTemplate, TEST_ENV);
  const resolved = (value: unknown) => resolver.resolve(value);

  it('gives status the metrics the alarms watch, under the keys it reads (StatusMetrics)', () => {
    const metrics = parseStatusMetrics(resolver.resolveString(outputs.StatusMetrics.Value), 'TradingDataLake-dev');
    expect(Object.keys(metrics)).toEqual([...STATUS_METRIC_KEYS]);
    const alarmMetrics = Object.values(template.findResources('AWS::CloudWatch::Alarm')).flatMap((alarm) =>
      (alarm.Properties.Metrics ?? []).map(({ MetricStat }: { MetricStat: any }) => ({
        namespace: MetricStat.Metric.Namespace,
        metricName: MetricStat.Metric.MetricName,
        dimensions: Object.fromEntries(
          MetricStat.Metric.Dimensions.map(({ Name, Value }: { Name: string; Value: unknown }) => [
            Name,
            resolved(Value),
          ]),
        ),
        statistic: MetricStat.Stat,
      })),
    );
    for (const key of STATUS_METRIC_KEYS.filter((k) => k !== 'tradesWritten')) {
      expect(alarmMetrics).toContainEqual(metrics[key]);
    }
    // No alarm watches trades written; the writer's contract names the metric it emits.
    expect(metrics.tradesWritten).toEqual({
      namespace: stack.names.metricsNamespace,
      metricName: WRITER_METRICS.tradesWritten,
      dimensions: { service: WRITER_SERVICE_NAME },
      statistic: 'Sum',
    });
  });

  it("gives status the prefix every one of the stage's alarms starts with (AlarmNamePrefix)", () => {
    const prefix = outputs.AlarmNamePrefix.Value as string;
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName);
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(name.startsWith(prefix)).toBe(true);
  });

  it('runs each named query with the SQL and the database its workgroup saves it with', () => {
    const saved = Object.values(template.findResources('AWS::Athena::NamedQuery')).map((q) => q.Properties);
    const databases = {
      raw: resolved(outputs.DatabaseName.Value) as string,
      curated: resolved(outputs.CuratedDatabaseName.Value) as string,
    };
    const tradeQueries = saved.filter((q) => q.Database === databases.raw);
    expect(new Set(tradeQueries.map((q) => q.Name))).toEqual(new Set(NAMED_QUERIES.map(({ query }) => query.name)));
    for (const query of tradeQueries) {
      const named = NAMED_QUERIES.find((candidate) => candidate.query.name === query.Name);
      expect(named?.sql(databases)).toBe(query.QueryString);
    }
  });
});

describe('what verify reads from the stack is what the stack deploys', () => {
  it('names the three records buckets whose Object Lock it compares (BucketName, FailedBatchBucketName, TrailBucketName)', () => {
    expect(outputs.BucketName.Value).toEqual({ Ref: logicalIdOf(stack.lake.bucket) });
    expect(outputs.FailedBatchBucketName.Value).toEqual({ Ref: logicalIdOf(stack.ingestion.failedBatchBucket) });
    expect(outputs.TrailBucketName.Value).toEqual({ Ref: logicalIdOf(stack.audit!.trailBucket) });
  });

  it("gives the retention in the form verify reads (RecordsRetention: dev's none)", () => {
    expect(parseRecordsRetention(outputs.RecordsRetention.Value)).toEqual({ mode: 'none' });
  });
});
