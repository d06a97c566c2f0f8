import { z } from 'zod';

/**
 * Every setting of the app, read from CDK context (`cdk.json` or `-c key=value`) and validated here,
 * in one place (DESIGN §7). A bad value stops synth with a message naming the key, the value and what
 * is allowed.
 */
export type Stage = 'dev' | 'prod';

/** Stream capacity: on-demand, or provisioned with a fixed number of shards. */
export type StreamCapacity = { readonly mode: 'on-demand' } | { readonly mode: 'provisioned'; readonly shards: number };

export interface TradingDataLakeConfig {
  /** `dev` (default; resources may be destroyed) or `prod` (every stateful resource retained). */
  readonly stage: Stage;
  /** Alias of the data key. */
  readonly keyAlias: string;
  /** Alias of the audit key. */
  readonly auditKeyAlias: string;
  /** Principals (IAM ARNs) that may assume the producer role. */
  readonly producerPrincipals: readonly string[];
  /** Principals that may assume the analyst role. */
  readonly analystPrincipals: readonly string[];
  /** Principals that may assume the data engineer role. */
  readonly dataEngineerPrincipals: readonly string[];
  /** Principals that may assume the auditor role. */
  readonly auditorPrincipals: readonly string[];
  /** Principals that administer both keys (never use them). Empty in dev means the account root. */
  readonly keyAdminPrincipals: readonly string[];
  readonly streamCapacity: StreamCapacity;
  readonly streamRetentionHours: number;
  /** Retention of every log group, in days (a value CloudWatch Logs accepts). */
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
}

/** A bad context value: names the key, the value and what is allowed. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`Invalid context value for '${key}': ${JSON.stringify(value)}. Allowed: ${allowed}.`);
    this.name = 'ConfigError';
  }
}

/** Reads raw context values; `node.tryGetContext` fits. */
export type ContextReader = (key: string) => unknown;

