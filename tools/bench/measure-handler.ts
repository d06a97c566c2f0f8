/**
 * The timed part of the benchmark, run by writer-bench.ts in its own process (pinned to one core)
 * with the loopback S3 endpoint in its environment, once per scenario. It requires the esbuild
 * bundle, the code that runs in Lambda, and reports its figures over IPC: its own stdout takes the
 * handler's logs and metrics, which stay on as in Lambda.
 *
 * The floor it compares the handler with is the physical work no writer can skip: base64-decoding
 * every record of the event and gzip (level 1, as the writer compresses) of the very bodies the writer
 * stores, planned from the same event by the writer's own planner outside the timed part. Both are
 * timed in wall and CPU time; the ratios are the medians of each invocation's handler over the floor
 * run beside it.
 *
 * A scenario other than "one date" is also compared with one date side by side: every invocation of
 * it is paired with an invocation of a one-date batch (the one-date scenario's trades, from another
 * shard so that their objects are told apart), run by the same handler in the same process just
 * before or just after it, each with its own event alive alone; `x one date` is the median of those
 * pairs' ratios. Two scenarios' medians taken in two processes a minute apart also differ by what
 * the shared machine did in that minute: on this VM the 30-date ratio measured 1.40 to 2.08 that
 * way on one commit.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { gzip } from '../../lambda/trade-writer/encode';
import { planBatch } from '../../lambda/trade-writer/plan';
import { type LoopbackS3Stats, statsWithout } from './loopback-s3';
import { median } from './median';
import { runtimeEventText } from './runtime-event-text';
import { type HandlerFigures, SCENARIOS, type ScenarioName } from './scenarios';
import { aggregatedTradeEvent, daysBefore, realisticTrades, type Trades, tradeEvent } from './trades';

type Handler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

const RECORDS = 6_500;
/** The shard of the one-date batches run beside another scenario's (the scenarios' own are the fixtures' shard). */
const ONE_DATE_SHARD = 'shardId-000000000001';
const WARMUP = 15;
const ITERATIONS = 40;

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** The bodies the writer stores for `event`, uncompressed, from its own planner. */
function writerBodies(event: KinesisStreamEvent, now: Date): Buffer[] {
  return planBatch(event.Records, now).objects.map(({ body }) => Buffer.from(body));
}

const decoded = Buffer.allocUnsafe(2 * 1024 * 1024);
/** The floor: decode each record's data, gzip each body as the writer does. */
function floor(event: KinesisStreamEvent, bodies: readonly Buffer[]): number {
  let bytes = 0;
  for (const record of event.Records) bytes += decoded.write(record.kinesis.data, 0, 'base64');
  for (const body of bodies) bytes += gzip(body).length;
  return bytes;
}

