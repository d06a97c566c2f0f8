import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import { loadWriterConfig } from '../lambda/trade-writer/config';
import { WRITER_ENV, WRITER_SERVICE_NAME } from '../lambda/trade-writer/contract';
import { createTradeWriter } from '../lambda/trade-writer/handler';
import { s3ObjectStore } from '../lambda/trade-writer/object-store';
import type { FunctionInstance } from './function-instances';

/**
 * The trade-writer as its entry point (lambda/trade-writer/index.ts) builds it, with the S3 client
 * pointed at the local front of s3rver: the real handler, the real object store, the real
 * environment check at cold start. Only the endpoint, path-style addressing and dummy credentials
 * differ from `new S3Client({})` in Lambda; checksums stay at the SDK's defaults, which s3rver
 * 3.7.1 accepts for the writer's in-memory bodies.
 */

/** The credentials local clients sign with: s3rver 3.7.1 knows only this key pair, kinesalite accepts any. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** Thrown into whatever an ended environment still tries to send. */
class EnvironmentEnded extends Error {
  constructor() {
    super('the execution environment was ended (invocation timed out)');
    this.name = 'EnvironmentEnded';
  }
}

/** The writer's metrics, summed over every invocation, instead of EMF lines on stdout. */
export class MetricTotals extends Metrics {
  readonly totals = new Map<string, number>();

  override publishStoredMetrics(): this {
    const emf = this.serializeMetrics() as unknown as Record<string, unknown>;
    const definitions = (emf._aws as { CloudWatchMetrics?: { Metrics?: { Name: string }[] }[] } | undefined)
      ?.CloudWatchMetrics?.[0]?.Metrics;
    for (const { Name } of definitions ?? []) {
      const value = emf[Name];
      const sum = Array.isArray(value) ? value.reduce((a: number, b: number) => a + b, 0) : Number(value);
      this.totals.set(Name, (this.totals.get(Name) ?? 0) + sum);
    }
    this.clearMetrics();
    return this;
  }
}

export interface LocalWriterOptions {
  /** Where the writer's S3 client sends its requests. */
  readonly s3Endpoint: string;
  readonly region: string;
  readonly bucketName: string;
  readonly keyArn: string;
  /** The curation window the writer counts late trades against (`reconcileDays` of the config). */
  readonly reconcileDays: number;
  readonly metrics: MetricTotals;
  /** Powertools log level of the writer. @default 'SILENT' */
  readonly logLevel?: string;
}

/** Builds one execution environment of the writer (a cold start). */
export function createLocalWriter(options: LocalWriterOptions): FunctionInstance {
  // The real cold-start check: a bad bucket name or key id fails here as it would in Lambda.
  const config = loadWriterConfig({
    [WRITER_ENV.bucketName]: options.bucketName,
    [WRITER_ENV.keyArn]: options.keyArn,
    [WRITER_ENV.reconcileDays]: String(options.reconcileDays),
  });
  const client = new S3Client({
    endpoint: options.s3Endpoint,
    region: options.region,
    forcePathStyle: true,
    credentials: LOCAL_CREDENTIALS,
  });
  let ended = false;
  // Per attempt (inside the SDK's retries): an ended environment sends nothing more, retries included.
  client.middlewareStack.add(
    (next) => async (args) => {
      if (ended) throw new EnvironmentEnded();
      return next(args);
    },
    { step: 'finalizeRequest', name: 'endedEnvironment', priority: 'low' },
  );
  const handler = createTradeWriter({
    store: s3ObjectStore(client, config),
    logger: new Logger({ serviceName: WRITER_SERVICE_NAME, logLevel: (options.logLevel ?? 'SILENT') as 'SILENT' }),
    metrics: options.metrics,
    reconcileDays: config.reconcileDays,
  });
  return {
    handler,
    dispose() {
      ended = true;
      client.destroy();
    },
  };
}
