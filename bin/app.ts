#!/usr/bin/env node
import { writeSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { ConfigError, ConfigErrors, loadConfig, type TradingDataLakeConfig } from '../lib/config';
import { resourceNames } from '../lib/names';
import { TradingDataLakeStack } from '../lib/trading-data-lake-stack';

const app = new App();

/**
 * A configuration mistake is the user's to fix, not a defect: it prints the message alone (no stack
 * trace, no source excerpt) and ends synth with exit code 1. Anything else is thrown as it is.
 */
function configOrExit(): TradingDataLakeConfig {
  try {
    return loadConfig(app.node.getAllContext());
  } catch (error) {
    if (!(error instanceof ConfigErrors || error instanceof ConfigError)) throw error;
    // Synchronous, so that the whole message is out before the process exits.
    writeSync(2, `${error.message}\n`);
    process.exit(1);
  }
}

const config = configOrExit();

// aws-cdk-lib announces each function it bundles on stderr ("Bundling asset …/Code/Stage..."), which
// `cdk synth -q` cannot silence: drop those lines alone, so a quiet synth prints nothing but errors
// (esbuild's warnings and errors still show).
const writeStderr = process.stderr.write;
process.stderr.write = ((chunk: unknown, ...rest: unknown[]) =>
  String(chunk).startsWith('Bundling asset ')
    ? true
    : writeStderr.call(process.stderr, chunk as string, ...(rest as []))) as typeof writeStderr;

new TradingDataLakeStack(app, resourceNames(config.stage).stackName, {
  config,
  // Environment-agnostic unless the CLI names an account: synth needs no credentials.
  env:
    process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
      ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
      : undefined,
  description: `trading-data-lake (${config.stage}): secure, audited data lake for trade events`,
});
