import { daysInMonth, UtcDateReader, utcDateOf } from '../../../schema/validation/utc-date';

describe('the UTC date of executed_at', () => {
  it.each([
    ['2026-03-11T14:30:00Z', '2026-03-11'],
    ['2026-03-11T14:30:00.1Z', '2026-03-11'],
    ['2026-03-11T14:30:00.123456789Z', '2026-03-11'],
    ['2026-03-11T14:30:00+00:00', '2026-03-11'],
    ['2026-03-11T14:30:00-00:00', '2026-03-11'],
    ['2026-03-10T19:30:00-05:00', '2026-03-11'],
    ['2026-03-11T08:30:00+09:00', '2026-03-10'],
    ['2026-03-11T00:00:00+00:01', '2026-03-10'],
    ['2026-03-11T23:59:59-00:01', '2026-03-12'],
    ['2026-12-31T23:00:00-01:00', '2027-01-01'],
    ['2027-01-01T00:30:00+01:00', '2026-12-31'],
    ['2024-02-28T23:00:00-02:00', '2024-02-29'],
    ['2023-02-28T23:00:00-02:00', '2023-03-01'],
    ['2024-03-01T01:00:00+02:00', '2024-02-29'],
    ['2000-02-29T12:00:00Z', '2000-02-29'],
    ['2026-03-11T09:00:00+14:00', '2026-03-10'],
    ['2026-03-10T11:00:00-14:00', '2026-03-11'],
  ])('of %s is %s', (timestamp, date) => {
    expect(utcDateOf(timestamp)).toBe(date);
  });

  it.each([
    ['a date that does not exist, which Date.parse rolls over', '2026-02-30T10:00:00Z'],
    ['February 29 of a common year', '2026-02-29T10:00:00Z'],
    ['February 29 of a century that is not a leap year', '1900-02-29T10:00:00Z'],
    ['April 31', '2026-04-31T10:00:00Z'],
    ['month 13', '2026-13-01T10:00:00Z'],
    ['day 0', '2026-03-00T10:00:00Z'],
    ['hour 24', '2026-03-11T24:00:00Z'],
    ['minute 60', '2026-03-11T10:60:00Z'],
    ['a leap second', '2026-12-31T23:59:60Z'],
    ['no zone', '2026-03-11T10:00:00'],
    ['no zone, with a fraction', '2026-03-11T10:00:00.123'],
    ['a date alone', '2026-03-11'],
    ['no seconds', '2026-03-11T10:00Z'],
    ['a space for T', '2026-03-11 10:00:00Z'],
    ['a lower-case z', '2026-03-11T10:00:00z'],
    ['an offset without a colon', '2026-03-11T10:00:00+0100'],
    ['an offset of hours alone', '2026-03-11T10:00:00+01'],
    ['an offset of 24 hours', '2026-03-11T10:00:00+24:00'],
    ['an offset past +14:00, which Athena (Trino) cannot read', '2026-03-11T10:00:00+14:01'],
    ['an offset past -14:00', '2026-03-11T10:00:00-15:00'],
    ['an offset of 23:59, RFC 3339 but no zone in use', '2026-03-11T10:00:00+23:59'],
    ['an empty fraction', '2026-03-11T10:00:00.Z'],
    ['a ten-digit fraction', '2026-03-11T10:00:00.1234567890Z'],
    ['a comma fraction', '2026-03-11T10:00:00,5Z'],
    ['text after the zone', '2026-03-11T10:00:00Zjunk'],
    ['a five-digit year', '20260-03-11T10:00:00Z'],
    ['non-ASCII digits', '２０２６-03-11T10:00:00Z'],
    ['an epoch number as text', '1773239400'],
  ])('rejects %s', (_, timestamp) => {
    expect(utcDateOf(timestamp)).toBeUndefined();
  });

  it('agrees with Date for every day of a leap year and a common year', () => {
    for (const year of [2024, 2026]) {
      for (let day = 0; day < 366; day += 1) {
        const date = new Date(Date.UTC(year, 0, 1 + day));
        const iso = date.toISOString();
        if (date.getUTCFullYear() !== year) continue;
        expect(utcDateOf(`${iso.slice(0, 10)}T23:30:00-01:00`)).toBe(
          new Date(date.getTime() + 86_400_000).toISOString().slice(0, 10),
        );
        expect(utcDateOf(`${iso.slice(0, 10)}T00:30:00+01:00`)).toBe(
          new Date(date.getTime() - 86_400_000).toISOString().slice(0, 10),
        );
      }
    }
  });

  it('knows the length of every month', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((month) => daysInMonth(2026, month))).toEqual([
      31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    ]);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
  });

  it('gives the right date record after record from one reader, though it remembers the last one', () => {
    const reader = new UtcDateReader();
    const buffer = Buffer.alloc(64);
    const read = (timestamp: string) => reader.dateOf(buffer, 3, 3 + buffer.write(timestamp, 3, 'latin1'));
    expect(read('2026-03-11T10:00:00Z')).toBe('2026-03-11');
    expect(read('2026-03-11T23:00:00Z')).toBe('2026-03-11');
    expect(read('2026-03-12T00:00:00Z')).toBe('2026-03-12');
    expect(read('2026-03-11T10:00:00Z')).toBe('2026-03-11');
    expect(read('2026-03-11T23:30:00-01:00')).toBe('2026-03-12');
    expect(read('2026-03-11T10:00:00Z')).toBe('2026-03-11');
    expect(read('2026-02-30T10:00:00Z')).toBeUndefined();
    expect(read('2026-03-11T10:00:00Z')).toBe('2026-03-11');
  });
});
