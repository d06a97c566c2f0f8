import cronExpression from 'cron-validate';
import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { permissionSetPatternOf, ROLE_TRUST_POLICY_QUOTA, trustPolicyLength } from './security/trust-policy';

export { type PermissionSetPattern, permissionSetPatternOf } from './security/trust-policy';

/**
 * Every setting of the app, read from CDK context (`cdk.json` or `-c key=value`) and validated here,
 * in one place (docs/design.md §7). `SETTINGS` below is the single list of keys: the parser reads it, the
 * unknown-key check compares against it, and the README's configuration table is generated from it
 * (`npm run config-table`), so the three cannot drift apart. A run reports every bad value at once.
 */
export type Stage = 'dev' | 'prod';

/** Stream capacity: on-demand, or provisioned with a fixed number of shards. */
export type StreamCapacity = { readonly mode: 'on-demand' } | { readonly mode: 'provisioned'; readonly shards: number };

/** S3 Object Lock mode (docs/design.md §9). */
export type ObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';

/**
 * A default Object Lock retention, as S3 takes it: a mode and either days or years, never both
 * (`DefaultRetention` of PutObjectLockConfiguration). Compliance retention is always given in years.
 */
export type LockedRetention =
  | { readonly mode: ObjectLockMode; readonly years: number; readonly days?: undefined }
  | { readonly mode: 'GOVERNANCE'; readonly days: number; readonly years?: undefined };

/** How long trades, failed batches and trail files are kept WORM: not at all, or an Object Lock default. */
export type RecordsRetention = { readonly mode: 'none' } | LockedRetention;

export interface TradingDataLakeConfig {
  /** `dev` (default; resources may be destroyed) or `prod` (every stateful resource retained). */
  readonly stage: Stage;
  /** Alias of the data key. */
  readonly keyAlias: string;
  /** Alias of the audit key. */
  readonly auditKeyAlias: string;
  /**
   * Principals that may assume the producer role: exact IAM ARNs, or IAM Identity Center permission-set
   * patterns (see `permissionSetPatternOf`). Empty = this account (dev only).
   */
  readonly producerPrincipals: readonly string[];
  /** Principals that may assume the analyst role (as `producerPrincipals`). */
  readonly analystPrincipals: readonly string[];
  /** Principals that may assume the data engineer role (as `producerPrincipals`). */
  readonly dataEngineerPrincipals: readonly string[];
  /** Principals that may assume the auditor role (as `producerPrincipals`). */
  readonly auditorPrincipals: readonly string[];
  /** Principals that administer both keys (never use them): exact ARNs only. Empty in dev means the account root. */
  readonly keyAdminPrincipals: readonly string[];
  /**
   * Characters this account's IAM allows in a role trust policy (its "Role trust policy length"
   * quota): the four roles' configured principals must fit.
   */
  readonly roleTrustPolicyQuota: number;
  readonly streamCapacity: StreamCapacity;
  readonly streamRetentionHours: number;
  /** Retention of every log group, in days (a value CloudWatch Logs accepts; at least 365 in prod). */
  readonly logRetentionDays: number;
  /** Reserved concurrency of the writer; undefined = unreserved. */
  readonly writerReservedConcurrency: number | undefined;
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly maxRetryAttempts: number;
  readonly maxRecordAgeHours: number;
  readonly parallelizationFactor: number;
  /** Whether to create the CloudTrail trail (off where an organization trail already records the account). */
  readonly createTrail: boolean;
  /** Per-query bytes-scanned cutoff of the Athena workgroups. */
  readonly athenaBytesScannedCutoff: number;
  /** Email subscribed to the alarm topic; undefined = no subscription. */
  readonly alarmEmail: string | undefined;
  /**
   * Object Lock default retention of the lake, failed-batch and trail buckets (docs/design.md §9); `none` in dev
   * by default, and prod refuses to synthesize until it is set.
   */
  readonly recordsRetention: RecordsRetention;
  /** Days after which lake objects of at least 128 KB move to S3 Glacier Instant Retrieval. */
  readonly archiveAfterDays: number;
  /** Whether current objects of the locked buckets expire once their retention has passed (needs a retention). */
  readonly expireAfterRetention: boolean;
  /** Days after which noncurrent object versions of the versioned buckets expire. */
  readonly noncurrentVersionDays: number;
  /** Days after which server access logs expire (at least 365 in prod). */
  readonly accessLogDays: number;
  /** Whether the trail records S3 read data events (GetObject) as well as writes. */
  readonly auditReadDataEvents: boolean;
  /** EventBridge Scheduler expression (`rate(...)` or `cron(...)`) of the curation job. */
  readonly curationSchedule: string;
  /** How many past days of raw trades each curation run checks for new objects. */
  readonly reconcileDays: number;
}

