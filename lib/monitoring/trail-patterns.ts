import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * CloudWatch Logs filter patterns over the CloudTrail events the trail delivers to its log group, and
 * what an alarm on each means. Patterns are data, kept apart from the construct so that tests can
 * evaluate each one against sample CloudTrail events.
 */

/** A metric filter on the trail's log group and the alarm on its metric. */
export interface TrailAlarmDefinition {
  /** Metric name in the stage's namespace; also the alarm's name suffix. */
  readonly metricName: string;
  /** The filter pattern, as CloudWatch Logs receives it (it may hold tokens). */
  readonly pattern: string;
  /** Matching events per 5 minutes that put the alarm in ALARM. */
  readonly threshold: number;
  /** What the alarm means and what to do: the alarm's description. */
  readonly description: string;
}

/**
 * The CIS AWS Foundations Benchmark filters as the Security Hub controls CloudWatch.1–.14 write them
 * in their remediation text (the spaced form; the CIS benchmark's own text writes some without
 * spaces around `||`, and published copies differ). Security Hub checks the filter's terms ("Additional
 * fields or terms cannot be added to the metric filters"), so none is scoped to this stack: they are
 * account-wide on purpose, as CIS asks who did what anywhere in the account. Which spacing Security
 * Hub's check accepts is proven only in an account (README first-deploy checklist, item 16); the test
 * beside this file pins these strings against an accidental edit, not against Security Hub.
 *
 * Unquoted values with dots (`kms.amazonaws.com`) are how Security Hub writes them, although the
 * CloudWatch Logs guide asks for quotes around non-alphanumeric strings; CloudWatch accepts both.
 */
export const CIS_PATTERNS = {
  /** CIS 4.1 (v1.2: 3.1), Security Hub CloudWatch.2. */
  unauthorizedApiCalls: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
  /** CIS 4.3 (v1.2: 1.1, 3.3), Security Hub CloudWatch.1. */
  rootAccountUsage:
    '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
  /** CIS 4.4 (v1.2: 3.4), Security Hub CloudWatch.4. */
  iamPolicyChanges:
    '{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}',
  /** CIS 4.5 (v1.2: 3.5), Security Hub CloudWatch.5. */
  cloudTrailChanges:
    '{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}',
  /** CIS 4.7 (v1.2: 3.7), Security Hub CloudWatch.7. */
  customerKeyDisabledOrScheduledForDeletion:
    '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}',
  /** CIS 4.8 (v1.2: 3.8), Security Hub CloudWatch.8. */
  bucketPolicyChanges:
    '{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}',
} as const;

/**
 * The CIS alarms. Every threshold is CIS's (one event in 5 minutes) except unauthorized calls: the
 * console probes optional permissions and fails quietly (CIS itself warns of it), and this stack's
 * strict key and bucket policies deny by design, so one denial is noise; five in 5 minutes is a
 * pattern (a misconfigured caller, or someone probing) worth a look. Security Hub checks the
 * pattern, the alarm and its topic, not the threshold.
 */
export const CIS_ALARMS: readonly TrailAlarmDefinition[] = [
  {
    metricName: 'CIS-4.1-UnauthorizedApiCalls',
    pattern: CIS_PATTERNS.unauthorizedApiCalls,
    threshold: 5,
    description:
      'CIS 4.1 (Security Hub CloudWatch.2): at least 5 API calls in the account were denied (AccessDenied*, *UnauthorizedOperation) within 5 minutes. Find the caller and action in the audit workgroup; a role probing for access it lacks is an incident.',
  },
  {
    metricName: 'CIS-4.3-RootAccountUsage',
    pattern: CIS_PATTERNS.rootAccountUsage,
    threshold: 1,
    description:
      'CIS 4.3 (Security Hub CloudWatch.1): the account root user made a call itself (not through an AWS service). Confirm with the account owner that it was planned; otherwise rotate the root credentials and treat the account as compromised.',
  },
  {
    metricName: 'CIS-4.4-IamPolicyChanges',
    pattern: CIS_PATTERNS.iamPolicyChanges,
    threshold: 1,
    description:
      'CIS 4.4 (Security Hub CloudWatch.4): an IAM policy was created, changed, attached or detached in the account. Expected during a cdk deploy that changes a role; otherwise find who changed which policy and why.',
  },
  {
    metricName: 'CIS-4.5-CloudTrailChanges',
    pattern: CIS_PATTERNS.cloudTrailChanges,
    threshold: 1,
    description:
      'CIS 4.5 (Security Hub CloudWatch.5): a CloudTrail trail was created, updated, deleted, started or stopped in the account. Expected during a deploy that changes the trail; a StopLogging or DeleteTrail otherwise is an attempt to work unrecorded.',
  },
  {
    metricName: 'CIS-4.7-CustomerKeyDisabledOrScheduledForDeletion',
    pattern: CIS_PATTERNS.customerKeyDisabledOrScheduledForDeletion,
    threshold: 1,
    description:
      'CIS 4.7 (Security Hub CloudWatch.7): a customer managed KMS key in the account was disabled or scheduled for deletion; everything it encrypts becomes unreadable. Cancel the deletion (kms cancel-key-deletion) within the 30-day window unless it was planned.',
  },
  {
    metricName: 'CIS-4.8-BucketPolicyChanges',
    pattern: CIS_PATTERNS.bucketPolicyChanges,
    threshold: 1,
    description:
      'CIS 4.8 (Security Hub CloudWatch.8): an S3 bucket policy, ACL, CORS, lifecycle or replication configuration was changed in the account. Expected during a deploy that changes a bucket; otherwise check the bucket is still private and TLS-only.',
  },
];

