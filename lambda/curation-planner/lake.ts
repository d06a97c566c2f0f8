/**
 * What the planner reads from S3: whether a raw day has an object modified since an instant, and the
 * run state. The handler takes these as interfaces; tests give aws-sdk-client-mock'ed clients.
 */
import { GetObjectCommand, NoSuchKey, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { PARTITION_COLUMN, TRADES_PREFIX } from '../../schema/layout';
import { CURATION_STATE_KEY, type CurationState } from './contract';
import { parseState } from './plan';

export interface RawDayListing {
  /**
   * Whether `trades/dt=<day>/` holds an object modified at or after `since` (any object when
   * `since` is undefined). Stops at the first one: the newest days always have one.
   */
  hasObjectModifiedSince(day: string, since: Date | undefined): Promise<boolean>;
}

export interface StateReader {
  /** The run state, or undefined before the first successful run. */
  read(): Promise<CurationState | undefined>;
}

/** The prefix of one raw day. */
export function rawDayPrefix(day: string): string {
  return `${TRADES_PREFIX}${PARTITION_COLUMN}=${day}/`;
}

export function s3RawDayListing(s3: S3Client, lakeBucketName: string): RawDayListing {
  return {
    async hasObjectModifiedSince(day, since) {
      const pages = paginateListObjectsV2({ client: s3 }, { Bucket: lakeBucketName, Prefix: rawDayPrefix(day) });
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          if (since === undefined || (object.LastModified !== undefined && object.LastModified >= since)) return true;
        }
      }
      return false;
    },
  };
}

export function s3StateReader(s3: S3Client, curatedBucketName: string): StateReader {
  return {
    async read() {
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: curatedBucketName, Key: CURATION_STATE_KEY }));
        if (object.Body === undefined) throw new Error('curation planner: the state object has no body');
        return parseState(await object.Body.transformToString('utf8'));
      } catch (error) {
        if (error instanceof NoSuchKey) return undefined;
        throw error;
      }
    },
  };
}
