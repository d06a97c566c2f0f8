import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { Command, InvalidArgumentError } from 'commander';
import { STACK_OUTPUTS } from '../aws/stack-outputs';
import { type CliEnvironment, type GlobalOptions, StackSession } from '../context';
import {
  type Actor,
  CliError,
  callAws,
  describeActor,
  explainAwsError,
  THROTTLING_ERRORS,
  usageError,
} from '../errors';
import { EXIT } from '../exit-codes';
import { calendarDate, ratio, seed, wholeNumber } from '../options';
import { notice, type Output } from '../output/output';
import { startProgress } from '../output/progress';
import { type Format, formatOption, renderRecord } from '../output/rows';
import { aggregateByShard } from '../produce/aggregate';
import { type GeneratedTrades, generateTrades, MAX_RECORDS } from '../produce/generate-trades';
import type { KinesisEntry } from '../produce/records';
import { RATE_RANGE, SendAbortedError, type SendSummary, sendRecords } from '../produce/send-records';
import { listOpenShards } from '../produce/shards';
import { roleHelp } from './help';

/** `trades produce`: synthetic trades onto the stream, as the producer role. */

interface ProduceCommandOptions {
  readonly count: number;
  readonly rate?: number;
  readonly invalidRatio: number;
  readonly corrections: number;
  readonly duplicates: number;
  readonly aggregate?: boolean;
  readonly dryRun?: boolean;
  readonly seed?: number | string;
  readonly date?: string;
  readonly format: Format;
}

/** Where produce sends, and as whom. */
export interface ProduceTarget {
  readonly kinesis: KinesisClient;
  readonly stream: string;
  readonly actor: Actor;
}

export interface ProduceSendOptions {
  readonly rate?: number;
  readonly aggregate?: boolean;
  readonly format?: Format;
  /** @default 8 */
  readonly maxAttempts?: number;
}

export interface ProduceIo {
  readonly output: Output;
  readonly sleep: (ms: number) => Promise<void>;
}

/** The summary a run prints: what was generated, then what the stream accepted. */
function summaryFields(generated: GeneratedTrades, summary: SendSummary) {
  const { expected } = generated;
  return [
    { key: 'seed', label: 'seed', value: expected.seed },
    { key: 'trades', label: 'trades (distinct trade_id)', value: expected.tradeIds },
    { key: 'valid_events', label: 'valid events', value: expected.validEvents },
    { key: 'corrections', label: 'corrections', value: expected.corrections },
    { key: 'cancels', label: 'cancels', value: expected.cancels },
    { key: 'duplicates', label: 'duplicates (re-sent events)', value: expected.duplicates },
    { key: 'invalid', label: 'invalid records', value: expected.invalidRecords },
    { key: 'user_records', label: 'user records', value: summary.userRecords },
    { key: 'kinesis_records', label: 'Kinesis records', value: summary.kinesisRecords },
    { key: 'sent', label: 'sent', value: summary.sent },
    { key: 'retried', label: 'retried', value: summary.retried },
    { key: 'failed', label: 'failed', value: summary.failed + summary.unsent },
    { key: 'requests', label: 'PutRecords requests', value: summary.requests },
    { key: 'seconds', label: 'seconds', value: Number((summary.elapsedMs / 1000).toFixed(2)) },
    { key: 'records_per_second', label: 'records/s', value: Math.round(summary.recordsPerSecond) },
  ];
}

/** Counts of each error code among the records that failed, for the message. */
function errorCodes(summary: SendSummary): string {
  const counts = new Map<string, number>();
  for (const { entry, errorCode } of summary.failures) {
    counts.set(errorCode, (counts.get(errorCode) ?? 0) + (entry.userRecords ?? 1));
  }
  return [...counts].map(([code, count]) => `${code} × ${count}`).join(', ');
}

/**
 * Sends generated trades to the stream and prints the summary: the part of `trades produce` after
 * the stack and the role are known, with its Kinesis client given, so tests pass a mocked one.
 * Throws a CliError when any record was not accepted.
 */
export async function produceTrades(
  target: ProduceTarget,
  generated: GeneratedTrades,
  options: ProduceSendOptions,
  io: ProduceIo,
): Promise<SendSummary> {
  const { kinesis, stream, actor } = target;
  const streamResource = `stream ${stream}`;
  let entries: readonly KinesisEntry[] = generated.records;
  if (options.aggregate) {
    try {
      const shards = await callAws({ action: 'kinesis:ListShards', resource: streamResource, actor }, () =>
        listOpenShards(kinesis, stream),
      );
      entries = aggregateByShard(generated.records, shards);
    } catch (error) {
      // A stream without open shards, or with a gap while it is resharded: nothing was sent.
      if (error instanceof RangeError)
        throw new CliError(`Cannot aggregate for ${streamResource}: ${error.message}.`, EXIT.FAILED);
      throw error;
    }
  }
  notice(
    io.output,
    `Sending ${generated.records.length} user records in ${entries.length} Kinesis records to ${streamResource} as ${describeActor(actor)}; seed ${generated.expected.seed}.`,
  );
  const progress = startProgress(io.output.stderr, generated.records.length, 'records');
  let summary: SendSummary;
  try {
    summary = await sendRecords(kinesis, stream, entries, {
      rate: options.rate,
      maxAttempts: options.maxAttempts,
      sleep: io.sleep,
      onProgress: ({ sent, failed, retried }) => progress.update(sent + failed, `retried ${retried}, failed ${failed}`),
    });
  } catch (error) {
    progress.stop();
    if (!(error instanceof SendAbortedError)) throw error;
    io.output.stdout.write(renderRecord(summaryFields(generated, error.summary), options.format ?? 'table'));
    const call = { action: 'kinesis:PutRecords', resource: streamResource, actor };
    throw explainAwsError(error.cause, call) ?? error;
  }
  progress.stop();
  io.output.stdout.write(renderRecord(summaryFields(generated, summary), options.format ?? 'table'));
  if (summary.failed > 0) {
    const throttled = summary.failures.every(({ errorCode }) => THROTTLING_ERRORS.has(errorCode));
    const attempts = options.maxAttempts ?? 8;
    if (throttled) {
      throw new CliError(
        `${summary.failed} of ${summary.userRecords} records were not accepted after ${attempts} attempts: ${streamResource} is throttled (${errorCodes(summary)}). Send slower (--rate), aggregate (--aggregate), or give the stream more capacity.`,
        EXIT.THROTTLED,
      );
    }
    throw new CliError(
      `${summary.failed} of ${summary.userRecords} records were not accepted after ${attempts} attempts (${errorCodes(summary)}).`,
      EXIT.FAILED,
    );
  }
  return summary;
}

