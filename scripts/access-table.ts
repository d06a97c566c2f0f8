/**
 * Writes the README's access table (between the access-matrix markers) from the scenarios of
 * test/access/scenarios.ts. Nothing outside the markers changes. Run: `npm run access-table`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderAccessTable, withAccessTable } from '../test/access/support/access-table';

const README = path.join(__dirname, '..', 'README.md');

const current = fs.readFileSync(README, 'utf8');
const updated = withAccessTable(current, renderAccessTable());
if (updated === current) {
  console.log('README.md: access table is up to date');
} else {
  fs.writeFileSync(README, updated);
  console.log('README.md: access table rewritten');
}
