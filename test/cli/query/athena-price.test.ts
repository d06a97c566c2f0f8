import {
  ATHENA_USD_PER_TB,
  billedBytes,
  describeCost,
  formatBytes,
  formatUsd,
  queryCost,
} from '../../../cli/query/athena-price';
import { PRICES } from '../../../tools/cost/prices';

const MB = 2 ** 20;
const TB = 2 ** 40;

describe("Athena's price of a query", () => {
  it('bills at least 10 MB a query, and otherwise rounds up to the next MB', () => {
    expect(billedBytes(0, true)).toBe(10 * MB);
    expect(billedBytes(10 * MB - 1, true)).toBe(10 * MB);
    expect(billedBytes(10 * MB + 1, true)).toBe(11 * MB);
    expect(billedBytes(3 * TB, true)).toBe(3 * TB);
  });

  it('bills nothing for DDL or a query that failed', () => {
    expect(queryCost(5 * TB, 'us-east-1', 'ddl')).toMatchObject({ billedBytes: 0, usd: 0 });
    expect(queryCost(5 * TB, 'us-east-1', 'failed')).toMatchObject({ billedBytes: 0, usd: 0 });
  });

  it('costs $5 per TB scanned in us-east-1, the figure the cost model uses too', () => {
    expect(queryCost(2 * TB, 'us-east-1', undefined).usd).toBe(10);
    expect(ATHENA_USD_PER_TB['us-east-1']).toBe(PRICES.athenaTbScanned.usd);
  });

  it('says what a small query costs, and that it is billed as the minimum', () => {
    expect(describeCost(queryCost(1234567, 'us-east-1', undefined), undefined)).toBe(
      "Data scanned: 1.18 MB (billed as 10 MB, the minimum a query): $0.000048 at us-east-1's $5.00 per TB (prices of 2026-12-01).",
    );
  });

  it('gives no figure for a Region the table does not price, and says where to look', () => {
    const cost = queryCost(300 * MB, 'eu-west-1', undefined);
    expect(cost.usd).toBeUndefined();
    expect(describeCost(cost, undefined)).toBe(
      'Data scanned: 300 MB. trades has no Athena price for eu-west-1 (table of 2026-12-01); at the us-east-1 price it would be $0.0014: see https://aws.amazon.com/athena/pricing/.',
    );
  });

  it('says a DDL statement and a failed query are not billed', () => {
    expect(describeCost(queryCost(0, 'us-east-1', 'ddl'), 'ddl')).toBe(
      'Data scanned: 0 B; DDL statements are not billed.',
    );
    expect(describeCost(queryCost(MB, 'us-east-1', 'failed'), 'failed')).toBe(
      'Data scanned: 1.00 MB; a query that fails is not billed.',
    );
  });

  it('prints bytes in binary units and cents or significant digits', () => {
    expect([
      formatBytes(812),
      formatBytes(3500),
      formatBytes(10 * MB),
      formatBytes(300 * MB),
      formatBytes(1.2 * 2 ** 30),
    ]).toEqual(['812 B', '3.42 KB', '10.0 MB', '300 MB', '1.20 GB']);
    expect([formatUsd(0), formatUsd(0.000047), formatUsd(0.0488), formatUsd(12.5)]).toEqual([
      '$0',
      '$0.000047',
      '$0.049',
      '$12.50',
    ]);
  });
});
