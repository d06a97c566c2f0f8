import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ExpectedOutcome } from '../../cli/produce';
import type { NamedAnswer } from '../../local/answers';
import { curatedFilesGlob } from '../../local/curated-files';
import { type LocalRunResult, runLocalPipeline } from '../../local/pipeline';
import { cliProducer } from '../../local/producer';
import { keptObjects, recount } from '../../local/recount';
import { lossesOf, oneDecimal, parseSummaryLine } from '../../local/summary';

/**
 * The whole pipeline on one machine (issues #10 and #12), as `npm run local` runs it, with 1,000
 * trades: the CLI's producer into kinesalite, the real writer driven as Lambda drives it into
 * s3rver, the curation MERGE into Parquet files, DuckDB answering the named queries from them. Once
 * plainly and once with --chaos, with the same seed, so the answers of the two runs must be the
 * same: faults may write a record twice, never change what the queries see. Each run keeps its
 * folder, so that the test reads the curated files itself.
 */

const COUNT = 1_000;
const SEED = 'e2e-local-pipeline';

/** The kept folders of the runs, removed after the tests. */
const keptRoot = mkdtempSync(join(tmpdir(), 'local-e2e-'));
let runs = 0;

async function run(chaos: boolean, aggregate = false): Promise<{ result: LocalRunResult; printed: string[] }> {
  const printed: string[] = [];
  runs += 1;
  const result = await runLocalPipeline({
    count: COUNT,
    aggregate,
    chaos,
    seed: SEED,
    keep: join(keptRoot, `run-${runs}`),
    producer: cliProducer({ count: COUNT, seed: SEED, aggregate }),
    print: (line) => printed.push(line),
  });
  return { result, printed };
}

