import {
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  ListObjectVersionsCommand,
  type ObjectLockLegalHoldStatus,
  PutObjectLegalHoldCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { PARTITION_COLUMN, QUARANTINE_PREFIX, TRADES_PREFIX } from '../../schema/layout';
import { type Actor, type AwsCall, CliError, callAws, explainAwsError } from '../errors';
import { EXIT } from '../exit-codes';
import { inParallel } from '../replay/in-parallel';
import { tradeIdsIn } from './find-trade';
import { type Settled, settledInParallel } from './settled';

/** The lake as `trades hold` works on it, as the data engineer. */
export interface LakeAccess {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly actor: Actor;
}

/**
 * Where a version stands under its key. Only the current version of a key whose newest entry is not a
 * delete marker is seen by ListObjectsV2, and so by Athena; the others are records all the same.
 */
export type VersionState = 'current' | 'behind a delete marker' | 'noncurrent';

/**
 * One object version of a day: a legal hold is one flag on one version, so each is held, lifted and
 * listed on its own. With --trade-id, how many of its lines are the trade and which other trades it holds.
 */
export interface DayVersion {
  readonly key: string;
  readonly versionId: string;
  readonly size: number;
  readonly state: VersionState;
  readonly tradeLines?: number;
  /** With --trade-id: the other trade_ids in its lines, which the same hold keeps (or releases). */
  readonly otherTradeIds?: readonly string[];
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

function ofVersion(bucket: string, version: DayVersion): string {
  return `${at(bucket, version.key)} (version ${version.versionId})`;
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

/**
 * Every object version under the prefixes (ListObjectVersions, page by page), delete markers left out:
 * a marker holds no bytes and takes no hold. ListObjectsV2 would miss every version behind a marker,
 * which is where a record goes when `expireAfterRetention` expires it, or when anyone deletes it.
 * In key order, each key's versions newest first, as S3 lists them.
 */
export async function listDay(lake: LakeAccess, prefixes: readonly string[]): Promise<DayVersion[]> {
  const versions: { key: string; versionId: string; size: number; isLatest: boolean }[] = [];
  const hiddenKeys = new Set<string>();
  for (const prefix of prefixes) {
    await callAws(
      { action: 's3:ListBucketVersions', resource: at(lake.bucket, prefix), actor: lake.actor },
      async () => {
        let keyMarker: string | undefined;
        let versionIdMarker: string | undefined;
        for (;;) {
          const page = await lake.s3.send(
            new ListObjectVersionsCommand({
              Bucket: lake.bucket,
              Prefix: prefix,
              KeyMarker: keyMarker,
              VersionIdMarker: versionIdMarker,
            }),
          );
          for (const marker of page.DeleteMarkers ?? []) {
            if (marker.IsLatest && marker.Key !== undefined) hiddenKeys.add(marker.Key);
          }
          for (const version of page.Versions ?? []) {
            if (version.Key === undefined) continue;
            versions.push({
              key: version.Key,
              // An object written before versioning was turned on has the version id "null", which S3 takes back.
              versionId: version.VersionId ?? 'null',
              size: version.Size ?? 0,
              isLatest: version.IsLatest === true,
            });
          }
          if (!page.IsTruncated) break;
          keyMarker = page.NextKeyMarker;
          versionIdMarker = page.NextVersionIdMarker;
        }
      },
    );
  }
  // A key's delete marker and its versions may come on different pages: the state is known only at the end.
  return versions.map(({ key, versionId, size, isLatest }) => ({
    key,
    versionId,
    size,
    state: isLatest ? 'current' : hiddenKeys.has(key) ? 'behind a delete marker' : 'noncurrent',
  }));
}

/**
 * The versions that hold the trade: each version of the day is read (GetObject with its VersionId,
 * Decrypt through S3) and gunzipped, and its lines compared by `trade_id`. Every other trade_id of a
 * version that holds the trade is kept: one hold covers them all. S3 Select, which could filter inside
 * S3, is closed to new customers; the engineer may read the lake anyway. Stops at the first read that
 * fails: without every version read, which ones hold the trade is not known.
 */
export async function versionsHoldingTrade(
  lake: LakeAccess,
  versions: readonly DayVersion[],
  tradeId: string,
  onRead: () => void = () => {},
): Promise<DayVersion[]> {
  const counted = await inParallel(versions, CONCURRENCY, async (version): Promise<DayVersion> => {
    const response = await callAws(
      { action: 's3:GetObjectVersion', resource: ofVersion(lake.bucket, version), actor: lake.actor },
      () => lake.s3.send(new GetObjectCommand({ Bucket: lake.bucket, Key: version.key, VersionId: version.versionId })),
    );
    const body = await response.Body?.transformToByteArray();
    onRead();
    const trades = body === undefined ? new Map<string, number>() : tradeIdsIn(body);
    const tradeLines = trades.get(tradeId) ?? 0;
    if (tradeLines === 0) return { ...version, tradeLines };
    trades.delete(tradeId);
    return { ...version, tradeLines, otherTradeIds: [...trades.keys()] };
  });
  return counted.filter((version) => (version.tradeLines ?? 0) > 0);
}

/** S3 answers a version that never had a legal hold with this error (404). */
const NO_HOLD_YET = 'NoSuchObjectLockConfiguration';

function missingLock(error: unknown): boolean {
  const { name, message } = (error as { name?: string; message?: string } | null) ?? {};
  return name === 'InvalidRequest' && /Object Lock/i.test(message ?? '');
}

/** The legal hold of one version (GetObjectLegalHold with its VersionId); never held is OFF. */
export async function legalHoldOf(lake: LakeAccess, version: DayVersion): Promise<ObjectLockLegalHoldStatus> {
  try {
    const response = await lake.s3.send(
      new GetObjectLegalHoldCommand({ Bucket: lake.bucket, Key: version.key, VersionId: version.versionId }),
    );
    return response.LegalHold?.Status ?? 'OFF';
  } catch (error) {
    if ((error as { name?: string } | null)?.name === NO_HOLD_YET) return 'OFF';
    if (missingLock(error)) throw new CliError(NO_RECORDS_KEPT, EXIT.FAILED, { cause: error });
    throw failed(error, {
      action: 's3:GetObjectLegalHold',
      resource: ofVersion(lake.bucket, version),
      actor: lake.actor,
    });
  }
}

/** Sets the legal hold of one version (PutObjectLegalHold with its VersionId). */
export async function setLegalHold(
  lake: LakeAccess,
  version: DayVersion,
  status: ObjectLockLegalHoldStatus,
): Promise<ObjectLockLegalHoldStatus> {
  try {
    await lake.s3.send(
      new PutObjectLegalHoldCommand({
        Bucket: lake.bucket,
        Key: version.key,
        VersionId: version.versionId,
        LegalHold: { Status: status },
      }),
    );
    return status;
  } catch (error) {
    if (missingLock(error)) throw new CliError(NO_RECORDS_KEPT, EXIT.FAILED, { cause: error });
    throw failed(error, {
      action: 's3:PutObjectLegalHold',
      resource: ofVersion(lake.bucket, version),
      actor: lake.actor,
    });
  }
}

/** Sets the legal hold of every version, each whatever became of the others; one outcome per version. */
export async function setLegalHolds(
  lake: LakeAccess,
  versions: readonly DayVersion[],
  status: ObjectLockLegalHoldStatus,
  onDone: () => void = () => {},
): Promise<Settled<ObjectLockLegalHoldStatus>[]> {
  return settledInParallel(versions, CONCURRENCY, async (version) => {
    try {
      return await setLegalHold(lake, version, status);
    } finally {
      onDone();
    }
  });
}

/** The legal hold of every version, each whatever became of the others; one outcome per version. */
export async function legalHoldsOf(
  lake: LakeAccess,
  versions: readonly DayVersion[],
): Promise<Settled<ObjectLockLegalHoldStatus>[]> {
  return settledInParallel(versions, CONCURRENCY, (version) => legalHoldOf(lake, version));
}
