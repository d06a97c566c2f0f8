import {
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  GetKeyRotationStatusCommand,
  type KMSClient,
  ListAliasesCommand,
} from '@aws-sdk/client-kms';
import { type Actor, CliError, callAws } from '../errors';
import { EXIT } from '../exit-codes';

/** The two customer managed keys of the stack (docs/design.md §2). */
export type KeyName = 'data' | 'audit';
export const KEY_NAMES: readonly KeyName[] = ['data', 'audit'];
export type KeyChoice = KeyName | 'both';
export const KEY_CHOICES: readonly KeyChoice[] = ['data', 'audit', 'both'];

export function keysOf(choice: KeyChoice): readonly KeyName[] {
  return choice === 'both' ? KEY_NAMES : [choice];
}

/** A key of the stack, found by its stack output (KeyArn, AuditKeyArn). */
export interface StackKey {
  readonly name: KeyName;
  readonly arn: string;
}

/** What `trades key status` shows of a key. */
export interface KeyState {
  readonly name: KeyName;
  readonly arn: string;
  readonly alias?: string;
  /** KMS's KeyState: Enabled, Disabled, PendingDeletion, ... */
  readonly state: string;
  readonly rotation?: boolean;
  readonly rotationPeriodDays?: number;
  readonly nextRotation?: Date;
  /** When a key pending deletion will be deleted. */
  readonly deletionDate?: Date;
}

/** The KMS calls of `trades key`, made with the caller's own credentials: a key administrator's. */
export interface KeyAdministration {
  readonly kms: KMSClient;
  readonly actor: Actor;
}

const WHO_ADMINISTERS =
  ' Only the key administrators the key policy names may (cdk.json keyAdminPrincipals; in dev without any, IAM principals of the account allowed kms:* by their own policy). No role of the stack can: run trades key with your own credentials as one of them (--profile).';

/** Runs a KMS call on a key; an access denial says who administers the keys. */
async function onKey<T>(admin: KeyAdministration, action: string, key: StackKey, send: () => Promise<T>): Promise<T> {
  try {
    return await callAws({ action, resource: `the ${key.name} key ${key.arn}`, actor: admin.actor }, send);
  } catch (error) {
    if (error instanceof CliError && error.exitCode === EXIT.ACCESS_DENIED) {
      throw new CliError(`${error.message}${WHO_ADMINISTERS}`, EXIT.ACCESS_DENIED, { cause: error.cause });
    }
    throw error;
  }
}

export async function readKeyState(admin: KeyAdministration, key: StackKey): Promise<KeyState> {
  const { kms } = admin;
  const described = await onKey(admin, 'kms:DescribeKey', key, () =>
    kms.send(new DescribeKeyCommand({ KeyId: key.arn })),
  );
  const metadata = described.KeyMetadata;
  const rotation = await onKey(admin, 'kms:GetKeyRotationStatus', key, () =>
    kms.send(new GetKeyRotationStatusCommand({ KeyId: key.arn })),
  );
  const aliases = await onKey(admin, 'kms:ListAliases', key, () =>
    kms.send(new ListAliasesCommand({ KeyId: key.arn })),
  );
  return {
    name: key.name,
    arn: key.arn,
    alias: aliases.Aliases?.[0]?.AliasName,
    state: metadata?.KeyState ?? 'Unknown',
    rotation: rotation.KeyRotationEnabled,
    rotationPeriodDays: rotation.RotationPeriodInDays,
    nextRotation: rotation.NextRotationDate,
    deletionDate: metadata?.DeletionDate,
  };
}

export async function disableKey(admin: KeyAdministration, key: StackKey): Promise<void> {
  await onKey(admin, 'kms:DisableKey', key, () => admin.kms.send(new DisableKeyCommand({ KeyId: key.arn })));
}

export async function enableKey(admin: KeyAdministration, key: StackKey): Promise<void> {
  await onKey(admin, 'kms:EnableKey', key, () => admin.kms.send(new EnableKeyCommand({ KeyId: key.arn })));
}
