import { WRITER_ENV } from './contract';

/** What the writer needs from its environment (set by the ingestion construct). */
export interface WriterConfig {
  /** The data lake bucket. */
  readonly bucketName: string;
  /** ARN of the data key: the bucket policy matches `s3:x-amz-server-side-encryption-aws-kms-key-id` against it. */
  readonly keyArn: string;
}

// The bucket policy compares the key id with the key's ARN (DESIGN §4): an alias, an alias ARN or a
// bare key id would pass here only to be denied on every PutObject, so they are refused at cold start.
const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/**
 * Reads and checks the writer's environment. Throws at cold start, naming the variable, when a
 * setting is missing or cannot work, so a misconfigured function fails loudly before it reads a record.
 */
export function loadWriterConfig(env: Readonly<Record<string, string | undefined>>): WriterConfig {
  const bucketName = env[WRITER_ENV.bucketName];
  const keyArn = env[WRITER_ENV.keyArn];
  const missing = [bucketName ? undefined : WRITER_ENV.bucketName, keyArn ? undefined : WRITER_ENV.keyArn].filter(
    (name) => name !== undefined,
  );
  if (!bucketName || !keyArn) {
    throw new Error(`trade-writer: environment variable ${missing.join(' and ')} is not set`);
  }
  if (!KEY_ARN.test(keyArn)) {
    throw new Error(
      `trade-writer: ${WRITER_ENV.keyArn} must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), ` +
        `not an alias or a key id, because the bucket policy accepts only the ARN; got "${keyArn}"`,
    );
  }
  return { bucketName, keyArn };
}
