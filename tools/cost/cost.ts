/**
 * `npm run cost [-- --trades-per-day N] [--queries-per-day Q] [--no-aggregation] [--stream provisioned]
 * [--peak-to-mean R] [--curation-runs-per-day N] [--prices] [--write-docs]`: what a day of trades costs,
 * each line item per day and per million trades, and which is the largest. Measured figures come from
 * tools/cost/measured.json (npm run bench -- --record), the configuration from lib/config.ts's defaults
 * and the writer's contract, prices from prices.ts. `--write-docs` rewrites the reports README.md and
 * docs/cost.md quote (test/tools/cost-docs.test.ts fails when they differ from what this prints).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WRITER_ARCHITECTURE, WRITER_MEMORY_MB } from '../../lambda/trade-writer/contract';
import { loadConfig } from '../../lib/config';
import { type MeasuredFigures, readMeasuredFigures } from './measured';
import {
  type CostAssumptions,
  type CostInputs,
  type CostReport,
  costModel,
  DEFAULT_ASSUMPTIONS,
  formatTrades,
  largestLine,
  type MeasuredInputs,
  perMillionTrades,
} from './model';
import { PRICES, PRICES_AS_OF, PRICES_REGION } from './prices';

/** The model's measured inputs from the bench's scenarios. */
export function measuredInputs(figures: MeasuredFigures): MeasuredInputs {
  const scenario = (name: string) => {
    const found = figures.writer.scenarios[name];
    if (found === undefined) throw new Error(`measured.json has no "${name}" scenario: run npm run bench -- --record`);
    return found;
  };
  const oneDate = scenario('one date');
  const aggregated = scenario('KPL aggregated');
  return {
    objectsPerInvocation: oneDate.objectsPerInvocation,
    plain: {
      tradesPerRecord: oneDate.recordsPerInvocation / oneDate.kinesisRecordsPerInvocation,
      bytesPerRecord: oneDate.kinesisBytesPerRecord,
      writerCpuMsPerTrade: oneDate.handlerCpuMs / oneDate.recordsPerInvocation,
      bytesStoredPerTrade: oneDate.bytesStoredPerTrade,
    },
    aggregated: {
      tradesPerRecord: aggregated.recordsPerInvocation / aggregated.kinesisRecordsPerInvocation,
      bytesPerRecord: aggregated.kinesisBytesPerRecord,
      writerCpuMsPerTrade: aggregated.handlerCpuMs / aggregated.recordsPerInvocation,
      bytesStoredPerTrade: aggregated.bytesStoredPerTrade,
    },
    curatedBytesScannedPerTrade: figures.curated?.vwapBytesScannedPerTrade,
  };
}

