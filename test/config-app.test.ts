import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigErrors, loadConfig } from '../lib/config';

// The real app, run as `cdk synth` runs it: a config error prints its message alone and exits non-zero.
// Both runs stop at the configuration, before any construct is built, so each takes about a second.

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');

let home: string;
beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'config-app-'));
});
afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

/**
 * The environment of a run with no AWS account in reach: no credentials (jest's setup sets fake ones,
 * with which the CLI would ask STS for the account), no instance metadata, and a HOME of its own, so
 * neither a developer's ~/.aws profile nor ~/.cdk.json takes part, and no network either.
 */
function offlineEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(AWS_|CDK_)/.test(name)),
  ) as NodeJS.ProcessEnv;
  return {
    ...env,
    HOME: home,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: path.join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-aws-credentials'),
    // npx, which cdk.json's app command runs, would otherwise ask the registry for a newer npm.
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

/** The message loadConfig gives for a context, which is what the app must print. */
function messageFor(context: Record<string, unknown>): string {
  try {
    loadConfig(context);
  } catch (error) {
    if (error instanceof ConfigErrors) return error.message;
    throw error;
  }
  throw new Error('the context has no error');
}

const STACK_FRAME = /^\s+at .+[(:]/m;

describe('a config error prints the message alone and fails the synth', () => {
  it('bin/app.ts writes only the message to stderr and exits 1', () => {
    const context = { stage: 'prod', streamCapcity: '4', logRetentionDays: '30' };
    const run = spawnSync(path.join(BIN, 'tsx'), ['bin/app.ts'], {
      cwd: ROOT,
      env: offlineEnv({ CDK_CONTEXT_JSON: JSON.stringify(context) }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`${messageFor(context)}\n`);
    expect(run.stdout).toBe('');
    // The message itself: every error of the run, and nothing of a crash.
    expect(run.stderr).toContain("Unknown context key 'streamCapcity': did you mean 'streamCapacity'?");
    expect(run.stderr).toContain('\'logRetentionDays\': "30". Allowed: in prod, at least 365 days');
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.stderr).not.toMatch(/ConfigErrors|\.ts:\d+|throw /);
  });

  it("cdk synth passes its real context (cdk.json's feature flags, the CLI's own keys) without an unknown-key error", () => {
    const out = path.join(home, 'cdk.out');
    const run = spawnSync(
      path.join(BIN, 'cdk'),
      ['synth', '-q', '-c', 'stage=prod', '-c', 'streamCapcity=4', '-o', out],
      { cwd: ROOT, env: offlineEnv(), encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status).not.toBe(0);
    // The whole message of a context without CDK's keys: so no CDK key was reported as unknown.
    expect(run.stderr).toContain(`${messageFor({ stage: 'prod', streamCapcity: '4' })}\n`);
    expect(run.stderr.match(/Unknown context key/g)).toEqual(['Unknown context key']);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(fs.existsSync(path.join(out, 'TradingDataLake-prod.template.json'))).toBe(false);
  });
});

describe("the README's first command synthesizes quietly", () => {
  it('cdk synth -q of dev prints nothing, bundling included, and writes the template', () => {
    const out = path.join(home, 'cdk.out.quiet');
    const run = spawnSync(path.join(BIN, 'cdk'), ['synth', '-q', '-o', out], {
      cwd: ROOT,
      env: offlineEnv(),
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('');
    expect(fs.existsSync(path.join(out, 'TradingDataLake-dev.template.json'))).toBe(true);
  }, 200_000);
});
