import { Logger } from '@aws-lambda-powertools/logger';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { lambdaWriterInvoker, s3FailedBatchStore } from './aws';
import { loadReplayConfig } from './config';
import { WRITER_TIMEOUT_SECONDS } from './contract';
import { createReplayer } from './handler';

// Read at cold start: a missing or unusable setting fails the init with a message naming it.
const config = loadReplayConfig(process.env);

/**
 * Lambda entry point of the replay function: `{ "key": "<failed-batch record key>" }` in, a
 * ReplayResult out. Invoked by the data engineer (`trades replay`), never by an event source.
 */
export const handler = createReplayer({
  store: s3FailedBatchStore(new S3Client({}), config.failedBatchBucket),
  writer: lambdaWriterInvoker(
    // The writer may run its whole timeout; the socket must not give up before it answers.
    new LambdaClient({ requestHandler: { requestTimeout: (WRITER_TIMEOUT_SECONDS + 10) * 1000 } }),
    config.writerFunctionArn,
  ),
  streamArn: config.streamArn,
  logger: new Logger(),
});
