import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'node24.sh');

/** scripts/node24.sh with NODE24 naming this node: jest runs on Node 20 in `npm test`, on 24 in test:node24. */
function node24Script(node: string) {
  return spawnSync('bash', [SCRIPT], { env: { ...process.env, NODE24: node }, encoding: 'utf8' });
}

describe('scripts/node24.sh, which gives test:node24 and the bench their Node 24', () => {
  const onNode24 = process.version.startsWith('v24.');

  (onNode24 ? it : it.skip)('prints the path of the Node 24 that NODE24 names', () => {
    const run = node24Script(process.execPath);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(process.execPath);
  });

  (onNode24 ? it.skip : it)('refuses a NODE24 that is not Node 24, naming its version, and prints no path', () => {
    const run = node24Script(process.execPath);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${process.execPath} is Node ${process.version}, not 24`);
  });
});
