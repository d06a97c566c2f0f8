/**
 * `npm run bench [-- --record] [-- --writer-root DIR] [-- --scenario NAME] [-- --runs N] [-- --plain-http]
 * [-- --node-options "FLAGS"] [-- --node PATH] [-- --cpu-profile FILE]`: the trade-writer on
 * 6,500 realistic trades per invocation against S3 on loopback, in four scenarios (one date, 30
 * interleaved dates, 10% invalid, KPL aggregated), on the functions' Node 24 (scripts/node24.sh:
 * the npm registry's binary package, installed under `.cache/` once) unless `--node` names another.
 *
 * 1. Bundles lambda/trade-writer/index.ts with the options the ingestion construct gives
 *    NodejsFunction (WRITER_BUNDLING), and once with esbuild's defaults for comparison; `--writer-root`
 *    bundles another checkout's writer instead (a before/after comparison with the same bench).
 * 2. Times a cold `require` of each bundle in fresh node processes, with and without
 *    the function's NODE_OPTIONS (lib/function-node-options.ts: source maps on), and of aws-kinesis-agg bundled
 *    alone: what the writer's first aggregate adds, since it loads the library then.
 * 3. For each scenario, starts tools/bench/loopback-s3-process.ts on 127.0.0.1 (core 1), over HTTPS
 *    with a certificate made for the run as S3 is reached over TLS (`--plain-http` to compare), and
 *    times the bundled handler in tools/bench/measure-handler.ts (core 0) against the physical floor
 *    (base64 decoding of the records and gzip level 1 of the writer's own output) in the same process,
 *    which runs with the function's NODE_OPTIONS: the heap the Lambda runtime gives its memory.
 *    With `--runs N`, every scenario is measured N times, each run in fresh processes, the scenarios
 *    taking turns; the goals are judged on the median of the runs (runs.ts), the table shows each
 *    scenario's median run.
 * 4. With `--record`, writes the figures the cost model reads to tools/cost/measured.json, keeping
 *    the figures other tasks recorded there and, after a `--scenario` run, the other scenarios.
 * Everything stays on 127.0.0.1, and every child process ends with the bench.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { WRITER_MEMORY_MB } from '../../lambda/trade-writer/contract';
import { functionNodeOptions } from '../../lib/function-node-options';
import { writerEsbuildOptions } from '../../lib/ingestion/writer-bundling';
import {
  MEASURED_FIGURES_PATH,
  type MeasuredFigures,
  mergeWriterFigures,
  type ScenarioFigures,
} from '../cost/measured';
import { median } from './median';
import { medianRunIndex, parseRuns, type RunsSummary, summarizeRuns } from './runs';
import { type HandlerFigures, SCENARIOS, type ScenarioName } from './scenarios';

const ROOT = join(__dirname, '..', '..');
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const COLD_REQUIRES = 11;
const TARGETS = { floorRatio: 2, datesRatio: 1.5, recordsPerSecond: 150_000, coldRequireMs: 100, bytesPerTrade: 80 };

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}
const WRITER_ROOT = resolve(option('--writer-root') ?? ROOT);
const RECORD = process.argv.includes('--record');
/** S3 over plain HTTP instead of HTTPS: what TLS costs the handler, by difference. */
const PLAIN_HTTP = process.argv.includes('--plain-http');
/**
 * Node options for the handler's process: the function's NODE_OPTIONS (source maps and the heap the
 * Lambda runtime gives WRITER_MEMORY_MB), unless `--node-options` names others (`""` for node's own).
 */
const DEPLOYED_NODE_OPTIONS = functionNodeOptions(WRITER_MEMORY_MB);
const HANDLER_NODE_OPTIONS = (option('--node-options') ?? DEPLOYED_NODE_OPTIONS.join(' '))
  .split(' ')
  .filter((flag) => flag !== '');
/**
 * The Node 24 of the functions' runtime (nodejs24.x), from scripts/node24.sh (NODE24, or the npm
 * registry's binary package, installed under `.cache/` once), with why there is none otherwise.
 */
