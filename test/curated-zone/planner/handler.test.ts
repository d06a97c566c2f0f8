import { Logger } from '@aws-lambda-powertools/logger';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandInput,
  NoSuchKey,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { loadPlannerConfig } from '../../../lambda/curation-planner/config';
import { CURATION_STATE_KEY, PLANNER_ENV } from '../../../lambda/curation-planner/contract';
import { createCurationPlanner } from '../../../lambda/curation-planner/handler';
import { rawDayPrefix, s3RawDayListing, s3StateReader } from '../../../lambda/curation-planner/lake';
import { INVALID_INPUT_ERROR } from '../../../schema/curation/run-contract';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const LAKE = 'lake-bucket';
const CURATED = 'curated-bucket';
const RUN_START = '2026-01-10T12:00:00.000Z';
const WATERMARK = '2026-01-10T10:45:00.000Z';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'eu-west-1' });

/** Raw objects by day: LastModified of each, listed as S3 would, `pageSize` to a page. */
function lakeHolds(objects: Record<string, readonly string[]>, pageSize = 2): void {
  s3.on(ListObjectsV2Command).callsFake((input: ListObjectsV2CommandInput) => {
    expect(input.Bucket).toBe(LAKE);
    const day = /dt=(\d{4}-\d{2}-\d{2})\/$/.exec(input.Prefix ?? '')?.[1] ?? '';
    const all = (objects[day] ?? []).map((modified, index) => ({
      Key: `${input.Prefix}shardId-000000000000-${index}-${index}.jsonl.gz`,
      LastModified: new Date(modified),
    }));
    const start = Number(input.ContinuationToken ?? 0);
    const page = all.slice(start, start + pageSize);
    const more = start + pageSize < all.length;
    return {
      Contents: page,
      KeyCount: page.length,
      IsTruncated: more,
      NextContinuationToken: more ? `${start + pageSize}` : undefined,
    };
  });
}

function stateHolds(text: string | undefined): void {
  const get = s3.on(GetObjectCommand, { Bucket: CURATED, Key: CURATION_STATE_KEY });
  if (text === undefined) get.rejects(new NoSuchKey({ message: 'no such key', $metadata: {} }));
  else get.resolves({ Body: { transformToString: async () => text } as never });
}

const planner = (logger = new Logger({ serviceName: 'curation-planner', logLevel: 'SILENT' })) =>
  createCurationPlanner({
    listing: s3RawDayListing(client, LAKE),
    state: s3StateReader(client, CURATED),
    reconcileDays: 3,
    logger,
  });

beforeEach(() => s3.reset());

