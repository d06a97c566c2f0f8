import {
  type CloudWatchClient,
  type MetricDataQuery,
  paginateDescribeAlarms,
  paginateGetMetricData,
} from '@aws-sdk/client-cloudwatch';
import { type Actor, callAws } from '../errors';
import { type MetricIdentity, STATUS_METRIC_KEYS, type StatusMetricKey, type StatusMetrics } from './status-metrics';

/** Where the pipeline's state is read, and as whom (the auditor: metrics and alarms, never an object). */
export interface StatusTarget {
  readonly cloudWatch: CloudWatchClient;
  readonly actor: Actor;
  readonly metrics: StatusMetrics;
  /** Every alarm of the stage starts with it (`TradingDataLake-<stage>-`). */
  readonly alarmNamePrefix: string;
}

/** One metric over the window: its datapoints, newest first. */
export interface MetricSeries {
  readonly timestamps: readonly Date[];
  readonly values: readonly number[];
}

export interface AlarmInAlarm {
  readonly name: string;
  readonly since?: Date;
  readonly reason?: string;
}

export interface PipelineStatus {
  /** The end of the window (now, to the minute). */
  readonly asOf: Date;
  readonly series: Readonly<Record<StatusMetricKey, MetricSeries>>;
  /** The start of the period of the newest TradesWritten datapoint above zero, if any in the look-back. */
  readonly newestTradesAt?: Date;
  /** The length of that period: 60 s within the last day, an hour before. */
  readonly newestTradesPeriodSeconds: number;
  /** How far back the newest trades were looked for. */
  readonly newestTradesLookBackDays: number;
  readonly alarms: readonly AlarmInAlarm[];
}

const MINUTE_MS = 60_000;
const HOUR_S = 3600;
const DAY_MS = 24 * 60 * MINUTE_MS;
/**
 * CloudWatch keeps one-minute datapoints for 15 days (and hourly ones for 455): the day is read by the
 * minute, and an older newest object is looked for by the hour within those 15 days.
 */
export const NEWEST_LOOK_BACK_DAYS = 15;

function query(id: string, metric: MetricIdentity, period: number): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: metric.namespace,
        MetricName: metric.metricName,
        Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: period,
      Stat: metric.statistic,
    },
    ReturnData: true,
  };
}

/** GetMetricData for the queries over [start, end), every page, as series by query id. */
async function metricData(
  target: StatusTarget,
  queries: readonly MetricDataQuery[],
  start: Date,
  end: Date,
): Promise<Map<string, { timestamps: Date[]; values: number[] }>> {
  const series = new Map<string, { timestamps: Date[]; values: number[] }>();
  await callAws(
    { action: 'cloudwatch:GetMetricData', resource: 'the pipeline metrics', actor: target.actor },
    async () => {
      for await (const page of paginateGetMetricData(
        { client: target.cloudWatch },
        { MetricDataQueries: [...queries], StartTime: start, EndTime: end, ScanBy: 'TimestampDescending' },
      )) {
        for (const result of page.MetricDataResults ?? []) {
          const id = result.Id ?? '';
          const into = series.get(id) ?? { timestamps: [], values: [] };
          into.timestamps.push(...(result.Timestamps ?? []));
          into.values.push(...(result.Values ?? []));
          series.set(id, into);
        }
      }
    },
  );
  return series;
}

/** The newest timestamp whose value is above zero. */
function newestAboveZero(series: MetricSeries | undefined): Date | undefined {
  if (series === undefined) return undefined;
  let newest: Date | undefined;
  series.values.forEach((value, i) => {
    const at = series.timestamps[i];
    if (value > 0 && at !== undefined && (newest === undefined || at > newest)) newest = at;
  });
  return newest;
}

/**
 * The pipeline over the last day: every StatusMetrics metric by the minute, the stage's alarms in
 * ALARM, and when trades were last written. The newest trade object's age comes from the writer's
 * TradesWritten metric, so the auditor never lists or reads the lake.
 */
export async function readPipelineStatus(target: StatusTarget, now: Date): Promise<PipelineStatus> {
  // Whole minutes, as CloudWatch aligns one-minute periods.
  const asOf = new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS);
  const dayAgo = new Date(asOf.getTime() - DAY_MS);
  // Query ids must start with a lower-case letter; the keys are camelCase.
  const byId = await metricData(
    target,
    STATUS_METRIC_KEYS.map((key) => query(key, target.metrics[key], 60)),
    dayAgo,
    asOf,
  );
  const series = {} as Record<StatusMetricKey, MetricSeries>;
  for (const key of STATUS_METRIC_KEYS) series[key] = byId.get(key) ?? { timestamps: [], values: [] };

  let newestTradesAt = newestAboveZero(series.tradesWritten);
  let newestTradesLookBackDays = 1;
  let newestTradesPeriodSeconds = 60;
  if (newestTradesAt === undefined) {
    newestTradesLookBackDays = NEWEST_LOOK_BACK_DAYS;
    newestTradesPeriodSeconds = HOUR_S;
    const older = await metricData(
      target,
      [query('older', target.metrics.tradesWritten, HOUR_S)],
      new Date(asOf.getTime() - NEWEST_LOOK_BACK_DAYS * DAY_MS),
      dayAgo,
    );
    newestTradesAt = newestAboveZero(older.get('older'));
  }

  const alarms: AlarmInAlarm[] = [];
  await callAws(
    {
      action: 'cloudwatch:DescribeAlarms',
      resource: `alarms ${target.alarmNamePrefix}*`,
      actor: target.actor,
    },
    async () => {
      for await (const page of paginateDescribeAlarms(
        { client: target.cloudWatch },
        { AlarmNamePrefix: target.alarmNamePrefix, StateValue: 'ALARM' },
      )) {
        for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
          alarms.push({
            name: alarm.AlarmName ?? '(unnamed)',
            since: alarm.StateUpdatedTimestamp,
            reason: alarm.StateReason,
          });
        }
      }
    },
  );
  alarms.sort((a, b) => a.name.localeCompare(b.name));
  return { asOf, series, newestTradesAt, newestTradesPeriodSeconds, newestTradesLookBackDays, alarms };
}
