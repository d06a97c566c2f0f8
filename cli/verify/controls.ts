import { GetWorkGroupCommand } from '@aws-sdk/client-athena';
import { DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { DescribeKeyCommand, GetKeyRotationStatusCommand } from '@aws-sdk/client-kms';
import {
  GetBucketEncryptionCommand,
  HeadObjectCommand,
  type ListObjectsV2CommandOutput,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { PARTITION_COLUMN, TRADES_PREFIX } from '../../schema/layout';
import { CliError, callAws } from '../errors';
import type { VerifyContext } from './context';

/** What one control of `trades verify` found. */
export interface ControlResult {
  readonly control: string;
  /** SKIP: the stack has no such resource by configuration (no trail, no trade yet). */
  readonly result: 'PASS' | 'FAIL' | 'SKIP';
  readonly reason: string;
}

export const pass = (control: string, reason: string): ControlResult => ({ control, result: 'PASS', reason });
export const fail = (control: string, reason: string): ControlResult => ({ control, result: 'FAIL', reason });
export const skip = (control: string, reason: string): ControlResult => ({ control, result: 'SKIP', reason });

/**
 * Runs a control; an AWS error it could not get past (access denied, throttled, a missing resource)
 * is that control's FAIL, with the message a person can act on, and the other controls still run.
 */
export async function checked(control: string, check: () => Promise<ControlResult>): Promise<ControlResult> {
  try {
    return await check();
  } catch (error) {
    if (error instanceof CliError) return fail(control, error.message);
    throw error;
  }
}

/** Whether `keyId` (an ARN or a bare key id, as AWS returns them) names the key `keyArn`. */
export function isKey(keyId: string | undefined, keyArn: string): boolean {
  if (keyId === undefined) return false;
  return keyId === keyArn || `${keyArn.slice(0, keyArn.lastIndexOf('/') + 1)}${keyId}` === keyArn;
}

const named = (keyId: string | undefined) => (keyId === undefined ? 'no key' : keyId);

/** Default encryption of a bucket: SSE-KMS with `keyArn` and the S3 Bucket Key on (GetBucketEncryption). */
export function bucketEncryption(context: VerifyContext, bucket: string, what: string, keyArn: string) {
  const control = `${what} default encryption is SSE-KMS with the data key, Bucket Key on`;
  return checked(control, async () => {
    const response = await callAws(
      { action: 's3:GetEncryptionConfiguration', resource: `bucket ${bucket}`, actor: context.auditor },
      () => context.s3.send(new GetBucketEncryptionCommand({ Bucket: bucket })),
    );
    const rules = response.ServerSideEncryptionConfiguration?.Rules ?? [];
    const rule = rules[0];
    const byDefault = rule?.ApplyServerSideEncryptionByDefault;
    if (rules.length !== 1 || rule === undefined) return fail(control, `${rules.length} encryption rules, not one`);
    if (byDefault?.SSEAlgorithm !== 'aws:kms') {
      return fail(control, `default encryption is ${byDefault?.SSEAlgorithm ?? 'not set'}, not aws:kms`);
    }
    if (!isKey(byDefault.KMSMasterKeyID, keyArn)) {
      return fail(control, `default encryption uses ${named(byDefault.KMSMasterKeyID)}, not the data key ${keyArn}`);
    }
    if (rule.BucketKeyEnabled !== true) return fail(control, 'the S3 Bucket Key is off');
    return pass(control, `aws:kms with ${keyArn}, Bucket Key on`);
  });
}

/** A customer managed key is enabled and rotates (DescribeKey, GetKeyRotationStatus). */
export function keyEnabledAndRotating(context: VerifyContext, keyArn: string, what: string) {
  const control = `${what} is enabled and rotates`;
  return checked(control, async () => {
    const call = (action: string) => ({ action, resource: `key ${keyArn}`, actor: context.auditor });
    const { KeyMetadata: key } = await callAws(call('kms:DescribeKey'), () =>
      context.kms.send(new DescribeKeyCommand({ KeyId: keyArn })),
    );
    const rotation = await callAws(call('kms:GetKeyRotationStatus'), () =>
      context.kms.send(new GetKeyRotationStatusCommand({ KeyId: keyArn })),
    );
    if (key?.KeyState !== 'Enabled' || key.Enabled !== true) {
      return fail(
        control,
        `the key is ${key?.KeyState ?? 'in an unknown state'}: nothing it encrypts can be written or read`,
      );
    }
    if (key.KeyManager !== 'CUSTOMER')
      return fail(control, `the key is managed by ${key.KeyManager}, not the customer`);
    if (rotation.KeyRotationEnabled !== true) return fail(control, 'automatic rotation is off');
    const every = rotation.RotationPeriodInDays === undefined ? '' : ` every ${rotation.RotationPeriodInDays} days`;
    return pass(control, `enabled, customer managed, rotates${every}`);
  });
}

/** The trade stream is encrypted with the data key (DescribeStreamSummary). */
export function streamEncryption(context: VerifyContext, stream: string, keyArn: string) {
  const control = 'stream is encrypted with the data key';
  return checked(control, async () => {
    const { StreamDescriptionSummary: summary } = await callAws(
      { action: 'kinesis:DescribeStreamSummary', resource: `stream ${stream}`, actor: context.auditor },
      () => context.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream })),
    );
    if (summary?.EncryptionType !== 'KMS') {
      return fail(control, `the stream's encryption is ${summary?.EncryptionType ?? 'unknown'}, not KMS`);
    }
    if (!isKey(summary.KeyId, keyArn)) {
      return fail(control, `the stream is encrypted with ${named(summary.KeyId)}, not the data key ${keyArn}`);
    }
    return pass(control, `KMS with ${keyArn}`);
  });
}