/** Each trade as the curated Parquet files of a run hold it, read by the test with a DuckDB of its own. */
async function curatedFileRows(directory: string): Promise<string[][]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT trade_id, CAST(version AS VARCHAR), status, CAST(trade_date AS VARCHAR)
FROM read_parquet('${curatedFilesGlob(join(directory, 'curated'))}', hive_partitioning = true)
ORDER BY trade_id, version`,
    );
    return reader.getRowsJson() as string[][];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The curated rows the generator says the lake must hold: one per trade, its latest version and status. */
function expectedCuratedRows(expected: ExpectedOutcome): string[][] {
  return expected.trades.map((trade) => [trade.tradeId, String(trade.version), trade.status, trade.tradeDate]);
}

let plain: Awaited<ReturnType<typeof run>>;
let chaos: Awaited<ReturnType<typeof run>>;
let aggregated: Awaited<ReturnType<typeof run>>;
let chaosAgain: Awaited<ReturnType<typeof run>>;

/** Each run takes a few seconds, the chaos run more (a killed invocation waits out its timeout). */
const RUN_TIMEOUT_MS = 120_000;

afterAll(() => {
  rmSync(keptRoot, { recursive: true, force: true });
});

beforeAll(async () => {
  plain = await run(false);
  chaos = await run(true);
  aggregated = await run(false, true);
  chaosAgain = await run(true);
}, 4 * RUN_TIMEOUT_MS);

function answerOf(result: LocalRunResult, name: string): NamedAnswer {
  const answer = result.answers.find(({ query }) => query.name === name);
  if (answer === undefined) throw new Error(`no answer for ${name}`);
  return answer;
}

/** The rows of an answer as objects, by column name. */
function rowsOf({ answer }: NamedAnswer): Record<string, unknown>[] {
  return answer.rows.map((row) => Object.fromEntries(answer.columns.map((column, i) => [column, row[i]])));
}

/** Columns that name when and where this run stored a record: new in every run. */
const RUN_COLUMNS = ['first_arrival', 'last_arrival', 'sequence_number', 'arrival_time', 'ingestion_time'];

function withoutRunColumns(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([column]) => !RUN_COLUMNS.includes(column)));
}

/** Doubles to 12 significant digits: a sum over the same rows read in another order may differ in its last bits. */
function roughly(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([column, value]) => [
      column,
      typeof value === 'number' ? Number(value.toPrecision(12)) : value,
    ]),
  );
}

describe.each([
  ['plainly', () => plain],
  ['with --chaos', () => chaos],
  ['with --aggregate', () => aggregated],
])('npm run local %s', (_mode, current) => {
  it('loses nothing: written = events and quarantined = invalid, counted from the objects', () => {
    const { summary, losses } = current().result;
    expect(losses).toEqual([]);
    expect(lossesOf(summary)).toEqual([]);
    expect(summary.sent).toBe(COUNT);
    expect(summary.written).toBe(summary.events);
    expect(summary.quarantined).toBe(summary.invalid);
    expect(summary.invalid).toBeGreaterThan(0);
    expect(summary.trades).toBeLessThan(summary.events);
  });

  it('loses nothing record by record: each record sent is in its zone under the identity PutRecords gave it, and nothing else is', () => {
    const { result, printed } = current();
    const { records, expected } = result.producer;
    expect(records).toHaveLength(COUNT);
    expect(records.filter(({ zone }) => zone === 'quarantine')).toHaveLength(expected.invalidRecords);
    // Re-sends are records of their own: more valid records than events.
    expect(records.filter(({ zone }) => zone === 'trades').length).toBe(expected.validEvents + expected.duplicates);
    const identities = new Set(
      records.map(
        ({ shardId, sequenceNumber, subSequenceNumber }) => `${shardId}:${sequenceNumber}:${subSequenceNumber}`,
      ),
    );
    expect(identities.size).toBe(COUNT);
    expect(result.recordCheck).toEqual({ lost: 0, unexpected: 0, losses: [], surprises: [] });
    expect(result.unexpected).toEqual([]);
    expect(printed.some((line) => /^(LOST|UNEXPECTED):/.test(line))).toBe(false);
  });

  it('ends with the summary line, whose fields are the run', () => {
    const { printed, result } = current();
    const fields = parseSummaryLine(printed.at(-1) ?? '');
    const { summary } = result;
    expect(fields).toMatchObject({
      sent: summary.sent,
      events: summary.events,
      invalid: summary.invalid,
      written: summary.written,
      quarantined: summary.quarantined,
      duplicates: summary.duplicates,
      trades: summary.trades,
      objects: summary.objects,
      curated: summary.curated,
      curated_bytes_per_trade_vwap: Number(oneDecimal(summary.curatedBytesPerTradeVwap)),
      lost: 0,
      unexpected: 0,
    });
    expect(Object.keys(fields).slice(0, 14)).toEqual([
      'sent',
      'events',
      'invalid',
      'written',
      'quarantined',
      'duplicates',
      'trades',
      'objects',
      'bytes_per_trade',
      'seconds',
      'curated',
      'curated_bytes_per_trade_vwap',
      'lost',
      'unexpected',
    ]);
  });

  it('curates every trade exactly once, at its latest version and status: curated = trades, read from the Parquet files', async () => {
    const { result, printed } = current();
    const fields = parseSummaryLine(printed.at(-1) ?? '');
    expect(fields.curated).toBe(fields.trades);
    expect(result.curationProblems).toEqual([]);
    expect(result.curatedCheck).toMatchObject({ missing: 0, unexpected: 0, duplicated: 0, wrongVersion: 0 });
    // Independently of the run's own check: the files, read by this test, against the generator.
    const { expected } = result.producer;
    expect(expected.cancels).toBeGreaterThan(0);
    expect(expected.corrections).toBeGreaterThan(0);
    expect(await curatedFileRows(result.directory)).toEqual(expectedCuratedRows(expected));
  });

  it("reconciles every raw day after its merge, as the job's alarm would see it", () => {
    const { reconciliation, days } = current().result.curation;
    expect(days.length).toBeGreaterThan(0);
    for (const day of reconciliation) {
      expect(day).toMatchObject({ unreconciledTrades: 0, duplicateRows: 0, curatedTrades: day.rawTrades });
    }
  });

  it("measures the bytes a day's VWAP reads from the curated files, per trade of that day", () => {
    const { vwapScan, answers } = current().result;
    const vwap = answers.find(({ query }) => query.name === 'vwap-by-symbol');
    expect(vwapScan.day).toBe(vwap?.parameters[0]);
    expect(vwapScan.columns).toEqual(['symbol', 'quantity', 'price', 'currency', 'status']);
    expect(vwapScan.trades).toBeGreaterThan(0);
    expect(vwapScan.bytesPerTrade).toBeCloseTo(vwapScan.bytes / vwapScan.trades);
    expect(current().result.summary.curatedBytesPerTradeVwap).toBe(vwapScan.bytesPerTrade);
  });

  it('gives every producer-side count as the generator says', () => {
    const { result } = current();
    const { expected } = result.producer;
    expect(result.summary).toMatchObject({
      events: expected.validEvents,
      invalid: expected.invalidRecords,
      trades: expected.tradeIds,
    });
  });

  it("answers quarantine-by-reason with the generator's invalid records per reason", () => {
    const { result } = current();
    const { expected } = result.producer;
    const answered = Object.fromEntries(
      rowsOf(answerOf(result, 'quarantine-by-reason')).map((row) => [row.reason, Number(row.records)]),
    );
    expect(answered).toEqual(expected.invalidByReason);
  });

  it('curates one row per trade, and answers volume-and-notional-by-symbol as the generator says', () => {
    const { result } = current();
    const { expected } = result.producer;
    expect(result.curatedRows).toBe(expected.tradeIds);
    const answer = answerOf(result, 'volume-and-notional-by-symbol');
    const [tradeDate] = answer.parameters;
    const bySymbol = new Map<string, { trades: number; volume: number; notional: number }>();
    for (const trade of expected.trades) {
      if (trade.status !== 'ACTIVE' || trade.tradeDate !== tradeDate) continue;
      const key = `${trade.event.symbol}/${trade.event.currency ?? 'USD'}`;
      const sums = bySymbol.get(key) ?? { trades: 0, volume: 0, notional: 0 };
      sums.trades += 1;
      sums.volume += trade.event.quantity;
      sums.notional += trade.event.quantity * Number(trade.event.price);
      bySymbol.set(key, sums);
    }
    const answered = rowsOf(answer);
    expect(answered).toHaveLength(bySymbol.size);
    for (const row of answered) {
      const sums = bySymbol.get(`${row.symbol}/${row.currency}`);
      expect(Number(row.trades)).toBe(sums?.trades);
      expect(Number(row.volume)).toBe(sums?.volume);
      expect(Number(row.notional)).toBeCloseTo(sums?.notional ?? Number.NaN, 4);
    }
  });

  it('sends every PutObject with SSE-KMS and the data key ARN: the bucket policy refuses none', () => {
    const { writes, summary } = current().result;
    expect(writes.refused).toBe(0);
    expect(writes.stored).toBeGreaterThanOrEqual(summary.objects);
  });
});

describe('npm run local --chaos', () => {
  it('injects every kind of fault and says how many in the summary line', () => {
    const { result, printed } = chaos;
    const fields = parseSummaryLine(printed.at(-1) ?? '');
    const faults = result.faults;
    expect(faults?.unavailable).toBeGreaterThanOrEqual(4);
    expect(faults?.hung).toBeGreaterThanOrEqual(1);
    expect(faults?.redelivered).toBeGreaterThanOrEqual(1);
    expect(fields).toMatchObject({
      faults: (faults?.unavailable ?? 0) + (faults?.hung ?? 0) + (faults?.redelivered ?? 0),
      faults_503: faults?.unavailable,
      faults_hung: faults?.hung,
      faults_redelivered: faults?.redelivered,
    });
  });

  it("takes every one of Lambda's retry paths: a partial failure, a timeout and its bisection, a redelivery", () => {
    expect(chaos.result.eventSource).toMatchObject({ failedBatches: 0 });
    const { partialFailures, timeouts, bisections, redeliveries } = chaos.result.eventSource;
    expect(partialFailures).toBeGreaterThan(0);
    expect(timeouts).toBeGreaterThan(0);
    expect(bisections).toBeGreaterThan(0);
    expect(redeliveries).toBeGreaterThan(0);
    // A redelivered batch finds its objects already written (If-None-Match: 412).
    expect(chaos.result.writerMetrics.get('ObjectsAlreadyPresent')).toBeGreaterThan(0);
  });

  it('injects the same faults again with the same seed: a chaos run can be reproduced', () => {
    const { result } = chaosAgain;
    expect(result.faults).toEqual(chaos.result.faults);
    expect(result.eventSource).toEqual(chaos.result.eventSource);
    // Bytes differ: sequence numbers and times are new in every run, and gzip packs them differently.
    const counts = ({ tradeBytes, bytesPerTrade, ...lake }: LocalRunResult['lake']) => lake;
    expect(counts(result.lake)).toEqual(counts(chaos.result.lake));
  });

  it('stores some records twice, and the queries still see each once: their answers are the plain run’s', () => {
    expect(chaos.result.lake.recordCopies).toBeGreaterThan(0);
    expect(plain.result.lake.recordCopies).toBe(0);
    for (const name of ['volume-and-notional-by-symbol', 'vwap-by-symbol', 'trade-by-id', 'quarantine-by-reason']) {
      const stable = (result: LocalRunResult) =>
        rowsOf(answerOf(result, name)).map((row) => roughly(withoutRunColumns(row)));
      expect(stable(chaos.result)).toEqual(stable(plain.result));
    }
  });
});

describe('npm run local --aggregate', () => {
  it('packs the trades into far fewer Kinesis records, which the writer reads as the same answers', () => {
    expect(aggregated.result.producer.kinesisRecords).toBeLessThan(COUNT / 10);
    expect(aggregated.result.eventSource.recordsRead).toBe(aggregated.result.producer.kinesisRecords);
    for (const name of ['volume-and-notional-by-symbol', 'vwap-by-symbol']) {
      const stable = (result: LocalRunResult) => rowsOf(answerOf(result, name)).map(roughly);
      expect(stable(aggregated.result)).toEqual(stable(plain.result));
    }
  });
});

describe('npm run local -- --keep DIR', () => {
  let directory: string;
  let output: string;

  beforeAll(async () => {
    directory = join(mkdtempSync(join(tmpdir(), 'local-keep-')), 'kept');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        require.resolve('tsx/cli'),
        join(__dirname, '..', '..', 'local', 'main.ts'),
        '--count',
        '300',
        '--seed',
        SEED,
        '--keep',
        directory,
      ],
      { env: { ...process.env, NODE_OPTIONS: '' }, maxBuffer: 16 * 1024 * 1024 },
    );
    output = stdout;
  }, RUN_TIMEOUT_MS);

  afterAll(() => {
    rmSync(join(directory, '..'), { recursive: true, force: true });
  });

  it('exits 0, with the summary line last, and leaves the objects and curated files for anyone to recount', async () => {
    const lines = output.trimEnd().split('\n');
    const fields = parseSummaryLine(lines.at(-1) ?? '');
    expect(fields.sent).toBe(300);
    const again = await recount(directory);
    expect({
      written: again.written,
      quarantined: again.quarantined,
      duplicates: again.duplicates,
      objects: again.tradeObjects + again.quarantineObjects,
      curated: again.curated,
      curated_bytes_per_trade_vwap: Number(oneDecimal(again.vwap.bytesPerTrade)),
    }).toEqual({
      written: fields.written,
      quarantined: fields.quarantined,
      duplicates: fields.duplicates,
      objects: fields.objects,
      curated: fields.curated,
      curated_bytes_per_trade_vwap: fields.curated_bytes_per_trade_vwap,
    });
    expect(fields.curated).toBe(fields.trades);
    expect(again.records).toMatchObject({ lost: 0, unexpected: 0 });
    expect({ lost: fields.lost, unexpected: fields.unexpected }).toEqual({ lost: 0, unexpected: 0 });
  });

  it('recounts record by record: a lost copy of a re-sent trade is LOST, and the recount exits 1', async () => {
    // One copy of a deliberate re-send removed from its object: the event is still counted by the
    // other copy, so only the records the run kept can show the loss.
    const objects = keptObjects(directory).filter(({ key }) => key.startsWith('trades/'));
    const copies = new Map<string, { key: string; line: string }[]>();
    for (const { key, body } of objects) {
      for (const line of gunzipSync(body).toString('utf8').split('\n')) {
        if (line === '') continue;
        const trade = JSON.parse(line) as { trade_id: string; exec_type?: string; version?: number };
        const event = JSON.stringify([trade.trade_id, trade.exec_type ?? 'NEW', trade.version ?? 1]);
        copies.set(event, [...(copies.get(event) ?? []), { key, line }]);
      }
    }
    const resent = [...copies.values()].find((found) => found.length === 2);
    if (resent === undefined) throw new Error('the run re-sent no trade');
    const [, second] = resent as [{ key: string; line: string }, { key: string; line: string }];
    const file = join(directory, 'lake', second.key);
    const kept = gunzipSync(readFileSync(file))
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== second.line);
    writeFileSync(file, gzipSync(kept.join('\n')));
    const { shard_id, sequence_number } = JSON.parse(second.line) as { shard_id: string; sequence_number: string };

    const failed = await promisify(execFile)(
      process.execPath,
      [require.resolve('tsx/cli'), join(__dirname, '..', '..', 'local', 'recount.ts'), directory],
      { env: { ...process.env, NODE_OPTIONS: '' } },
    ).then(
      () => undefined,
      (error: { code?: number; stdout?: string }) => error,
    );
    expect(failed?.code).toBe(1);
    const lines = (failed?.stdout ?? '').trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('LOST: '))).toEqual([
      `LOST: 1 valid records sent are not in trades/ under their identity: ${shard_id}:${sequence_number}`,
    ]);
    const fields = parseSummaryLine(lines.at(-1) ?? '');
    expect(fields).toMatchObject({ lost: 1, unexpected: 0 });
  });
});