/** One bad context value: names the key, the value (undefined when missing) and what is allowed. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    readonly value: unknown,
    readonly allowed: string,
    /** What exactly is wrong, where the value alone does not say it. */
    readonly problem?: string,
  ) {
    super(
      `Invalid context value for '${key}': ${showValue(value)}${problem === undefined ? '' : ` (${problem})`}. Allowed: ${allowed}.`,
    );
    this.name = 'ConfigError';
  }
}

/** A context key that is neither a setting of the app nor one of CDK's own. */
export class UnknownContextKeyError extends ConfigError {
  constructor(
    key: string,
    value: unknown,
    /** The known key closest to `key` by edit distance, when one is close enough to be a typo. */
    readonly suggestion: string | undefined,
  ) {
    super(key, value, `one of the settings ${Object.keys(SETTINGS).join(', ')}`);
    this.message =
      suggestion === undefined
        ? `Unknown context key '${key}'. Known keys: ${Object.keys(SETTINGS).join(', ')}.`
        : `Unknown context key '${key}': did you mean '${suggestion}'?`;
    this.name = 'UnknownContextKeyError';
  }
}

/** Every error of one run, so that a person fixes them all in one go. */
export class ConfigErrors extends Error {
  constructor(readonly errors: readonly ConfigError[]) {
    super(
      errors.length === 1
        ? (errors[0] as ConfigError).message
        : [`${errors.length} configuration errors:`, ...errors.map((error) => `- ${error.message}`)].join('\n'),
    );
    this.name = 'ConfigErrors';
  }
}

/** The app's whole context, as `app.node.getAllContext()` returns it: every key, so unknown ones are found. */
export type Context = Readonly<Record<string, unknown>>;

/** Values CloudWatch Logs accepts as retentionInDays. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** PCI DSS 10.7 (v4: 10.5.1) keeps audit log history for at least a year. */
export const PROD_MINIMUM_LOG_DAYS = 365;

/** Shards an on-demand stream starts with (4 MB/s, 4,000 records/s of writes). */
const ON_DEMAND_INITIAL_SHARDS = 4;

/**
 * Context keys that belong to CDK, not to this app, and are left alone: feature flags (`@aws-cdk/...:...`),
 * `aws:cdk:*` (set by the CLI: path and asset metadata, version reporting, bundling stacks), lookups that
 * `cdk.context.json` caches (`availability-zones:account=...`) and any other library's namespaced key all
 * contain a colon; the CLI also keeps `cli-telemetry` and `acknowledged-issue-numbers` (notices) in context.
 * Checked against aws-cdk-lib's cx-api and the CLI's `contextFromSettings`; a test runs `cdk synth` itself.
 */
export function isCdkContextKey(key: string): boolean {
  return key.includes(':') || key.startsWith('@') || CDK_PLAIN_KEYS.has(key);
}
const CDK_PLAIN_KEYS: ReadonlySet<string> = new Set(['cli-telemetry', 'acknowledged-issue-numbers']);

// An IAM principal a trust policy can name: an account root, a role or a user (paths allowed).
const PRINCIPAL_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:(root|role\/[\w+=,.@\-/]+|user\/[\w+=,.@\-/]+)$/;
const PERMISSION_SET_FORM =
  'arn:aws:iam::<account>:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_<PermissionSetName>_????????????????';
const KMS_ALIAS = /^alias\/(?!aws\/)[a-zA-Z0-9/_-]{1,250}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

// Context arrives as JSON values from cdk.json and as strings from `-c key=value`.
const intFrom = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : v),
    z.number().int().min(min).max(max),
  );
