import { measuredInputs, renderReport, runsPerDayOf } from '../../tools/cost/cost';
import { readMeasuredFigures } from '../../tools/cost/measured';
import {
  type CostInputs,
  costModel,
  DEFAULT_ASSUMPTIONS,
  kinesisPerDay,
  largestLine,
  perMillionTrades,
} from '../../tools/cost/model';
import { PRICES, type Prices } from '../../tools/cost/prices';

/** Round prices, so that the expected figures below can be worked out by hand. */
const ROUND_PRICES: Prices = {
  ...PRICES,
  lambdaArmGbSecond: { ...PRICES.lambdaArmGbSecond, usd: 0.00001 },
  s3StandardGbMonth: { ...PRICES.s3StandardGbMonth, usd: 0.02 },
};

/** 100 trades a second, 300-byte records, 100 bytes stored a trade, 4 on-demand shards. */
const CASE: CostInputs = {
  tradesPerDay: 8_640_000,
  queriesPerDay: 2,
  aggregation: false,
  streamMode: 'on-demand',
  measured: {
    bytesStoredPerTrade: 100,
    objectsPerInvocation: 1,
    plain: { tradesPerRecord: 1, bytesPerRecord: 300, writerCpuMsPerTrade: 0.01 },
    aggregated: { tradesPerRecord: 100, bytesPerRecord: 30_000, writerCpuMsPerTrade: 0.01 },
  },
  configured: {
    writerMemoryMb: 2048,
    writerArchitecture: 'arm64',
    batchSize: 10_000,
    batchingWindowSeconds: 60,
    streamRetentionHours: 24,
    archiveAfterDays: 90,
    readDataEvents: true,
    curationRunsPerDay: 24,
  },
  assumptions: DEFAULT_ASSUMPTIONS,
};

const lineOf = (report: ReturnType<typeof costModel>, name: string) => {
  const line = report.lines.find((item) => item.name === name);
  if (line === undefined) throw new Error(`no line ${name}`);
  return line.perDay;
};