function usd(value: number | undefined): string {
  if (value === undefined) return 'not measured yet';
  if (value === 0) return '$0';
  return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toPrecision(2)}`;
}

/** Issue 13's goal for the stream: at most $0.05 per million trades with KPL aggregation, on-demand. */
export const KINESIS_GOAL_USD_PER_MILLION = 0.05;

/** The report as Markdown tables. */
export function renderReport(report: CostReport): string {
  const out: string[] = [];
  const n = report.tradesPerDay;
  out.push(
    `${n.toLocaleString('en-US')} trades a day, ${report.queriesPerDay} raw-trade VWAP queries a day; ` +
      `${Math.round(report.invocationsPerDay).toLocaleString('en-US')} writer invocations of ${Math.round(report.tradesPerInvocation).toLocaleString('en-US')} trades, ` +
      `${Math.round(report.objectsPerDay).toLocaleString('en-US')} objects of ${Math.round(report.bytesPerObject / 1024).toLocaleString('en-US')} KB a day`,
    '',
    '| line item | per day | per million trades | basis |',
    '|---|---|---|---|',
  );
  for (const group of ['ingest', 'curation', 'query', 'storage'] as const) {
    for (const line of report.lines.filter((item) => item.group === group)) {
      const perMillion = line.perDay === undefined ? undefined : perMillionTrades(line.perDay, n);
      out.push(`| ${group}: ${line.name} | ${usd(line.perDay)} | ${usd(perMillion)} | ${line.basis} |`);
    }
  }
  const recurring = report.lines.filter((line) => line.group !== 'storage');
  const total = recurring.reduce((sum, line) => sum + (line.perDay ?? 0), 0);
  out.push(
    `| **ingest, curation and query, total** | **${usd(total)}** | **${usd(perMillionTrades(total, n))}** | storage lines are per month the day is kept |`,
  );
  const largest = largestLine(report);
  out.push('', `Largest line item: ${largest.group}: ${largest.name}, ${usd(largest.perDay)} a day.`, '');
  out.push('| Kinesis | per day | per million trades | shards | trades a record |', '|---|---|---|---|---|');
  for (const variant of report.kinesis) {
    out.push(
      `| ${variant.mode}, ${variant.aggregation ? 'KPL aggregated' : 'one trade a record'} | ${usd(variant.perDay)} | ${usd(perMillionTrades(variant.perDay, n))} | ${variant.shards} | ${formatTrades(variant.tradesPerRecord)} |`,
    );
  }
  const aggregatedOnDemand = report.kinesis.find(({ mode, aggregation }) => mode === 'on-demand' && aggregation);
  if (aggregatedOnDemand !== undefined) {
    const perMillion = perMillionTrades(aggregatedOnDemand.perDay, n);
    out.push(
      '',
      `Kinesis on-demand with KPL aggregation: ${usd(perMillion)} per million trades; issue 13's goal, at most ` +
        `${usd(KINESIS_GOAL_USD_PER_MILLION)}, is ${perMillion <= KINESIS_GOAL_USD_PER_MILLION ? 'met' : 'not met'} at this rate.`,
    );
  }
  if (report.curation !== undefined) {
    const { breakEvenQueries, breakEvenQueriesDaily, rawQueryUsd, curatedQueryUsd } = report.curation;
    out.push(
      '',
      `Curation pays for itself at ${breakEvenQueries.toFixed(0)} full-day VWAP queries a day with its schedule's runs, ` +
        `or ${breakEvenQueriesDaily.toFixed(1)} with one run a day: one such query costs ${usd(rawQueryUsd)} over the raw ` +
        `trades (Athena, GETs, read events, Decrypts) and ${usd(curatedQueryUsd)} over curated.trades.`,
    );
  }
  return out.join('\n');
}

/** The assumptions the report rests on that change its figures most, in a sentence. */
export function renderAssumptions(assumptions: CostAssumptions): string {
  const peak = assumptions.peakToMeanRate;
  return (
    `Assumed: trades arrive at ${peak.toFixed(2)} times the day's mean rate while they arrive ` +
    `(${(24 / peak).toFixed(1)} hours of trading a day; --peak-to-mean), which sizes the shards, the writer's ` +
    `batches and the KPL's aggregates: ${assumptions.kplProducers} producer flushing each shard's aggregate after ` +
    `${assumptions.kplRecordMaxBufferedTimeMs} ms (RecordMaxBufferedTime) or at 51,200 bytes.`
  );
}

/** The number after `name` in argv, or `fallback()` without it; above 0, or at least `atLeast`. */
function numberOption(argv: readonly string[], name: string, fallback: () => number, atLeast?: number): number {
  const at = argv.indexOf(name);
  if (at === -1) return fallback();
  const value = Number(argv[at + 1]);
  const allowed = Number.isFinite(value) && (atLeast === undefined ? value > 0 : value >= atLeast);
  if (!allowed)
    throw new Error(
      `${name} needs a number ${atLeast === undefined ? 'above 0' : `of at least ${atLeast}`}, got ${argv[at + 1]}`,
    );
  return value;
}