describe('the curation planner', () => {
  it('merges the listed days that got an object since the watermark (less the clock-skew margin), and the days named', async () => {
    stateHolds(JSON.stringify({ version: 1, watermark: WATERMARK, lastVacuumDate: '2026-01-10' }));
    lakeHolds({
      '2026-01-08': ['2026-01-08T10:00:00Z', '2026-01-09T00:00:00Z'],
      // Within 5 minutes before the watermark: counted as new, in case the clocks disagree.
      '2026-01-09': ['2026-01-09T10:00:00Z', '2026-01-10T10:42:00Z'],
      '2026-01-10': ['2026-01-10T01:00:00Z', '2026-01-10T09:00:00Z', '2026-01-10T11:00:00Z'],
    });
    const plan = await planner()({ executionInput: { days: ['2025-06-30'] }, executionStartTime: RUN_START });
    expect(plan.dayList).toEqual(['2025-06-30', '2026-01-09', '2026-01-10']);
    // The named day is merged up to the run's start, the listed ones up to the settled cutoff.
    expect(plan.days.map(({ day, cutoff }) => [day, cutoff])).toEqual([
      ['2025-06-30', RUN_START],
      ['2026-01-09', '2026-01-10T11:45:00.000Z'],
      ['2026-01-10', '2026-01-10T11:45:00.000Z'],
    ]);
    expect(plan.vacuum).toBe(false);
    expect(plan.stateAfterMerge).toEqual({
      version: 1,
      watermark: '2026-01-10T11:45:00.000Z',
      lastVacuumDate: '2026-01-10',
    });
    // Today's VACUUM is done: there is no vacuum date to save.
    expect(plan.stateAfterVacuum).toBeUndefined();
  });

  it('lists the last reconcileDays prefixes of trades/ and tomorrow’s, and stops at the first new object of a day', async () => {
    stateHolds(JSON.stringify({ version: 1, watermark: WATERMARK }));
    lakeHolds({ '2026-01-10': ['2026-01-10T11:00:00Z', '2026-01-10T11:01:00Z', '2026-01-10T11:02:00Z'] }, 1);
    await planner()({ executionInput: {}, executionStartTime: RUN_START });
    const prefixes = s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input.Prefix);
    expect(new Set(prefixes)).toEqual(
      new Set(['2026-01-08', '2026-01-09', '2026-01-10', '2026-01-11'].map(rawDayPrefix)),
    );
    // One page of the busy day was enough.
    expect(prefixes.filter((prefix) => prefix === rawDayPrefix('2026-01-10'))).toHaveLength(1);
    expect(rawDayPrefix('2026-01-10')).toBe('trades/dt=2026-01-10/');
  });

  it('takes every listed day that has any object on the first run (no state yet), and vacuums', async () => {
    stateHolds(undefined);
    lakeHolds({ '2026-01-08': ['2020-01-01T00:00:00Z'], '2026-01-11': ['2026-01-10T11:59:00Z'] });
    const plan = await planner()({ executionInput: {}, executionStartTime: RUN_START });
    expect(plan.dayList).toEqual(['2026-01-08', '2026-01-11']);
    expect(plan.vacuum).toBe(true);
    // No VACUUM yet: the state saved after the merges has no vacuum date, the one saved after VACUUM today's.
    expect(plan.stateAfterMerge).toStrictEqual({ version: 1, watermark: '2026-01-10T11:45:00.000Z' });
    expect(plan.stateAfterVacuum).toStrictEqual({
      version: 1,
      watermark: '2026-01-10T11:45:00.000Z',
      lastVacuumDate: '2026-01-10',
    });
  });

  it('merges again the days the last run left unreconciled, with no new object, and warns of any it gives up', async () => {
    const old = Array.from({ length: 15 }, (_, index) => `2025-06-${String(index + 1).padStart(2, '0')}`);
    stateHolds(JSON.stringify({ version: 1, watermark: WATERMARK, unreconciledDays: [...old, '2026-01-09'] }));
    lakeHolds({ '2026-01-09': ['2026-01-09T10:00:00Z'] });
    const logger = new Logger({ serviceName: 'curation-planner', logLevel: 'SILENT' });
    const warn = jest.spyOn(logger, 'warn');
    const plan = await planner(logger)({ executionInput: {}, executionStartTime: RUN_START });
    // 2026-01-09 has no new object; with the 13 newest of June it fills the 14 a run carries.
    expect(plan.dayList).toEqual([...old.slice(2), '2026-01-09']);
    expect(plan.droppedUnreconciledDays).toEqual(['2025-06-01', '2025-06-02']);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('no longer merged again'), {
      droppedUnreconciledDays: ['2025-06-01', '2025-06-02'],
      maxCarriedDays: 14,
    });
  });

  it('refuses a bad input before it reads anything, with the error the state machine does not retry', async () => {
    await expect(
      planner()({ executionInput: { days: ['2026-02-30'] }, executionStartTime: RUN_START }),
    ).rejects.toMatchObject({ name: INVALID_INPUT_ERROR, message: expect.stringContaining('2026-02-30') });
    expect(s3.calls()).toHaveLength(0);
  });

  it('fails, rather than listing from nowhere, when the state object is not one it wrote', async () => {
    stateHolds('{"watermark": 3}');
    lakeHolds({});
    await expect(planner()({ executionInput: {}, executionStartTime: RUN_START })).rejects.toThrow(
      'delete it to reconcile the whole window',
    );
  });

  it('passes an S3 failure on (the state machine retries the planner, then fails the run)', async () => {
    stateHolds(JSON.stringify({ version: 1, watermark: WATERMARK }));
    s3.on(ListObjectsV2Command).rejects(new Error('SlowDown'));
    await expect(planner()({ executionInput: {}, executionStartTime: RUN_START })).rejects.toThrow('SlowDown');
  });

  it('refuses an execution start time it cannot read', async () => {
    await expect(planner()({ executionInput: {}, executionStartTime: 'soon' })).rejects.toThrow('is not a time');
  });
});

describe('the planner configuration', () => {
  const env = {
    [PLANNER_ENV.lakeBucketName]: LAKE,
    [PLANNER_ENV.curatedBucketName]: CURATED,
    [PLANNER_ENV.reconcileDays]: '35',
  };

  it('reads the buckets and reconcileDays from the environment', () => {
    expect(loadPlannerConfig(env)).toEqual({ lakeBucketName: LAKE, curatedBucketName: CURATED, reconcileDays: 35 });
  });

  it('fails the cold start naming a missing or unusable variable', () => {
    expect(() => loadPlannerConfig({ ...env, [PLANNER_ENV.curatedBucketName]: undefined })).toThrow(
      PLANNER_ENV.curatedBucketName,
    );
    expect(() => loadPlannerConfig({ ...env, [PLANNER_ENV.reconcileDays]: '0' })).toThrow('from 1 to 366');
  });
});