const boolFrom = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());
const listFrom = (v: unknown) => {
  if (typeof v !== 'string') return v;
  const text = v.trim();
  if (text.startsWith('[')) {
    try {
      return JSON.parse(text);
    } catch {
      return v;
    }
  }
  return text === '' ? [] : text.split(',').map((s) => s.trim());
};

const problem = (ctx: z.RefinementCtx, message: string) => ctx.addIssue({ code: 'custom', message });

const trustedPrincipals = z.preprocess(
  listFrom,
  z.array(z.string()).superRefine((arns, ctx) => {
    for (const arn of arns) {
      if (PRINCIPAL_ARN.test(arn)) continue;
      if (permissionSetPatternOf(arn) !== undefined) continue;
      problem(
        ctx,
        /[*?]/.test(arn)
          ? `${JSON.stringify(arn)} has a wildcard, but is not of the IAM Identity Center permission-set form`
          : `${JSON.stringify(arn)} is not an IAM ARN of an account root, a role or a user`,
      );
    }
  }),
);
const exactPrincipals = z.preprocess(
  listFrom,
  z.array(z.string()).superRefine((arns, ctx) => {
    for (const arn of arns) {
      if (PRINCIPAL_ARN.test(arn)) continue;
      problem(
        ctx,
        /[*?]/.test(arn)
          ? `${JSON.stringify(arn)} has a wildcard: a key policy names its administrators exactly`
          : `${JSON.stringify(arn)} is not an IAM ARN of an account root, a role or a user`,
      );
    }
  }),
);

const TRUSTED_ALLOWED = `IAM ARNs of an account root, role or user, or IAM Identity Center permission sets as ${PERMISSION_SET_FORM}; a JSON array or comma-separated`;
const EXACT_ALLOWED = 'IAM ARNs of an account root, role or user, without wildcards; a JSON array or comma-separated';

// S3 Object Lock takes a default retention of 1 day to 100 years; aws-cdk-lib's ObjectLockRetention refuses
// anything outside (more than 365 x 100 days, less than 1 day), so a bound here turns a stack trace into a
// message. A century is also beyond every books-and-records period (SEC 17a-4, FINRA 4511, CFTC 1.31).
const MAX_LOCK_DAYS = 36_500;
const MAX_LOCK_YEARS = 100;
const RECORDS_RETENTION_ALLOWED = `'none', 'governance:<N>d' (1 to ${MAX_LOCK_DAYS}), 'governance:<N>y' or 'compliance:<N>y' (1 to ${MAX_LOCK_YEARS})`;
const RECORDS_RETENTION_REQUIRED = [
  `in prod, one of ${RECORDS_RETENTION_ALLOWED}, chosen on purpose`,
  'governance: a principal allowed s3:BypassGovernanceRetention can still shorten it or delete a locked version',
  'compliance: no one, the account root included, can shorten it or delete a locked version before it expires, and the setting cannot be undone for objects already written',
  "usual periods: 6 years for SEC 17a-4 trade blotters ('compliance:6y'), 5 years for CFTC 1.31 ('compliance:5y')",
].join('; ');
const recordsRetention = z.string().transform((text, ctx): RecordsRetention => {
  const value = text.trim();
  if (value === 'none') return { mode: 'none' };
  const match = /^(governance|compliance):(\d+)([dy])$/.exec(value);
  if (match === null) {
    problem(ctx, 'not of the form mode:<N>d or mode:<N>y');
    return z.NEVER;
  }
  const [, mode, digits, unit] = match as unknown as [string, 'governance' | 'compliance', string, 'd' | 'y'];
  const amount = Number(digits);
  if (mode === 'compliance' && unit === 'd') {
    problem(ctx, 'compliance retention is given in whole years');
    return z.NEVER;
  }
  const max = unit === 'd' ? MAX_LOCK_DAYS : MAX_LOCK_YEARS;
  if (amount < 1 || amount > max) {
    problem(ctx, `S3 Object Lock keeps a default retention of 1 day to ${MAX_LOCK_YEARS} years`);
    return z.NEVER;
  }
  if (mode === 'compliance') return { mode: 'COMPLIANCE', years: amount };
  return unit === 'd' ? { mode: 'GOVERNANCE', days: amount } : { mode: 'GOVERNANCE', years: amount };
});

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.*)\)$/;
/** EventBridge Scheduler's recurring expressions (Scheduler User Guide, "Schedule types"). */
const schedulerExpression = z.string().transform((text, ctx) => {
  const expression = text.trim();
  const rate = RATE.exec(expression);
  if (rate !== null) {
    const [, digits, unit] = rate as unknown as [string, string, string];
    const amount = Number(digits);
    // EventBridge refuses `rate(1 hours)` and `rate(5 hour)`: singular for 1, plural otherwise.
    if (amount < 1) problem(ctx, 'a rate is a positive whole number');
    else if ((amount === 1) !== !unit.endsWith('s')) problem(ctx, 'the unit is singular for 1 and plural otherwise');
    return expression;
  }
  const cron = CRON.exec(expression);
  if (cron !== null) {
    const result = cronExpression((cron[1] as string).trim(), { preset: 'aws-cloud-watch' });
    if (result.isError()) {
      // cron-validate words its reasons for its own options; AWS's rule is that one day field is `?`.
      const reasons = new Set(
        result.getError().map((reason) =>
          reason
            .replace(/ \(Input cron: .*\)$/, '')
            .replace(/ when \w+ option is enabled/, ' (one of them must be ?)')
            .replace(/\.$/, ''),
        ),
      );
      problem(ctx, [...reasons].join('; '));
    }
    return expression;
  }
  problem(
    ctx,
    expression.startsWith('at(') ? 'a one-time at() schedule would curate once' : 'neither rate(...) nor cron(...)',
  );
  return z.NEVER;
});

