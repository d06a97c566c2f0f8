import {
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  type ObjectLockLegalHoldStatus,
  PutObjectLegalHoldCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { PARTITION_COLUMN, QUARANTINE_PREFIX, TRADES_PREFIX } from '../../schema/layout';
import { type Actor, type AwsCall, CliError, callAws, explainAwsError } from '../errors';
import { EXIT } from '../exit-codes';
import { inParallel } from '../replay/in-parallel';
import { tradeLinesIn } from './find-trade';

/** The lake as `trades hold` works on it, as the data engineer. */
export interface LakeAccess {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly actor: Actor;
}

/** One object of a day: its key, its size, and (with --trade-id) how many of its lines are the trade. */
export interface DayObject {
  readonly key: string;
  readonly size: number;
  readonly tradeLines?: number;
}

/** How many GetObject, GetObjectLegalHold or PutObjectLegalHold requests run at once. */
const CONCURRENCY = 16;

export const NO_RECORDS_KEPT =
  'This stack keeps no records (recordsRetention none): S3 takes legal holds only on a bucket with Object Lock, so the stack grants none. Deploy with recordsRetention set (docs/retention.md) to hold records.';

function failed(error: unknown, call: AwsCall): unknown {
  return explainAwsError(error, call) ?? error;
}

function at(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/**
 * Whether the lake takes legal holds, from the stack's RecordsRetention output; a stack deployed
 * before that output is asked (GetObjectLockConfiguration), and an access denial there means the same
 * as none: the stack grants the engineer the call only on a locked lake.
 */
export async function requireObjectLock(lake: LakeAccess, recordsRetention: string | undefined): Promise<void> {
  if (recordsRetention === 'none') throw new CliError(NO_RECORDS_KEPT, EXIT.FAILED);
  if (recordsRetention !== undefined) return;
  const call = { action: 's3:GetBucketObjectLockConfiguration', resource: `bucket ${lake.bucket}`, actor: lake.actor };
  try {
    const response = await lake.s3.send(new GetObjectLockConfigurationCommand({ Bucket: lake.bucket }));
    if (response.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled') return;
  } catch (error) {
    const name = (error as { name?: string } | null)?.name;
    if (name !== 'ObjectLockConfigurationNotFoundError' && name !== 'AccessDenied') throw failed(error, call);
  }
  throw new CliError(NO_RECORDS_KEPT, EXIT.FAILED);
}

/** The prefixes of a day: `trades/dt=D/`, and `quarantine/dt=D/` when asked. */
export function dayPrefixes(date: string, withQuarantine: boolean): readonly string[] {
  const day = `${PARTITION_COLUMN}=${date}/`;
  return withQuarantine ? [`${TRADES_PREFIX}${day}`, `${QUARANTINE_PREFIX}${day}`] : [`${TRADES_PREFIX}${day}`];
}

/** Every object under the prefixes, in key order. */
export async function listDay(lake: LakeAccess, prefixes: readonly string[]): Promise<DayObject[]> {
  const objects: DayObject[] = [];
  for (const prefix of prefixes) {
    await callAws({ action: 's3:ListBucket', resource: `${at(lake.bucket, prefix)}`, actor: lake.actor }, async () => {
      for await (const page of paginateListObjectsV2({ client: lake.s3 }, { Bucket: lake.bucket, Prefix: prefix })) {
        for (const object of page.Contents ?? []) {
          if (object.Key !== undefined) objects.push({ key: object.Key, size: object.Size ?? 0 });
        }
      }
    });
  }
  return objects;
}

/**
 * The objects that hold the trade: each object of the day is read (GetObject, Decrypt through S3) and
 * gunzipped, and its lines compared by `trade_id`. S3 Select, which could filter inside S3, is closed
 * to new customers; the engineer may read the lake anyway.
 */
export async function objectsHoldingTrade(
  lake: LakeAccess,
  objects: readonly DayObject[],
  tradeId: string,
  onRead: () => void = () => {},
): Promise<DayObject[]> {
  const counted = await inParallel(objects, CONCURRENCY, async (object) => {
    const response = await callAws(
      { action: 's3:GetObject', resource: at(lake.bucket, object.key), actor: lake.actor },
      () => lake.s3.send(new GetObjectCommand({ Bucket: lake.bucket, Key: object.key })),
    );
    const body = await response.Body?.transformToByteArray();
    onRead();
    return { ...object, tradeLines: body === undefined ? 0 : tradeLinesIn(body, tradeId) };
  });
  return counted.filter((object) => (object.tradeLines ?? 0) > 0);
}

/** S3 answers an object that never had a legal hold with this error (404). */
const NO_HOLD_YET = 'NoSuchObjectLockConfiguration';

function missingLock(error: unknown): boolean {
  const { name, message } = (error as { name?: string; message?: string } | null) ?? {};
  return name === 'InvalidRequest' && /Object Lock/i.test(message ?? '');
}

export async function legalHoldOf(lake: LakeAccess, key: string): Promise<ObjectLockLegalHoldStatus> {
  try {
    const response = await lake.s3.send(new GetObjectLegalHoldCommand({ Bucket: lake.bucket, Key: key }));
    return response.LegalHold?.Status ?? 'OFF';
  } catch (error) {
    if ((error as { name?: string } | null)?.name === NO_HOLD_YET) return 'OFF';
    if (missingLock(error)) throw new CliError(NO_RECORDS_KEPT, EXIT.FAILED, { cause: error });
    throw failed(error, { action: 's3:GetObjectLegalHold', resource: at(lake.bucket, key), actor: lake.actor });
  }
}

/** Sets the legal hold of the current version of each object (the lake's objects are written once). */
export async function setLegalHolds(
  lake: LakeAccess,
  keys: readonly string[],
  status: ObjectLockLegalHoldStatus,
  onDone: () => void = () => {},
): Promise<void> {
  await inParallel(keys, CONCURRENCY, async (key) => {
    try {
      await lake.s3.send(
        new PutObjectLegalHoldCommand({ Bucket: lake.bucket, Key: key, LegalHold: { Status: status } }),
      );
    } catch (error) {
      if (missingLock(error)) throw new CliError(NO_RECORDS_KEPT, EXIT.FAILED, { cause: error });
      throw failed(error, { action: 's3:PutObjectLegalHold', resource: at(lake.bucket, key), actor: lake.actor });
    }
    onDone();
  });
}

export async function legalHoldsOf(lake: LakeAccess, keys: readonly string[]): Promise<ObjectLockLegalHoldStatus[]> {
  return inParallel(keys, CONCURRENCY, (key) => legalHoldOf(lake, key));
}
