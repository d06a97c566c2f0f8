import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../lib/config';
import { resourceNames } from '../../lib/names';
import { TradingDataLakeStack } from '../../lib/trading-data-lake-stack';

const CDK_JSON = path.join(__dirname, '..', '..', 'cdk.json');

/** The context of cdk.json, so test apps get the same feature flags as `cdk synth`. */
export function cdkJsonContext(): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(CDK_JSON, 'utf8')).context;
}

/** A fixed environment: tokens for account and Region resolve to these in tests that need concrete ARNs. */
export const TEST_ENV = { account: '111111111111', region: 'eu-west-1' } as const;

/** Principals used as configured ARNs in prod test apps. */
export const PROD_PRINCIPALS = {
  producerPrincipals: ['arn:aws:iam::222222222222:role/trading-systems'],
  analystPrincipals: ['arn:aws:iam::111111111111:role/analysts-sso'],
  dataEngineerPrincipals: ['arn:aws:iam::111111111111:role/data-engineers-sso'],
  auditorPrincipals: ['arn:aws:iam::333333333333:role/security-audit'],
  keyAdminPrincipals: ['arn:aws:iam::111111111111:role/key-admins'],
  recordsRetention: 'compliance:6y',
} as const;

export interface SynthResult {
  readonly app: App;
  readonly stack: TradingDataLakeStack;
  readonly template: Template;
}

export interface SynthOptions {
  /**
   * Bundle the writer with esbuild, as `cdk synth` does. Only a test that reads the bundle needs it:
   * without it CDK stages the source folder (the template is the same but for the asset hash, which
   * the snapshot masks), which saves a second per synthesis and keeps esbuild's output out of jest's.
   * @default false
   */
  readonly bundle?: boolean;
}

/**
 * Builds the app as bin/app.ts does, with cdk.json's context plus `context`. Synthesize once per test
 * file (in beforeAll or at module level), never once per test.
 */
export function synthApp(
  context: Record<string, unknown> = {},
  env = TEST_ENV,
  options: SynthOptions = {},
): SynthResult {
  const bundling = options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] };
  const build = (): SynthResult => {
    const app = new App({ context: { ...cdkJsonContext(), ...bundling, ...context } });
    const config = loadConfig(app.node.getAllContext());
    const stack = new TradingDataLakeStack(app, resourceNames(config.stage).stackName, { config, env });
    return { app, stack, template: Template.fromStack(stack) };
  };
  if (!options.bundle) return build();
  // CDK announces each bundling on stderr (as the function is constructed), which jest does not
  // capture: keep the test output clean.
  const write = process.stderr.write;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) =>
    String(chunk).startsWith('Bundling asset ')
      ? true
      : write.call(process.stderr, chunk as string, ...(rest as []))) as typeof write;
  try {
    return build();
  } finally {
    process.stderr.write = write;
  }
}
