import { WRITER_ENV } from './contract';

/** What the writer needs from its environment (set by the ingestion construct). */
export interface WriterConfig {
  /** The data lake bucket. */
  readonly bucketName: string;
  /** ARN of the data key: the bucket policy matches `s3:x-amz-server-side-encryption-aws-kms-key-id` against it. */
  readonly keyArn: string;
  /** The curation job's `reconcileDays`: trades on older dates are counted as late. */
  readonly reconcileDays: number;
}

// The bucket policy compares the key id with the key's ARN (docs/design.md §4): an alias, an alias ARN or a
// bare key id would pass here only to be denied on every PutObject, so they are refused at cold start.
const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** The range lib/config allows for `reconcileDays`. */
const MIN_RECONCILE_DAYS = 1;
const MAX_RECONCILE_DAYS = 366;

/**
 * Reads and checks the writer's environment. Throws at cold start, naming the variable, when a
 * setting is missing or cannot work, so a misconfigured function fails loudly before it reads a record.
 */
export function loadWriterConfig(env: Readonly<Record<string, string | undefined>>): WriterConfig {
  const bucketName = env[WRITER_ENV.bucketName];
  const keyArn = env[WRITER_ENV.keyArn];
  const reconcileDaysText = env[WRITER_ENV.reconcileDays];
  const missing = [
    bucketName ? undefined : WRITER_ENV.bucketName,
    keyArn ? undefined : WRITER_ENV.keyArn,
    reconcileDaysText ? undefined : WRITER_ENV.reconcileDays,
  ].filter((name) => name !== undefined);
  if (!bucketName || !keyArn || !reconcileDaysText) {
    const names = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}`;
    throw new Error(
      `trade-writer: environment variable${missing.length === 1 ? '' : 's'} ${names} ${missing.length === 1 ? 'is' : 'are'} not set`,
    );
  }
  if (!KEY_ARN.test(keyArn)) {
    throw new Error(
      `trade-writer: ${WRITER_ENV.keyArn} must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), ` +
        `not an alias or a key id, because the bucket policy accepts only the ARN; got "${keyArn}"`,
    );
  }
  // Digits only: Number() would read '', ' 35', '3.5e1' or '0x23' as a number, and a value that is
  // not the job's window would count the wrong trades as late without a word.
  const reconcileDays = /^\d{1,3}$/.test(reconcileDaysText) ? Number(reconcileDaysText) : Number.NaN;
  if (!(reconcileDays >= MIN_RECONCILE_DAYS && reconcileDays <= MAX_RECONCILE_DAYS)) {
    throw new Error(
      `trade-writer: ${WRITER_ENV.reconcileDays} must be a whole number of days from ${MIN_RECONCILE_DAYS} to ` +
        `${MAX_RECONCILE_DAYS} (the curation job's reconcileDays, which decides which trades are late); got "${reconcileDaysText}"`,
    );
  }
  return { bucketName, keyArn, reconcileDays };
}
