import { dateWindow } from '../../../schema/validation/date-window';

describe('the partition date window', () => {
  it('runs from the first partition date to one day after ingestion, across a year end', () => {
    expect(dateWindow(new Date('2026-12-31T23:59:59Z'))).toEqual({ earliest: '2020-01-01', latest: '2027-01-01' });
    expect(dateWindow(new Date('2026-03-11T00:00:00Z'))).toEqual({ earliest: '2020-01-01', latest: '2026-03-12' });
  });
});
