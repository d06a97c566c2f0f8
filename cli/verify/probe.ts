import { PutObjectCommand } from '@aws-sdk/client-s3';
import { VERIFY_PROBE_KEY } from '../../schema/layout';
import { type Actor, explainAwsError } from '../errors';
import type { VerifyContext } from './context';
import { type ControlResult, fail, pass } from './controls';

export const PROBE_CONTROL = "lake bucket's policy refuses an unencrypted PutObject";

/**
 * The ETag the probe's If-Match names. No object is ever stored under the probe key, so there is
 * none to match: a request that got past authorization would end at the precondition, not in a write.
 */
export const NEVER_MATCHING_ETAG = '"00000000000000000000000000000000"';

interface S3ErrorShape {
  readonly name?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/**
 * The policy type S3 names in an AccessDenied message ("… with an explicit deny in a service control
 * policy", "… because no permissions boundary allows the s3:PutObject action"), or undefined when the
 * message gives none ("Access Denied"): S3 says why only for requests from the bucket owner's own
 * account or organization ("Access denied message examples", Amazon S3 User Guide).
 */
export function deniedBy(
  message: string,
): { readonly deny: 'explicit' | 'implicit'; readonly policy: string } | undefined {
  const explicit = /with an explicit deny in (?:an? )?(.+?)(?:[.:;]|$)/i.exec(message);
  if (explicit) return { deny: 'explicit', policy: explicit[1].trim() };
  const implicit = /because no (.+?) allows\b/i.exec(message);
  if (implicit) return { deny: 'implicit', policy: implicit[1].trim() };
  return undefined;
}

const INCONCLUSIVE =
  "the probe is inconclusive, so the bucket policy's Deny (DenyPutObjectWithoutSseKms) is not proven: look at the bucket policy and at what refused the request";

/**
 * What S3's answer to the probe says about the bucket policy. S3 authorizes before it checks a
 * precondition: a 404 or 412 means the request was authorized and stopped only by If-Match, so the
 * Deny does not hold. A 403 proves the Deny only when S3 says an explicit deny in a resource-based
 * policy refused it: a Deny elsewhere (an SCP, a permissions boundary, the auditor's own policies), a
 * signature or clock error, or an AccessDenied without a reason would refuse the probe just the same
 * with the bucket policy's Deny removed, so each is a FAIL an operator must look at, never a PASS.
 */
export function judgeProbe(
  outcome: { readonly stored: true } | { readonly error: unknown },
  actor: Actor,
): ControlResult {
  if ('stored' in outcome) {
    return fail(
      PROBE_CONTROL,
      `S3 stored an object at ${VERIFY_PROBE_KEY} without encryption headers: the bucket policy's Deny and the If-Match precondition both failed. Delete the object and check the bucket policy (DenyPutObjectWithoutSseKms).`,
    );
  }
  const error = outcome.error as S3ErrorShape;
  const status = error.$metadata?.httpStatusCode;
  const said = `${error.name ?? 'an error'}${error.message ? `: ${error.message}` : ''}`;
  if (status === 403) {
    const message = error.message ?? '';
    const name = error.name ?? 'an error';
    if (/^KMS/.test(name) || /\bkms:/i.test(message)) {
      return fail(
        PROBE_CONTROL,
        `the request got past the bucket policy and only KMS refused it: the Deny does not hold. S3 said ${said}`,
      );
    }
    if (name !== 'AccessDenied') {
      return fail(
        PROBE_CONTROL,
        `403 ${name} is not an authorization answer (a signature, credential, clock or account error comes before any policy): ${INCONCLUSIVE}. S3 said ${said}`,
      );
    }
    const by = deniedBy(message);
    if (by === undefined) {
      return fail(PROBE_CONTROL, `403 AccessDenied, but S3 gave no reason: ${INCONCLUSIVE}. S3 said ${said}`);
    }
    if (by.deny === 'explicit' && /^resource-based policy$/i.test(by.policy)) {
      return pass(PROBE_CONTROL, '403 AccessDenied (an explicit Deny in the bucket policy); nothing was written');
    }
    if (by.deny === 'implicit' && /^identity-based policy$/i.test(by.policy)) {
      return fail(
        PROBE_CONTROL,
        `403 for want of an IAM Allow, which proves nothing about the bucket policy: the auditor's probe grant (PutObject on ${VERIFY_PROBE_KEY}) is missing; deploy the current version of the app. S3 said ${said}`,
      );
    }
    const refusal =
      by.deny === 'explicit'
        ? `from an explicit deny in ${/^[aeiou]/i.test(by.policy) ? 'an' : 'a'} ${by.policy}`
        : `because no ${by.policy} allows the request`;
    return fail(PROBE_CONTROL, `403 AccessDenied ${refusal}, not the bucket policy: ${INCONCLUSIVE}. S3 said ${said}`);
  }
  if (status === 404 || status === 412) {
    return fail(
      PROBE_CONTROL,
      `S3 answered ${status} ${error.name ?? 'an error'}: the unencrypted request was authorized and stopped only by its If-Match precondition, so the bucket policy does not deny it (nothing was written).`,
    );
  }
  if (status !== undefined) return fail(PROBE_CONTROL, `unexpected answer to the probe (${status}): ${said}`);
  // No answer from S3 at all (credentials, network): the message a person can act on, or a defect.
  const explained = explainAwsError(outcome.error, {
    action: 's3:PutObject',
    resource: `probe ${VERIFY_PROBE_KEY}`,
    actor,
  });
  if (explained === undefined) throw outcome.error;
  return fail(PROBE_CONTROL, explained.message);
}

/**
 * Sends the probe: PutObject of nothing to the probe key, without encryption headers, with If-Match
 * on an ETag no object has. Never a write: see lib/raw-zone/lake-bucket.ts, grantUnencryptedPutProbe.
 */
export async function probeUnencryptedPut(context: VerifyContext, bucket: string): Promise<ControlResult> {
  try {
    await context.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: VERIFY_PROBE_KEY, Body: '', IfMatch: NEVER_MATCHING_ETAG }),
    );
    return judgeProbe({ stored: true }, context.auditor);
  } catch (error) {
    return judgeProbe({ error }, context.auditor);
  }
}
