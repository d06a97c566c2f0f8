import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { loadWriterConfig } from './config';
import { createTradeWriter } from './handler';
import { s3ObjectStore, writerS3Client } from './object-store';

// Read at cold start: a missing or unusable setting fails the init with a message naming it.
const config = loadWriterConfig(process.env);

/** Lambda entry point for the trade-writer (Kinesis event source mapping, ReportBatchItemFailures). */
export const handler = createTradeWriter({
  store: s3ObjectStore(writerS3Client(), config),
  logger: new Logger(),
  metrics: new Metrics(),
  reconcileDays: config.reconcileDays,
});
