/**
 * The exit codes of `trades`, the contract with the scripts that run it (docs/cli.md lists them).
 * Each says what the caller can do next: fix the command (2), fix the AWS setup (3), get access (4),
 * try again later (5), or look at what failed (1).
 */
export const EXIT = {
  /** The command did its job. */
  OK: 0,
  /** The command ran and something it checked or did failed: a control, a record not accepted. */
  FAILED: 1,
  /** The command line is wrong: an unknown command or option, a value out of range. */
  USAGE: 2,
  /** The AWS setup is missing something: credentials, a Region, the stack, one of its outputs. */
  AWS_SETUP: 3,
  /** AWS refused an action to the caller or to the role the command assumed. */
  ACCESS_DENIED: 4,
  /** AWS throttled the command beyond its retries: run it again later, or slower. */
  THROTTLED: 5,
  /** A defect of `trades` itself (sysexits' EX_SOFTWARE): the message carries a stack trace. */
  INTERNAL: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
