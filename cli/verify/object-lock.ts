import { GetObjectLockConfigurationCommand, type ObjectLockConfiguration } from '@aws-sdk/client-s3';
import type { LockedRetention, RecordsRetention } from '../../lib/config';
import { callAws } from '../errors';
import type { VerifyContext } from './context';
import { type ControlResult, checked, fail, pass } from './controls';

/** The control's name for one records bucket. */
export const objectLockControl = (what: string) => `${what} Object Lock matches recordsRetention`;

/**
 * The stack's RecordsRetention output (`none`, `governance:30d`, `governance:2y`, `compliance:6y`, as
 * `recordsRetentionText` in lib/trading-data-lake-stack.ts writes it), or undefined when it is not of
 * that form. The config has already refused anything S3 would not take, so only the shape is read here.
 */
export function parseRecordsRetention(text: string): RecordsRetention | undefined {
  if (text === 'none') return { mode: 'none' };
  const match = /^(governance|compliance):([1-9]\d*)([dy])$/.exec(text);
  if (match === null) return undefined;
  const [, mode, digits, unit] = match as unknown as [string, 'governance' | 'compliance', string, 'd' | 'y'];
  const amount = Number(digits);
  if (unit === 'y') return { mode: mode === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE', years: amount };
  // S3 takes a compliance retention in days, but the config never writes one: the output was not written by this app.
  return mode === 'governance' ? { mode: 'GOVERNANCE', days: amount } : undefined;
}

/** A default retention as S3 gives it (`DefaultRetention`): mode, and days or years. */
interface DefaultRetention {
  readonly Mode?: string;
  readonly Days?: number;
  readonly Years?: number;
}

const count = (amount: number, unit: 'day' | 'year') => `${amount} ${unit}${amount === 1 ? '' : 's'}`;

function describeDefault(retention: DefaultRetention): string {
  const periods = [
    retention.Years === undefined ? undefined : count(retention.Years, 'year'),
    retention.Days === undefined ? undefined : count(retention.Days, 'day'),
  ].filter((period) => period !== undefined);
  return `${retention.Mode ?? 'no mode'}, ${periods.length === 0 ? 'no period' : periods.join(' and ')}`;
}

const describeLocked = (retention: LockedRetention) =>
  describeDefault({ Mode: retention.mode, Days: retention.days, Years: retention.years });

/**
 * The shortest and the longest a default retention can last, in days: S3 counts a year as a calendar
 * year, so N years are 365 × N days and up to one leap day in every four years more.
 */
function lengthInDays(retention: DefaultRetention): { readonly min: number; readonly max: number } {
  const days = retention.Days ?? 0;
  const years = retention.Years ?? 0;
  return { min: days + 365 * years, max: days + 365 * years + Math.ceil(years / 4) };
}

/**
 * Whether a bucket's default keeps new objects less strictly than the configured one: governance
 * where compliance is configured (a privileged principal can then delete a record), or a period that
 * can end before the configured one (2190 days against 6 years: six calendar years hold leap days).
 */
function isWeaker(actual: DefaultRetention, expected: LockedRetention): boolean {
  if (expected.mode === 'COMPLIANCE' && actual.Mode !== 'COMPLIANCE') return true;
  return lengthInDays(actual).min < lengthInDays({ Days: expected.days, Years: expected.years }).max;
}

const isExactly = (actual: DefaultRetention, expected: LockedRetention) =>
  actual.Mode === expected.mode && actual.Days === expected.days && actual.Years === expected.years;

const FIND_WHO =
  'find the PutObjectLockConfiguration call in CloudTrail (the ObjectLockConfigurationChanges alarm fired for it)';
const CHANGING = 'docs/retention.md, "Changing recordsRetention on an existing stack"';

/**
 * What a bucket's Object Lock configuration (undefined: S3 answered ObjectLockConfigurationNotFoundError)
 * says against the stack's records retention. PASS only for no lock under `none`, or a lock whose
 * default is exactly the configured mode and period, in the configured unit.
 */
export function judgeObjectLock(
  control: string,
  recordsRetention: string,
  expected: RecordsRetention,
  found: ObjectLockConfiguration | undefined,
): ControlResult {
  const configured = `recordsRetention ${recordsRetention}`;
  const enabled = found?.ObjectLockEnabled === 'Enabled';
  const actual = found?.Rule?.DefaultRetention;
  if (expected.mode === 'none') {
    if (!enabled) {
      const none =
        found === undefined
          ? 'no Object Lock configuration (ObjectLockConfigurationNotFoundError)'
          : 'Object Lock not enabled';
      return pass(control, `${none}, as ${configured} says`);
    }
    return fail(
      control,
      `Object Lock is enabled (${actual === undefined ? 'no default retention' : `default ${describeDefault(actual)}`}), though ${configured} says the bucket is not locked: it was locked outside the stack, and S3 never turns Object Lock off. Set recordsRetention to what the bucket holds, planning the deploy as ${CHANGING} says (a plain deploy replaces the bucket).`,
    );
  }
  const wanted = `${describeLocked(expected)} (${configured})`;
  if (!enabled) {
    return fail(
      control,
      `Object Lock is not enabled, though ${configured} asks for ${describeLocked(expected)}: nothing written to this bucket is kept WORM. Run CloudFormation drift detection on the stack, and lock the bucket as ${CHANGING} says (turning ObjectLockEnabled on in the template replaces the bucket).`,
    );
  }
  if (actual === undefined) {
    return fail(
      control,
      `Object Lock is enabled with no default retention, not ${wanted}: new objects are not locked. Deploy the stack to restore the default (only the deploy role may change it), and ${FIND_WHO}.`,
    );
  }
  if (isExactly(actual, expected))
    return pass(control, `Object Lock enabled, default ${describeLocked(expected)}, as ${configured} says`);
  const differs = `the default retention is ${describeDefault(actual)}, not ${wanted}`;
  if (isWeaker(actual, expected)) {
    return fail(
      control,
      `${differs}: weaker, so every object written since is kept less strictly than configured. Deploy the stack to restore it (only the deploy role may change it), and ${FIND_WHO}.`,
    );
  }
  return fail(
    control,
    `${differs}. If the bucket's setting is the one meant, set recordsRetention to it and deploy; otherwise deploy the stack to restore it. Either way, ${FIND_WHO}.`,
  );
}

/**
 * A records bucket's Object Lock configuration matches the stack's RecordsRetention output
 * (GetObjectLockConfiguration). A bucket without Object Lock answers ObjectLockConfigurationNotFoundError,
 * which is what `none` expects.
 */
export function objectLockMatchesRetention(
  context: VerifyContext,
  bucket: string,
  what: string,
  recordsRetention: string | undefined,
): Promise<ControlResult> {
  const control = objectLockControl(what);
  return checked(control, async () => {
    if (recordsRetention === undefined) {
      return fail(
        control,
        'the stack has no RecordsRetention output (an older version of the app deployed it): deploy the current version and run verify again',
      );
    }
    const expected = parseRecordsRetention(recordsRetention);
    if (expected === undefined) {
      return fail(
        control,
        `the stack's RecordsRetention output is ${JSON.stringify(recordsRetention)}, not none, governance:<N>d, governance:<N>y or compliance:<N>y`,
      );
    }
    const found = await callAws(
      { action: 's3:GetBucketObjectLockConfiguration', resource: `bucket ${bucket}`, actor: context.auditor },
      () =>
        context.s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket })).then(
          (response) => response.ObjectLockConfiguration ?? {},
          (error: unknown) => {
            if ((error as { name?: string } | null)?.name === 'ObjectLockConfigurationNotFoundError') return undefined;
            throw error;
          },
        ),
    );
    return judgeObjectLock(control, recordsRetention, expected, found);
  });
}