/** What `npm run cost -- <argv>` prints. */
export function costOutput(argv: readonly string[]): string {
  if (argv.includes('--prices')) {
    return [
      `List prices, ${PRICES_REGION}, as of ${PRICES_AS_OF}:`,
      '',
      '| price | USD | unit | source |',
      '|---|---|---|---|',
      ...Object.entries(PRICES).map(([name, price]) => `| ${name} | ${price.usd} | ${price.unit} | ${price.source} |`),
    ].join('\n');
  }
  const figures = readMeasuredFigures();
  const config = loadConfig({});
  const stream = argv.includes('--stream') ? argv[argv.indexOf('--stream') + 1] : config.streamCapacity.mode;
  if (stream !== 'on-demand' && stream !== 'provisioned')
    throw new Error(`--stream is on-demand or provisioned, got ${stream}`);
  const assumptions: CostAssumptions = {
    ...DEFAULT_ASSUMPTIONS,
    peakToMeanRate: numberOption(argv, '--peak-to-mean', () => DEFAULT_ASSUMPTIONS.peakToMeanRate, 1),
  };
  const inputs: CostInputs = {
    tradesPerDay: numberOption(argv, '--trades-per-day', () => 1_000_000),
    queriesPerDay: numberOption(argv, '--queries-per-day', () => 10),
    aggregation: !argv.includes('--no-aggregation'),
    streamMode: stream,
    measured: measuredInputs(figures),
    configured: {
      writerMemoryMb: WRITER_MEMORY_MB,
      writerArchitecture: WRITER_ARCHITECTURE,
      batchSize: config.batchSize,
      batchingWindowSeconds: config.batchingWindowSeconds,
      streamRetentionHours: config.streamRetentionHours,
      archiveAfterDays: config.archiveAfterDays,
      readDataEvents: config.createTrail && config.auditReadDataEvents,
      curationRunsPerDay: numberOption(argv, '--curation-runs-per-day', () => runsPerDayOf(config.curationSchedule)),
    },
    assumptions,
  };
  return [
    `Cost model: measured ${figures.writer.recordedOn} by \`${figures.writer.command}\` (${figures.writer.machine}); ` +
      `curated zone ${figures.curated === undefined ? 'not measured yet' : `measured ${figures.curated.recordedOn} by \`${figures.curated.command}\``}; ` +
      `${PRICES_REGION} list prices as of ${PRICES_AS_OF} (npm run cost -- --prices lists them with their sources).`,
    '',
    renderAssumptions(assumptions),
    '',
    renderReport(costModel(inputs, PRICES)),
  ].join('\n');
}

const ROOT = join(__dirname, '..', '..');
/** The files that quote the model's output, each report between the markers {@link withCostReports} writes. */
export const COST_DOCS = [join(ROOT, 'README.md'), join(ROOT, 'docs', 'cost.md')] as const;

/**
 * A quoted report: the opening marker naming the arguments, what the model printed, the closing
 * marker. The body never spans another opening marker, so a report left empty cannot swallow the next.
 */
const REPORT = /(<!-- npm run cost --(.*?) -->\n)((?:(?!<!-- npm run cost)[\s\S])*?)(<!-- end of npm run cost -->)/g;

const argsOf = (marker: string): string[] =>
  marker
    .trim()
    .split(/\s+/)
    .filter((arg) => arg !== '');

/** Each quoted report in `text`: the arguments its opening marker names, and what is between the markers. */
export function costReportsIn(text: string): { args: string[]; body: string }[] {
  return [...text.matchAll(REPORT)].map((match) => ({ args: argsOf(match[2]), body: match[3].replace(/\n$/, '') }));
}

/** `text` with every quoted report replaced by what the model prints for its arguments now. */
export function withCostReports(text: string, output: (args: string[]) => string = costOutput): string {
  return text.replace(
    REPORT,
    (_, open: string, args: string, _body: string, close: string) => `${open}${output(argsOf(args))}\n${close}`,
  );
}

function main(): void {
  const argv = process.argv.slice(2);
  if (argv.includes('--write-docs')) {
    for (const path of COST_DOCS) {
      const before = readFileSync(path, 'utf8');
      const after = withCostReports(before);
      if (after !== before) writeFileSync(path, after);
      console.log(
        `${path}: ${costReportsIn(after).length} report(s)${after === before ? ', unchanged' : ' rewritten'}`,
      );
    }
    return;
  }
  console.log(costOutput(argv));
}

/**
 * Runs a day of an EventBridge Scheduler expression: exact for `rate(...)`; a `cron(...)` must be
 * given with --curation-runs-per-day, since its count depends on its fields.
 */
export function runsPerDayOf(expression: string): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate === null) {
    throw new Error(`curationSchedule ${expression} is not a rate(): give --curation-runs-per-day`);
  }
  const every = Number(rate[1]);
  const unit = rate[2]?.replace(/s$/, '');
  const perDay = unit === 'minute' ? 1440 / every : unit === 'hour' ? 24 / every : 1 / every;
  return perDay;
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
