import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXIT } from '../../cli/exit-codes';
import { INVALID_VARIANTS } from '../../cli/produce/invalid-records';

const doc = readFileSync(path.join(__dirname, '..', '..', 'docs', 'cli.md'), 'utf8');

/** The rows `| a | b |` of the table whose header row starts with `| <first> |`. */
function tableRows(first: string): string[][] {
  const lines = doc.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`| ${first} |`));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

describe('docs/cli.md', () => {
  it('lists every kind of invalid record the generator makes, with the reason the writer gives it', () => {
    expect(tableRows('defect').map(([defect, reason]) => [defect, reason])).toEqual(
      INVALID_VARIANTS.map(({ defect, rejection }) => [defect, `\`${rejection.reason}\``]),
    );
  });

  it('lists every exit code', () => {
    expect(tableRows('code').map(([code]) => Number(code))).toEqual(Object.values(EXIT));
  });
});
