import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, GetObjectTaggingCommand, PutObjectTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import type { FailedBatchStore, TradeWriterInvoker } from './handler';

/** The I/O of the replay function: the failed-batch bucket (S3) and the writer (Lambda). */

function isMissing(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'NoSuchKey' || name === 'NotFound';
}

/**
 * The failed-batch bucket. Calls name no version: Lambda writes each record once under a key of its
 * own (a random UUID in it), so the current version is the record, and version-specific calls would
 * need the *Version* actions besides.
 */
export function s3FailedBatchStore(client: S3Client, bucket: string): FailedBatchStore {
  return {
    async tags(key) {
      try {
        const response = await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
        return Object.fromEntries((response.TagSet ?? []).map(({ Key, Value }) => [Key ?? '', Value ?? '']));
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async read(key) {
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return (await response.Body?.transformToString('utf8')) ?? '';
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async tag(key, tags) {
      await client.send(
        new PutObjectTaggingCommand({
          Bucket: bucket,
          Key: key,
          Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
        }),
      );
    },
  };
}

/** The writer, invoked synchronously (RequestResponse), exactly as its event source mapping invokes it. */
export function lambdaWriterInvoker(client: LambdaClient, functionArn: string): TradeWriterInvoker {
  return {
    async invoke(eventText) {
      const response = await client.send(
        new InvokeCommand({
          FunctionName: functionArn,
          InvocationType: 'RequestResponse',
          Payload: Buffer.from(eventText, 'utf8'),
        }),
      );
      return { functionError: response.FunctionError, payload: response.Payload };
    },
  };
}
