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
  const partitions = new Set(trades.texts.map((text) => JSON.parse(text).executed_at.slice(0, 10))).size;
  const invocations = WARMUP + ITERATIONS;

  const handlerMs: number[] = [];
  const handlerCpuMs: number[] = [];
  const baselineMs: number[] = [];
  let failures = 0;
  let sink = 0;
  const timeBaseline = (event: KinesisStreamEvent): number => {
    const start = process.hrtime.bigint();
    sink += decodeAndParse(event);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const timeHandler = async (event: KinesisStreamEvent): Promise<[number, number]> => {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    const response = await handler(event);
    const wall = Number(process.hrtime.bigint() - start) / 1e6;
    const cpu = process.cpuUsage(cpuStart);
    failures += response.batchItemFailures.length;
    return [wall, (cpu.user + cpu.system) / 1000];
  };
  for (let i = 0; i < invocations; i += 1) {
    // As the Lambda runtime does: the event arrives as JSON text and is parsed just before the
    // handler runs. One event is alive at a time, and the two segments alternate in order so that
    // neither always pays for collecting the other's garbage.
    const event = JSON.parse(JSON.stringify(tradeEvent(trades, i * RECORDS))) as KinesisStreamEvent;
    let baseline: number;
    let handled: [number, number];
    if (i % 2 === 0) {
      baseline = timeBaseline(event);
      handled = await timeHandler(event);
    } else {
      handled = await timeHandler(event);
      baseline = timeBaseline(event);
    }
    if (i < WARMUP) continue;
    baselineMs.push(baseline);
    handlerMs.push(handled[0]);
    handlerCpuMs.push(handled[1]);
  }
  if (sink !== RECORDS * invocations) throw new Error('baseline parsed the wrong records');

  const stats = (await (await fetch(statsUrl)).json()) as {
    puts: number;
    refused: number;
    objects: { key: string; bytes: number }[];
  };
  const figures: HandlerFigures = {
    records: RECORDS,
    iterations: ITERATIONS,
    invocations,
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