/** The KMS calls that change who may use a key, or destroy it. */
export const STACK_KEY_EVENTS = ['PutKeyPolicy', 'CreateGrant', 'DisableKey', 'ScheduleKeyDeletion'] as const;

/**
 * PutKeyPolicy, CreateGrant, DisableKey and ScheduleKeyDeletion on one of the given keys only: AWS
 * services call CreateGrant on other keys of the account all the time. The key is matched by
 * `resources[0].ARN`, which CloudTrail fills with the key ARN in every KMS event; the request's
 * `keyId` holds whatever the caller passed (a key id in AWS's PutKeyPolicy example, an ARN in its
 * CreateGrant example). The ARNs may be tokens: CloudFormation joins them into the pattern at deploy.
 */
export function stackKeyChangePattern(keyArns: readonly string[]): string {
  if (keyArns.length === 0) throw new Error('stackKeyChangePattern: name at least one key');
  return logs.FilterPattern.all(
    logs.FilterPattern.stringValue('$.eventSource', '=', 'kms.amazonaws.com'),
    logs.FilterPattern.any(
      ...STACK_KEY_EVENTS.map((event) => logs.FilterPattern.stringValue('$.eventName', '=', event)),
    ),
    logs.FilterPattern.any(...keyArns.map((arn) => logs.FilterPattern.stringValue('$.resources[0].ARN', '=', arn))),
  ).logPatternString;
}

/** S3 requests on one of the given buckets (their names may be tokens). */
function onBuckets(bucketNames: readonly string[]): logs.JsonPattern {
  if (bucketNames.length === 0) throw new Error('records-retention patterns: name at least one bucket');
  return logs.FilterPattern.any(
    ...bucketNames.map((name) => logs.FilterPattern.stringValue('$.requestParameters.bucketName', '=', name)),
  );
}

const s3Event = (eventName: string) =>
  logs.FilterPattern.all(
    logs.FilterPattern.stringValue('$.eventSource', '=', 's3.amazonaws.com'),
    logs.FilterPattern.stringValue('$.eventName', '=', eventName),
  );

/**
 * Object Lock's default retention changed on a records bucket. `PutObjectLockConfiguration` is a
 * bucket-level call, a management event: the trail records it for every bucket of the account.
 */
export function objectLockConfigurationPattern(bucketNames: readonly string[]): string {
  return logs.FilterPattern.all(s3Event('PutObjectLockConfiguration'), onBuckets(bucketNames)).logPatternString;
}

/**
 * A legal hold placed on or lifted from an object of a records bucket. `PutObjectLegalHold` is an
 * object-level call, an S3 data event: the trail records it only for buckets in its data-event
 * selectors.
 */
export function legalHoldPattern(bucketNames: readonly string[]): string {
  return logs.FilterPattern.all(s3Event('PutObjectLegalHold'), onBuckets(bucketNames)).logPatternString;
}

/** The request header that overrides governance-mode retention. */
export const BYPASS_GOVERNANCE_HEADER = 'x-amz-bypass-governance-retention';

/**
 * Any request on a records bucket that carries `x-amz-bypass-governance-retention: true`: a
 * DeleteObject(s) or PutObjectRetention that shortens or removes governance retention. These are
 * object-level calls, S3 data events, recorded only for buckets in the trail's data-event selectors.
 * S3 records request headers under `requestParameters` (as it does the SSE headers of PutObject);
 * whether this one lands there or in `additionalEventData`, and as the string "true" or a JSON
 * boolean, AWS does not document: the pattern accepts all four, and the first-deploy checklist
 * has a governance bypass made on purpose to see which it is.
 */
export function governanceBypassPattern(bucketNames: readonly string[]): string {
  const header = (field: 'requestParameters' | 'additionalEventData') => `$.${field}.${BYPASS_GOVERNANCE_HEADER}`;
  return logs.FilterPattern.all(
    logs.FilterPattern.stringValue('$.eventSource', '=', 's3.amazonaws.com'),
    logs.FilterPattern.any(
      logs.FilterPattern.stringValue(header('requestParameters'), '=', 'true'),
      logs.FilterPattern.booleanValue(header('requestParameters'), true),
      logs.FilterPattern.stringValue(header('additionalEventData'), '=', 'true'),
      logs.FilterPattern.booleanValue(header('additionalEventData'), true),
    ),
    onBuckets(bucketNames),
  ).logPatternString;
}

/**
 * The records-retention alarms (docs/design.md §9): each fires on a single event, because each is a change
 * to what the books-and-records rules protect and is rare by nature.
 */
export function recordsRetentionAlarms(bucketNames: readonly string[]): TrailAlarmDefinition[] {
  return [
    {
      metricName: 'ObjectLockConfigurationChanges',
      pattern: objectLockConfigurationPattern(bucketNames),
      threshold: 1,
      description:
        "Object Lock's configuration of a records bucket (lake, failed batches, trail) was changed (PutObjectLockConfiguration). The first deploy with recordsRetention set causes one; any other may weaken the default retention of every new object: run trades verify at once: it compares each bucket's configuration with recordsRetention.",
    },
    {
      metricName: 'LegalHoldChanges',
      pattern: legalHoldPattern(bucketNames),
      threshold: 1,
      description:
        'A legal hold was placed on or lifted from an object of a records bucket (PutObjectLegalHold). Expected when a data engineer runs `trades hold set|clear`; confirm the request, and treat a lifted hold nobody asked for as an incident.',
    },
    {
      metricName: 'GovernanceRetentionBypassed',
      pattern: governanceBypassPattern(bucketNames),
      threshold: 1,
      description:
        'A request on a records bucket overrode governance-mode retention (x-amz-bypass-governance-retention): a locked trade, failed batch or trail file may have been deleted or its retention shortened. Find the caller and objects in the audit workgroup now; only key administrators may bypass.',
    },
  ];
}