describe('the cost model, against a case worked out by hand', () => {
  const report = costModel(CASE, ROUND_PRICES);

  it('batches what a shard gathers in the batching window: 100/s over 4 shards for 60 s is 1,500 trades, 5,760 invocations a day', () => {
    // The payload cap: 6 MiB / (400 base64 characters + 500 bytes of event) = 6,990 records, above 1,500.
    expect(report.tradesPerInvocation).toBe(1_500);
    expect(report.invocationsPerDay).toBe(5_760);
    expect(report.objectsPerDay).toBe(5_760);
    expect(report.bytesPerObject).toBe(150_000);
  });

  it('bills on-demand Kinesis per stream hour and per KB-rounded record written and read', () => {
    // 8,640,000 records of 300 B billed as 1 KB: 8,640,000 KiB = 8.23974609375 GiB at $0.08 + $0.04.
    const gb = 8_640_000 / 1024 ** 2;
    expect(lineOf(report, 'Kinesis, on-demand, one trade a record')).toBeCloseTo(24 * 0.04 + gb * 0.12, 12);
    expect(gb * 0.12).toBeCloseTo(0.98876953125, 12);
  });

  it('prices the writer at its memory, its CPU share and the wait for S3', () => {
    // (0.01 ms x 1,500 trades at a whole vCPU + 30 ms) x 5,760 invocations x 2 GB = 518.4 GB-s.
    expect(lineOf(report, 'Lambda writer, duration')).toBeCloseTo(518.4 * 0.00001, 12);
    expect(lineOf(report, 'Lambda writer, requests')).toBeCloseTo(0.001152, 12);
    const slower = costModel({ ...CASE, configured: { ...CASE.configured, writerMemoryMb: 1024 } }, ROUND_PRICES);
    // A 1,024 MB function has 1,024/1,769 of a vCPU: (15 ms x 1,769/1,024 + 30 ms) x 5,760 x 1 GB.
    expect(lineOf(slower, 'Lambda writer, duration')).toBeCloseTo(((0.015 * 1769) / 1024 + 0.03) * 5_760 * 0.00001, 12);
  });

  it('counts a PUT and a write data event per object, and the KMS calls the Bucket Key leaves', () => {
    expect(lineOf(report, 'S3 PUT (writer)')).toBeCloseTo(5.76 * 0.005, 12);
    expect(lineOf(report, 'CloudTrail data events, writes')).toBeCloseTo(0.0576 * 0.1, 12);
    // 4 writer environments renewing every 5 minutes: 1,152 calls; Kinesis adds the producer: 1,440.
    expect(lineOf(report, 'KMS, S3 writes with Bucket Key')).toBeCloseTo(1_152 * 0.000003, 12);
    expect(lineOf(report, 'KMS, Kinesis encryption')).toBeCloseTo(1_440 * 0.000003, 12);
  });

  it('scans the whole day for a raw query, and reads, logs and decrypts every object of it', () => {
    expect(lineOf(report, "Athena, a day's VWAP over raw trades")).toBeCloseTo(((2 * 864_000_000) / 1024 ** 4) * 5, 12);
    expect(lineOf(report, 'S3 GET (raw queries)')).toBeCloseTo(((2 * 5_760) / 1000) * 0.0004, 12);
    expect(lineOf(report, 'CloudTrail data events, raw query reads')).toBeCloseTo(((2 * 5_760) / 100_000) * 0.1, 12);
    expect(lineOf(report, 'KMS, raw queries')).toBeCloseTo(2 * 1_152 * 0.000003, 12);
    const unlogged = costModel({ ...CASE, configured: { ...CASE.configured, readDataEvents: false } }, ROUND_PRICES);
    expect(lineOf(unlogged, 'CloudTrail data events, raw query reads')).toBe(0);
  });

  it('counts each curation run reading the raw day twice (MERGE source and reconciliation)', () => {
    // 24 runs x 2 scans x 864,000,000 B at $5 a TB.
    expect(lineOf(report, 'Athena, MERGE and reconciliation of the raw day')).toBeCloseTo(
      ((24 * 2 * 864_000_000) / 1024 ** 4) * 5,
      12,
    );
    // 48 scans, each reading the 5,760 objects, decrypting 1,152 bucket keys and logging 5,760 read events.
    expect(lineOf(report, 'S3 GET, KMS and CloudTrail read events of those scans')).toBeCloseTo(
      48 * (5.76 * 0.0004 + 1_152 * 0.000003 + 0.0576 * 0.1),
      12,
    );
    const daily = costModel({ ...CASE, configured: { ...CASE.configured, curationRunsPerDay: 1 } }, ROUND_PRICES);
    expect(lineOf(daily, 'Athena, MERGE and reconciliation of the raw day')).toBeCloseTo(
      ((2 * 864_000_000) / 1024 ** 4) * 5,
      12,
    );
  });

  it('reads the runs a day from a rate() schedule and refuses to guess a cron()', () => {
    expect(runsPerDayOf('rate(1 hour)')).toBe(24);
    expect(runsPerDayOf('rate(15 minutes)')).toBe(96);
    expect(runsPerDayOf('rate(1 day)')).toBe(1);
    expect(() => runsPerDayOf('cron(0 * * * ? *)')).toThrow('--curation-runs-per-day');
  });

  it('says "not measured yet" for the curated query until its figure is measured, then prices it', () => {
    expect(lineOf(report, "Athena, a day's VWAP over curated trades")).toBeUndefined();
    expect(renderReport(report)).toContain("| query: Athena, a day's VWAP over curated trades | not measured yet |");
    const measured = costModel(
      { ...CASE, measured: { ...CASE.measured, curatedBytesScannedPerTrade: 10 } },
      ROUND_PRICES,
    );
    expect(lineOf(measured, "Athena, a day's VWAP over curated trades")).toBeCloseTo(
      ((2 * 86_400_000) / 1024 ** 4) * 5,
      12,
    );
  });

  it('moves objects of at least 128 KB to Glacier Instant Retrieval after archiveAfterDays, and keeps smaller ones in Standard', () => {
    const gb = 864_000_000 / 1024 ** 3;
    expect(lineOf(report, 'S3 Standard, per month the day is kept')).toBeCloseTo(gb * 0.02, 12);
    expect(lineOf(report, 'after 90 days, per month kept')).toBeCloseTo(gb * 0.004, 12);
    expect(lineOf(report, 'lifecycle transitions, once')).toBeCloseTo(5.76 * 0.02, 12);
    // At 10 trades a second an object holds 150 trades, 15,000 B: too small to move.
    const small = costModel({ ...CASE, tradesPerDay: 864_000 }, ROUND_PRICES);
    expect(small.bytesPerObject).toBe(15_000);
    expect(lineOf(small, 'after 90 days, per month kept')).toBeCloseTo((86_400_000 / 1024 ** 3) * 0.02, 12);
    expect(lineOf(small, 'lifecycle transitions, once')).toBe(0);
  });

  it('compares on-demand and provisioned streams, with and without aggregation', () => {
    const byName = Object.fromEntries(
      report.kinesis.map(({ mode, aggregation, perDay, shards }) => [`${mode} ${aggregation}`, [perDay, shards]]),
    );
    // Aggregated: 86,400 records of 30,000 B, billed as 30 KB each (2.471923828125 GiB).
    expect(byName['on-demand true'][0]).toBeCloseTo(0.96 + ((86_400 * 30) / 1024 ** 2) * 0.12, 12);
    // Provisioned: 100 records and 30 KB a second fit one shard; a PUT payload unit per record
    // without aggregation, two (30,000 B over 25 KB) per aggregate with it.
    expect(byName['provisioned false']).toEqual([24 * 0.015 + 8.64 * 0.014, 1]);
    expect(byName['provisioned true'][0]).toBeCloseTo(24 * 0.015 + 0.1728 * 0.014, 12);
  });

  it('bills extended retention for a stream kept 7 days', () => {
    const gb = 8_640_000 / 1024 ** 2;
    const onDemand = kinesisPerDay(8_640_000, CASE.measured.plain, 'on-demand', 168, 4, ROUND_PRICES);
    expect(onDemand.perDay).toBeCloseTo(0.96 + gb * 0.12 + ((gb * 6) / 30) * 0.1, 12);
    const provisioned = kinesisPerDay(8_640_000, CASE.measured.plain, 'provisioned', 168, 4, ROUND_PRICES);
    expect(provisioned.perDay).toBeCloseTo(24 * 0.015 + 8.64 * 0.014 + 24 * 0.02, 12);
  });

  it('gives each line per million trades and names the largest', () => {
    expect(perMillionTrades(1.5, 3_000_000)).toBe(0.5);
    expect(largestLine(report).name).toBe('Kinesis, on-demand, one trade a record');
    expect(renderReport(report)).toContain('Largest line item: ingest: Kinesis, on-demand, one trade a record');
  });
});

describe('the inputs the cost model reads', () => {
  it('come from the committed bench figures, with the date and command that produced them', () => {
    const figures = readMeasuredFigures();
    expect(figures.writer.command).toBe('npm run bench -- --record');
    expect(figures.writer.recordedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const inputs = measuredInputs(figures);
    expect(inputs.plain.tradesPerRecord).toBe(1);
    expect(inputs.aggregated.tradesPerRecord).toBeGreaterThan(100);
    expect(inputs.bytesStoredPerTrade).toBeGreaterThan(50);
  });
});