/** A workgroup clients cannot override, whose results are SSE_KMS with `keyArn` (GetWorkGroup). */
export function workGroupEncryption(context: VerifyContext, workGroup: string, what: string, keyArn: string) {
  const control = `${what} workgroup is enforced, results SSE_KMS with the ${keyArn === context.auditKeyArn ? 'audit' : 'data'} key`;
  return checked(control, async () => {
    const { WorkGroup: found } = await callAws(
      { action: 'athena:GetWorkGroup', resource: `workgroup ${workGroup}`, actor: context.auditor },
      () => context.athena.send(new GetWorkGroupCommand({ WorkGroup: workGroup })),
    );
    const configuration = found?.Configuration;
    const encryption = configuration?.ResultConfiguration?.EncryptionConfiguration;
    if (found?.State !== 'ENABLED') return fail(control, `the workgroup is ${found?.State ?? 'in an unknown state'}`);
    if (configuration?.EnforceWorkGroupConfiguration !== true) {
      return fail(control, 'clients may override its result location and encryption (not enforced)');
    }
    if (encryption?.EncryptionOption !== 'SSE_KMS') {
      return fail(control, `results are encrypted with ${encryption?.EncryptionOption ?? 'nothing'}, not SSE_KMS`);
    }
    if (!isKey(encryption.KmsKey, keyArn)) {
      return fail(control, `results are encrypted with ${named(encryption.KmsKey)}, not ${keyArn}`);
    }
    return pass(control, `enforced, SSE_KMS with ${keyArn}`);
  });
}

/** The trail logs, validates its files and encrypts them with the audit key (GetTrailStatus, DescribeTrails). */
export function trailLogging(context: VerifyContext, trailArn: string) {
  const control = 'trail is logging with log file validation';
  return checked(control, async () => {
    const call = (action: string) => ({ action, resource: `trail ${trailArn}`, actor: context.auditor });
    const status = await callAws(call('cloudtrail:GetTrailStatus'), () =>
      context.cloudTrail.send(new GetTrailStatusCommand({ Name: trailArn })),
    );
    const { trailList } = await callAws(call('cloudtrail:DescribeTrails'), () =>
      context.cloudTrail.send(new DescribeTrailsCommand({ trailNameList: [trailArn], includeShadowTrails: false })),
    );
    const trail = trailList?.find((candidate) => candidate.TrailARN === trailArn) ?? trailList?.[0];
    if (status.IsLogging !== true)
      return fail(control, 'the trail is not logging (StopLogging was called, or it never started)');
    if (trail === undefined) return fail(control, 'DescribeTrails does not return the trail');
    if (trail.LogFileValidationEnabled !== true) return fail(control, 'log file validation is off');
    if (!isKey(trail.KmsKeyId, context.auditKeyArn)) {
      return fail(control, `trail files are encrypted with ${named(trail.KmsKeyId)}, not the audit key`);
    }
    if (status.LatestDeliveryError) {
      return fail(control, `the trail's latest delivery to S3 failed: ${status.LatestDeliveryError}`);
    }
    const delivered = status.LatestDeliveryTime ? `; last delivery ${status.LatestDeliveryTime.toISOString()}` : '';
    return pass(
      control,
      `logging, validation on, ${trail.IsMultiRegionTrail ? 'multi-Region' : 'single-Region'}, SSE-KMS with the audit key${delivered}`,
    );
  });
}

