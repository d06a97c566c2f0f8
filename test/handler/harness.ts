import { gunzipSync } from 'node:zlib';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PutObjectCommand, type PutObjectCommandInput, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createTradeWriter } from '../../lambda/trade-writer/handler';
import { s3ObjectStore } from '../../lambda/trade-writer/object-store';
import { BUCKET_NAME, KEY_ARN } from '../../tools/fixtures/trade-events';

// The SDK warns on Node 20 that its releases after January 2027 need Node 22; Lambda runs Node 24.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The ingestion time every harness invocation uses unless told otherwise. */
export const INGESTION_TIME = new Date('2026-03-11T15:00:00.000Z');

/** The curation window of every harness writer: config's default `reconcileDays`. */
export const RECONCILE_DAYS = 35;

/** One PutObject the writer sent, with its body gunzipped and split into lines. */
export interface SentObject {
  readonly input: PutObjectCommandInput;
  readonly key: string;
  readonly lines: string[];
}

/** An S3 error as the SDK raises it after its retries. */
export function s3Error(name: string, httpStatusCode: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode, requestId: 'REQUEST-ID' },
    message: `${name} (test)`,
  });
}

/** The JSON Lines of a gzip object body. */
export function gunzipLines(body: Uint8Array): string[] {
  const text = gunzipSync(body).toString('utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

/**
 * The writer with S3 mocked by aws-sdk-client-mock, a fixed clock, and everything it prints
 * (structured logs and EMF metrics) captured per invocation.
 */
export function writerHarness(options: { readonly logLevel?: 'DEBUG' | 'INFO' } = {}) {
  const s3 = mockClient(S3Client);
  s3.on(PutObjectCommand).resolves({ ETag: '"etag"' });
  let now = INGESTION_TIME;
  const logger = new Logger({ serviceName: 'trade-writer', logLevel: options.logLevel ?? 'INFO' });
  const metrics = new Metrics({ namespace: 'TradingDataLakeTest', serviceName: 'trade-writer' });
  const handler = createTradeWriter({
    store: s3ObjectStore(new S3Client({ region: 'us-east-1' }), { bucketName: BUCKET_NAME, keyArn: KEY_ARN }),
    logger,
    metrics,
    reconcileDays: RECONCILE_DAYS,
    clock: () => now,
  });
  let output: string[] = [];

  return {
    s3,
    setClock(time: Date): void {
      now = time;
    },
    /** Runs one invocation; what it printed is then in `output()`. */
    async invoke(event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> {
      const printed: string[] = [];
      const capture = (chunk: string | Uint8Array): boolean => {
        printed.push(chunk.toString());
        return true;
      };
      // Logs at WARN and ERROR go to stderr, INFO and the EMF metrics to stdout.
      const writes = [
        jest.spyOn(process.stdout, 'write').mockImplementation(capture),
        jest.spyOn(process.stderr, 'write').mockImplementation(capture),
      ];
      try {
        return await handler(event);
      } finally {
        for (const write of writes) write.mockRestore();
        output = printed
          .join('')
          .split('\n')
          .filter((line) => line.length > 0);
      }
    },
    /** Every PutObject sent so far (failed ones included), in the order sent. */
    sent(): SentObject[] {
      return s3.commandCalls(PutObjectCommand).map((call) => {
        const input = call.args[0].input;
        return { input, key: input.Key ?? '', lines: gunzipLines(input.Body as Uint8Array) };
      });
    },
    /** The lines the last invocation printed to stdout and stderr. */
    output(): string[] {
      return output;
    },
    /** The EMF metric values of the last invocation, by name. */
    metrics(): Record<string, number> {
      const emf = output.map((line) => JSON.parse(line)).find((entry) => entry._aws !== undefined);
      const names: { Name: string }[] = emf?._aws.CloudWatchMetrics[0].Metrics ?? [];
      return Object.fromEntries(names.map(({ Name }) => [Name, emf[Name]]));
    },
    restore(): void {
      s3.restore();
    },
  };
}
