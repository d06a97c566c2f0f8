/**
 * What an Athena SQL query costs, from one small dated price table. The rule, from
 * https://aws.amazon.com/athena/pricing/ (read 2026-12-01): bytes scanned, rounded up to the next
 * megabyte, at least 10 MB a query; DDL (CREATE, ALTER, DROP TABLE), partition statements and
 * queries that fail are not charged; a cancelled query is charged for what it scanned. Units as AWS
 * bills them: a MB is 2^20 bytes, a TB 2^40 (tools/cost/prices.ts uses the same).
 */

/** When the table was read. */
export const ATHENA_PRICES_AS_OF = '2026-12-01';
export const ATHENA_PRICING_PAGE = 'https://aws.amazon.com/athena/pricing/';

/**
 * USD per TB scanned, by Region. Only prices read from AWS's own page are here: the page shows
 * us-east-1 by default, and a Region missing from the table gets no figure rather than a guess.
 */
export const ATHENA_USD_PER_TB: Readonly<Record<string, number>> = {
  'us-east-1': 5,
};

const MB = 2 ** 20;
const TB = 2 ** 40;
const MINIMUM_BYTES = 10 * MB;

/** What a query is billed for: its bytes, rounded up to the MB, at least 10 MB; or nothing. */
export function billedBytes(scannedBytes: number, billed: boolean): number {
  if (!billed) return 0;
  return Math.max(MINIMUM_BYTES, Math.ceil(scannedBytes / MB) * MB);
}

export interface QueryCost {
  readonly scannedBytes: number;
  readonly billedBytes: number;
  /** USD; undefined when the table has no price for the Region. */
  readonly usd?: number;
  readonly usdPerTb?: number;
  readonly region: string;
}

/** Why a query costs nothing, or undefined when it is billed. */
export type Unbilled = 'ddl' | 'failed' | undefined;

export function queryCost(scannedBytes: number, region: string, unbilled: Unbilled): QueryCost {
  const billed = billedBytes(scannedBytes, unbilled === undefined);
  const usdPerTb = ATHENA_USD_PER_TB[region];
  return {
    scannedBytes,
    billedBytes: billed,
    usd: usdPerTb === undefined ? undefined : (billed / TB) * usdPerTb,
    usdPerTb,
    region,
  };
}

/** Bytes for a person: `812 B`, `3.42 KB`, `10.0 MB`, `300 MB` (binary units, as AWS bills). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${units[unit]}`;
}

/** A dollar amount that stays readable when it is a millionth of a cent. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  return `$${usd.toPrecision(2)}`;
}

/** The sentence `trades query` ends with. */
export function describeCost(cost: QueryCost, unbilled: Unbilled): string {
  const scanned = `Data scanned: ${formatBytes(cost.scannedBytes)}`;
  if (unbilled === 'ddl') return `${scanned}; DDL statements are not billed.`;
  if (unbilled === 'failed') return `${scanned}; a query that fails is not billed.`;
  const billedAs =
    cost.billedBytes === MINIMUM_BYTES && cost.scannedBytes < MINIMUM_BYTES
      ? ' (billed as 10 MB, the minimum a query)'
      : cost.billedBytes === cost.scannedBytes
        ? ''
        : ` (billed as ${formatBytes(cost.billedBytes)})`;
  if (cost.usd === undefined) {
    const atUsEast1 = (cost.billedBytes / TB) * (ATHENA_USD_PER_TB['us-east-1'] as number);
    return `${scanned}${billedAs}. trades has no Athena price for ${cost.region} (table of ${ATHENA_PRICES_AS_OF}); at the us-east-1 price it would be ${formatUsd(atUsEast1)}: see ${ATHENA_PRICING_PAGE}.`;
  }
  return `${scanned}${billedAs}: ${formatUsd(cost.usd)} at ${cost.region}'s $${cost.usdPerTb?.toFixed(2)} per TB (prices of ${ATHENA_PRICES_AS_OF}).`;
}
