import { parseRecordsRetention } from '../../../cli/verify/object-lock';
import type { RecordsRetention } from '../../../lib/config';
import { recordsRetentionText } from '../../../lib/trading-data-lake-stack';

describe("verify's reading of the RecordsRetention stack output", () => {
  it.each<RecordsRetention>([
    { mode: 'none' },
    { mode: 'GOVERNANCE', days: 1 },
    { mode: 'GOVERNANCE', days: 36500 },
    { mode: 'GOVERNANCE', years: 2 },
    { mode: 'COMPLIANCE', years: 6 },
    { mode: 'COMPLIANCE', years: 100 },
  ])('reads back what the stack writes for %o', (retention) => {
    expect(parseRecordsRetention(recordsRetentionText(retention))).toEqual(retention);
  });

  it.each([
    'compliance:30d',
    'governance:0d',
    'governance:30',
    'Governance:30d',
    'compliance:6y ',
    'governance:30d,compliance:6y',
    '',
  ])('refuses %j, which the stack never writes', (text) => {
    expect(parseRecordsRetention(text)).toBeUndefined();
  });
});