function lambdaNode(): { path: string } | { why: string } {
  try {
    const path = execFileSync('bash', [join(ROOT, 'scripts', 'node24.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
    return { path };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    return { why: stderr === undefined || stderr === '' ? String(error) : stderr };
  }
}
/**
 * The node that runs the handler and the cold requires: Lambda's (Node 24), where the goals are
 * judged, unless `--node PATH` names another (`--node "$(command -v node)"` for this machine's). Where
 * no Node 24 can be had, this node, and the report's first line says so.
 */
const NODE_CHOICE = ((): { path: string; note: string } => {
  const named = option('--node');
  if (named !== undefined) return { path: resolve(named), note: '(--node)' };
  const lambda = lambdaNode();
  if ('path' in lambda) return { path: lambda.path, note: "(Lambda's Node, scripts/node24.sh)" };
  return {
    path: process.execPath,
    note: `(NOT Lambda's Node 24, which the goals are judged on: ${lambda.why.replace(/\s+/g, ' ')})`,
  };
})();
const NODE = NODE_CHOICE.path;
const NODE_VERSION =
  NODE === process.execPath ? process.version : execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim();
/** Where to write a V8 CPU profile of the timed invocations (open it in Chrome DevTools), `.<scenario>.cpuprofile` appended. */
const CPU_PROFILE = option('--cpu-profile');

/** What NodejsFunction runs: lib/ingestion.ts bundles with WRITER_BUNDLING, and so does this. */
const DEPLOYED_BUNDLE: BuildOptions = writerEsbuildOptions(join(WRITER_ROOT, 'lambda', 'trade-writer', 'index.ts'));

const WRITER_ENV = {
  DATA_BUCKET_NAME: 'bench-bucket',
  DATA_KEY_ARN: KEY_ARN,
  // config's default; the scenarios' dates (1 to 30 days back) are inside it, as most trades are.
  RECONCILE_DAYS: '35',
  POWERTOOLS_SERVICE_NAME: 'trade-writer',
  POWERTOOLS_METRICS_NAMESPACE: 'TradingDataLake',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_EC2_METADATA_DISABLED: 'true',
  // On Node 20 the SDK warns that its releases after January 2027 need Node 22; Lambda runs Node 24.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

const hasTaskset = existsSync('/usr/bin/taskset') && cpus().length >= 2;

/** The command and arguments that run node with `args`, on one core when taskset exists. */
function onCore(core: number, args: string[]): [string, string[]] {
  return hasTaskset ? ['/usr/bin/taskset', ['-c', String(core), NODE, ...args]] : [NODE, args];
}

/** Runs a TypeScript file in a node child on one core, with an IPC channel. */
function forkOnCore(
  core: number,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { quiet: boolean; nodeOptions?: string[] },
): ChildProcess {
  const nodeArgs = [...(options.nodeOptions ?? []), '--import', 'tsx'];
  const [execPath, execArgv] = onCore(core, nodeArgs);
  const child = fork(script, args, {
    env,
    execPath,
    // taskset takes node's own options after node's path.
    execArgv: hasTaskset ? execArgv : nodeArgs,
    // Quiet: the handler's own logs (a WARN per quarantining invocation) stay out of the report; the
    // end of its stderr is kept for the error when the child fails.
    stdio: [
      options.quiet ? 'ignore' : 'inherit',
      options.quiet ? 'ignore' : 'inherit',
      options.quiet ? 'pipe' : 'inherit',
      'ipc',
    ],
  });
  if (options.quiet) {
    let tail = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-4000);
    });
    stderrTails.set(child, () => tail);
  }
  return child;
}
const stderrTails = new WeakMap<ChildProcess, () => string>();

function firstMessage<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('exit', (code) =>
      reject(new Error(`${what} exited with code ${code} before reporting\n${stderrTails.get(child)?.() ?? ''}`)),
    );
  });
}