/**
 * `--rate`: the range sendRecords takes, checked while the options are parsed, so a rate out of it is
 * a usage error (exit 2) before any AWS call rather than sendRecords' RangeError after them.
 */
export function rateOption(value: string): number {
  const rate = /^(\d+(\.\d*)?|\.\d+)$/.test(value) ? Number(value) : Number.NaN;
  if (!(rate >= RATE_RANGE.min && rate <= RATE_RANGE.max)) {
    throw new InvalidArgumentError(
      `Give a number of user records per second from ${RATE_RANGE.min} to ${RATE_RANGE.max}.`,
    );
  }
  return rate;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The records as JSON Lines: each line the exact bytes that would be a Kinesis record's data. */
export function writeJsonLines(output: Output, generated: GeneratedTrades): void {
  for (const record of generated.records) {
    output.stdout.write(record.data);
    output.stdout.write('\n');
  }
  const { expected } = generated;
  notice(
    output,
    `${count(expected.userRecords, 'record')} (seed ${expected.seed}): ${count(expected.validEvents, 'valid event')} of ${count(expected.tradeIds, 'trade')}, ${count(expected.duplicates, 'duplicate')}, ${expected.invalidRecords} invalid.`,
  );
}

export function produceCommand(env: CliEnvironment): Command {
  return new Command('produce')
    .summary('send synthetic trades to the stream')
    .description(
      'Send realistic synthetic trades to the trade stream with PutRecords: hundreds of symbols, both sides, decimal-string prices, timestamps over the New York session; optionally corrections and cancels of earlier trades, re-sent duplicates and invalid records of every kind the writer quarantines. Only records that fail are retried, with backoff.',
    )
    .requiredOption('--count <n>', 'user records to send, all kinds together (required)', wholeNumber(1, MAX_RECORDS))
    .option(
      '--rate <r>',
      `user records per second at most, ${RATE_RANGE.min} to ${RATE_RANGE.max} (default: as fast as the stream takes them)`,
      rateOption,
    )
    .option('--invalid-ratio <x>', 'share of records the writer must quarantine, 0 to 1', ratio(1), 0)
    .option(
      '--corrections <x>',
      'share of valid events that correct or cancel an earlier trade, 0 to 0.9',
      ratio(0.9),
      0,
    )
    .option('--duplicates <x>', 'share of records that re-send an earlier event, 0 to 0.5', ratio(0.5), 0)
    .option('--aggregate', 'pack trades into KPL aggregates (aws-kinesis-agg), grouped by shard')
    .option('--dry-run', 'write the records as JSON Lines to stdout instead; needs no AWS')
    .option('--seed <s>', 'make the run reproducible: the same seed gives the same trades', seed)
    .option('--date <YYYY-MM-DD>', 'trading day of the trades (default: today, UTC)', calendarDate)
    .addOption(formatOption())
    .addHelpText('after', roleHelp(STACK_OUTPUTS.producerRoleArn, 'PutRecords and ListShards on the stream'))
    .addHelpText(
      'after',
      `
Examples:
  $ trades produce --count 1000
  $ trades produce --count 50000 --rate 2000 --aggregate --corrections 0.1 --invalid-ratio 0.02
  $ trades produce --count 5 --dry-run --seed 7 | jq .`,
    )
    .action(async (options: ProduceCommandOptions, command: Command) => {
      let generated: GeneratedTrades;
      try {
        generated = generateTrades({
          count: options.count,
          seed: options.seed,
          invalidRatio: options.invalidRatio,
          corrections: options.corrections,
          duplicates: options.duplicates,
          tradeDate: options.date,
          now: env.now(),
        });
      } catch (error) {
        if (error instanceof RangeError) throw usageError(error.message);
        throw error;
      }
      if (options.dryRun) {
        writeJsonLines(env.output, generated);
        return;
      }
      const session = new StackSession(env, command.optsWithGlobals<GlobalOptions>());
      const stream = await session.output(STACK_OUTPUTS.streamName);
      const role = await session.assumeRole(STACK_OUTPUTS.producerRoleArn, 'produce');
      const kinesis = session.clients.kinesis(role.credentials);
      await produceTrades(
        { kinesis, stream, actor: role.actor },
        generated,
        { rate: options.rate, aggregate: options.aggregate, format: options.format },
        env,
      );
    });
}