/** A setting: how it is read, what it defaults to, and the words of its error message and README row. */
export interface Setting<T> {
  /** What the setting decides, for the README. */
  readonly summary: string;
  /** What is allowed: the error message and the README say exactly this. */
  readonly allowed: string;
  readonly schema: z.ZodType<T>;
  /** The value when the key is absent, per stage; REQUIRED when that stage must be given one. */
  readonly default: (stage: Stage) => T | typeof REQUIRED;
  /** What is allowed when the key is missing where it is required (the message then explains why). */
  readonly whenRequired?: string;
  /** A rule of one stage: what is allowed there, when the value breaks it. */
  stageRule?(value: T, stage: Stage): string | undefined;
  /** The default as the README shows it. @default the value rendered per stage */
  readonly defaultText?: string;
  /** Renders a value for the README. @default `value` in code, `none` for undefined */
  show?(value: T): string;
}

/** The `default` of a setting that a stage must be given explicitly. */
export const REQUIRED: unique symbol = Symbol('required');

const always =
  <T>(value: T) =>
  (): T =>
    value;
const aliasOf = (name: string) => (stage: Stage) => (stage === 'prod' ? `alias/${name}` : `alias/${name}-${stage}`);
const ALIAS_ALLOWED = "a KMS alias 'alias/<name>' of letters, digits, '/', '_' or '-', not under 'alias/aws/'";

const trustedPrincipalsSetting = (role: string): Setting<readonly string[]> => {
  // An account administrator who can assume the analyst role is, in effect, an analyst (docs/design.md §3).
  const required = `in prod, the principals who may assume the ${role} role: ${TRUSTED_ALLOWED}`;
  return {
    summary: `who may assume the ${role} role`,
    allowed: TRUSTED_ALLOWED,
    schema: trustedPrincipals,
    default: (stage) => (stage === 'prod' ? REQUIRED : []),
    whenRequired: required,
    stageRule: (value, stage) => (stage === 'prod' && value.length === 0 ? required : undefined),
    show: (value) => (value.length === 0 ? 'this account' : value.join(', ')),
  };
};

const inProdAtLeastAYear = (what: string) => (days: number, stage: Stage) =>
  stage === 'prod' && days < PROD_MINIMUM_LOG_DAYS
    ? `in prod, at least ${PROD_MINIMUM_LOG_DAYS} days: PCI DSS 10.7 keeps ${what} for a year`
    : undefined;

type Settings = { readonly [K in keyof TradingDataLakeConfig]-?: Setting<TradingDataLakeConfig[K]> };