type PolicyPrincipal =
  | '*'
  | { readonly Service?: string | readonly string[]; readonly AWS?: string | readonly string[] };

interface TopicPolicyStatement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Principal?: PolicyPrincipal;
  readonly NotPrincipal?: PolicyPrincipal;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

const listOf = <T>(value: T | readonly T[] | undefined): readonly T[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as readonly T[]) : [value as T];

/** An IAM pattern (`*` and `?` wildcards) as a whole-string regular expression. */
function iamPattern(pattern: string, flags = ''): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, flags);
}

/** Whether a statement's Action (or NotAction) covers `action`; IAM matches actions case-insensitively. */
function coversAction(statement: TopicPolicyStatement, action: string): boolean {
  const matches = (pattern: string) => iamPattern(pattern, 'i').test(action);
  if (statement.NotAction !== undefined) return !listOf(statement.NotAction).some(matches);
  return listOf(statement.Action).some(matches);
}

/** Whether a statement's Resource (or NotResource) covers `arn`. */
function coversResource(statement: TopicPolicyStatement, arn: string): boolean {
  const matches = (pattern: string) => iamPattern(pattern).test(arn);
  if (statement.NotResource !== undefined) return !listOf(statement.NotResource).some(matches);
  return listOf(statement.Resource).some(matches);
}

/**
 * Who among those that include CloudWatch a statement lets in: anyone (`*`, `{AWS: "*"}`, or an
 * Allow with NotPrincipal, which is everyone but a few), CloudWatch by name, or neither.
 */
function cloudWatchPrincipal(statement: TopicPolicyStatement): 'anyone' | 'cloudwatch.amazonaws.com' | undefined {
  if (statement.NotPrincipal !== undefined) return 'anyone';
  const principal = statement.Principal;
  if (principal === undefined) return undefined;
  if (principal === '*') return 'anyone';
  if (listOf(principal.AWS).includes('*') || listOf(principal.Service).includes('*')) return 'anyone';
  return listOf(principal.Service).some((service) => service.toLowerCase() === 'cloudwatch.amazonaws.com')
    ? 'cloudwatch.amazonaws.com'
    : undefined;
}

/** The values of a condition key under an operator; IAM reads condition key names case-insensitively. */
function conditionValues(statement: TopicPolicyStatement, operator: string, key: string): readonly string[] {
  const keys = statement.Condition?.[operator] ?? {};
  const found = Object.keys(keys).find((name) => name.toLowerCase() === key.toLowerCase());
  return found === undefined ? [] : listOf(keys[found]);
}

function describeStatement(statement: TopicPolicyStatement, index: number, who: string): string {
  const name = statement.Sid ? `Sid ${JSON.stringify(statement.Sid)}` : `statement ${index + 1} without a Sid`;
  const actions =
    statement.NotAction !== undefined
      ? `NotAction ${listOf(statement.NotAction).join(', ')}`
      : listOf(statement.Action).join(', ');
  const resources =
    statement.NotResource !== undefined
      ? `NotResource ${listOf(statement.NotResource).join(', ')}`
      : `Resource ${listOf(statement.Resource).join(', ')}`;
  return `${name} (${who}, ${actions}, ${resources})`;
}

/**
 * The alarm topic's policy lets CloudWatch publish, scoped to this account's alarms
 * (`aws:SourceAccount`, `aws:SourceArn`), and the topic is encrypted with the audit key (GetTopicAttributes).
 * Every Allow that lets CloudWatch publish counts, not only the one the stack writes: an unscoped
 * statement beside a scoped one (`sns:*`, `Resource: "*"`, `Principal: "*"`) opens the topic to
 * another account's alarms all the same (confused deputy). Its Resource does not matter: in a topic
 * policy, any Resource that applies at all is this topic.
 */
