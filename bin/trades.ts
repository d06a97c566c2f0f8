import { runTrades } from '../cli/program';

/** The operator CLI `trades` (docs/cli.md). bin/trades.cjs runs this file through tsx. */

// A reader that stops early (`trades produce --dry-run … | head`) closes the pipe: that ends the
// output, it is not a failure of the command.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

runTrades(process.argv.slice(2)).then((code) => {
  // exitCode rather than exit(): stdout may still be draining into a pipe.
  process.exitCode = code;
});
