import { loadReplayConfig } from '../../lambda/replay/config';
import { STREAM_ARN } from '../../tools/fixtures/trade-events';
import { FAILED_BATCH_BUCKET, WRITER_FUNCTION_ARN } from './fixtures';

const valid = {
  FAILED_BATCH_BUCKET_NAME: FAILED_BATCH_BUCKET,
  WRITER_FUNCTION_ARN: WRITER_FUNCTION_ARN,
  TRADE_STREAM_ARN: STREAM_ARN,
};

describe("the replay function's environment", () => {
  it('gives the bucket, the writer and the stream', () => {
    expect(loadReplayConfig(valid)).toEqual({
      failedBatchBucket: FAILED_BATCH_BUCKET,
      writerFunctionArn: WRITER_FUNCTION_ARN,
      streamArn: STREAM_ARN,
    });
  });

  it('fails the cold start naming every variable that is missing', () => {
    expect(() => loadReplayConfig({ TRADE_STREAM_ARN: STREAM_ARN })).toThrow(
      'trade-replay: environment variable FAILED_BATCH_BUCKET_NAME and WRITER_FUNCTION_ARN is not set',
    );
  });

  it('refuses a writer given by name, version or alias: only the unqualified ARN of the writer', () => {
    for (const writer of ['trades-dev-trade-writer', `${WRITER_FUNCTION_ARN}:7`, `${WRITER_FUNCTION_ARN}:live`]) {
      expect(() => loadReplayConfig({ ...valid, WRITER_FUNCTION_ARN: writer })).toThrow(
        /unqualified Lambda function ARN/,
      );
    }
  });

  it('refuses a stream given by name', () => {
    expect(() => loadReplayConfig({ ...valid, TRADE_STREAM_ARN: 'trades-dev' })).toThrow(
      /must be a Kinesis stream ARN/,
    );
  });
});
