import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigErrors, describeSettings, loadConfig, SETTINGS } from '../lib/config';
import { configTableSection, markdownOf, renderConfigTable, withConfigTable } from '../tools/config-table';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

const messageFor = (context: Record<string, unknown>): string => {
  try {
    loadConfig(context);
  } catch (error) {
    if (error instanceof ConfigErrors) return error.message;
    throw error;
  }
  throw new Error('the context has no error');
};

describe('README configuration table', () => {
  it('matches the settings of lib/config.ts (run `npm run config-table` when it does not)', () => {
    expect(configTableSection(README)).toBe(renderConfigTable());
  });

  it('has one row per setting the parser reads, with its default and what is allowed', () => {
    const rows = configTableSection(README)
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    expect(rows.map((row) => /^\| `([^`]+)`/.exec(row)?.[1])).toEqual(Object.keys(SETTINGS));
    const recordsRetention = describeSettings().find((setting) => setting.key === 'recordsRetention');
    expect(recordsRetention?.default).toBe('`none` in dev; **required in prod**');
    expect(describeSettings().find((setting) => setting.key === 'archiveAfterDays')?.default).toBe('`90`');
  });

  it('shows the example error messages exactly as the app prints them', () => {
    expect(README).toContain(`\`\`\`\n${messageFor({ streamCapacity: 'lots' })}\n\`\`\``);
    expect(README).toContain(`(\`${messageFor({ streamCapcity: 4 })}\`)`);
  });

  it('is written between the markers only, leaving the rest of the README as it was', () => {
    const readme = 'intro\n<!-- config-table:start -->\nold\n<!-- config-table:end -->\noutro\n';
    const written = withConfigTable(readme, 'new table');
    expect(written).toBe('intro\n<!-- config-table:start -->\nnew table\n<!-- config-table:end -->\noutro\n');
    expect(configTableSection(written)).toBe('new table');
  });

  it('keeps a cell one cell: a | is escaped, <account> and ARN wildcards are shown as code', () => {
    expect(markdownOf("'rate(1 minute|hour)' or 5|6")).toBe('`rate(1 minute\\|hour)` or 5\\|6');
    expect(markdownOf('as arn:aws:iam::<account>:role/*x_?; or <b>')).toBe(
      'as `arn:aws:iam::<account>:role/*x_?`; or \\<b\\>',
    );
  });
});
