import * as fs from 'node:fs';
import * as path from 'node:path';
import { accessTableSection, renderAccessTable, withAccessTable } from './support/access-table';

const README = path.join(__dirname, '..', '..', 'README.md');

describe('README access table', () => {
  it('matches the scenario list (run `npm run access-table` when it does not)', () => {
    expect(accessTableSection(fs.readFileSync(README, 'utf8'))).toBe(renderAccessTable());
  });

  it('is written between the markers only, leaving the rest of the README as it was', () => {
    const readme = 'intro\n<!-- access-matrix:start -->\nold\n<!-- access-matrix:end -->\noutro\n';
    const written = withAccessTable(readme, 'new table');
    expect(written).toBe('intro\n<!-- access-matrix:start -->\nnew table\n<!-- access-matrix:end -->\noutro\n');
    expect(accessTableSection(written)).toBe('new table');
  });
});
