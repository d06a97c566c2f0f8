import { costOutput, measuredInputs, renderReport, runsPerDayOf } from '../../tools/cost/cost';
import { type MeasuredFigures, readMeasuredFigures, type ScenarioFigures } from '../../tools/cost/measured';
import {
  type CostInputs,
  costModel,
  DEFAULT_ASSUMPTIONS,
  kinesisPerDay,
  largestLine,
  perMillionTrades,
  streamLayout,
  tradesPerAggregate,
} from '../../tools/cost/model';
import { PRICES, type Prices } from '../../tools/cost/prices';

/** Round prices, so that the expected figures below can be worked out by hand. */
const ROUND_PRICES: Prices = {
  ...PRICES,
  lambdaArmGbSecond: { ...PRICES.lambdaArmGbSecond, usd: 0.00001 },
  s3StandardGbMonth: { ...PRICES.s3StandardGbMonth, usd: 0.02 },
};

/**
 * 100 trades a second spread evenly over the day (peak = mean), 300-byte records, 100 bytes stored a
 * trade, 4 on-demand shards, no aggregation: a case the batching window limits.
 */
const CASE: CostInputs = {
  tradesPerDay: 8_640_000,
  queriesPerDay: 2,
  aggregation: false,
  streamMode: 'on-demand',
  measured: {
    objectsPerInvocation: 1,
    plain: { tradesPerRecord: 1, bytesPerRecord: 300, writerCpuMsPerTrade: 0.01, bytesStoredPerTrade: 100 },
    // Filled aggregates of 100 trades: 20 bytes of magic number and MD5, 299.8 bytes a trade.
    aggregated: { tradesPerRecord: 100, bytesPerRecord: 30_000, writerCpuMsPerTrade: 0.01, bytesStoredPerTrade: 90 },
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
  assumptions: { ...DEFAULT_ASSUMPTIONS, peakToMeanRate: 1 },
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

  it('finds the full-day queries a day at which curation pays for itself: what it costs over what each query saves', () => {
    expect(report.curation).toBeUndefined();
    const measured = costModel(
      { ...CASE, measured: { ...CASE.measured, curatedBytesScannedPerTrade: 10 } },
      ROUND_PRICES,
    );
    // A raw query: 864,000,000 B at $5 a TB, and 5,760 GETs, 1,152 Decrypts and 5,760 read events.
    const raw = (864_000_000 / 1024 ** 4) * 5 + (5.76 * 0.0004 + 1_152 * 0.000003 + 0.0576 * 0.1);
    const curated = (86_400_000 / 1024 ** 4) * 5;
    // 24 runs of 2 scans each cost 48 raw reads; one run a day, 2.
    expect(measured.curation?.rawQueryUsd).toBeCloseTo(raw, 12);
    expect(measured.curation?.curatedQueryUsd).toBeCloseTo(curated, 12);
    expect(measured.curation?.breakEvenQueries).toBeCloseTo((48 * raw) / (raw - curated), 9);
    expect(measured.curation?.breakEvenQueriesDaily).toBeCloseTo((2 * raw) / (raw - curated), 9);
    expect(renderReport(measured)).toContain(
      `Curation pays for itself at ${((48 * raw) / (raw - curated)).toFixed(0)} full-day VWAP queries a day`,
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

  it('compares on-demand and provisioned streams, with and without aggregation, each aggregate what a producer buffers in 100 ms', () => {
    const byName = Object.fromEntries(
      report.kinesis.map(({ mode, aggregation, perDay, shards, tradesPerRecord }) => [
        `${mode} ${aggregation}`,
        { perDay, shards, tradesPerRecord },
      ]),
    );
    // On-demand, aggregated: a shard takes 25 trades a second, so 100 ms of them is 2.5 trades an
    // aggregate of 20 + 2.5 x 299.8 = 769.5 B, billed as 1 KB: 3,456,000 records, 3,456,000 KiB.
    expect(byName['on-demand true'].tradesPerRecord).toBe(2.5);
    expect(byName['on-demand true'].perDay).toBeCloseTo(0.96 + (3_456_000 / 1024 ** 2) * 0.12, 12);
    // Provisioned: 100 records and 30 KB a second fit one shard; a PUT payload unit per record.
    expect(byName['provisioned false']).toEqual({ perDay: 24 * 0.015 + 8.64 * 0.014, shards: 1, tradesPerRecord: 1 });
    // Aggregated on one shard: 10 trades in 100 ms, 3,018 B an aggregate (one payload unit), 864,000 of them.
    expect(byName['provisioned true'].shards).toBe(1);
    expect(byName['provisioned true'].tradesPerRecord).toBe(10);
    expect(byName['provisioned true'].perDay).toBeCloseTo(24 * 0.015 + 0.864 * 0.014, 12);
  });

  it('bills extended retention for a stream kept 7 days', () => {
    const gb = 8_640_000 / 1024 ** 2;
    const onDemand = kinesisPerDay(8_640_000, CASE.measured.plain, 'on-demand', 168, 4, ROUND_PRICES);
    expect(onDemand).toBeCloseTo(0.96 + gb * 0.12 + ((gb * 6) / 30) * 0.1, 12);
    const provisioned = kinesisPerDay(8_640_000, CASE.measured.plain, 'provisioned', 168, 1, ROUND_PRICES);
    expect(provisioned).toBeCloseTo(24 * 0.015 + 8.64 * 0.014 + 24 * 0.02, 12);
  });

  it('gives each line per million trades and names the largest', () => {
    expect(perMillionTrades(1.5, 3_000_000)).toBe(0.5);
    expect(largestLine(report).name).toBe('Kinesis, on-demand, one trade a record');
    expect(renderReport(report)).toContain('Largest line item: ingest: Kinesis, on-demand, one trade a record');
  });
});

/**
 * 1,000 trades a second on average, arriving at 4 times that (4,000 a second) while they arrive; KPL
 * aggregates filled at 200 trades (59,980 B: 20 bytes of magic number and MD5, 299.8 a trade); one
 * producer flushing each shard's aggregate after 100 ms. Aggregation on, on-demand, 4 shards.
 */
const AGGREGATED_CASE: CostInputs = {
  ...CASE,
  tradesPerDay: 86_400_000,
  aggregation: true,
  measured: {
    objectsPerInvocation: 1,
    plain: { tradesPerRecord: 1, bytesPerRecord: 300, writerCpuMsPerTrade: 0.01, bytesStoredPerTrade: 100 },
    aggregated: { tradesPerRecord: 200, bytesPerRecord: 59_980, writerCpuMsPerTrade: 0.02, bytesStoredPerTrade: 80 },
  },
  configured: { ...CASE.configured, streamRetentionHours: 24 },
  assumptions: {
    ...DEFAULT_ASSUMPTIONS,
    peakToMeanRate: 4,
    onDemandShards: 4,
    kplRecordMaxBufferedTimeMs: 100,
    kplProducers: 1,
  },
};

describe('the cost model with aggregation, where Lambda’s 6 MB payload caps a batch (worked out by hand)', () => {
  const report = costModel(AGGREGATED_CASE, ROUND_PRICES);

  it('aggregates what one producer sends a shard in 100 ms at the peak rate: 4,000/s over 4 shards is 100 trades of 30,000 B', () => {
    // 1,000 trades a second a shard x 0.1 s = 100 trades, under the 200 that fill an aggregate:
    // 20 + 100 x 299.8 = 30,000 B. At the peak, 40 records and 1,200,000 B a second: 2 shards' worth, under 4.
    expect(report.shards).toBe(4);
    expect(report.shape.tradesPerRecord).toBe(100);
    expect(report.shape.bytesPerRecord).toBeCloseTo(30_000, 9);
  });

  it('fits 155 aggregates in an invocation: 15,500 trades, not the 60,000 a shard gathers in the window', () => {
    // Each record in the event: 30,000 B in base64 (40,000 characters) + 500 bytes of JSON = 40,500 B.
    // 6 MiB = 6,291,456 B holds 155 of them (155 x 40,500 = 6,277,500; 156 would be 6,318,000).
    // The window would gather 1,000 trades a second a shard x 60 s = 60,000 trades; the payload binds.
    expect(report.tradesPerInvocation).toBe(15_500);
    expect(report.invocationsPerDay).toBeCloseTo(86_400_000 / 15_500, 9); // 5,574.19…
    // (0.02 ms x 15,500 trades at a whole vCPU + 30 ms) = 0.34 s, x 5,574.19 invocations x 2 GB.
    expect(lineOf(report, 'Lambda writer, duration')).toBeCloseTo(0.34 * (86_400_000 / 15_500) * 2 * 0.00001, 12);
  });

  it('stores the bytes a trade of an aggregate of 100 costs, between the plain figure and a filled aggregate’s', () => {
    // 80 + (100 - 80) x (1/100 - 1/200) / (1 - 1/200) = 80 + 20 x 0.005 / 0.995 = 80.1005… B a trade.
    const bytesPerTrade = 80 + (20 * 0.005) / 0.995;
    expect(report.shape.bytesStoredPerTrade).toBeCloseTo(bytesPerTrade, 12);
    expect(lineOf(report, 'S3 Standard, per month the day is kept')).toBeCloseTo(
      ((86_400_000 * bytesPerTrade) / 1024 ** 3) * 0.02,
      12,
    );
    expect(lineOf(report, "Athena, a day's VWAP over raw trades")).toBeCloseTo(
      ((2 * 86_400_000 * bytesPerTrade) / 1024 ** 4) * 5,
      12,
    );
  });

  it('bills each 30,000-byte aggregate as 30 KB on-demand: 864,000 records, 25,920,000 KiB', () => {
    // 86,400,000 trades / 100 = 864,000 records; 30,000 B rounds up to 30 KiB (29.3).
    expect(lineOf(report, 'Kinesis, on-demand, KPL aggregated')).toBeCloseTo(
      0.96 + (25_920_000 / 1024 ** 2) * 0.12,
      12,
    );
    // $3.926 a day over 86.4 million trades is $0.045 a million: issue 13's goal is met. The first
    // case's aggregates of 2.5 trades cost $1.356 a day for 8.64 million: $0.16 a million, not met.
    expect(renderReport(report)).toContain("$0.045 per million trades; issue 13's goal, at most $0.050, is met");
    expect(renderReport(costModel(CASE, ROUND_PRICES))).toContain(
      "$0.16 per million trades; issue 13's goal, at most $0.050, is not met",
    );
  });

  it('sizes a provisioned stream at the peak rate: 2 shards of filled aggregates, where the daily mean fits 1', () => {
    const provisioned = costModel({ ...AGGREGATED_CASE, streamMode: 'provisioned' }, ROUND_PRICES);
    // One shard would take 400 trades in 100 ms, capped at 200 (59,980 B): 20 records and 1,199,600 B
    // a second, above 1 MiB (1,048,576). Two shards: 2,000 trades a second each, 200 in 100 ms, still
    // 1,199,600 B a second in all: 2 shards suffice. At the mean (1,000/s) it would be 299,900 B/s, 1 shard.
    expect(provisioned.shards).toBe(2);
    expect(provisioned.shape.tradesPerRecord).toBe(200);
    expect(provisioned.shape.bytesStoredPerTrade).toBe(80);
    // 432,000 records of 59,980 B, each 3 PUT payload units of 25 KB (2.34): 1,296,000 units.
    expect(lineOf(provisioned, 'Kinesis, provisioned, KPL aggregated')).toBeCloseTo(2 * 24 * 0.015 + 1.296 * 0.014, 12);
    // An event record: 59,980 B in base64 is 79,976 characters, + 500 = 80,476 B; 6 MiB holds 78
    // (78 x 80,476 = 6,277,128): 15,600 trades, under the 120,000 a shard gathers in 60 s.
    expect(provisioned.tradesPerInvocation).toBe(15_600);
    // Two writer environments renewing their data key every 5 minutes: 576 GenerateDataKey calls.
    expect(lineOf(provisioned, 'KMS, S3 writes with Bucket Key')).toBeCloseTo(576 * 0.000003, 12);
    // Without aggregation the peak is 4,000 records a second: 4 shards (1,200,000 B/s alone needs 2).
    const plain = provisioned.kinesis.find(({ mode, aggregation }) => mode === 'provisioned' && !aggregation);
    expect(plain?.shards).toBe(4);
    expect(plain?.perDay).toBeCloseTo(4 * 24 * 0.015 + 86.4 * 0.014, 12);
  });

  it('grows an on-demand stream past its 4 shards when the peak needs it, and never aggregates below one trade', () => {
    // 5,000 plain records a second at the peak: 5 shards.
    const busy = { ...AGGREGATED_CASE.assumptions, peakToMeanRate: 5 };
    expect(streamLayout(86_400_000, false, 'on-demand', AGGREGATED_CASE.measured, busy).shards).toBe(5);
    // 10 trades a second (864,000 a day at peak = mean) over 4 shards: 0.25 trades in 100 ms, so 1.
    const quiet = { ...DEFAULT_ASSUMPTIONS, peakToMeanRate: 1 };
    expect(tradesPerAggregate(864_000, 4, AGGREGATED_CASE.measured.aggregated, quiet)).toBe(1);
    // Two producers each send a shard half the trades: half as many in an aggregate.
    const twoProducers = { ...AGGREGATED_CASE.assumptions, kplProducers: 2 };
    expect(tradesPerAggregate(86_400_000, 4, AGGREGATED_CASE.measured.aggregated, twoProducers)).toBe(50);
  });
});

/** A bench scenario's figures, with the three the model reads per shape set. */
function scenario(figures: Partial<ScenarioFigures>): ScenarioFigures {
  return {
    recordsPerInvocation: 6500,
    kinesisRecordsPerInvocation: 6500,
    kinesisBytesPerRecord: 233,
    invalidPerInvocation: 0,
    handlerMs: 30,
    handlerCpuMs: 26,
    floorMs: 12,
    floorRatio: 2.5,
    objectsPerInvocation: 1,
    putsPerInvocation: 1,
    bytesStoredPerTrade: 83,
    bytesStoredPerRecord: 83,
    ...figures,
  };
}

describe('the inputs the cost model reads', () => {
  it('come from the committed bench figures, with the date and command that produced them', () => {
    const figures = readMeasuredFigures();
    expect(figures.writer.command).toMatch(/^npm run bench -- --record/);
    expect(figures.writer.recordedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const inputs = measuredInputs(figures);
    expect(inputs.plain.tradesPerRecord).toBe(1);
    expect(inputs.aggregated.tradesPerRecord).toBeGreaterThan(100);
    expect(inputs.plain.bytesStoredPerTrade).toBe(figures.writer.scenarios['one date'].bytesStoredPerTrade);
    expect(inputs.aggregated.bytesStoredPerTrade).toBe(figures.writer.scenarios['KPL aggregated'].bytesStoredPerTrade);
  });

  it('take the bytes stored per trade of each shape from its own scenario, plain from "one date", aggregated from "KPL aggregated"', () => {
    const figures: MeasuredFigures = {
      writer: {
        recordedOn: '2026-01-01',
        command: 'npm run bench -- --record',
        machine: 'test',
        coldRequireMs: 70,
        scenarios: {
          'one date': scenario({ bytesStoredPerTrade: 83 }),
          'KPL aggregated': scenario({
            kinesisRecordsPerInvocation: 36,
            kinesisBytesPerRecord: 50_000,
            bytesStoredPerTrade: 66,
          }),
        },
      },
    };
    const inputs = measuredInputs(figures);
    expect([inputs.plain.bytesStoredPerTrade, inputs.aggregated.bytesStoredPerTrade]).toEqual([83, 66]);
    expect(inputs.aggregated.tradesPerRecord).toBeCloseTo(6500 / 36, 12);
    // A filled aggregate stores the aggregated figure; one trade a record at the plain size, the plain one.
    const measured = { ...inputs, curatedBytesScannedPerTrade: undefined };
    const filled = costModel(
      {
        ...AGGREGATED_CASE,
        tradesPerDay: 1e9,
        measured,
        assumptions: { ...AGGREGATED_CASE.assumptions, peakToMeanRate: 1 },
      },
      ROUND_PRICES,
    );
    expect(filled.shape.bytesStoredPerTrade).toBe(66);
    const plain = costModel({ ...AGGREGATED_CASE, aggregation: false, measured }, ROUND_PRICES);
    expect(plain.shape.bytesStoredPerTrade).toBe(83);
  });

  it('names a scenario measured.json lacks, and how to record it', () => {
    const figures = readMeasuredFigures();
    const { 'KPL aggregated': _, ...others } = figures.writer.scenarios;
    expect(() => measuredInputs({ ...figures, writer: { ...figures.writer, scenarios: others } })).toThrow(
      'measured.json has no "KPL aggregated" scenario: run npm run bench -- --record',
    );
  });
});

describe('npm run cost', () => {
  it('sizes the stream at 24/6.5 times the mean rate by default, and at the rate --peak-to-mean gives', () => {
    const byDefault = costOutput(['--trades-per-day', '100000000']);
    expect(byDefault).toContain("trades arrive at 3.69 times the day's mean rate");
    const flat = costOutput(['--trades-per-day', '100000000', '--peak-to-mean', '1']);
    expect(flat).toContain('trades arrive at 1.00 times');
    // A flat day of 100 million trades (1,157 a second) needs 2 plain provisioned shards; at 3.69
    // times it (4,274 a second), 5.
    expect(flat).toMatch(/\| provisioned, one trade a record \| [^|]+ \| [^|]+ \| 2 \|/);
    expect(byDefault).toMatch(/\| provisioned, one trade a record \| [^|]+ \| [^|]+ \| 5 \|/);
  });

  it('refuses a peak below the mean and a rate that is not a number', () => {
    expect(() => costOutput(['--peak-to-mean', '0.5'])).toThrow('--peak-to-mean needs a number of at least 1, got 0.5');
    expect(() => costOutput(['--trades-per-day', 'lots'])).toThrow('--trades-per-day needs a number above 0, got lots');
  });
});
