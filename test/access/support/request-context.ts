import type { StackRefs } from './synthesized-stack';

/**
 * The request context real calls carry. A key a request would carry must be here: a Deny whose
 * condition key is missing from the context does not match, so an incomplete context reads as allowed.
 */
export type RequestContext = Readonly<Record<string, string>>;

/** Any signed API call over HTTPS. */
export const OVER_TLS: RequestContext = { 'aws:SecureTransport': 'true' };

/** An S3 call over HTTPS (S3 also reports the TLS version, which the buckets require to be at least 1.2). */
export const S3_OVER_TLS: RequestContext = { ...OVER_TLS, 's3:TlsVersion': '1.3' };

/** An S3 call over plain HTTP. */
export const S3_OVER_HTTP: RequestContext = { 'aws:SecureTransport': 'false' };

/** The SSE-KMS headers of a PutObject (`ServerSideEncryption: 'aws:kms'`, `SSEKMSKeyId`). */
export function sseKms(keyId: string): RequestContext {
  return { 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': keyId };
}

/** The writer's PutObject: TLS, SSE-KMS with the given key id, and `If-None-Match: *` (docs/design.md §5). */
export function writerPut(keyId: string): RequestContext {
  return { ...S3_OVER_TLS, ...sseKms(keyId), 's3:if-none-match': '*' };
}

/**
 * What KMS sees when S3 calls it for a principal: the service, the caller's account and, with a Bucket
 * Key, the bucket ARN as encryption context (docs/design.md §14), plus whatever else the writer of the object
 * put in the context (CloudTrail adds `aws:cloudtrail:arn`).
 */
export function viaS3(refs: StackRefs, bucket: string, extraContext: Record<string, string> = {}): RequestContext {
  return {
    ...OVER_TLS,
    'kms:ViaService': `s3.${refs.region}.amazonaws.com`,
    'kms:CallerAccount': refs.account,
    'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${bucket}`,
    ...prefixed(extraContext),
  };
}

/** What KMS sees when Kinesis calls it for a principal: the stream ARN is the encryption context. */
export function viaKinesis(refs: StackRefs, streamArn: string): RequestContext {
  return {
    ...OVER_TLS,
    'kms:ViaService': `kinesis.${refs.region}.amazonaws.com`,
    'kms:CallerAccount': refs.account,
    'kms:EncryptionContext:aws:kinesis:arn': streamArn,
  };
}

/** A direct KMS call by a principal (no service in between) with the given encryption context. */
export function direct(refs: StackRefs, encryptionContext: Record<string, string> = {}): RequestContext {
  return { ...OVER_TLS, 'kms:CallerAccount': refs.account, ...prefixed(encryptionContext) };
}

/** What a service principal's request carries about the resource it acts for (confused-deputy keys). */
export function onBehalfOf(refs: StackRefs, sourceArn: string): RequestContext {
  return { ...OVER_TLS, 'aws:SourceArn': sourceArn, 'aws:SourceAccount': refs.account };
}

/** Encryption context entries as KMS condition keys. */
export function encryptionContext(entries: Record<string, string>): RequestContext {
  return prefixed(entries);
}

function prefixed(entries: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).map(([key, value]) => [`kms:EncryptionContext:${key}`, value]));
}

/** ARN of an object in a bucket. */
export function objectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}

/** ARN of a bucket. */
export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}
