import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { PutRecordsCommandInput, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { DuckDBInstance } from '@duckdb/node-api';
import { deaggregateSync } from 'aws-kinesis-agg';
import type { ExpectedOutcome } from '../../cli/produce';
import type { NamedAnswer } from '../../local/answers';
import { curatedFilesGlob } from '../../local/curated-files';
import { type LocalRunResult, type Producer, runLocalPipeline } from '../../local/pipeline';
import { cliProducer } from '../../local/producer';
import { keptObjects, recount } from '../../local/recount';
import { lossesOf, oneDecimal, parseSummaryLine } from '../../local/summary';
import { TRADE_FIELD_DEFAULTS } from '../../schema/layout';
import { validateTrade } from '../../schema/validation/validate-trade';

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

/** A Kinesis record the stream accepted, as the test saw it go out: its bytes, and when. */
interface Accepted {
  readonly data: Buffer;
  readonly at: Date;
}

/**
 * The CLI's producer, with the test's own record of what PutRecords accepted, read off the Kinesis
 * client (a middleware of the test's, beside the pipeline's): what the producer-side counts are
 * derived from, independently of the generator's expectation and of the run's own bookkeeping.
 */
function acceptedBy(producer: Producer, accepted: Accepted[]): Producer {
  return async (target) => {
    target.kinesis.middlewareStack.add(
      (next, context) => async (args) => {
        const answer = await next(args);
        if (context.commandName === 'PutRecordsCommand') {
          const requested = (args.input as PutRecordsCommandInput).Records ?? [];
          const at = new Date();
          ((answer.output as PutRecordsCommandOutput).Records ?? []).forEach((result, i) => {
            const data = requested[i]?.Data;
            if (result.ErrorCode === undefined && result.SequenceNumber !== undefined && data !== undefined) {
              accepted.push({ data: Buffer.from(data), at });
            }
          });
        }
        return answer;
      },
      { step: 'initialize', name: 'e2eAcceptedRecords' },
    );
    return producer(target);
  };
}

interface Run {
  readonly result: LocalRunResult;
  readonly printed: string[];
  readonly accepted: readonly Accepted[];
}

async function run(chaos: boolean, aggregate = false): Promise<Run> {
  const printed: string[] = [];
  const accepted: Accepted[] = [];
  runs += 1;
  const result = await runLocalPipeline({
    count: COUNT,
    aggregate,
    chaos,
    seed: SEED,
    keep: join(keptRoot, `run-${runs}`),
    producer: acceptedBy(cliProducer({ count: COUNT, seed: SEED, aggregate }), accepted),
    print: (line) => printed.push(line),
  });
  return { result, printed, accepted };
}

/** The KPL aggregation format's magic number (aws-kinesis-agg reads the rest). */
const KPL_MAGIC = Buffer.from([0xf3, 0x89, 0x9a, 0xc2]);

/** The user records of the Kinesis records accepted: an aggregate's read with aws-kinesis-agg. */
function userRecordsOf(accepted: readonly Accepted[]): Accepted[] {
  return accepted.flatMap(({ data, at }) => {
    if (!data.subarray(0, 4).equals(KPL_MAGIC)) return [{ data, at }];
    const found: Accepted[] = [];
    const payload = {
      kinesisSchemaVersion: '1.0',
      partitionKey: '-',
      sequenceNumber: '0',
      data: data.toString('base64'),
      approximateArrivalTimestamp: 0,
    };
    deaggregateSync(payload, true, (error, records) => {
      if (error) throw error;
      for (const record of records ?? []) found.push({ data: Buffer.from(record.data, 'base64'), at });
    });
    return found;
  });
}

/**
 * The producer-side counts of issue #10, from the user records themselves: each validated with the
 * schema's validateTrade at the time it was accepted, `events` the distinct (trade_id, exec_type,
 * version) keys of the valid ones with the schema's defaults, `invalid` the others, `trades` the
 * distinct trade_ids.
 */
function producerSideCounts(accepted: readonly Accepted[]) {
  const userRecords = userRecordsOf(accepted);
  const events = new Set<string>();
  const tradeIds = new Set<string>();
  let invalid = 0;
  for (const { data, at } of userRecords) {
    if (!validateTrade(data, { now: at }).ok) {
      invalid += 1;
      continue;
    }
    const trade = JSON.parse(data.toString('utf8')) as { trade_id: string; exec_type?: string; version?: number };
    const key = [
      trade.trade_id,
      trade.exec_type ?? TRADE_FIELD_DEFAULTS.exec_type,
      trade.version ?? TRADE_FIELD_DEFAULTS.version,
    ];
    events.add(JSON.stringify(key));
    tradeIds.add(trade.trade_id);
  }
  return { sent: userRecords.length, events: events.size, invalid, trades: tradeIds.size };
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

let plain: Run;
let chaos: Run;
let aggregated: Run;
let chaosAgain: Run;

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
    const { summary, losses, producer } = current().result;
    expect(losses).toEqual([]);
    expect(lossesOf(summary)).toEqual([]);
    // With --chaos, the stale re-sends go on the stream besides the generator's records.
    expect(summary.sent).toBe(COUNT + producer.staleResends);
    expect(summary.written).toBe(summary.events);
    expect(summary.quarantined).toBe(summary.invalid);
    expect(summary.invalid).toBeGreaterThan(0);
    expect(summary.trades).toBeLessThan(summary.events);
  });

  it('loses nothing record by record: each record sent is in its zone under the identity PutRecords gave it, and nothing else is', () => {
    const { result, printed } = current();
    const { records, expected } = result.producer;
    expect(records).toHaveLength(result.summary.sent);
    expect(records.filter(({ zone }) => zone === 'quarantine')).toHaveLength(expected.invalidRecords);
    // Re-sends are records of their own: more valid records than events.
    expect(records.filter(({ zone }) => zone === 'trades').length).toBe(expected.validEvents + expected.duplicates);
    const identities = new Set(
      records.map(
        ({ shardId, sequenceNumber, subSequenceNumber }) => `${shardId}:${sequenceNumber}:${subSequenceNumber}`,
      ),
    );
    expect(identities.size).toBe(result.summary.sent);
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
    const { reconciliation, days, runs } = current().result.curation;
    expect(days.length).toBeGreaterThan(0);
    // Every day each run merged, reconciled with that run's cutoff.
    expect(reconciliation.map(({ day, cutoff }) => `${day}@${cutoff}`)).toEqual(
      runs.flatMap(({ cutoff, days: merged }) => merged.map((day) => `${day}@${cutoff}`)),
    );
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

  it('gives every producer-side count as the records the stream accepted say, each validated by the schema', () => {
    const { result, accepted } = current();
    const derived = producerSideCounts(accepted);
    expect(derived.invalid).toBeGreaterThan(0);
    expect(derived.trades).toBeLessThan(derived.events);
    expect(derived.events).toBeLessThan(derived.sent - derived.invalid);
    expect(result.summary).toMatchObject(derived);
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

/** Raw lines of a kept run, read by the test with a DuckDB of its own: a trade's versions, where and when they landed. */
async function rawLines(
  directory: string,
): Promise<{ tradeId: string; version: number; position: bigint; ingested: string }[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT trade_id, CAST(coalesce(version, 1) AS VARCHAR), sequence_number, ingestion_time
FROM read_json('${join(directory, 'lake', 'trades', '*', '*.jsonl.gz')}', format = 'newline_delimited', compression = 'gzip',
  columns = {trade_id: 'VARCHAR', version: 'BIGINT', sequence_number: 'VARCHAR', ingestion_time: 'VARCHAR'})`,
    );
    return (reader.getRowsJson() as string[][]).map(([tradeId, version, sequence, ingested]) => ({
      tradeId: tradeId as string,
      version: Number(version),
      position: BigInt(sequence as string),
      ingested: ingested as string,
    }));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('npm run local --chaos', () => {
  it('injects every kind of fault and says how many in the summary line', () => {
    const { result, printed } = chaos;
    const fields = parseSummaryLine(printed.at(-1) ?? '');
    const faults = result.faults;
    expect(faults?.unavailable).toBeGreaterThanOrEqual(4);
    expect(faults?.hung).toBeGreaterThanOrEqual(1);
    expect(faults?.redelivered).toBeGreaterThanOrEqual(1);
    expect(faults?.stale).toBeGreaterThanOrEqual(1);
    expect(faults?.stale).toBe(result.producer.staleResends);
    expect(fields).toMatchObject({
      faults: (faults?.unavailable ?? 0) + (faults?.hung ?? 0) + (faults?.redelivered ?? 0) + (faults?.stale ?? 0),
      faults_503: faults?.unavailable,
      faults_hung: faults?.hung,
      faults_redelivered: faults?.redelivered,
      faults_stale: faults?.stale,
    });
    expect(Object.keys(fields).slice(14)).toEqual([
      'faults',
      'faults_503',
      'faults_hung',
      'faults_redelivered',
      'faults_stale',
    ]);
  });

  it('sends older versions again after their corrections, without changing events: the same bytes as before', () => {
    const { result, accepted } = chaos;
    const { staleResends } = result.producer;
    // The stale re-sends are the last records accepted, each the bytes of a record accepted before.
    const userRecords = userRecordsOf(accepted);
    const stale = userRecords.slice(-staleResends);
    const earlier = new Set(userRecords.slice(0, -staleResends).map(({ data }) => data.toString('base64')));
    expect(stale.every(({ data }) => earlier.has(data.toString('base64')))).toBe(true);
    expect(result.summary.events).toBe(plain.result.summary.events);
    expect(result.summary.sent - plain.result.summary.sent).toBe(staleResends);
  });

  it('curates twice with a cutoff between, as the hourly job does: the second run meets late corrections and older versions that arrived after newer ones', async () => {
    const { runs } = chaos.result.curation;
    expect(runs).toHaveLength(2);
    const [first, second] = runs as [{ cutoff: string; days: string[] }, { cutoff: string; days: string[] }];
    expect(first.cutoff < second.cutoff).toBe(true);
    expect(second.days.length).toBeGreaterThan(0);
    expect(plain.result.curation.runs).toHaveLength(1);
    const byTrade = new Map<string, Awaited<ReturnType<typeof rawLines>>>();
    for (const line of await rawLines(chaos.result.directory)) {
      byTrade.set(line.tradeId, [...(byTrade.get(line.tradeId) ?? []), line]);
    }
    let corrected = 0;
    let overtaken = 0;
    for (const lines of byTrade.values()) {
      const latest = Math.max(...lines.map(({ version }) => version));
      const newest = lines.filter(({ version }) => version === latest);
      // The first run curated an older version; the second brings the correction.
      if (
        lines.some(({ ingested }) => ingested < first.cutoff) &&
        newest.every(({ ingested }) => ingested >= first.cutoff)
      ) {
        corrected += 1;
      }
      // An older version landed after the first run, later on the stream than the trade's newest version.
      const [lastNewest = 0n] = newest.map(({ position }) => position).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
      if (
        lines.some(
          ({ version, position, ingested }) => version < latest && position > lastNewest && ingested >= first.cutoff,
        )
      ) {
        overtaken += 1;
      }
    }
    expect(corrected).toBeGreaterThan(0);
    expect(overtaken).toBeGreaterThanOrEqual(chaos.result.producer.staleResends);
    // And still each trade once at its latest version: the run's check and the test's own (above) agree.
    expect(chaos.result.curatedCheck).toMatchObject({ missing: 0, unexpected: 0, duplicated: 0, wrongVersion: 0 });
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