export function alarmTopicPolicy(context: VerifyContext, topicArn: string) {
  const control = "alarm topic's policy lets CloudWatch publish, scoped to this account's alarms";
  return checked(control, async () => {
    const { Attributes: attributes = {} } = await callAws(
      { action: 'sns:GetTopicAttributes', resource: `topic ${topicArn}`, actor: context.auditor },
      () => context.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn })),
    );
    const [, partition, , region, account] = topicArn.split(':');
    const alarmArnPrefix = `arn:${partition}:cloudwatch:${region}:${account}:alarm:`;
    const statements = listOf(
      (
        JSON.parse(attributes.Policy ?? '{"Statement":[]}') as {
          Statement?: TopicPolicyStatement | TopicPolicyStatement[];
        }
      ).Statement,
    );
    const publishers = statements.flatMap((statement, index) => {
      const who = cloudWatchPrincipal(statement);
      return statement.Effect === 'Allow' && who !== undefined && coversAction(statement, 'sns:Publish')
        ? [{ statement, index, who }]
        : [];
    });
    if (!publishers.some(({ statement }) => coversResource(statement, topicArn))) {
      return fail(
        control,
        'no statement allows cloudwatch.amazonaws.com sns:Publish on the topic: every alarm is silent',
      );
    }
    const isScoped = (statement: TopicPolicyStatement) => {
      const sourceAccount = conditionValues(statement, 'StringEquals', 'aws:SourceAccount');
      // Both operators must hold where both are given, so either one that names only this account's alarms scopes it.
      const sourceArns = ['ArnLike', 'ArnEquals'].map((operator) =>
        conditionValues(statement, operator, 'aws:SourceArn'),
      );
      return (
        sourceAccount.length === 1 &&
        sourceAccount[0] === account &&
        sourceArns.some((arns) => arns.length > 0 && arns.every((arn) => arn.startsWith(alarmArnPrefix)))
      );
    };
    const unscoped = publishers.filter(({ statement }) => !isScoped(statement));
    if (unscoped.length > 0) {
      return fail(
        control,
        `CloudWatch may publish without aws:SourceAccount ${account} and an aws:SourceArn of this account's alarms (confused deputy), through ${unscoped
          .map(({ statement, index, who }) =>
            describeStatement(statement, index, who === 'anyone' ? 'any principal' : who),
          )
          .join('; ')}`,
      );
    }
    if (!isKey(attributes.KmsMasterKeyId, context.auditKeyArn)) {
      return fail(control, `the topic is encrypted with ${named(attributes.KmsMasterKeyId)}, not the audit key`);
    }
    return pass(
      control,
      `sns:Publish for cloudwatch.amazonaws.com with aws:SourceAccount ${account} and aws:SourceArn ${alarmArnPrefix}*; encrypted with the audit key`,
    );
  });
}

/** `trades/dt=<day>/` for today and yesterday (UTC): where the newest trade object is. */
export function recentTradePrefixes(now: Date): string[] {
  const day = (offset: number) => new Date(now.getTime() - offset * 86_400_000).toISOString().slice(0, 10);
  return [0, 1].map((offset) => `${TRADES_PREFIX}${PARTITION_COLUMN}=${day(offset)}/`);
}

/**
 * The newest object under today's and yesterday's `trades/dt=` prefixes is SSE-KMS with the data key
 * and the Bucket Key (ListObjectsV2, HeadObject). As the data engineer: the auditor reads no trade.
 */
export function newestTradeObject(context: VerifyContext, bucket: string, keyArn: string, now: Date) {
  const control = 'newest trade object is SSE-KMS with the data key';
  return checked(control, async () => {
    const { engineer } = context;
    if (engineer instanceof CliError) throw engineer;
    const prefixes = recentTradePrefixes(now);
    let newest: { key: string; lastModified: Date } | undefined;
    for (const prefix of prefixes) {
      await callAws(
        { action: 's3:ListBucket', resource: `bucket ${bucket} prefix ${prefix}`, actor: engineer.actor },
        async () => {
          for await (const page of paginateListObjectsV2(
            { client: engineer.s3 },
            { Bucket: bucket, Prefix: prefix },
          ) as AsyncIterable<ListObjectsV2CommandOutput>) {
            for (const object of page.Contents ?? []) {
              if (
                object.Key &&
                object.LastModified &&
                (newest === undefined || object.LastModified > newest.lastModified)
              ) {
                newest = { key: object.Key, lastModified: object.LastModified };
              }
            }
          }
        },
      );
    }
    if (newest === undefined) {
      return skip(
        control,
        `no trade object under ${prefixes.join(' or ')}: send some (trades produce) and run verify again`,
      );
    }
    const found = newest;
    const head = await callAws({ action: 's3:GetObject', resource: `object ${found.key}`, actor: engineer.actor }, () =>
      engineer.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: found.key })),
    );
    const what = `${found.key} (${found.lastModified.toISOString()})`;
    if (head.ServerSideEncryption !== 'aws:kms') {
      return fail(control, `${what} is encrypted with ${head.ServerSideEncryption ?? 'nothing'}, not aws:kms`);
    }
    if (!isKey(head.SSEKMSKeyId, keyArn))
      return fail(control, `${what} is encrypted with ${named(head.SSEKMSKeyId)}, not the data key`);
    if (head.BucketKeyEnabled !== true) return fail(control, `${what} was written without the S3 Bucket Key`);
    return pass(control, `${what}: aws:kms with the data key, Bucket Key`);
  });
}
