import type { VerifyContext } from './context';
import {
  alarmTopicPolicy,
  bucketEncryption,
  type ControlResult,
  fail,
  keyEnabledAndRotating,
  newestTradeObject,
  skip,
  streamEncryption,
  trailLogging,
  workGroupEncryption,
} from './controls';
import { objectLockControl, objectLockMatchesRetention } from './object-lock';
import { probeUnencryptedPut } from './probe';

/** The deployed resources `trades verify` checks, from the stack's outputs. */
export interface VerifiedStack {
  readonly lakeBucket: string;
  readonly failedBatchBucket: string;
  readonly stream: string;
  readonly analyticsWorkGroup: string;
  readonly engineerWorkGroup: string;
  /** Absent without the stack's own trail (createTrail: false). */
  readonly auditWorkGroup?: string;
  /** Absent without the stack's own trail (createTrail: false). */
  readonly trailArn?: string;
  readonly alarmTopicArn: string;
  /** The stack's RecordsRetention output; absent from a stack an older version deployed. */
  readonly recordsRetention?: string;
  /** Absent without the stack's own trail (createTrail: false), or from a stack an older version deployed. */
  readonly trailBucket?: string;
}

const NO_TRAIL =
  'the stack has no trail of its own (createTrail: false): the organization trail must record this account';

const NO_TRAIL_BUCKET =
  "the stack has no trail bucket (createTrail: false): the organization trail's bucket must be locked for the same guarantee (docs/retention.md)";

/** The trail bucket's lock: SKIP without the stack's own trail; FAIL when the stack does not name the bucket. */
function trailBucketObjectLock(context: VerifyContext, stack: VerifiedStack): Promise<ControlResult> {
  const control = objectLockControl('trail bucket');
  if (stack.trailArn === undefined) return Promise.resolve(skip(control, NO_TRAIL_BUCKET));
  if (stack.trailBucket === undefined) {
    return Promise.resolve(
      fail(
        control,
        'the stack has a trail but no TrailBucketName output (an older version of the app deployed it): deploy the current version and run verify again',
      ),
    );
  }
  return objectLockMatchesRetention(context, stack.trailBucket, 'trail bucket', stack.recordsRetention);
}

/** Every control, in the order `trades verify` prints them; they run at the same time. */
export function runControls(context: VerifyContext, stack: VerifiedStack, now: Date): Promise<ControlResult[]> {
  const { dataKeyArn, auditKeyArn } = context;
  return Promise.all([
    bucketEncryption(context, stack.lakeBucket, 'lake bucket', dataKeyArn),
    bucketEncryption(context, stack.failedBatchBucket, 'failed-batch bucket', dataKeyArn),
    probeUnencryptedPut(context, stack.lakeBucket),
    keyEnabledAndRotating(context, dataKeyArn, 'data key'),
    keyEnabledAndRotating(context, auditKeyArn, 'audit key'),
    streamEncryption(context, stack.stream, dataKeyArn),
    workGroupEncryption(context, stack.analyticsWorkGroup, 'analytics', dataKeyArn),
    workGroupEncryption(context, stack.engineerWorkGroup, "data engineers'", dataKeyArn),
    stack.auditWorkGroup === undefined
      ? Promise.resolve(skip('audit workgroup is enforced, results SSE_KMS with the audit key', NO_TRAIL))
      : workGroupEncryption(context, stack.auditWorkGroup, 'audit', auditKeyArn),
    stack.trailArn === undefined
      ? Promise.resolve(skip('trail is logging with log file validation', NO_TRAIL))
      : trailLogging(context, stack.trailArn),
    alarmTopicPolicy(context, stack.alarmTopicArn),
    newestTradeObject(context, stack.lakeBucket, dataKeyArn, now),
    objectLockMatchesRetention(context, stack.lakeBucket, 'lake bucket', stack.recordsRetention),
    objectLockMatchesRetention(context, stack.failedBatchBucket, 'failed-batch bucket', stack.recordsRetention),
    trailBucketObjectLock(context, stack),
  ]);
}
