import type { VerifyContext } from './context';
import {
  alarmTopicPolicy,
  bucketEncryption,
  type ControlResult,
  keyEnabledAndRotating,
  newestTradeObject,
  skip,
  streamEncryption,
  trailLogging,
  workGroupEncryption,
} from './controls';
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
}

const NO_TRAIL =
  'the stack has no trail of its own (createTrail: false): the organization trail must record this account';

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
  ]);
}
