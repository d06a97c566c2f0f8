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
  curated: 8_900,
  curatedBytesPerTradeVwap: 6.349,
  lost: 0,
  unexpected: 2,
};

describe('the summary line', () => {
  it("has issue #10's fields in their order, then the curated zone's, then the record check's, for a script to read", () => {
    expect(summaryLine(SUMMARY)).toBe(
      'sent=10000 events=9400 invalid=300 written=9400 quarantined=300 duplicates=300 trades=8900 objects=9 bytes_per_trade=74.3 seconds=21.0 curated=8900 curated_bytes_per_trade_vwap=6.3 lost=0 unexpected=2',
    );
  });

  it('puts the faults injected last, after the record check: every other field keeps its place', () => {
    const line = summaryLine({ ...SUMMARY, faults: { unavailable: 12, hung: 3, redelivered: 4, stale: 7 } });
    expect(line).toBe(
      `${summaryLine(SUMMARY)} faults=26 faults_503=12 faults_hung=3 faults_redelivered=4 faults_stale=7`,
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
      curated: 8_900,
      curated_bytes_per_trade_vwap: 6.3,
      lost: 0,
      unexpected: 2,
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