/** Values CloudWatch Logs accepts as retentionInDays. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

// An IAM principal a trust policy can name: an account root, a role or a user (paths allowed).
const PRINCIPAL_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:(root|role\/[\w+=,.@\-/]+|user\/[\w+=,.@\-/]+)$/;
const KMS_ALIAS = /^alias\/(?!aws\/)[a-zA-Z0-9/_-]{1,250}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

// Context arrives as JSON values from cdk.json and as strings from `-c key=value`.
const intFrom = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : v),
    z.number().int().min(min).max(max),
  );
const boolFrom = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());
const principalList = z.preprocess(
  (v) => {
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
  },
  z.array(z.string().regex(PRINCIPAL_ARN)),
);

const PRINCIPALS_ALLOWED =
  'a list of IAM ARNs (account root, role or user), as a JSON array or comma-separated, e.g. arn:aws:iam::123456789012:role/analysts';

interface Field<T> {
  readonly schema: z.ZodType<T>;
  readonly allowed: string;
}

function read<T>(context: ContextReader, key: string, field: Field<T>): T | undefined {
  const raw = context(key);
  if (raw === undefined || raw === null) return undefined;
  const parsed = field.schema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(key, raw, field.allowed);
  return parsed.data;
}

/** Parses and validates the app's configuration from context. Throws ConfigError on the first bad value. */
export function loadConfig(context: ContextReader): TradingDataLakeConfig {
  const stage =
    read(context, 'stage', { schema: z.enum(['dev', 'prod']), allowed: "'dev' or 'prod'" }) ?? ('dev' as Stage);
  const suffix = stage === 'prod' ? '' : `-${stage}`;
  const alias: Field<string> = {
    schema: z.string().regex(KMS_ALIAS),
    allowed: "a KMS alias 'alias/<name>' of letters, digits, '/', '_' or '-', not under 'alias/aws/'",
  };
  const principals: Field<string[]> = { schema: principalList, allowed: PRINCIPALS_ALLOWED };

  const principalsFor = (key: string, role: string): string[] => {
    const value = read(context, key, principals);
    if (stage === 'prod' && (value === undefined || value.length === 0)) {
      // An account administrator who can assume the analyst role is, in effect, an analyst (DESIGN §3).
      throw new ConfigError(
        key,
        value ?? null,
        `in prod, ${PRINCIPALS_ALLOWED}, naming who may assume the ${role} role`,
      );
    }
    return value ?? [];
  };

  const streamCapacity = read(context, 'streamCapacity', {
    schema: z.union([
      z.literal('on-demand').transform((): StreamCapacity => ({ mode: 'on-demand' })),
      intFrom(1, 500).transform((shards): StreamCapacity => ({ mode: 'provisioned', shards })),
    ]),
    allowed: "'on-demand' or a whole number of shards from 1 to 500",
  }) ?? { mode: 'on-demand' };

  const streamRetentionHours =
    read(context, 'streamRetentionHours', {
      schema: intFrom(168, 8760),
      allowed: 'a whole number of hours from 168 (7 days) to 8760 (365 days)',
    }) ?? 168;

  // Lambda allows at most 168 h; the stream keeps at least 168 h. Below that, every record Lambda
  // gives up on is still in the stream as well as in the failed-batch bucket.
  const maxRecordAgeHours =
    read(context, 'maxRecordAgeHours', {
      schema: intFrom(1, 167),
      allowed: 'a whole number of hours from 1 to 167 (below the minimum stream retention of 168)',
    }) ?? 24;

  const shards = streamCapacity.mode === 'provisioned' ? streamCapacity.shards : undefined;
  const parallelizationFactor =
    read(context, 'parallelizationFactor', { schema: intFrom(1, 10), allowed: 'a whole number from 1 to 10' }) ?? 1;
  const writerReservedConcurrency = read(context, 'writerReservedConcurrency', {
    schema: z.union([z.literal('off').transform(() => undefined), intFrom(1, 10000)]),
    allowed: "'off' or a whole number from 1 to 10000",
  });
  if (writerReservedConcurrency !== undefined && shards !== undefined) {
    const needed = shards * parallelizationFactor;
    if (writerReservedConcurrency < needed) {
      throw new ConfigError(
        'writerReservedConcurrency',
        writerReservedConcurrency,
        `'off' or at least shards x parallelizationFactor = ${needed}, or some shards are never read`,
      );
    }
  }

  return {
    stage,
    keyAlias: read(context, 'keyAlias', alias) ?? `alias/trading-data-key${suffix}`,
    auditKeyAlias: read(context, 'auditKeyAlias', alias) ?? `alias/trading-audit-key${suffix}`,
    producerPrincipals: principalsFor('producerPrincipals', 'producer'),
    analystPrincipals: principalsFor('analystPrincipals', 'analyst'),
    dataEngineerPrincipals: principalsFor('dataEngineerPrincipals', 'data engineer'),
    auditorPrincipals: principalsFor('auditorPrincipals', 'auditor'),
    // Optional in prod too: with none, only the bootstrap's CloudFormation execution role administers the keys.
    keyAdminPrincipals: read(context, 'keyAdminPrincipals', principals) ?? [],
    streamCapacity,
    streamRetentionHours,
    logRetentionDays:
      read(context, 'logRetentionDays', {
        schema: z.preprocess(
          (v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v),
          z.number().refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n)),
        ) as z.ZodType<number>,
        allowed: `one of ${LOG_RETENTION_DAYS.join(', ')} (days)`,
      }) ?? 365,
    writerReservedConcurrency,
    batchSize:
      read(context, 'batchSize', { schema: intFrom(1, 10000), allowed: 'a whole number from 1 to 10000' }) ?? 10000,
    batchingWindowSeconds:
      read(context, 'batchingWindowSeconds', {
        schema: intFrom(0, 300),
        allowed: 'a whole number of seconds from 0 to 300',
      }) ?? 60,
    maxRetryAttempts:
      read(context, 'maxRetryAttempts', { schema: intFrom(0, 10000), allowed: 'a whole number from 0 to 10000' }) ?? 10,
    maxRecordAgeHours,
    parallelizationFactor,
    createTrail: read(context, 'createTrail', { schema: boolFrom, allowed: 'true or false' }) ?? true,
    athenaBytesScannedCutoff:
      read(context, 'athenaBytesScannedCutoff', {
        // Athena's minimum per-query cutoff is 10 MB.
        schema: intFrom(10_485_760, Number.MAX_SAFE_INTEGER),
        allowed: 'a whole number of bytes, at least 10485760 (10 MB)',
      }) ?? 10 * 1024 ** 3,
    alarmEmail: read(context, 'alarmEmail', { schema: z.string().regex(EMAIL), allowed: 'an email address' }),
  };
}
