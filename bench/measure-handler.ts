/**
 * The timed part of the benchmark, run by writer-bench.ts in its own process (pinned to one core)
 * with the loopback S3 endpoint in its environment. It requires the esbuild bundle, the code that
 * runs in Lambda, and reports its figures over IPC: its own stdout takes the handler's logs and
 * metrics, which stay on as in Lambda.
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { realisticTrades, tradeEvent } from './trades';

export interface HandlerFigures {
  readonly records: number;
  /** Invocations timed, after the warm-up ones. */
  readonly iterations: number;
  /** Every invocation, warm-up included: what the S3 figures cover. */
  readonly invocations: number;
  readonly partitionsPerInvocation: number;
  readonly handlerMs: number;
  readonly handlerCpuMs: number;
  readonly baselineMs: number;
  readonly failures: number;
  readonly puts: number;
  readonly refused: number;
  readonly objects: number;
  readonly storedBytes: number;
}

type Handler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

const RECORDS = 6_500;
const WARMUP = 15;
const ITERATIONS = 40;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The floor the handler is compared with: only base64-decode and JSON.parse each record. */
function decodeAndParse(event: KinesisStreamEvent): number {
  let fields = 0;
  for (const record of event.Records) {
    const trade = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
    fields += trade.quantity > 0 ? 1 : 0;
  }
  return fields;
}

async function main(): Promise<void> {
  const [bundlePath, statsUrl] = process.argv.slice(2);
  const { handler } = require(bundlePath) as { handler: Handler };
  const trades = realisticTrades(RECORDS);
  const events = Array.from({ length: WARMUP + ITERATIONS }, (_, i) => tradeEvent(trades, i * RECORDS));
  const partitions = new Set(trades.texts.map((text) => JSON.parse(text).executed_at.slice(0, 10))).size;

  const handlerMs: number[] = [];
  const handlerCpuMs: number[] = [];
  const baselineMs: number[] = [];
  let failures = 0;
  let sink = 0;
  for (const [i, event] of events.entries()) {
    const baselineStart = process.hrtime.bigint();
    sink += decodeAndParse(event);
    const baselineEnd = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    const handlerStart = process.hrtime.bigint();
    const response = await handler(event);
    const handlerEnd = process.hrtime.bigint();
    const cpu = process.cpuUsage(cpuStart);
    if (i < WARMUP) continue;
    failures += response.batchItemFailures.length;
    baselineMs.push(Number(baselineEnd - baselineStart) / 1e6);
    handlerMs.push(Number(handlerEnd - handlerStart) / 1e6);
    handlerCpuMs.push((cpu.user + cpu.system) / 1000);
  }
  if (sink !== RECORDS * events.length) throw new Error('baseline parsed the wrong records');

  const stats = (await (await fetch(statsUrl)).json()) as {
    puts: number;
    refused: number;
    objects: { key: string; bytes: number }[];
  };
  const figures: HandlerFigures = {
    records: RECORDS,
    iterations: ITERATIONS,
    invocations: events.length,
    partitionsPerInvocation: partitions,
    handlerMs: median(handlerMs),
    handlerCpuMs: median(handlerCpuMs),
    baselineMs: median(baselineMs),
    failures,
    puts: stats.puts,
    refused: stats.refused,
    objects: stats.objects.length,
    storedBytes: stats.objects.reduce((sum, { bytes }) => sum + bytes, 0),
  };
  process.send?.(figures);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