/** Bundles the writer into `.bench/<name>/index.js`; returns the path and its size in bytes. */
async function bundle(name: string, extra: BuildOptions = {}): Promise<{ path: string; bytes: number }> {
  const path = join(ROOT, '.bench', name, 'index.js');
  // A writer from another checkout resolves its packages there, as its own deploy would.
  const nodePaths = WRITER_ROOT === ROOT ? undefined : [join(WRITER_ROOT, 'node_modules')];
  const result = await build({ ...DEPLOYED_BUNDLE, nodePaths, ...extra, outfile: path, metafile: true });
  const output = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('index.js'));
  return { path, bytes: output?.[1].bytes ?? 0 };
}

/** Median milliseconds of `require(bundle)` in fresh node processes. */
function coldRequireMs(bundlePath: string, nodeOptions: string[]): number {
  const script = `const s=process.hrtime.bigint();require(${JSON.stringify(bundlePath)});process.stdout.write(String(Number(process.hrtime.bigint()-s)/1e6))`;
  const [command, args] = onCore(0, [...nodeOptions, '-e', script]);
  const times = Array.from({ length: COLD_REQUIRES }, () =>
    Number(execFileSync(command, args, { env: { PATH: process.env.PATH, ...WRITER_ENV }, encoding: 'utf8' })),
  );
  return median(times);
}

/** A ratio against its goal, with a third decimal when two would show the goal itself (1.503 "MISSES" 1.5). */
function againstGoal(ratio: number, goal: number): string {
  return ratio.toFixed(2) === goal.toFixed(2) && ratio !== goal ? ratio.toFixed(3) : ratio.toFixed(2);
}

function verdict(ok: boolean): string {
  return ok ? 'meets target' : 'MISSES target';
}

