import * as fs from 'node:fs';
import * as path from 'node:path';
import { COST_DOCS, costOutput, costReportsIn, withCostReports } from '../../tools/cost/cost';

const ROOT = path.join(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** The arguments each file documents its reports for (docs/cost.md and the README's Cost section). */
const DOCUMENTED = {
  'README.md': [
    ['--trades-per-day', '1000000', '--queries-per-day', '10'],
    ['--trades-per-day', '100000000', '--queries-per-day', '10'],
  ],
  'docs/cost.md': [
    ['--trades-per-day', '1000000', '--queries-per-day', '10'],
    ['--trades-per-day', '100000000', '--queries-per-day', '10'],
    ['--prices'],
  ],
};

describe('the cost reports the README and docs/cost.md quote', () => {
  it('are the files `npm run cost -- --write-docs` writes', () => {
    expect(COST_DOCS.map((file) => path.relative(ROOT, file)).sort()).toEqual(Object.keys(DOCUMENTED).sort());
  });

  for (const [file, runs] of Object.entries(DOCUMENTED)) {
    it(`${file} quotes each documented run exactly as the model prints it (run \`npm run cost -- --write-docs\` when it does not)`, () => {
      const reports = costReportsIn(read(file));
      expect(reports.map(({ args }) => args)).toEqual(runs);
      for (const { args, body } of reports) expect(body).toBe(costOutput(args));
    });
  }

  it('are rewritten between their markers only, leaving the rest of the file as it was', () => {
    const text = [
      'intro',
      '<!-- npm run cost -- --trades-per-day 5 -->',
      'old report',
      '<!-- end of npm run cost -->',
      'between',
      '<!-- npm run cost -- --prices -->',
      '<!-- end of npm run cost -->',
      'outro',
    ].join('\n');
    const written = withCostReports(text, (args) => `report of ${args.join(' ')}`);
    expect(written).toBe(
      [
        'intro',
        '<!-- npm run cost -- --trades-per-day 5 -->',
        'report of --trades-per-day 5',
        '<!-- end of npm run cost -->',
        'between',
        '<!-- npm run cost -- --prices -->',
        'report of --prices',
        '<!-- end of npm run cost -->',
        'outro',
      ].join('\n'),
    );
    // An empty report does not swallow the next one.
    expect(costReportsIn(text).map(({ args, body }) => [args, body])).toEqual([
      [['--trades-per-day', '5'], 'old report'],
      [['--prices'], ''],
    ]);
  });
});
