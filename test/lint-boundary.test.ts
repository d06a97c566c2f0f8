import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The folder boundaries of docs/design.md §8, as `npm run lint` enforces them with this repository's biome.json.
// Each snippet is linted as a file at its path in a copy of the configuration (and the plugins it
// names) in a temporary directory: Biome's `--stdin-file-path` mode reports "The contents aren't
// fixed" and exits 1 for any input, clean or not, and never prints the rule that fired.
const ROOT = path.join(__dirname, '..');
const BIOME = require.resolve('@biomejs/biome/bin/biome');
const CONFIG = fs.readFileSync(path.join(ROOT, 'biome.json'), 'utf8');
const PLUGINS: string[] = (JSON.parse(CONFIG).plugins ?? []).map((plugin: string | { path: string }) =>
  typeof plugin === 'string' ? plugin : plugin.path,
);

const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-boundary-'));
fs.writeFileSync(path.join(sandbox, 'biome.json'), CONFIG);
for (const plugin of PLUGINS) {
  fs.mkdirSync(path.dirname(path.join(sandbox, plugin)), { recursive: true });
  fs.copyFileSync(path.join(ROOT, plugin), path.join(sandbox, plugin));
}
afterAll(() => fs.rmSync(sandbox, { recursive: true, force: true }));

/** The snippets, each linted as a file at its path. */
const SNIPPETS = {
  contractImport:
    "import { WRITER_MEMORY_MB } from '../../lambda/trade-writer/contract';\n\nexport const memory = WRITER_MEMORY_MB;\n",
  handlerImport: "import { handler } from '../../lambda/trade-writer/handler';\n\nexport { handler };\n",
  handlerDynamicImport: "export const writer = import('../lambda/trade-writer/handler');\n",
  handlerRequire: "export const writer = require('../lambda/trade-writer/handler');\n",
  contractRequire: "export const contract = require('../lambda/trade-writer/contract');\n",
  cdkImport: "import { Stack } from 'aws-cdk-lib';\n\nexport { Stack };\n",
  libImport: "import { loadConfig } from '../lib/config';\n\nexport { loadConfig };\n",
};
const FILES: Record<string, string> = {
  'lib/ingestion/contract-import.ts': SNIPPETS.contractImport,
  'lib/ingestion/handler-import.ts': SNIPPETS.handlerImport,
  'lib/handler-dynamic-import.ts': SNIPPETS.handlerDynamicImport,
  'lib/handler-require.ts': SNIPPETS.handlerRequire,
  'bin/handler-require.ts': SNIPPETS.handlerRequire,
  'lib/contract-require.ts': SNIPPETS.contractRequire,
  'test/handler-require.ts': SNIPPETS.handlerRequire,
  'lambda/trade-writer/cdk-import.ts': SNIPPETS.cdkImport,
  'schema/lib-import.ts': SNIPPETS.libImport,
};

/**
 * One `biome lint` of every snippet (a run costs about 300 ms): each file's diagnostics, as the
 * rule that fired (`lint/style/noRestrictedImports`, `plugin`) and the text Biome printed for it.
 */
function lintAll(): Map<string, { rule: string; text: string }[]> {
  for (const [file, source] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(sandbox, file)), { recursive: true });
    fs.writeFileSync(path.join(sandbox, file), source);
  }
  const run = spawnSync(
    process.execPath,
    [BIOME, 'lint', '--vcs-enabled=false', '--colors=off', '--max-diagnostics=none', ...Object.keys(FILES)],
    { cwd: sandbox, encoding: 'utf8' },
  );
  if (run.error) throw run.error;
  const found = new Map<string, { rule: string; text: string }[]>();
  // Each diagnostic opens with `path:line:column rule ━━━`.
  const blocks = `${run.stdout}${run.stderr}`.split(/^(?=\S+:\d+:\d+ \S+ ━)/m);
  for (const block of blocks) {
    const head = /^(\S+):\d+:\d+ (\S+) ━/.exec(block);
    if (head === null) continue;
    found.set(head[1], [...(found.get(head[1]) ?? []), { rule: head[2], text: block }]);
  }
  if (run.status === 0 && found.size > 0) throw new Error('biome printed diagnostics and exited 0');
  return found;
}

describe('the lint boundary between lib/, bin/ and lambda/ (docs/design.md §8)', () => {
  const diagnostics = lintAll();
  const rulesOf = (file: string) => (diagnostics.get(file) ?? []).map(({ rule }) => rule);
  const textOf = (file: string) => (diagnostics.get(file) ?? []).map(({ text }) => text).join('\n');

  it('lets lib/ import a function’s contract.ts, the one file of lambda/ it may load', () => {
    expect(rulesOf('lib/ingestion/contract-import.ts')).toEqual([]);
  });

  it('fails lib/ importing any other file of lambda/', () => {
    expect(rulesOf('lib/ingestion/handler-import.ts')).toEqual(['lint/style/noRestrictedImports']);
    expect(textOf('lib/ingestion/handler-import.ts')).toContain(
      "lib/ and bin/ may import only a function's contract.ts from lambda/",
    );
  });

  it('fails lib/ and bin/ loading lambda/ with import() or require(), not only with import', () => {
    expect(rulesOf('lib/handler-dynamic-import.ts')).toEqual(['lint/style/noRestrictedImports']);
    // Biome's noRestrictedImports does not see require(): tools/lint/lib-requires-lambda.grit does.
    for (const file of ['lib/handler-require.ts', 'bin/handler-require.ts']) {
      expect(rulesOf(file)).toEqual(['plugin']);
      expect(textOf(file)).toContain("lib/ and bin/ may require only a function's contract.ts from lambda/");
    }
  });

  it('lets lib/ require a contract.ts, and leaves require() of lambda/ to other folders (tests load handlers)', () => {
    expect(rulesOf('lib/contract-require.ts')).toEqual([]);
    expect(rulesOf('test/handler-require.ts')).toEqual([]);
  });

  it('fails lambda/ and schema/ loading aws-cdk-lib or lib/', () => {
    expect(rulesOf('lambda/trade-writer/cdk-import.ts')).toContain('lint/style/noRestrictedImports');
    expect(textOf('lambda/trade-writer/cdk-import.ts')).toContain('never load aws-cdk-lib');
    expect(rulesOf('schema/lib-import.ts')).toContain('lint/style/noRestrictedImports');
  });
});
