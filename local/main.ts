// The SDK warns on Node 20 that its releases after January 2027 need Node 22; Lambda runs Node 24.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { randomInt } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MEASURED_FIGURES_PATH, type MeasuredFigures } from '../tools/cost/measured';
import { runLocalPipeline } from './pipeline';
import { cliProducer } from './producer';

/**
 * `npm run local [-- --count N] [--aggregate] [--chaos] [--keep DIR] [--seed S] [--record]`. Exit
 * codes: 0 when nothing was lost and the curated table is right, 1 when the summary shows a loss or
 * the curated table is not what the producer sent, 2 on a usage error or a failed run, 130 on Ctrl-C
 * (the peers are stopped and the temporary folder removed first).
 */

const USAGE = `usage: npm run local -- [--count N] [--aggregate] [--chaos] [--keep DIR] [--seed S] [--record]

  --count N     trades to send (default 10000)
  --aggregate   pack them into KPL aggregated records, as the KPL does
  --chaos       inject faults between the writer and S3 and into Lambda's delivery
  --keep DIR    keep the peers' data, the objects and the curated Parquet files in DIR (empty or new)
  --seed S      make the trades and the faults reproducible (default: random, printed)
  --record      write the curated VWAP figure for the cost model (tools/cost/measured.json)`;

export interface LocalArguments {
  readonly count: number;
  readonly aggregate: boolean;
  readonly chaos: boolean;
  readonly keep?: string;
  readonly seed: string;
  readonly record: boolean;
}

/** Reads the command line; throws a usage error with a message that says what is wrong. */
export function parseLocalArguments(argv: readonly string[]): LocalArguments {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      count: { type: 'string' },
      aggregate: { type: 'boolean', default: false },
      chaos: { type: 'boolean', default: false },
      keep: { type: 'string' },
      seed: { type: 'string' },
      record: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) throw new UsageError('');
  const count = values.count === undefined ? 10_000 : Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 1_000_000) {
    throw new UsageError(`--count must be a whole number from 1 to 1000000, not ${JSON.stringify(values.count)}`);
  }
  if (values.seed !== undefined && values.seed.trim() === '') throw new UsageError('--seed must not be empty');
  return {
    count,
    aggregate: values.aggregate,
    chaos: values.chaos,
    keep: values.keep,
    seed: values.seed ?? String(randomInt(1, 2 ** 31)),
    record: values.record,
  };
}

/** The command that reproduces a run, as the cost model names its source. */
export function recordedCommand(options: LocalArguments): string {
  return [
    'npm run local --',
    `--count ${options.count}`,
    `--seed ${options.seed}`,
    ...(options.aggregate ? ['--aggregate'] : []),
    ...(options.chaos ? ['--chaos'] : []),
    '--record',
  ].join(' ');
}

/**
 * The measured figures with the curated zone's replaced by this run's, the writer's kept (written by
 * `npm run bench -- --record`).
 */
export function withCuratedFigures(
  previous: Partial<MeasuredFigures>,
  figure: number,
  command: string,
  now: Date,
): Partial<MeasuredFigures> {
  return {
    ...previous,
    curated: { recordedOn: now.toISOString().slice(0, 10), command, vwapBytesScannedPerTrade: figure },
  };
}

class UsageError extends Error {}

/** How long Ctrl-C waits for the peers to stop and the temporary folder to go. */
const CLEANUP_TIMEOUT_MS = 10_000;

async function main(): Promise<number> {
  let options: LocalArguments;
  try {
    options = parseLocalArguments(process.argv.slice(2));
  } catch (error) {
    const message = (error as Error).message;
    process.stderr.write(`${message ? `${message}\n\n` : ''}${USAGE}\n`);
    return message ? 2 : 0;
  }
  let cleanup: (() => Promise<void>) | undefined;
  let stopping = false;
  // Not `once`: tsx relays the signal to this process again when it seems slow to answer, and a
  // second signal without a listener would end the process before the peers are stopped.
  const interrupted = (signal: NodeJS.Signals, code: number) => () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping the peers\n`);
    // A peer that does not stop must not keep the command from ending.
    setTimeout(() => process.exit(code), CLEANUP_TIMEOUT_MS).unref();
    void (cleanup?.() ?? Promise.resolve()).finally(() => process.exit(code));
  };
  process.on('SIGINT', interrupted('SIGINT', 130));
  process.on('SIGTERM', interrupted('SIGTERM', 143));

  const print = (line: string) => process.stdout.write(`${line}\n`);
  print(`seed ${options.seed} (rerun with --seed ${options.seed})`);
  try {
    const result = await runLocalPipeline({
      ...options,
      producer: cliProducer({ count: options.count, seed: options.seed, aggregate: options.aggregate }),
      print,
      writerLogLevel: process.env.POWERTOOLS_LOG_LEVEL,
      onCleanup: (run) => {
        cleanup = run;
      },
    });
    if (result.losses.length > 0 || result.unexpected.length > 0 || result.curationProblems.length > 0) return 1;
    if (options.record) {
      const previous = existsSync(MEASURED_FIGURES_PATH)
        ? (JSON.parse(readFileSync(MEASURED_FIGURES_PATH, 'utf8')) as Partial<MeasuredFigures>)
        : {};
      const figures = withCuratedFigures(
        previous,
        result.summary.curatedBytesPerTradeVwap,
        recordedCommand(options),
        new Date(),
      );
      writeFileSync(MEASURED_FIGURES_PATH, `${JSON.stringify(figures, null, 2)}\n`);
      // On stderr: the summary line stays the last line of stdout, for scripts.
      process.stderr.write(`recorded curated.vwapBytesScannedPerTrade in ${MEASURED_FIGURES_PATH}\n`);
    }
    return 0;
  } catch (error) {
    process.stderr.write(
      `npm run local failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 2;
  }
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
