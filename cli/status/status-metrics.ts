import { z } from 'zod';
import { STACK_OUTPUTS } from '../aws/stack-outputs';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';

/**
 * The metrics `trades status` reads, as the stack outputs them (`StatusMetrics`, built by
 * lib/monitoring/status-metrics.ts from the same `metricXxx()` methods the alarms use). The CLI
 * cannot import the stack (aws-cdk-lib), so the keys live here too, and
 * test/cli/aws/stack-outputs.test.ts proves that the synthesized output has each of them.
 */
export const STATUS_METRIC_KEYS = [
  'iteratorAge',
  'writerErrors',
  'writerThrottles',
  'writeFailures',
  'recordsQuarantined',
  'lateTrades',
  'failedBatches',
  'destinationDeliveryFailures',
  'streamWriteThrottles',
  'tradesWritten',
] as const;
export type StatusMetricKey = (typeof STATUS_METRIC_KEYS)[number];

const metricIdentity = z.object({
  namespace: z.string().min(1),
  metricName: z.string().min(1),
  dimensions: z.record(z.string(), z.string()),
  statistic: z.string().min(1),
});
export type MetricIdentity = z.infer<typeof metricIdentity>;

const statusMetrics = z.object(
  Object.fromEntries(STATUS_METRIC_KEYS.map((key) => [key, metricIdentity])) as Record<
    StatusMetricKey,
    typeof metricIdentity
  >,
);
export type StatusMetrics = Readonly<Record<StatusMetricKey, MetricIdentity>>;

/** The StatusMetrics output of `stackName`; a stack from an older version of the app is told to redeploy. */
export function parseStatusMetrics(json: string, stackName: string): StatusMetrics {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    value = undefined;
  }
  const parsed = statusMetrics.safeParse(value);
  if (!parsed.success) {
    const where = parsed.error.issues.map((issue) => issue.path.join('.') || '(the whole value)').join(', ');
    throw new CliError(
      `Stack ${stackName}'s output ${STACK_OUTPUTS.statusMetrics} is not what this version of trades reads (${where}): deploy the current version of the app (npx cdk deploy).`,
      EXIT.AWS_SETUP,
    );
  }
  return parsed.data;
}
