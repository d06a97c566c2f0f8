import { confirm } from '@inquirer/prompts';
import type { Output } from '../output/output';

/**
 * Asks a yes/no question on the terminal (stderr, so stdout stays the result), `no` by default.
 * Returns undefined when there is no terminal to ask on (a pipe, a script): the caller then requires
 * `--yes`. Ctrl+C answers no.
 */
export async function askToConfirm(output: Output, message: string): Promise<boolean | undefined> {
  if (!(process.stdin.isTTY && output.stderr.isTTY)) return undefined;
  try {
    return await confirm({ message, default: false }, { output: output.stderr as NodeJS.WritableStream });
  } catch (error) {
    if (error instanceof Error && error.name === 'ExitPromptError') return false;
    throw error;
  }
}
