import { runTrades } from '../cli/program';

/** The operator CLI `trades` (docs/cli.md). bin/trades.cjs runs this file through tsx. */
runTrades(process.argv.slice(2)).then((code) => {
  // exitCode rather than exit(): stdout may still be draining into a pipe.
  process.exitCode = code;
});
