import { aggregateByShard, generateTrades, listOpenShards, sendRecords } from '../cli/produce';
import type { KinesisEntry } from '../cli/produce/records';
import type { Producer } from './pipeline';
import { recordingSentRecords } from './sent-records';

/**
 * The local run's producer: the operator CLI's own (`trades produce`), not a second generator. The
 * same seeded generator makes the trades and says what the lake must hold (`expected`), the same
 * sender puts them with PutRecords and retries what Kinesis refuses, and `--aggregate` packs them
 * by shard with aws-kinesis-agg as the KPL does. What PutRecords answered for each record is kept
 * (sent-records.ts), so that the lake can be checked record by record, not only by count.
 */

/** The mix of a local run: a few percent invalid, some duplicates, some corrections and cancels. */
export const LOCAL_MIX = { invalidRatio: 0.03, corrections: 0.05, duplicates: 0.02 } as const;

export interface CliProducerOptions {
  readonly count: number;
  readonly seed: string;
  readonly aggregate: boolean;
}

export function cliProducer(options: CliProducerOptions): Producer {
  return async ({ kinesis, streamName }) => {
    const generated = generateTrades({ count: options.count, seed: options.seed, ...LOCAL_MIX, now: new Date() });
    const entries: readonly KinesisEntry[] = options.aggregate
      ? aggregateByShard(generated.records, await listOpenShards(kinesis, streamName))
      : generated.records;
    const { result: summary, records } = await recordingSentRecords(kinesis, generated.records, entries, () =>
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
    const { expected } = generated;
    return {
      sent: summary.sent,
      events: expected.validEvents,
      invalid: expected.invalidRecords,
      trades: expected.tradeIds,
      kinesisRecords: summary.kinesisRecords,
      expected,
      records,
    };
  };
}
