import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Ingestion } from '../ingestion/ingestion';

/** A metric as CloudWatch's GetMetricData names it: what `trades status` reads. */
export interface MetricIdentity {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: string;
}

function identityOf(metric: cloudwatch.Metric): MetricIdentity {
  return {
    namespace: metric.namespace,
    metricName: metric.metricName,
    dimensions: { ...(metric.dimensions as Record<string, string> | undefined) },
    statistic: metric.statistic,
  };
}

/**
 * The metrics `trades status` shows, taken from the same `metricXxx()` methods the alarms and the
 * dashboard use, so the CLI never rebuilds a namespace, a name or a dimension of its own. The stack
 * outputs them as JSON (`StatusMetrics`); cli/status/status-metrics.ts reads each key by name, and
 * test/cli/aws/stack-outputs.test.ts proves both sides agree.
 */
export function statusMetrics(ingestion: Ingestion): Readonly<Record<string, MetricIdentity>> {
  return {
    iteratorAge: identityOf(ingestion.metricIteratorAge()),
    writerErrors: identityOf(ingestion.metricWriterErrors()),
    writerThrottles: identityOf(ingestion.metricWriterThrottles()),
    writeFailures: identityOf(ingestion.metricWriteFailures()),
    recordsQuarantined: identityOf(ingestion.metricQuarantined()),
    lateTrades: identityOf(ingestion.metricLateTrades()),
    failedBatches: identityOf(ingestion.metricFailedBatches()),
    destinationDeliveryFailures: identityOf(ingestion.metricDestinationDeliveryFailures()),
    streamWriteThrottles: identityOf(ingestion.metricStreamWriteThrottles()),
    tradesWritten: identityOf(ingestion.metricTradesWritten()),
  };
}
