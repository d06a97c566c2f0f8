import { GetObjectCommand, GetObjectTaggingCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { REPLAYED_TAG } from '../../lambda/replay/contract';
import {
  type FailureContext,
  type KinesisBatchInfo,
  readInvocationRecord,
} from '../../lambda/replay/invocation-record';
import { type Actor, callAws } from '../errors';
import { inParallel } from './in-parallel';

/** One record in the failed-batch bucket, as `trades replay` lists it. */
export interface FailedBatch {
  readonly key: string;
  /** When Lambda wrote it (LastModified). */
  readonly recordedAt: Date;
  readonly size: number;
  /** When it was replayed (its `trades-replayed` tag), if it was. */
  readonly replayedAt?: string;
}

export interface FailedBatchListing {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly actor: Actor;
}

/** How many GetObjectTagging or GetObject requests run at once. */
const CONCURRENCY = 8;

/**
 * The records of the failed-batch bucket written on or after `since`, oldest first, each with its
 * replayed tag if it has one. A versioned bucket lists current versions only: Lambda writes each
 * record once, under a key of its own.
 */
export async function listFailedBatches(
  { s3, bucket, actor }: FailedBatchListing,
  since?: Date,
): Promise<FailedBatch[]> {
  const listed: { key: string; recordedAt: Date; size: number }[] = [];
  await callAws({ action: 's3:ListBucket', resource: `bucket ${bucket}`, actor }, async () => {
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket })) {
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined || object.LastModified === undefined) continue;
        if (since !== undefined && object.LastModified < since) continue;
        listed.push({ key: object.Key, recordedAt: object.LastModified, size: object.Size ?? 0 });
      }
    }
  });
  listed.sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime() || (a.key < b.key ? -1 : 1));
  return inParallel(listed, CONCURRENCY, async (object) => {
    const tagging = await callAws(
      { action: 's3:GetObjectTagging', resource: `s3://${bucket}/${object.key}`, actor },
      () => s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: object.key })),
    );
    const replayedAt = tagging.TagSet?.find(({ Key }) => Key === REPLAYED_TAG)?.Value;
    return replayedAt === undefined ? object : { ...object, replayedAt };
  });
}

/** What `--dry-run` shows of a record: its batch, and whether the replay function would take it. */
export interface FailedBatchDescription {
  readonly batch?: KinesisBatchInfo;
  readonly failure?: FailureContext;
  /** Why the replay function would refuse it; undefined when it would replay it. */
  readonly problem?: string;
}

/**
 * Reads a record as the replay function would (GetObject, Decrypt through S3), without replaying it;
 * the CLI knows the stream by name (stack output StreamName).
 */
export async function describeFailedBatch(
  { s3, bucket, actor }: FailedBatchListing,
  key: string,
  streamName: string,
): Promise<FailedBatchDescription> {
  const response = await callAws({ action: 's3:GetObject', resource: `s3://${bucket}/${key}`, actor }, () =>
    s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
  );
  const text = (await response.Body?.transformToString('utf8')) ?? '';
  const reading = readInvocationRecord(text, { streamName });
  if (reading.ok) return { batch: reading.batch, failure: reading.failure };
  return { batch: reading.batch, failure: reading.failure, problem: reading.reason };
}
