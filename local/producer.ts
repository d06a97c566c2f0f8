import {
  aggregateByShard,
  expectationOf,
  type GeneratedRecord,
  generateTrades,
  listOpenShards,
  type SendSummary,
  sendRecords,
} from '../cli/produce';
import type { KinesisEntry } from '../cli/produce/records';
import type { Producer, ProducerTarget } from './pipeline';
import { recordingSentRecords, type SentRecord } from './sent-records';

/**
 * The local run's producer: the operator CLI's own (`trades produce`), not a second generator. The
 * same seeded generator makes the trades and says what the lake must hold (`expected`), the same
 * sender puts them with PutRecords and retries what Kinesis refuses, and `--aggregate` packs them
 * by shard with aws-kinesis-agg as the KPL does. What PutRecords answered for each record is kept
 * (sent-records.ts), so that the lake can be checked record by record, not only by count.
 *
 * With `--chaos` it sends in two parts, as trades arrive over the hours between two curation runs:
 * the first half of the records, then (once the pipeline says they have landed) the rest, followed
 * by the stale re-sends the chaos picks (older versions of corrected trades, sent again after every
 * later version). So the second curation run meets corrections of trades the first one curated,
 * and old versions that arrive after the newer ones it holds.
 */

/** The mix of a local run: a few percent invalid, some duplicates, some corrections and cancels. */
export const LOCAL_MIX = { invalidRatio: 0.03, corrections: 0.05, duplicates: 0.02 } as const;

export interface CliProducerOptions {
  readonly count: number;
  readonly seed: string;
  readonly aggregate: boolean;
}

/** What one PutRecords pass accepted. */
interface Sent {
  readonly summary: SendSummary;
  readonly records: readonly SentRecord[];
}

async function sendPart(
  target: ProducerTarget,
  generated: readonly GeneratedRecord[],
  part: readonly GeneratedRecord[],
  aggregate: boolean,
): Promise<Sent> {
  const { kinesis, streamName } = target;
  const entries: readonly KinesisEntry[] = aggregate
    ? aggregateByShard(part, await listOpenShards(kinesis, streamName))
    : part;
  const { result: summary, records } = await recordingSentRecords(kinesis, generated, entries, () =>
    sendRecords(kinesis, streamName, entries, {}),
  );
  if (summary.failed > 0 || summary.unsent > 0) {
    throw new Error(
      `kinesalite refused ${summary.failed + summary.unsent} of ${summary.userRecords} records: ${summary.failures
        .slice(0, 3)
        .map(({ errorCode, errorMessage }) => `${errorCode}: ${errorMessage ?? ''}`)
        .join('; ')}`,
    );
  }
  return { summary, records };
}

export function cliProducer(options: CliProducerOptions): Producer {
  return async (target) => {
    const generated = generateTrades({ count: options.count, seed: options.seed, ...LOCAL_MIX, now: new Date() });
    const stale = target.chaos?.staleResends(generated.records) ?? [];
    const split = target.landed === undefined ? generated.records.length : Math.ceil(generated.records.length / 2);
    const sent: Sent[] = [
      await sendPart(target, generated.records, generated.records.slice(0, split), options.aggregate),
    ];
    if (target.landed !== undefined) {
      await target.landed();
      sent.push(await sendPart(target, generated.records, generated.records.slice(split), options.aggregate));
    }
    // Last, and after the parts that hold every later version: a stale copy never arrives before them.
    if (stale.length > 0) sent.push(await sendPart(target, generated.records, stale, options.aggregate));
    // What the lake must hold after every record sent: the re-sends are copies, never new events.
    const expected =
      stale.length === 0
        ? generated.expected
        : expectationOf(generated.expected.seed, [...generated.records, ...stale]);
    return {
      sent: sent.reduce((total, { summary }) => total + summary.sent, 0),
      events: expected.validEvents,
      invalid: expected.invalidRecords,
      trades: expected.tradeIds,
      kinesisRecords: sent.reduce((total, { summary }) => total + summary.kinesisRecords, 0),
      staleResends: stale.length,
      expected,
      records: sent.flatMap(({ records }) => records),
    };
  };
}
