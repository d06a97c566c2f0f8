/**
 * Where `trades` writes. Results (tables, JSON, the JSON Lines of a dry run) go to stdout, so a
 * script can pipe them; progress, notices and errors go to stderr. Tests pass streams of their own.
 */

/** The part of a writable stream the CLI uses; `isTTY` decides whether progress is drawn. */
export interface OutputStream {
  write(chunk: string | Uint8Array): unknown;
  readonly isTTY?: boolean;
}

export interface Output {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
}

export function processOutput(): Output {
  return { stdout: process.stdout, stderr: process.stderr };
}

/** A line on stderr: what the command is doing, for the person watching. */
export function notice(output: Output, text: string): void {
  output.stderr.write(`${text}\n`);
}