/** Every setting, in the order of the README table. */
export const SETTINGS: Settings = {
  stage: {
    summary: 'dev: resources may be destroyed; prod: every stateful resource retained, termination protection on',
    allowed: "'dev' or 'prod'",
    schema: z.enum(['dev', 'prod']),
    default: always<Stage>('dev'),
  },
  keyAlias: {
    summary: 'alias of the data key',
    allowed: ALIAS_ALLOWED,
    schema: z.string().regex(KMS_ALIAS),
    default: aliasOf('trading-data-key'),
  },
  auditKeyAlias: {
    summary: 'alias of the audit key',
    allowed: ALIAS_ALLOWED,
    schema: z.string().regex(KMS_ALIAS),
    default: aliasOf('trading-audit-key'),
  },
  producerPrincipals: trustedPrincipalsSetting('producer'),
  analystPrincipals: trustedPrincipalsSetting('analyst'),
  dataEngineerPrincipals: trustedPrincipalsSetting('data engineer'),
  auditorPrincipals: trustedPrincipalsSetting('auditor'),
  keyAdminPrincipals: {
    summary: 'who administers both keys (never uses them)',
    allowed: EXACT_ALLOWED,
    schema: exactPrincipals,
    // Optional in prod too: with none, only the bootstrap's CloudFormation execution role administers the keys.
    default: always<readonly string[]>([]),
    defaultText: 'none: the account root in dev; only the bootstrap execution role in prod',
  },
  roleTrustPolicyQuota: {
    summary:
      "characters IAM allows in a role trust policy in this account (the Service Quotas value 'Role trust policy length'): synth refuses principals whose trust policy would not fit, which IAM would refuse at deploy",
    allowed: `a whole number from ${ROLE_TRUST_POLICY_QUOTA.default} (IAM's default) to ${ROLE_TRUST_POLICY_QUOTA.max} (the most IAM grants)`,
    schema: intFrom(ROLE_TRUST_POLICY_QUOTA.default, ROLE_TRUST_POLICY_QUOTA.max),
    default: always<number>(ROLE_TRUST_POLICY_QUOTA.default),
  },
  streamCapacity: {
    summary: 'capacity mode of the trade stream',
    allowed: "'on-demand' or a whole number of shards from 1 to 500",
    schema: z.union([
      z.literal('on-demand').transform((): StreamCapacity => ({ mode: 'on-demand' })),
      intFrom(1, 500).transform((shards): StreamCapacity => ({ mode: 'provisioned', shards })),
    ]),
    default: always<StreamCapacity>({ mode: 'on-demand' }),
    show: (value) => (value.mode === 'on-demand' ? '`on-demand`' : `\`${value.shards}\``),
  },
  streamRetentionHours: {
    summary: 'how long the stream keeps records',
    allowed: 'a whole number of hours from 168 (7 days) to 8760 (365 days)',
    schema: intFrom(168, 8760),
    default: always(168),
  },
  logRetentionDays: {
    summary: 'retention of every log group',
    allowed: `one of ${LOG_RETENTION_DAYS.join(', ')} (days); in prod at least ${PROD_MINIMUM_LOG_DAYS}`,
    schema: z.preprocess(
      (v) => (typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : v),
      z.number().refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n)),
    ) as z.ZodType<number>,
    default: always(365),
    stageRule: inProdAtLeastAYear('audit log history'),
  },
  writerReservedConcurrency: {
    summary: 'reserved concurrency of the writer (a new account may have a quota of 10)',
    allowed:
      "'off' or a whole number from 1 to 10000, at least shards x parallelizationFactor (an on-demand stream starts with 4 shards)",
    schema: z.union([z.literal('off').transform(() => undefined), intFrom(1, 10000)]),
    default: always<number | undefined>(undefined),
    show: (value) => `\`${value ?? 'off'}\``,
  },
  batchSize: {
    summary: 'records per writer invocation (Lambda also caps a batch at its 6 MB payload)',
    allowed: 'a whole number from 1 to 10000',
    schema: intFrom(1, 10000),
    default: always(10000),
  },
  batchingWindowSeconds: {
    summary: 'how long Lambda gathers records before it invokes the writer',
    allowed: 'a whole number of seconds from 0 to 300',
    schema: intFrom(0, 300),
    default: always(60),
  },
  maxRetryAttempts: {
    summary: 'retries of a failed batch before it goes to the failed-batch bucket',
    allowed: 'a whole number from 0 to 10000',
    schema: intFrom(0, 10000),
    default: always(10),
  },
  maxRecordAgeHours: {
    summary: 'age after which Lambda gives a record up to the failed-batch bucket',
    // Lambda allows at most 168 h; the stream keeps at least 168 h. Below that, every record Lambda
    // gives up on is still in the stream as well as in the failed-batch bucket.
    allowed: 'a whole number of hours from 1 to 167 (below the minimum stream retention of 168)',
    schema: intFrom(1, 167),
    default: always(24),
  },
  parallelizationFactor: {
    summary: 'concurrent batches per shard',
    allowed: 'a whole number from 1 to 10',
    schema: intFrom(1, 10),
    default: always(1),
  },
  createTrail: {
    summary:
      'whether to create the trail; false where an organization trail already records the account (a second multi-Region trail is billed again); false also removes the audit workgroup and its alarms',
    allowed: 'true or false',
    schema: boolFrom,
    default: always(true),
  },
  athenaBytesScannedCutoff: {
    summary: 'bytes a query of the Athena workgroups may scan',
    // Athena's minimum per-query cutoff is 10 MB.
    allowed: 'a whole number of bytes, at least 10485760 (10 MB)',
    schema: intFrom(10_485_760, Number.MAX_SAFE_INTEGER),
    default: always(10 * 1024 ** 3),
    show: (value) => `\`${value}\` (${value / 1024 ** 3} GiB)`,
  },
  alarmEmail: {
    summary: 'email address subscribed to the alarm topic',
    allowed: 'an email address',
    schema: z.string().regex(EMAIL),
    default: always<string | undefined>(undefined),
  },
  recordsRetention: {
    summary:
      'Object Lock default retention of the lake, failed-batch and trail buckets (trades are books and records: SEC 17a-4(f), FINRA 4511, CFTC 1.31)',
    allowed: RECORDS_RETENTION_ALLOWED,
    schema: recordsRetention,
    default: (stage) => (stage === 'prod' ? REQUIRED : { mode: 'none' }),
    whenRequired: RECORDS_RETENTION_REQUIRED,
    show: (value) =>
      value.mode === 'none'
        ? '`none`'
        : `\`${value.mode.toLowerCase()}:${value.years === undefined ? `${value.days}d` : `${value.years}y`}\``,
  },
  archiveAfterDays: {
    summary:
      'days after which lake objects of at least 128 KB move to S3 Glacier Instant Retrieval (smaller ones cost more there; Athena reads both)',
    // S3 accepts 0 or more days for a transition to GLACIER_IR (S3 API Reference, Transition.Days: the
    // 30-day minimum is STANDARD_IA's and ONEZONE_IA's only). The floor here is the curation job's: it
    // re-merges a day of the last reconcileDays whole when it finds a new object there, and every read
    // from Glacier Instant Retrieval pays a retrieval fee per GB.
    allowed: 'a whole number of days from 1 to 36500, and at least reconcileDays',
    schema: intFrom(1, 36_500),
    default: always(90),
  },
  expireAfterRetention: {
    summary:
      'whether current objects of the locked buckets expire once their retention has passed (otherwise they are kept)',
    allowed: 'true or false; true only with a recordsRetention other than none',
    schema: boolFrom,
    default: always(false),
  },
  noncurrentVersionDays: {
    summary:
      'days after which noncurrent object versions of the lake, failed-batch, trail and access-log buckets expire (query results: 1 day; curated zone: 7)',
    allowed: 'a whole number of days from 1 to 36500',
    schema: intFrom(1, 36_500),
    default: always(90),
  },
  accessLogDays: {
    summary: 'days after which S3 server access logs expire',
    allowed: `a whole number of days from 1 to 36500; in prod at least ${PROD_MINIMUM_LOG_DAYS}`,
    schema: intFrom(1, 36_500),
    default: always(365),
    stageRule: inProdAtLeastAYear('access logs, like every audit log,'),
  },
  auditReadDataEvents: {
    summary:
      'whether the trail records S3 read data events (each object read is an event, billed); false where an organization trail already records reads',
    allowed: 'true or false',
    schema: boolFrom,
    default: always(true),
  },
  curationSchedule: {
    summary: 'when the curation job runs (EventBridge Scheduler, UTC)',
    allowed: "an EventBridge Scheduler expression 'rate(<N> minute(s)|hour(s)|day(s))' or 'cron(<6 fields>)'",
    schema: schedulerExpression,
    default: always('rate(1 hour)'),
  },
  reconcileDays: {
    summary: 'how many past days of raw trades each curation run checks for new objects (late trades, replays)',
    // Each run lists one trades/dt=.../ prefix per day: a year (366 with a leap day) covers a correction
    // at year end; an older day is curated on request (`trades curate --date`) rather than listed hourly.
    allowed: 'a whole number of days from 1 to 366',
    schema: intFrom(1, 366),
    default: always(35),
  },
};

