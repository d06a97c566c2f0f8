/**
 * `npm run cost [-- --trades-per-day N] [--queries-per-day Q] [--no-aggregation] [--stream provisioned]
 * [--prices]`: what a day of trades costs, each line item per day and per million trades, and which is
 * the largest. Measured figures come from tools/cost/measured.json (npm run bench -- --record), the
 * configuration from lib/config.ts's defaults and the writer's contract, prices from prices.ts.
 */
import { WRITER_ARCHITECTURE, WRITER_MEMORY_MB } from '../../lambda/trade-writer/contract';
import { loadConfig } from '../../lib/config';
import { type MeasuredFigures, readMeasuredFigures } from './measured';
import {
  type CostInputs,
  type CostReport,
  costModel,
  DEFAULT_ASSUMPTIONS,
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
    bytesStoredPerTrade: oneDate.bytesStoredPerTrade,
    objectsPerInvocation: oneDate.objectsPerInvocation,
    plain: {
      tradesPerRecord: oneDate.recordsPerInvocation / oneDate.kinesisRecordsPerInvocation,
      bytesPerRecord: oneDate.kinesisBytesPerRecord,
      writerCpuMsPerTrade: oneDate.handlerCpuMs / oneDate.recordsPerInvocation,
    },
    aggregated: {
      tradesPerRecord: aggregated.recordsPerInvocation / aggregated.kinesisRecordsPerInvocation,
      bytesPerRecord: aggregated.kinesisBytesPerRecord,
      writerCpuMsPerTrade: aggregated.handlerCpuMs / aggregated.recordsPerInvocation,
    },
    curatedBytesScannedPerTrade: figures.curated?.vwapBytesScannedPerTrade,
  };
}

function usd(value: number | undefined): string {
  if (value === undefined) return 'not measured yet';
  if (value === 0) return '$0';
  return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toPrecision(2)}`;
}

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
  out.push('| Kinesis | per day | per million trades | shards |', '|---|---|---|---|');
  for (const variant of report.kinesis) {
    out.push(
      `| ${variant.mode}, ${variant.aggregation ? 'KPL aggregated' : 'one trade a record'} | ${usd(variant.perDay)} | ${usd(perMillionTrades(variant.perDay, n))} | ${variant.shards} |`,
    );
  }
  return out.join('\n');
}

function numberOption(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} needs a number above 0, got ${process.argv[at + 1]}`);
  return value;
}

function main(): void {
  if (process.argv.includes('--prices')) {
    console.log(
      `List prices, ${PRICES_REGION}, as of ${PRICES_AS_OF}:\n\n| price | USD | unit | source |\n|---|---|---|---|`,
    );
    for (const [name, price] of Object.entries(PRICES))
      console.log(`| ${name} | ${price.usd} | ${price.unit} | ${price.source} |`);
    return;
  }
  const figures = readMeasuredFigures();
  const config = loadConfig({});
  const stream = process.argv.includes('--stream')
    ? process.argv[process.argv.indexOf('--stream') + 1]
    : config.streamCapacity.mode;
  if (stream !== 'on-demand' && stream !== 'provisioned')
    throw new Error(`--stream is on-demand or provisioned, got ${stream}`);
  const inputs: CostInputs = {
    tradesPerDay: numberOption('--trades-per-day', 1_000_000),
    queriesPerDay: numberOption('--queries-per-day', 10),
    aggregation: !process.argv.includes('--no-aggregation'),
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
      curationRunsPerDay: numberOption('--curation-runs-per-day', runsPerDayOf(config.curationSchedule)),
    },
    assumptions: DEFAULT_ASSUMPTIONS,
  };
  console.log(
    `Cost model: measured ${figures.writer.recordedOn} by \`${figures.writer.command}\` (${figures.writer.machine}); ` +
      `curated zone ${figures.curated === undefined ? 'not measured yet' : `measured ${figures.curated.recordedOn} by \`${figures.curated.command}\``}; ` +
      `${PRICES_REGION} list prices as of ${PRICES_AS_OF} (npm run cost -- --prices lists them with their sources).\n`,
  );
  console.log(renderReport(costModel(inputs, PRICES)));
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
