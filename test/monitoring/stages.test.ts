import type { Template } from 'aws-cdk-lib/assertions';
import { PROD_PRINCIPALS, synthApp } from '../support/app';
import { type SynthesizedAlarm, synthesizedAlarms } from './support/alarms';

// Both stages as they would be deployed into one account and Region.
const stages = {
  dev: synthApp(),
  prod: synthApp({ stage: 'prod', ...PROD_PRINCIPALS }),
};

/**
 * What CloudWatch actually evaluates for an alarm: namespace, metric name, statistic and the
 * dimension values as deployed. A `Ref` to a resource with a fixed name (the function, the stream)
 * is that name; any other `Ref` is a name CloudFormation generates per stack, so it is unique to it.
 */
function evaluatedMetric(template: Template, stackName: string, alarm: SynthesizedAlarm): string {
  const resources = template.toJSON().Resources as Record<string, any>;
  const dimensions = Object.entries(alarm.metric.dimensions).map(([name, value]) => {
    if (typeof value === 'string') return [name, value];
    const ref = (value as { Ref?: string }).Ref;
    const resource = ref === undefined ? undefined : resources[ref];
    if (!resource) throw new Error(`alarm ${alarm.name}: dimension ${name} is ${JSON.stringify(value)}`);
    // A name written as a string is fixed; a Ref in it (an event source mapping names its function so)
    // is not the resource's own name.
    const fixedName = [resource.Properties.FunctionName, resource.Properties.Name].find((n) => typeof n === 'string');
    return [name, fixedName ?? `generated-by-cloudformation:${stackName}:${ref}`];
  });
  return JSON.stringify([alarm.metric.namespace, alarm.metric.metricName, alarm.metric.statistic, dimensions]);
}

const summary = (stage: keyof typeof stages) => {
  const { stack, template } = stages[stage];
  const alarms = [...synthesizedAlarms(template).values()];
  return {
    names: alarms.map((alarm) => alarm.name),
    metrics: alarms.map((alarm) => evaluatedMetric(template, stack.stackName, alarm)),
    filterNamespaces: (Object.values(template.findResources('AWS::Logs::MetricFilter')) as any[]).map(
      (filter) => filter.Properties.MetricTransformations[0].MetricNamespace,
    ),
    dashboards: (Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as any[]).map(
      (dashboard) => dashboard.Properties.DashboardName,
    ),
  };
};

describe('stages never share an alarm (dev and prod in one account)', () => {
  const dev = summary('dev');
  const prod = summary('prod');

  it('names every alarm and the dashboard after its stage', () => {
    for (const [stage, { names, dashboards }] of Object.entries({ dev, prod })) {
      expect(names.length).toBeGreaterThan(10);
      for (const name of [...names, ...dashboards]) expect(name.startsWith(`TradingDataLake-${stage}-`)).toBe(true);
    }
    expect(dev.names.filter((name) => prod.names.includes(name))).toEqual([]);
    expect(dev.dashboards.filter((name) => prod.dashboards.includes(name))).toEqual([]);
  });

  it("publishes each stage's metric filters to its own namespace", () => {
    expect(new Set(dev.filterNamespaces)).toEqual(new Set(['TradingDataLake/dev']));
    expect(new Set(prod.filterNamespaces)).toEqual(new Set(['TradingDataLake/prod']));
  });

  it("evaluates no metric in one stage that the other stage's writer, stream, buckets or filters publish", () => {
    expect(dev.metrics.filter((metric) => prod.metrics.includes(metric))).toEqual([]);
    // The comparison sees deployed names, not logical ids that would differ by accident: the writer's
    // and the stream's fixed names are what each stage's Lambda and Kinesis alarms evaluate.
    for (const [stage, { metrics }] of Object.entries({ dev, prod })) {
      expect(metrics.some((metric) => metric.includes(`"trading-data-lake-${stage}-trade-writer"`))).toBe(true);
      expect(metrics.some((metric) => metric.includes(`"trading-data-lake-${stage}-trades"`))).toBe(true);
    }
  });
});