/** A setting as the README table shows it. */
export interface SettingDescription {
  readonly key: string;
  readonly default: string;
  readonly allowed: string;
  readonly summary: string;
}

/** Every setting with its default and what is allowed, in words: the README's configuration table. */
export function describeSettings(): SettingDescription[] {
  return (Object.entries(SETTINGS) as [string, Setting<unknown>][]).map(([key, setting]) => ({
    key,
    default: setting.defaultText ?? describeDefault(setting),
    allowed: setting.allowed,
    summary: setting.summary,
  }));
}

function describeDefault(setting: Setting<unknown>): string {
  const show = setting.show ?? showInCode;
  const [dev, prod] = [setting.default('dev'), setting.default('prod')];
  if (prod === REQUIRED) return `${dev === REQUIRED ? 'none' : show(dev)} in dev; **required in prod**`;
  if (dev === REQUIRED) return `${show(prod)} in prod; **required in dev**`;
  const [shownDev, shownProd] = [show(dev), show(prod)];
  return shownDev === shownProd ? shownDev : `${shownDev} in dev, ${shownProd} in prod`;
}

function showInCode(value: unknown): string {
  return value === undefined ? 'none' : `\`${String(value)}\``;
}

function showValue(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

/** The known key a mistyped one most likely meant, if any is close enough to be a typo. */
export function closestKey(key: string): string | undefined {
  const known = Object.keys(SETTINGS);
  const byLowerCase = new Map(known.map((name) => [name.toLowerCase(), name]));
  const candidate = closest(key.toLowerCase(), [...byLowerCase.keys()]);
  // Up to a third of the key's letters (at least 2) may differ: `streamCapcity`, `stage ` or
  // `analystPrincipal`, but not an unrelated word that happens to be short.
  const tolerance = Math.max(2, Math.floor(key.length / 3));
  return distance(key.toLowerCase(), candidate) <= tolerance ? byLowerCase.get(candidate) : undefined;
}

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

/**
 * Parses and validates the app's configuration from the whole context (`app.node.getAllContext()`).
 * Throws ConfigErrors with every problem found: unknown keys, bad values, values missing where required.
 */
export function loadConfig(context: Context): TradingDataLakeConfig {
  const errors: ConfigError[] = [];
  for (const [key, value] of Object.entries(context)) {
    if (!Object.hasOwn(SETTINGS, key) && !isCdkContextKey(key)) {
      errors.push(new UnknownContextKeyError(key, value, closestKey(key)));
    }
  }

  const parse = <T>(key: string, setting: Setting<T>, stage: Stage): Parsed<T> => {
    const raw = context[key];
    if (raw === undefined || raw === null) {
      const fallback = setting.default(stage);
      if (fallback !== REQUIRED) return { ok: true, value: fallback };
      errors.push(new ConfigError(key, undefined, setting.whenRequired ?? setting.allowed));
      return { ok: false };
    }
    const parsed = setting.schema.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.filter((issue) => issue.code === 'custom').map((issue) => issue.message);
      errors.push(new ConfigError(key, raw, setting.allowed, problems.length > 0 ? problems.join('; ') : undefined));
      return { ok: false };
    }
    const broken = setting.stageRule?.(parsed.data, stage);
    if (broken !== undefined) {
      errors.push(new ConfigError(key, raw, broken));
      return { ok: false };
    }
    return { ok: true, value: parsed.data };
  };

  // Stage decides the defaults and rules of the others; a bad stage is reported and the rest read as dev,
  // whose rules are the looser ones, so that no error is reported that the stage alone caused.
  const stageRead = parse('stage', SETTINGS.stage, 'dev');
  const stage = stageRead.ok ? stageRead.value : 'dev';
  const values: Partial<Record<keyof TradingDataLakeConfig, unknown>> = { stage };
  const valid = new Set<keyof TradingDataLakeConfig>(stageRead.ok ? ['stage'] : []);
  for (const key of Object.keys(SETTINGS) as (keyof TradingDataLakeConfig)[]) {
    if (key === 'stage') continue;
    const read = parse(key, SETTINGS[key] as Setting<unknown>, stage);
    if (read.ok) {
      values[key] = read.value;
      valid.add(key);
    }
  }
  const config = values as TradingDataLakeConfig;
  const bothValid = (...keys: (keyof TradingDataLakeConfig)[]) => keys.every((key) => valid.has(key));

  if (bothValid('writerReservedConcurrency', 'streamCapacity', 'parallelizationFactor')) {
    const { writerReservedConcurrency: reserved, streamCapacity, parallelizationFactor } = config;
    // An on-demand stream starts with 4 shards (and may add more as it grows).
    const shards = streamCapacity.mode === 'provisioned' ? streamCapacity.shards : ON_DEMAND_INITIAL_SHARDS;
    const needed = shards * parallelizationFactor;
    if (reserved !== undefined && reserved < needed) {
      errors.push(
        new ConfigError(
          'writerReservedConcurrency',
          reserved,
          streamCapacity.mode === 'provisioned'
            ? `'off' or at least shards x parallelizationFactor = ${needed}, or some shards are never read`
            : `'off' or at least the on-demand stream's ${ON_DEMAND_INITIAL_SHARDS} starting shards x parallelizationFactor = ${needed}, or some shards are never read`,
        ),
      );
    }
  }
  const trustedKeys = [
    'producerPrincipals',
    'analystPrincipals',
    'dataEngineerPrincipals',
    'auditorPrincipals',
  ] as const;
  for (const key of trustedKeys) {
    if (!bothValid(key, 'roleTrustPolicyQuota') || config[key].length === 0) continue;
    const length = trustPolicyLength(config[key]);
    if (length > config.roleTrustPolicyQuota) {
      errors.push(
        new ConfigError(
          key,
          config[key],
          `principals whose trust policy fits roleTrustPolicyQuota (${config.roleTrustPolicyQuota} characters, as IAM counts them: no whitespace): name fewer, such as an IAM Identity Center permission set for a team instead of its members' roles, or raise the account's 'Role trust policy length' quota (at most ${ROLE_TRUST_POLICY_QUOTA.max}) and set roleTrustPolicyQuota to it`,
          `${config[key].length} principals make a trust policy of ${length} characters; IAM would refuse the role at deploy`,
        ),
      );
    }
  }
  if (bothValid('keyAlias', 'auditKeyAlias') && config.keyAlias === config.auditKeyAlias) {
    errors.push(
      new ConfigError(
        'auditKeyAlias',
        config.auditKeyAlias,
        `an alias other than keyAlias (${config.keyAlias}): the two keys cannot share one, and KMS refuses the second`,
      ),
    );
  }
  if (bothValid('archiveAfterDays', 'reconcileDays') && config.archiveAfterDays < config.reconcileDays) {
    errors.push(
      new ConfigError(
        'archiveAfterDays',
        config.archiveAfterDays,
        `at least reconcileDays = ${config.reconcileDays}: the curation job re-reads those days, and Glacier Instant Retrieval bills every read by the GB`,
      ),
    );
  }
  if (
    bothValid('expireAfterRetention', 'recordsRetention') &&
    config.expireAfterRetention &&
    config.recordsRetention.mode === 'none'
  ) {
    errors.push(
      new ConfigError(
        'expireAfterRetention',
        true,
        'false while recordsRetention is none: there is no retention to expire after',
      ),
    );
  }

  if (errors.length > 0) throw new ConfigErrors(errors);
  return config;
}
