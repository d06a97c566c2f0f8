#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { loadConfig } from '../lib/config';
import { resourceNames } from '../lib/names';
import { TradingDataLakeStack } from '../lib/trading-data-lake-stack';

const app = new App();
const config = loadConfig((key) => app.node.tryGetContext(key));

new TradingDataLakeStack(app, resourceNames(config.stage).stackName, {
  config,
  // Environment-agnostic unless the CLI names an account: synth needs no credentials.
  env:
    process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
      ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
      : undefined,
  description: `trading-data-lake (${config.stage}): secure, audited data lake for trade events`,
});
