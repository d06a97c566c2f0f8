import { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** The metric an alarm watches, as CloudWatch evaluates it: the same shape whichever way CDK rendered it. */
export interface WatchedMetric {
  readonly namespace: string;
  readonly metricName: string;
  /** Dimension values as template values (strings or intrinsics). */
  readonly dimensions: Record<string, unknown>;
  readonly statistic: string;
  readonly period: number;
}

export interface SynthesizedAlarm {
  readonly logicalId: string;
  readonly name: string;
  readonly properties: Record<string, any>;
  readonly metric: WatchedMetric;
}

const dimensionsOf = (dimensions: { Name: string; Value: unknown }[] | undefined) =>
  Object.fromEntries((dimensions ?? []).map((d) => [d.Name, d.Value]));

/**
 * An alarm's metric. CDK renders a metric with a label as a one-element `Metrics` list (metric math
 * form) and one without as top-level fields; anything else (real math, several metrics) is an error
 * here, so a test cannot read a metric the alarm does not evaluate.
 */
export function watchedMetric(properties: Record<string, any>): WatchedMetric {
  if (properties.Metrics) {
    const returned = properties.Metrics.filter((m: any) => m.ReturnData !== false);
    if (properties.Metrics.length !== 1 || returned.length !== 1 || !returned[0].MetricStat) {
      throw new Error(`alarm ${properties.AlarmName} evaluates more than one plain metric`);
    }
    const { MetricStat } = returned[0];
    return {
      namespace: MetricStat.Metric.Namespace,
      metricName: MetricStat.Metric.MetricName,
      dimensions: dimensionsOf(MetricStat.Metric.Dimensions),
      statistic: MetricStat.Stat,
      period: MetricStat.Period,
    };
  }
  return {
    namespace: properties.Namespace,
    metricName: properties.MetricName,
    dimensions: dimensionsOf(properties.Dimensions),
    statistic: properties.Statistic,
    period: properties.Period,
  };
}

/** Every alarm of the template, by name. */
export function synthesizedAlarms(template: Template): Map<string, SynthesizedAlarm> {
  const alarms = new Map<string, SynthesizedAlarm>();
  for (const [logicalId, resource] of Object.entries(template.findResources('AWS::CloudWatch::Alarm'))) {
    const properties = (resource as any).Properties;
    const name = properties.AlarmName;
    if (typeof name !== 'string') throw new Error(`alarm ${logicalId} has no literal name`);
    alarms.set(name, { logicalId, name, properties, metric: watchedMetric(properties) });
  }
  return alarms;
}

/** A construct's metric as the template would render it, for comparison with `watchedMetric`. */
export function renderedMetric(stack: Stack, metric: cloudwatch.Metric): WatchedMetric {
  return {
    namespace: metric.namespace,
    metricName: metric.metricName,
    dimensions: Stack.of(stack).resolve(metric.dimensions ?? {}),
    statistic: metric.statistic,
    period: metric.period.toSeconds(),
  };
}
