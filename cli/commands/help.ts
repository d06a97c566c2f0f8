import type { RoleOutputName } from '../aws/stack-outputs';

/** The help paragraph that says which role a command acts as, and for what. */
export function roleHelp(roleOutput: RoleOutputName, forWhat: string): string {
  return `
Role: assumes the stack's role from output ${roleOutput} (${forWhat}), or the role of --role-arn.`;
}
