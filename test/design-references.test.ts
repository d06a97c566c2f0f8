import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

// The reference design the project started from is not in the repository: every reference points at
// the project's own design, docs/design.md, whose §13 lists where it differs from the reference.
const ROOT = path.join(__dirname, '..');

function trackedFilesMatching(pattern: string): string[] {
  try {
    return execFileSync(
      'git',
      ['grep', '-l', '-E', pattern, '--', '.', ':!docs/design.md', ':!test/design-references.test.ts'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    )
      .split('\n')
      .filter((line) => line !== '');
  } catch (error) {
    // git grep exits 1 when nothing matches.
    if ((error as { status?: number }).status === 1) return [];
    throw error;
  }
}

describe('references to the design', () => {
  it('never cite the reference design by section: they point at docs/design.md', () => {
    expect(trackedFilesMatching('DESIGN (§|\\\\u00a7)|DESIGN\\.md')).toEqual([]);
  });

  it('cite only sections docs/design.md has', () => {
    const design = readFileSync(path.join(ROOT, 'docs', 'design.md'), 'utf8');
    const sections = new Set([...design.matchAll(/^## (\d+)\. /gm)].map((match) => match[1]));
    const cited = execFileSync('git', ['grep', '-h', '-o', '-E', 'docs/design\\.md (§|\\\\u00a7)[0-9]+', '--', '.'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.replace(/.*(§|\\u00a7)/, ''));
    expect(cited.length).toBeGreaterThan(0);
    expect([...new Set(cited)].filter((section) => !sections.has(section))).toEqual([]);
  });
});
