/**
 * The producer's core, usable without the CLI around it (the local pipeline drives it against
 * kinesalite): the generator, the sender, KPL aggregation and the shard map.
 */
export { type AggregatedEntry, type AggregateOptions, aggregateByShard, KPL_AGGREGATION_MAX_BYTES } from './aggregate';
export {
  type ExpectedOutcome,
  type ExpectedTrade,
  expectationOf,
  type GeneratedRecord,
  type GeneratedTrades,
  type GenerateTradesOptions,
  generateTrades,
  type IntendedVerdict,
  MAX_RECORDS,
  type RecordKind,
  type TradeEvent,
} from './generate-trades';
export { INVALID_VARIANTS, type IntendedRejection, type InvalidVariant } from './invalid-records';
export { entryProblem, KINESIS_LIMITS, type KinesisEntry, planRequests, recordBytes, requestBytes } from './records';
export {
  backoffDelay,
  DEFAULT_MAX_ATTEMPTS,
  type FailedRecord,
  SendAbortedError,
  type SendOptions,
  type SendProgress,
  type SendSummary,
  sendRecords,
} from './send-records';
export { hashKeyOf, listOpenShards, type ShardRange, shardOwning } from './shards';
