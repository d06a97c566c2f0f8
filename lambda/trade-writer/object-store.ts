import { PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { WriterConfig } from './config';

/** How a write ended when it did not fail. */
export type PutOutcome = 'created' | 'already-present';

/** The writer's only I/O: store an object unless its key exists. Tests replace it or mock its client. */
export interface ObjectStore {
  /** Resolves when the object is durably stored (created now or found from an earlier attempt); rejects otherwise. */
  putIfAbsent(key: string, body: Uint8Array): Promise<PutOutcome>;
}

/** Content-Type and Content-Encoding of every object: JSON Lines, gzip-encoded. */
export const OBJECT_CONTENT_TYPE = 'application/x-ndjson';
export const OBJECT_CONTENT_ENCODING = 'gzip';
/** The checksum every PutObject carries (`x-amz-checksum-crc32`): what a bucket with Object Lock requires. */
export const OBJECT_CHECKSUM_ALGORITHM = 'CRC32';

function httpStatusOf(error: unknown): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata;
  return metadata?.httpStatusCode;
}

/** S3's answer to `If-None-Match: *` when the key exists: the object is already durable. */
export function isPreconditionFailed(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'PreconditionFailed' || httpStatusOf(error) === 412;
}

/** The error fields that are safe to log: names and codes, never a request body. */
export function describeWriteError(error: unknown): {
  errorName: string;
  httpStatusCode?: number;
  errorMessage: string;
} {
  const name = (error as { name?: unknown } | undefined)?.name;
  const message = (error as { message?: unknown } | undefined)?.message;
  return {
    errorName: typeof name === 'string' ? name : 'UnknownError',
    httpStatusCode: httpStatusOf(error),
    errorMessage: typeof message === 'string' ? message : String(error),
  };
}

/**
 * The writer's S3 client: the SDK's defaults (credentials, region, endpoint, retries, TLS), its
 * middleware stack resolved once for PutObject instead of for every command (`cacheMiddleware`). A
 * batch spread over 30 dates sends 30 PutObjects, and resolving the stack (copying and sorting about
 * 30 middlewares) was a fifth of the SDK's CPU per request and a sixth of what it allocates (npm run
 * bench). The writer never changes the client's or a command's middleware after the first request,
 * which is the one thing that option does not allow. `options` are for tests (endpoint, credentials,
 * request handler).
 */
export function writerS3Client(options: S3ClientConfig = {}): S3Client {
  return new S3Client({ ...options, cacheMiddleware: true });
}

/**
 * The S3 object store. Every PutObject names SSE-KMS and the data key's ARN, as the bucket policy
 * demands (docs/design.md §4): there is no other encryption to fall back to, and a denied write fails
 * rather than being retried without the headers. Single-part PutObject only. `If-None-Match: *`
 * makes a retry find its own object (412) instead of overwriting it. Every write carries a CRC32
 * checksum, which S3 verifies and Object Lock requires.
 */
export function s3ObjectStore(client: S3Client, config: Pick<WriterConfig, 'bucketName' | 'keyArn'>): ObjectStore {
  return {
    async putIfAbsent(key, body) {
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: config.bucketName,
            Key: key,
            Body: body,
            ContentType: OBJECT_CONTENT_TYPE,
            ContentEncoding: OBJECT_CONTENT_ENCODING,
            ServerSideEncryption: 'aws:kms',
            SSEKMSKeyId: config.keyArn,
            IfNoneMatch: '*',
            // S3 Object Lock refuses a PutObject without Content-MD5 or an x-amz-checksum-* header
            // (docs/design.md §9). Named here, not left to the SDK's default: with
            // AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED (or requestChecksumCalculation) the SDK
            // sends a checksum only when the operation requires one, and PutObject does not.
            ChecksumAlgorithm: OBJECT_CHECKSUM_ALGORITHM,
          }),
        );
        return 'created';
      } catch (error) {
        if (isPreconditionFailed(error)) return 'already-present';
        throw error;
      }
    },
  };
}
