import { type Cell, type Format, renderRows } from '../output/rows';
import type { MetricSeries, PipelineStatus } from './pipeline-status';
import type { StatusMetricKey } from './status-metrics';

/** One line of `trades status`. */
export interface StatusLine {
  /** Stable, for scripts: the StatusMetrics key, `newestTradeObject`, `alarmsInAlarm` or `alarm`. */
  readonly key: string;
  readonly signal: string;
  /** The number (JSON), or a name for an alarm line; null where there is no data. */
  readonly value: number | string | null;
  readonly unit: string;
  /** The value for a person: with its unit, or `no data`. */
  readonly shown: string;
  readonly detail: string;
}

const COUNTS: readonly { key: StatusMetricKey; signal: string; whenAny?: string }[] = [
  { key: 'writerErrors', signal: 'writer errors', whenAny: 'the writer log group has the ERROR lines' },
  { key: 'writerThrottles', signal: 'writer throttles', whenAny: 'Lambda concurrency is exhausted' },
  {
    key: 'writeFailures',
    signal: 'objects the writer could not store',
    whenAny: 'S3 or KMS refused writes; Lambda retries them',
  },
  {
    key: 'recordsQuarantined',
    signal: 'records quarantined',
    whenAny: 'trades query quarantine-by-reason --as engineer --date <day>',
  },
  {
    key: 'lateTrades',
    signal: 'trades dated before the curation window',
    whenAny: "no scheduled run merges them: trades curate --date <day>, the days in the writer's warning log",
  },
  {
    key: 'failedBatches',
    signal: 'batches given up on (failed-batch bucket)',
    whenAny: 'their trades are not in the lake: trades replay',
  },
  {
    key: 'destinationDeliveryFailures',
    signal: 'batches given up on and not recorded',
    whenAny: 'trades may be lost: docs/monitoring.md, DestinationDeliveryFailures',
  },
  {
    key: 'streamWriteThrottles',
    signal: 'records the stream throttled',
    whenAny: 'producers had to retry them',
  },
  { key: 'tradesWritten', signal: 'trades written' },
];

const sum = (series: MetricSeries) => series.values.reduce((total, value) => total + value, 0);

/** `2026-03-16 17:57 UTC`. */
export function minuteOf(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A duration for a person: `850 ms`, `4.2 s`, `12 min`, `3 h 5 min`, `2 d 4 h`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

function iteratorAgeLine(series: MetricSeries): StatusLine {
  const signal = 'stream iterator age (max)';
  if (series.values.length === 0) {
    return {
      key: 'iteratorAge',
      signal,
      value: null,
      unit: 'ms',
      shown: 'no data',
      detail: 'the writer read no record in the last 24 h',
    };
  }
  const max = Math.max(...series.values);
  // Datapoints come newest first (ScanBy TimestampDescending).
  const latest = series.values[0] as number;
  const at = series.timestamps[0] as Date;
  return {
    key: 'iteratorAge',
    signal,
    value: max,
    unit: 'ms',
    shown: formatDuration(max),
    detail: `latest ${formatDuration(latest)}, in the minute from ${minuteOf(at)}`,
  };
}

function newestObjectLine(status: PipelineStatus): StatusLine {
  const signal = 'newest trade object';
  const source = 'from TradesWritten: the auditor reads no object';
  if (status.newestTradesAt === undefined) {
    return {
      key: 'newestTradeObject',
      signal,
      value: null,
      unit: 's',
      shown: `none in ${status.newestTradesLookBackDays} d`,
      detail: `no trade written in the last ${status.newestTradesLookBackDays} days (${source})`,
    };
  }
  const ageMs = status.asOf.getTime() - status.newestTradesAt.getTime();
  const period = status.newestTradesPeriodSeconds === 60 ? 'minute' : 'hour';
  return {
    key: 'newestTradeObject',
    signal,
    value: Math.round(ageMs / 1000),
    unit: 's',
    shown: `${formatDuration(ageMs)} ago`,
    detail: `written in the ${period} from ${minuteOf(status.newestTradesAt)} (${source})`,
  };
}

/** The lines of `trades status`, in the order it prints them. */
export function statusLines(status: PipelineStatus): StatusLine[] {
  const lines: StatusLine[] = [iteratorAgeLine(status.series.iteratorAge)];
  for (const { key, signal, whenAny } of COUNTS) {
    const total = sum(status.series[key]);
    lines.push({
      key,
      signal,
      value: total,
      unit: 'count',
      shown: total.toLocaleString('en-US'),
      detail: total > 0 && whenAny !== undefined ? whenAny : '',
    });
  }
  lines.push(newestObjectLine(status));
  lines.push({
    key: 'alarmsInAlarm',
    signal: 'alarms in ALARM',
    value: status.alarms.length,
    unit: 'count',
    shown: String(status.alarms.length),
    detail: status.alarms.length > 0 ? 'each below; docs/monitoring.md says what to do' : '',
  });
  for (const alarm of status.alarms) {
    lines.push({
      key: 'alarm',
      signal: alarm.name,
      value: 'ALARM',
      unit: '',
      shown: 'ALARM',
      detail: [alarm.since && `since ${minuteOf(alarm.since)}`, alarm.reason].filter(Boolean).join(': '),
    });
  }
  return lines;
}

/** An alarm's reason can run to 200 characters; the table keeps it readable, CSV and JSON keep it whole. */
const TABLE_DETAIL_CHARS = 110;
const shortened = (detail: string) =>
  detail.length <= TABLE_DETAIL_CHARS ? detail : `${detail.slice(0, TABLE_DETAIL_CHARS - 1)}…`;

/** The status as a table for people (values with their units), or CSV and JSON for scripts (numbers, units apart). */
export function renderStatus(status: PipelineStatus, format: Format): string {
  const lines = statusLines(status);
  if (format !== 'table') {
    return renderRows(
      ['key', 'signal', 'value', 'unit', 'detail'].map((key) => ({ key })),
      lines.map(
        ({ key, signal, value, unit, detail }) => ({ key, signal, value, unit, detail }) as Record<string, Cell>,
      ),
      format,
    );
  }
  return renderRows(
    [{ key: 'signal' }, { key: 'shown', header: 'last 24 h', align: 'right' }, { key: 'detail' }],
    lines.map(({ signal, shown, detail }) => ({ signal, shown, detail: shortened(detail) })),
    'table',
  );
}
