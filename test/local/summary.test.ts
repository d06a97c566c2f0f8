import { lossesOf, parseSummaryLine, type Summary, summaryLine } from '../../local/summary';

const SUMMARY: Summary = {
  sent: 10_000,
  events: 9_400,
  invalid: 300,
  written: 9_400,
  quarantined: 300,
  duplicates: 300,
  trades: 8_900,
  objects: 9,
  bytesPerTrade: 74.26,
  seconds: 21.04,
};

describe('the summary line', () => {
  it('has exactly the fields of issue #10, in order, for a script to read', () => {
    expect(summaryLine(SUMMARY)).toBe(
      'sent=10000 events=9400 invalid=300 written=9400 quarantined=300 duplicates=300 trades=8900 objects=9 bytes_per_trade=74.3 seconds=21.0',
    );
  });

  it('puts later fields after seconds and the faults injected last', () => {
    const line = summaryLine({
      ...SUMMARY,
      extra: [['curated', 8_900]],
      faults: { unavailable: 12, hung: 3, redelivered: 4 },
    });
    expect(line.endsWith('seconds=21.0 curated=8900 faults=19 faults_503=12 faults_hung=3 faults_redelivered=4')).toBe(
      true,
    );
  });

  it('parses back into the same numbers', () => {
    expect(parseSummaryLine(summaryLine(SUMMARY))).toEqual({
      sent: 10_000,
      events: 9_400,
      invalid: 300,
      written: 9_400,
      quarantined: 300,
      duplicates: 300,
      trades: 8_900,
      objects: 9,
      bytes_per_trade: 74.3,
      seconds: 21,
    });
  });

  it('reports nothing lost only when written = events and quarantined = invalid', () => {
    expect(lossesOf(SUMMARY)).toEqual([]);
    expect(lossesOf({ ...SUMMARY, written: 9_399 })).toEqual(['1 trade events missing from the raw zone']);
    expect(lossesOf({ ...SUMMARY, quarantined: 298 })).toEqual(['2 invalid records missing from quarantine']);
    expect(lossesOf({ ...SUMMARY, written: 9_401 })).toEqual([
      '1 more trade events in the raw zone than the producer sent',
    ]);
  });
});