async function measureHandler(bundlePath: string, scenario: ScenarioName): Promise<HandlerFigures> {
  const s3 = forkOnCore(
    1,
    join(__dirname, 'loopback-s3-process.ts'),
    [KEY_ARN, WRITER_ENV.AWS_ACCESS_KEY_ID, WRITER_ENV.AWS_SECRET_ACCESS_KEY, ...(PLAIN_HTTP ? ['--plain-http'] : [])],
    { PATH: process.env.PATH },
    { quiet: false },
  );
  try {
    const { port, certificate } = await firstMessage<{ port: number; certificate?: string }>(s3, 'loopback S3');
    const endpoint = `${certificate === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
    // The handler's client is the one index.ts builds, with the SDK's default agent: it trusts the
    // loopback's throwaway certificate through NODE_EXTRA_CA_CERTS (certificate verification stays
    // on), read by node at start. The file holds the certificate only, which is public.
    const trust: NodeJS.ProcessEnv = {};
    const certificatePath = join(ROOT, '.bench', `loopback-s3-${port}.pem`);
    if (certificate !== undefined) {
      writeFileSync(certificatePath, certificate);
      trust.NODE_EXTRA_CA_CERTS = certificatePath;
    }
    const measure = forkOnCore(
      0,
      join(__dirname, 'measure-handler.ts'),
      [bundlePath, `${endpoint}/__stats`, scenario],
      {
        PATH: process.env.PATH,
        ...WRITER_ENV,
        ...trust,
        AWS_ENDPOINT_URL_S3: endpoint,
        ...(CPU_PROFILE === undefined
          ? {}
          : { BENCH_CPU_PROFILE: resolve(`${CPU_PROFILE}.${scenario.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`) }),
      },
      { quiet: true, nodeOptions: HANDLER_NODE_OPTIONS },
    );
    try {
      return await firstMessage<HandlerFigures>(measure, 'measurement');
    } finally {
      measure.kill();
      rmSync(certificatePath, { force: true });
    }
  } finally {
    s3.kill();
  }
}

function scenarioFigures(figures: HandlerFigures): ScenarioFigures {
  const invocations = figures.invocations;
  return {
    recordsPerInvocation: figures.records,
    kinesisRecordsPerInvocation: figures.kinesisRecords,
    kinesisBytesPerRecord: figures.kinesisBytes / figures.kinesisRecords,
    invalidPerInvocation: figures.invalid,
    handlerMs: figures.handlerMs,
    handlerCpuMs: figures.handlerCpuMs,
    floorMs: figures.floorMs,
    floorRatio: figures.handlerMs / figures.floorMs,
    objectsPerInvocation: figures.objects / invocations,
    putsPerInvocation: figures.puts / invocations,
    bytesStoredPerTrade: figures.tradeBytes / ((figures.records - figures.invalid) * invocations),
    bytesStoredPerRecord: figures.storedBytes / (figures.records * invocations),
  };
}

async function main(): Promise<void> {
  const only = option('--scenario');
  if (only !== undefined && !(only in SCENARIOS)) {
    console.error(
      `--scenario ${JSON.stringify(only)}: not a scenario; one of ${Object.keys(SCENARIOS)
        .map((name) => JSON.stringify(name))
        .join(', ')}`,
    );
    process.exit(2);
  }
  // `--runs` with nothing after it is refused ('' is not a number), not taken as one run.
  const runs = parseRuns(process.argv.includes('--runs') ? (option('--runs') ?? '') : undefined);
  if (typeof runs !== 'number') {
    console.error(runs.error);
    process.exit(2);
  }
  const loadBefore = loadavg()[0];
  const deployed = await bundle('trade-writer');
  // For comparison, esbuild's defaults for the two options WRITER_BUNDLING sets on purpose.
  const esbuildDefaults = await bundle('trade-writer-esbuild-defaults', {
    mainFields: undefined,
    sourcesContent: true,
  });
  const kinesisAggregation = await bundle('aws-kinesis-agg', {
    entryPoints: undefined,
    stdin: { contents: "module.exports = require('aws-kinesis-agg');", resolveDir: ROOT, loader: 'js' },
  });
  const cold = {
    deployed: coldRequireMs(deployed.path, [...DEPLOYED_NODE_OPTIONS]),
    deployedNoMaps: coldRequireMs(
      deployed.path,
      DEPLOYED_NODE_OPTIONS.filter((flag) => flag !== '--enable-source-maps'),
    ),
    esbuildDefaults: coldRequireMs(esbuildDefaults.path, [...DEPLOYED_NODE_OPTIONS]),
    kinesisAggregation: coldRequireMs(kinesisAggregation.path, []),
  };
  const names = (Object.keys(SCENARIOS) as ScenarioName[]).filter((name) => only === undefined || name === only);
  // Each run measures every scenario in turn, so that a slow minute of the VM falls on all of them.
  const byRun: HandlerFigures[][] = [];
  for (let run = 0; run < runs; run += 1) {
    const figures: HandlerFigures[] = [];
    for (const name of names) figures.push(await measureHandler(deployed.path, name));
    byRun.push(figures);
  }
  // Per scenario, the ratio its goal is judged on (the others: x floor) over the runs, and the run
  // whose figures the table shows and --record writes: the median one.
  const goalRatio = (figures: HandlerFigures): number => figures.cpuOneDateRatio ?? figures.cpuFloorRatio;
  const summaries = new Map<ScenarioName, RunsSummary>();
  const results: HandlerFigures[] = names.map((name, at) => {
    const summary = summarizeRuns(
      byRun.map((figures) => goalRatio(figures[at])),
      name === '30 interleaved dates' ? TARGETS.datesRatio : TARGETS.floorRatio,
    );
    summaries.set(name, summary);
    return byRun[medianRunIndex(summary)][at];
  });
  const overRuns = (name: ScenarioName): string => {
    const summary = summaries.get(name);
    if (summary === undefined || runs === 1) return '';
    return (
      `; over ${runs} runs: median ${summary.median.toFixed(2)} (${summary.min.toFixed(2)}–${summary.max.toFixed(2)}), ` +
      `met in ${summary.met} of ${runs} (${summary.values.map((value) => value.toFixed(2)).join(', ')})`
    );
  };
  const loadAfter = loadavg()[0];

  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  console.log(
    `trade-writer bench: node ${NODE_VERSION} ${NODE_CHOICE.note}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ` +
      `${hasTaskset ? 'handler pinned to core 0, loopback S3 to core 1' : 'not pinned (no taskset)'}; ` +
      `${results[0]?.iterations} timed invocations after warm-up per scenario` +
      (runs === 1 ? '' : `, ${runs} runs (the table: each scenario's median run)`) +
      `; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after` +
      `; S3 over ${PLAIN_HTTP ? 'plain HTTP' : 'HTTPS'}` +
      `; handler run with ${HANDLER_NODE_OPTIONS.length === 0 ? "node's default options" : HANDLER_NODE_OPTIONS.join(' ')}` +
      (HANDLER_NODE_OPTIONS.join(' ') === DEPLOYED_NODE_OPTIONS.join(' ') ? " (the function's NODE_OPTIONS)" : '') +
      (WRITER_ROOT === ROOT ? '' : `; writer from ${WRITER_ROOT}`),
  );
  const oneDate = results.find(({ scenario }) => scenario === 'one date');
  const header = [
    'scenario',
    'records',
    'Kinesis rec.',
    'handler',
    'CPU',
    'CPU mean',
    'with GC',
    'heap alloc.',
    'floor',
    'floor CPU',
    'x floor',
    'CPU x floor',
    'x one date',
    'CPU x one date',
    'records/s',
    'B/trade',
    'objects',
    'PUTs',
    'crc32',
    'connections',
    'failures',
  ];
  console.log(`  ${header.join(' | ')}`);
  for (const figures of results) {
    const perInvocation = (n: number) => (n / figures.invocations).toFixed(2);
    const row = [
      figures.scenario,
      `${figures.records}`,
      `${figures.kinesisRecords}`,
      `${figures.handlerMs.toFixed(1)} ms`,
      `${figures.handlerCpuMs.toFixed(1)} ms`,
      `${figures.handlerCpuMeanMs.toFixed(1)} ms`,
      `${Math.round(figures.handlerCollectionShare * 100)}%`,
      figures.handlerAllocatedBytes === undefined ? 'n/a' : `${Math.round(figures.handlerAllocatedBytes / 1024)} KiB`,
      `${figures.floorMs.toFixed(1)} ms`,
      `${figures.floorCpuMs.toFixed(1)} ms`,
      figures.wallFloorRatio.toFixed(2),
      figures.cpuFloorRatio.toFixed(2),
      (figures.wallOneDateRatio ?? 1).toFixed(2),
      (figures.cpuOneDateRatio ?? 1).toFixed(2),
      Math.round((figures.records / figures.handlerMs) * 1000).toLocaleString('en-US'),
      (figures.tradeBytes / ((figures.records - figures.invalid) * figures.invocations)).toFixed(1),
      perInvocation(figures.objects),
      perInvocation(figures.puts),
      `${figures.checksums.crc32 ?? 0}/${figures.puts}`,
      `${figures.connections}`,
      `${figures.failures}${figures.refused > 0 ? ` (${figures.refused} refused)` : ''}`,
    ];
    console.log(`  ${row.join(' | ')}`);
  }
  // The table shows one run a scenario: a failure in any other run must not go unseen.
  if (runs > 1) {
    const failed = byRun.flat().filter((figures) => figures.failures > 0 || figures.refused > 0);
    console.log(
      failed.length === 0
        ? `  failures in all ${runs} runs: 0`
        : `  FAILURES over the ${runs} runs: ${failed.map((figures) => `${figures.scenario} ${figures.failures} (${figures.refused} refused)`).join('; ')}`,
    );
  }
  const thirty = results.find(({ scenario }) => scenario === '30 interleaved dates');
  // The goals are judged in CPU time: the floor is CPU work, while the handler's wall time also
  // waits for S3's answer (here a process on the other core, on a shared VM; in Lambda, S3's latency).
  // With several runs, the verdict is the runs' median's (runs.ts) and the ratio printed first is it.
  if (oneDate !== undefined) {
    const ratio = summaries.get('one date')?.median ?? oneDate.cpuFloorRatio;
    console.log(
      `  one date: ${againstGoal(ratio, TARGETS.floorRatio)} x the floor in CPU time: ${verdict(ratio <= TARGETS.floorRatio)} (<= ${TARGETS.floorRatio}); ` +
        `${oneDate.wallFloorRatio.toFixed(2)} in wall time${runs === 1 ? '' : ' (median run)'}${overRuns('one date')}`,
    );
  }
  // Judged on the pairs run side by side in one process (measure-handler.ts); the ratio of the two
  // scenarios' medians, each from its own process, is shown beside it for the figures before 2026-12-02.
  if (thirty?.cpuOneDateRatio !== undefined && thirty.wallOneDateRatio !== undefined) {
    const ratio = summaries.get('30 interleaved dates')?.median ?? thirty.cpuOneDateRatio;
    const apart =
      // With several runs the two median runs may be different runs: no such ratio then.
      oneDate === undefined || runs > 1
        ? ''
        : `; ${(thirty.handlerCpuMs / oneDate.handlerCpuMs).toFixed(2)} by the two scenarios' medians`;
    console.log(
      `  30 dates: ${againstGoal(ratio, TARGETS.datesRatio)} x one date in CPU time, side by side: ${verdict(ratio <= TARGETS.datesRatio)} (<= ${TARGETS.datesRatio}); ` +
        `${thirty.wallOneDateRatio.toFixed(2)} in wall time${apart}${runs === 1 ? '' : ' (median run)'}${overRuns('30 interleaved dates')}`,
    );
  }
  const rows: [string, string, string][] = [
    ['bundle as deployed', kib(deployed.bytes), 'cjs, mainFields module,main, sourcesContent false'],
    [
      'cold require, as deployed',
      `${cold.deployed.toFixed(1)} ms`,
      `${verdict(cold.deployed <= TARGETS.coldRequireMs)} (<= ${TARGETS.coldRequireMs} ms; the function's NODE_OPTIONS)`,
    ],
    ['  same without --enable-source-maps', `${cold.deployedNoMaps.toFixed(1)} ms`, ''],
    [
      '  with esbuild defaults instead',
      `${cold.esbuildDefaults.toFixed(1)} ms`,
      `bundle ${kib(esbuildDefaults.bytes)}; main fields main, sourcesContent true; the function's NODE_OPTIONS`,
    ],
    [
      'aws-kinesis-agg alone, cold require',
      `${cold.kinesisAggregation.toFixed(1)} ms`,
      `${kib(kinesisAggregation.bytes)} bundled; paid at the first aggregate, not at cold start`,
    ],
  ];
  for (const [name, value, note] of rows) console.log(`  ${name.padEnd(36)} ${value.padStart(12)}  ${note}`);

  if (RECORD) {
    const previous = existsSync(MEASURED_FIGURES_PATH)
      ? (JSON.parse(readFileSync(MEASURED_FIGURES_PATH, 'utf8')) as Partial<MeasuredFigures>)
      : {};
    // A run of some scenarios (--scenario) replaces those and keeps the others: the cost model reads
    // "one date" and "KPL aggregated" both.
    const measured: MeasuredFigures = {
      ...previous,
      writer: mergeWriterFigures(previous.writer, {
        recordedOn: new Date().toISOString().slice(0, 10),
        command: `npm run bench -- --record${only === undefined ? '' : ` --scenario '${only}'`}${runs === 1 ? '' : ` --runs ${runs}`}`,
        machine: `node ${NODE_VERSION}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, load ${loadBefore.toFixed(2)}`,
        scenarios: Object.fromEntries(results.map((figures) => [figures.scenario, scenarioFigures(figures)])),
        coldRequireMs: cold.deployed,
      }),
    };
    mkdirSync(join(MEASURED_FIGURES_PATH, '..'), { recursive: true });
    writeFileSync(MEASURED_FIGURES_PATH, `${JSON.stringify(measured, null, 2)}\n`);
    console.log(`  recorded in ${MEASURED_FIGURES_PATH}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