async function main(): Promise<void> {
  const [bundlePath, statsUrl, scenarioName] = process.argv.slice(2) as [string, string, ScenarioName];
  const scenario = SCENARIOS[scenarioName];
  const { handler } = require(bundlePath) as { handler: Handler };
  const now = new Date();
  // A scenario's trades, on its dates (1 to `dates` days back).
  const tradesOf = ({ dates, invalidShare }: (typeof SCENARIOS)[ScenarioName]): Trades =>
    realisticTrades(RECORDS, {
      dates: Array.from({ length: dates }, (_, i) => daysBefore(now, i + 1)),
      invalidShare,
    });
  const trades = tradesOf(scenario);
  const build = (firstIndex: number) =>
    scenario.aggregated ? aggregatedTradeEvent(trades, firstIndex) : tradeEvent(trades, firstIndex);
  const invocations = WARMUP + ITERATIONS;
  // The one-date scenario's trades, for the batches run beside this scenario's (none beside itself).
  const oneDateTrades = scenarioName === 'one date' ? undefined : tradesOf(SCENARIOS['one date']);

  const handlerMs: number[] = [];
  const handlerCpuMs: number[] = [];
  const floorMs: number[] = [];
  const floorCpuMs: number[] = [];
  // Each invocation's handler over the floor run next to it: the two share the machine's load at
  // that moment, which on a shared VM drifts more within a run than either part varies.
  const cpuRatios: number[] = [];
  const wallRatios: number[] = [];
  const oneDateCpuRatios: number[] = [];
  const oneDateWallRatios: number[] = [];
  let failures = 0;
  let sink = 0;
  let kinesisRecords = 0;
  let kinesisBytes = 0;
  const timeFloor = (event: KinesisStreamEvent, bodies: readonly Buffer[]): [number, number] => {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    sink += floor(event, bodies);
    const wall = Number(process.hrtime.bigint() - start) / 1e6;
    const cpu = process.cpuUsage(cpuStart);
    return [wall, (cpu.user + cpu.system) / 1000];
  };
  // Garbage collections, to count the handler's invocations that had one (each a few ms: a
  // scavenge then copies the event, still alive). A median over invocations of which about half
  // had one moves by that much with a small change of what runs before the handler: the mean and
  // that share say what the median cannot.
  const collections: { start: number; end: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      collections.push({ start: entry.startTime, end: entry.startTime + entry.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  // Each window also holds the growth of V8's heap across the handler: what it allocated, in an
  // invocation without a collection (one frees, so the difference says nothing then).
  type HandlerWindow = { start: number; end: number; heapGrowth: number };
  const handlerWindows: HandlerWindow[] = [];
  // The one-date batches' own, kept apart: the scenario's figures are its invocations' only.
  const oneDateWindows: HandlerWindow[] = [];
  const timeHandler = async (event: KinesisStreamEvent, windows = handlerWindows): Promise<[number, number]> => {
    const heapBefore = getHeapStatistics().used_heap_size;
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    const windowStart = performance.now();
    const response = await handler(event);
    const windowEnd = performance.now();
    windows.push({
      start: windowStart,
      end: windowEnd,
      heapGrowth: getHeapStatistics().used_heap_size - heapBefore,
    });
    const wall = Number(process.hrtime.bigint() - start) / 1e6;
    const cpu = process.cpuUsage(cpuStart);
    failures += response.batchItemFailures.length;
    return [wall, (cpu.user + cpu.system) / 1000];
  };
  // Every invocation's event is made before the first: its JSON text in a Buffer, outside V8's heap,
  // and the floor's bodies from it. What an invocation then allocates on the heap before the handler
  // runs is what the Lambda runtime's does: a string of the text it received, and the event parsed
  // from it. Building the event in the loop (the trades' base64, the JSON) tripled that, and with
  // the function's young generation it made the bench collect in the handler about twice as often;
  // planning the floor's bodies in the loop also had the handler meet an event another pass had
  // just read, which Lambda's never does (docs/trade-writer.md).
  const prepared = Array.from({ length: invocations }, (_, i) => {
    const text = Buffer.from(JSON.stringify(build(i * RECORDS)), 'utf8');
    const event = JSON.parse(runtimeEventText(text)) as KinesisStreamEvent;
    return {
      text,
      oneDateText:
        oneDateTrades === undefined
          ? undefined
          : Buffer.from(JSON.stringify(tradeEvent(oneDateTrades, (invocations + i) * RECORDS, ONE_DATE_SHARD)), 'utf8'),
      bodies: writerBodies(event, now),
      kinesisRecords: event.Records.length,
      kinesisBytes: event.Records.reduce((sum, { kinesis }) => sum + Buffer.byteLength(kinesis.data, 'base64'), 0),
    };
  });
  // With --cpu-profile, V8's sampling profiler runs over the timed invocations (not the warm-up).
  const profilePath = process.env.BENCH_CPU_PROFILE;
  const profiler = profilePath === undefined ? undefined : new Session();
  for (let i = 0; i < invocations; i += 1) {
    if (profiler !== undefined && i === WARMUP) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 100 });
      await profiler.post('Profiler.start');
    }
    // As the Lambda runtime does: each invocation's event arrives as JSON text, a string on V8's
    // heap (runtime-event-text.ts: Node 24's toString would keep it off the heap), and is parsed
    // just before the handler runs. One event is alive at a time, and the timed parts alternate in
    // order so that none always pays for collecting another's garbage: the floor before or after the
    // scenario's handler, the one-date batch before or after both.
    const { text, oneDateText, bodies } = prepared[i];
    ({ kinesisRecords, kinesisBytes } = prepared[i]);
    // Each event is local to its own function, so that it is garbage once its part is done.
    const runOneDate = async (): Promise<[number, number] | undefined> =>
      oneDateText === undefined
        ? undefined
        : timeHandler(JSON.parse(runtimeEventText(oneDateText)) as KinesisStreamEvent, oneDateWindows);
    const runScenario = async (): Promise<{ floorTime: [number, number]; handled: [number, number] }> => {
      const event = JSON.parse(runtimeEventText(text)) as KinesisStreamEvent;
      if (i % 2 === 0) {
        const floorTime = timeFloor(event, bodies);
        return { floorTime, handled: await timeHandler(event) };
      }
      const handled = await timeHandler(event);
      return { floorTime: timeFloor(event, bodies), handled };
    };
    let oneDateTime = i % 4 >= 2 ? await runOneDate() : undefined;
    const { floorTime, handled } = await runScenario();
    if (i % 4 < 2) oneDateTime = await runOneDate();
    if (i < WARMUP) continue;
    if (oneDateTime !== undefined) {
      oneDateWallRatios.push(handled[0] / oneDateTime[0]);
      oneDateCpuRatios.push(handled[1] / oneDateTime[1]);
    }
    floorMs.push(floorTime[0]);
    floorCpuMs.push(floorTime[1]);
    handlerMs.push(handled[0]);
    handlerCpuMs.push(handled[1]);
    wallRatios.push(handled[0] / floorTime[0]);
    cpuRatios.push(handled[1] / floorTime[1]);
  }
  if (profiler !== undefined && profilePath !== undefined) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(profilePath, JSON.stringify(profile));
    profiler.disconnect();
  }
  if (sink === 0) throw new Error('the floor did no work');
  // GC entries arrive asynchronously, after the collection.
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();
  const timedWindows = handlerWindows.slice(WARMUP);
  const collected = ({ start, end }: { start: number; end: number }) =>
    collections.some((collection) => collection.start < end && collection.end > start);
  const withCollection = timedWindows.filter(collected).length;
  const allocations = timedWindows.filter((window) => !collected(window)).map(({ heapGrowth }) => heapGrowth);

  // The scenario's objects and PUTs, less the one-date batches' run beside it.
  const stats = statsWithout((await (await fetch(statsUrl)).json()) as LoopbackS3Stats, ONE_DATE_SHARD);
  const figures: HandlerFigures = {
    scenario: scenarioName,
    records: RECORDS,
    kinesisRecords,
    kinesisBytes,
    invalid: trades.invalid,
    iterations: ITERATIONS,
    invocations,
    datesPerInvocation: scenario.dates,
    handlerMs: median(handlerMs),
    handlerCpuMs: median(handlerCpuMs),
    handlerCpuMeanMs: mean(handlerCpuMs),
    handlerCollectionShare: withCollection / timedWindows.length,
    handlerAllocatedBytes: allocations.length === 0 ? undefined : median(allocations),
    floorMs: median(floorMs),
    floorCpuMs: median(floorCpuMs),
    wallFloorRatio: median(wallRatios),
    cpuFloorRatio: median(cpuRatios),
    wallOneDateRatio: oneDateWallRatios.length === 0 ? undefined : median(oneDateWallRatios),
    cpuOneDateRatio: oneDateCpuRatios.length === 0 ? undefined : median(oneDateCpuRatios),
    failures,
    puts: stats.puts,
    refused: stats.refused,
    objects: stats.objects.length,
    storedBytes: stats.objects.reduce((sum, { bytes }) => sum + bytes, 0),
    tradeBytes: stats.objects.filter(({ key }) => key.includes('/trades/')).reduce((sum, { bytes }) => sum + bytes, 0),
    checksums: stats.checksums,
    connections: stats.connections,
  };
  process.send?.(figures);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
