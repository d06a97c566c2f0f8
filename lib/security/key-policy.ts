import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';

/**
 * Building blocks of the hand-written key policies (docs/design.md §2). A key in this app trusts nobody by
 * default: no statement delegates usage to the account, so an IAM policy that says `kms:*` on `*`
 * grants nothing on these keys.
 */

/** Administration without usage: explicit actions, never `kms:*`, never CreateGrant. */
export const KEY_ADMIN_ACTIONS = [
  'kms:Describe*',
  'kms:Enable*',
  'kms:Disable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Get*',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
] as const;

/** The key usage actions; only the principals of docs/design.md §3 and the named service principals get them. */
export const KEY_USAGE_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'] as const;

/** AWS services through which a principal may use a key (`kms:ViaService`). */
export type ViaService = 's3' | 'kinesis';

/** The `kms:ViaService` value for a service in this stack's Region. */
export function viaService(scope: Stack, service: ViaService): string {
  return `${service}.${scope.region}.amazonaws.com`;
}

/** The statement that lets the administrators administer (never use) a key. */
export function keyAdministrationStatement(administrators: readonly iam.IPrincipal[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'KeyAdministration',
    principals: [...administrators],
    actions: [...KEY_ADMIN_ACTIONS],
    // In a key policy, "*" means this key and nothing else.
    resources: ['*'],
  });
}

/**
 * Denies `kms:CreateGrant` to everyone unless an AWS service integrated with KMS asks for an AWS
 * resource, or an AWS service principal asks itself (Control Tower CT.KMS.PV.1 / CT.KMS.PR.3). A grant
 * is a second path to key usage that no key policy statement shows; nobody here is allowed to create
 * one anyway, and this keeps it so should an administrator statement ever gain `kms:CreateGrant`.
 */
export function denyGrantsExceptForAwsResourcesStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyGrantsExceptForAwsResources',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    // In a key policy, "*" means this key and nothing else.
    resources: ['*'],
    // Both keys in one block: denied when the grant is not for an AWS resource AND the caller is not an
    // AWS service. IfExists, so a request that lacks a key is treated as not from a service.
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  });
}

/**
 * Denies `kms:ScheduleKeyDeletion` to everyone, key administrators and the deploy role included. Under
 * compliance retention a locked version outlives any request to delete it, but not its key: once
 * deleted, the key takes every record it encrypts with it (docs/design.md §9). The Deny lasts as long as the
 * key policy holds it; the organization's SCP (docs/retention.md) is what no key administrator can edit.
 */
export function denyKeyDeletionStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyKeyDeletionUnderComplianceRetention',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:ScheduleKeyDeletion'],
    // In a key policy, "*" means this key and nothing else.
    resources: ['*'],
  });
}

/** How a principal reaches a key: through which service, and for which resource's encryption context. */
export interface KeyUseOptions {
  /** The service that calls KMS on the principal's behalf; the statement requires `kms:ViaService`. */
  readonly via: ViaService;
  /** Encryption context entries the request must carry exactly (e.g. `aws:kinesis:arn`). @default none */
  readonly encryptionContext?: Record<string, string>;
}

/**
 * Grants a principal the use of a key through one service, in both places KMS looks: the key policy
 * (which alone decides, because no statement delegates to the account) and the principal's identity
 * policy (so the intent is visible on the role too). Both halves in one call, so they cannot drift.
 */
export function grantKeyUse(
  key: kms.Key,
  grantee: iam.IGrantable,
  actions: readonly string[],
  options: KeyUseOptions,
): iam.Grant {
  const stack = Stack.of(key);
  const stringEquals: Record<string, string> = {
    'kms:ViaService': viaService(stack, options.via),
    'kms:CallerAccount': stack.account,
  };
  for (const [name, value] of Object.entries(options.encryptionContext ?? {})) {
    stringEquals[`kms:EncryptionContext:${name}`] = value;
  }
  return iam.Grant.addToPrincipalAndResource({
    grantee,
    actions: [...actions],
    resourceArns: [key.keyArn],
    resource: key,
    // In a key policy, "*" means this key and nothing else.
    resourceSelfArns: ['*'],
    conditions: { StringEquals: stringEquals },
  });
}

/**
 * What a key's configuration shows an auditor: whether it is enabled, its state, and whether it
 * rotates. Metadata only: neither action touches key material or lets anyone else use it.
 */
export const KEY_DESCRIBE_ACTIONS = ['kms:DescribeKey', 'kms:GetKeyRotationStatus'] as const;

/**
 * Grants a principal {@link KEY_DESCRIBE_ACTIONS} on a key, in the key policy (which alone decides)
 * and in its identity policy, as grantKeyUse does for usage. No `kms:ViaService`: these are direct
 * calls (`trades verify`), and they read nothing a condition would need to protect.
 */
export function grantKeyDescribe(key: kms.Key, grantee: iam.IGrantable): iam.Grant {
  return iam.Grant.addToPrincipalAndResource({
    grantee,
    actions: [...KEY_DESCRIBE_ACTIONS],
    resourceArns: [key.keyArn],
    resource: key,
    // In a key policy, "*" means this key and nothing else.
    resourceSelfArns: ['*'],
  });
}

/** A customer managed key that S3 uses for a principal (DataKey, AuditKey). */
export interface S3EncryptionKey {
  readonly key: kms.Key;
  grantEncryptViaS3(grantee: iam.IGrantable): iam.Grant;
  grantDecryptViaS3(grantee: iam.IGrantable): iam.Grant;
}
