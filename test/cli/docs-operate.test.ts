import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { disableImpact } from '../../cli/key/impact';
import { REPLAY_OUTCOMES } from '../../lambda/replay/contract';

const doc = readFileSync(path.join(__dirname, '..', '..', 'docs', 'cli.md'), 'utf8');

/** The first cells of the rows of the table whose header row starts with `| <first> |`. */
function firstCells(first: string): string[] {
  const lines = doc.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`| ${first} |`));
  const cells: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    cells.push(line.split('|')[1]!.trim());
  }
  return cells;
}

describe('docs/cli.md for replay, key and hold', () => {
  it('lists every outcome of a replay, those of the replay function and the CLI own error', () => {
    expect(firstCells('outcome')).toEqual([...REPLAY_OUTCOMES, 'error'].map((outcome) => `\`${outcome}\``));
  });

  it('quotes what trades key disable states about the data key, word for word', () => {
    for (const line of disableImpact('data', 24)) expect(doc).toContain(`  - ${line}`);
  });
});
