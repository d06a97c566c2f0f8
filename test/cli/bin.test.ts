import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { validateTrade } from '../../schema/validation/validate-trade';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
/** A subprocess starts Node, tsx and the SDK: seconds on a busy machine, not jest's default five. */
const SUBPROCESS_TIMEOUT_MS = 30_000;

/** The environment of a person with no AWS setup at all: no keys, no profile files, no instance metadata. */
function withoutAws(): NodeJS.ProcessEnv {
  const home = mkdtempSync(path.join(tmpdir(), 'trades-home-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return {
    ...env,
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

describe('the trades bin', () => {
  it(
    'runs with npx from the repository, with no build step: produce --dry-run --count 5',
    async () => {
      const { stdout } = await run('npx', ['trades', 'produce', '--dry-run', '--count', '5'], {
        cwd: ROOT,
        env: withoutAws(),
      });
      const lines = stdout.split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(5);
      for (const line of lines) expect(validateTrade(Buffer.from(line, 'utf8'))).toMatchObject({ ok: true });
    },
    SUBPROCESS_TIMEOUT_MS,
  );

  it(
    'ends quietly with 0 when the reader of its output stops early (| head)',
    async () => {
      const child = spawn(
        process.execPath,
        [path.join(ROOT, 'bin', 'trades.cjs'), 'produce', '--dry-run', '--count', '20000'],
        {
          cwd: ROOT,
          env: withoutAws(),
        },
      );
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise((resolve) => child.on('close', resolve));
      expect({ code, stderr }).toEqual({ code: 0, stderr: expect.not.stringContaining('Error') });
    },
    SUBPROCESS_TIMEOUT_MS,
  );

  it(
    'exits with 3 and says how to sign in when the standard chain finds no credentials',
    async () => {
      const failure = await run(
        process.execPath,
        [path.join(ROOT, 'bin', 'trades.cjs'), '--region', 'eu-west-1', 'produce', '--count', '1'],
        {
          cwd: ROOT,
          env: withoutAws(),
        },
      ).catch((error: { code: number; stdout: string; stderr: string }) => error);
      expect(failure).toMatchObject({ code: 3, stdout: '' });
      expect((failure as { stderr: string }).stderr).toMatch(
        /^error: No AWS credentials for cloudformation:DescribeStacks: .*Sign in \(aws configure, aws sso login\) or name a profile with --profile\.\n$/,
      );
    },
    SUBPROCESS_TIMEOUT_MS,
  );
});
