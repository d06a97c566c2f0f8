/**
 * `npm run bench`: the trade-writer on 6,500 realistic trades against S3 on loopback.
 *
 * 1. Bundles lambda/trade-writer/index.ts with the options the ingestion construct gives
 *    NodejsFunction (esbuild, cjs, platform node, target node24, everything bundled including the
 *    AWS SDK, minified, source map), and once more with `mainFields: module,main` for comparison.
 * 2. Times a cold `require` of each bundle in fresh node processes, with and without
 *    `--enable-source-maps` (the function's NODE_OPTIONS turn it on).
 * 3. Starts tools/bench/loopback-s3.ts on 127.0.0.1 (core 1) and times the bundled handler in
 *    tools/bench/measure-handler.ts (core 0) against only base64-decoding and JSON-parsing the same
 *    records in the same process.
 * Everything stays on 127.0.0.1, and every child process ends with the bench.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { WRITER_BUNDLING } from '../../lib/ingestion/writer-bundling';
import type { HandlerFigures } from './measure-handler';

const ROOT = join(__dirname, '..', '..');
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const COLD_REQUIRES = 11;
const TARGETS = { ratio: 3, stretchRatio: 2.5, recordsPerSecond: 150_000, coldRequireMs: 100, bytesPerTrade: 80 };

/** What NodejsFunction runs: lib/ingestion.ts bundles with WRITER_BUNDLING, and so does this. */
const DEPLOYED_BUNDLE: BuildOptions = {
  entryPoints: [join(ROOT, 'lambda', 'trade-writer', 'index.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: WRITER_BUNDLING.target,
  minify: WRITER_BUNDLING.minify,
  sourcemap: WRITER_BUNDLING.sourceMap,
  sourcesContent: WRITER_BUNDLING.sourcesContent,
  mainFields: [...WRITER_BUNDLING.mainFields],
  logLevel: 'warning',
};

const WRITER_ENV = {
  DATA_BUCKET_NAME: 'bench-bucket',
  DATA_KEY_ARN: KEY_ARN,
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
  return hasTaskset ? ['/usr/bin/taskset', ['-c', String(core), process.execPath, ...args]] : [process.execPath, args];
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
  return fork(script, args, {
    env,
    execPath,
    // taskset takes node's own options after node's path.
    execArgv: hasTaskset ? execArgv : nodeArgs,
    stdio: [options.quiet ? 'ignore' : 'inherit', options.quiet ? 'ignore' : 'inherit', 'inherit', 'ipc'],
  });
}

function firstMessage<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('exit', (code) => reject(new Error(`${what} exited with code ${code} before reporting`)));
  });
}

/** Bundles the writer into `.bench/<name>/index.js`; returns the path and its size in bytes. */
async function bundle(name: string, extra: BuildOptions = {}): Promise<{ path: string; bytes: number }> {
  const path = join(ROOT, '.bench', name, 'index.js');
  const result = await build({ ...DEPLOYED_BUNDLE, ...extra, outfile: path, metafile: true });
  const output = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('index.js'));
  return { path, bytes: output?.[1].bytes ?? 0 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
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

function verdict(ok: boolean): string {
  return ok ? 'meets target' : 'MISSES target';
}

async function measureHandler(bundlePath: string): Promise<HandlerFigures> {
  const s3 = forkOnCore(
    1,
    join(__dirname, 'loopback-s3-process.ts'),
    [KEY_ARN],
    { PATH: process.env.PATH },
    { quiet: false },
  );
  try {
    const { port } = await firstMessage<{ port: number }>(s3, 'loopback S3');
    const endpoint = `http://127.0.0.1:${port}`;
    const measure = forkOnCore(
      0,
      join(__dirname, 'measure-handler.ts'),
      [bundlePath, `${endpoint}/__stats`],
      { PATH: process.env.PATH, ...WRITER_ENV, AWS_ENDPOINT_URL_S3: endpoint },
      { quiet: true },
    );
    try {
      return await firstMessage<HandlerFigures>(measure, 'measurement');
    } finally {
      measure.kill();
    }
  } finally {
    s3.kill();
  }
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0];
  const deployed = await bundle('trade-writer');
  // For comparison, esbuild's defaults for the two options WRITER_BUNDLING sets on purpose.
  const esbuildDefaults = await bundle('trade-writer-esbuild-defaults', {
    mainFields: undefined,
    sourcesContent: true,
  });
  const cold = {
    deployed: coldRequireMs(deployed.path, ['--enable-source-maps']),
    deployedNoMaps: coldRequireMs(deployed.path, []),
    esbuildDefaults: coldRequireMs(esbuildDefaults.path, ['--enable-source-maps']),
  };
  const figures = await measureHandler(deployed.path);
  const loadAfter = loadavg()[0];

  const ratio = figures.handlerMs / figures.baselineMs;
  const recordsPerSecond = (figures.records / figures.handlerMs) * 1000;
  const bytesPerTrade = figures.storedBytes / (figures.records * figures.invocations);
  const putsPerPartition = figures.puts / (figures.invocations * figures.partitionsPerInvocation);
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  const rows: [string, string, string][] = [
    ['records per invocation', `${figures.records}`, `${figures.partitionsPerInvocation} dt partitions`],
    ['handler time (median)', `${figures.handlerMs.toFixed(1)} ms`, `CPU ${figures.handlerCpuMs.toFixed(1)} ms`],
    ['decode + JSON.parse only (median)', `${figures.baselineMs.toFixed(1)} ms`, ''],
    [
      'ratio handler / decode+parse',
      ratio.toFixed(2),
      `${verdict(ratio <= TARGETS.ratio)} (<= ${TARGETS.ratio}; stretch ${TARGETS.stretchRatio} ${ratio <= TARGETS.stretchRatio ? 'met' : 'not met'})`,
    ],
    [
      'records per second',
      Math.round(recordsPerSecond).toLocaleString('en-US'),
      `${verdict(recordsPerSecond >= TARGETS.recordsPerSecond)} (>= 150,000)`,
    ],
    [
      'bytes stored per trade',
      bytesPerTrade.toFixed(1),
      `${verdict(bytesPerTrade <= TARGETS.bytesPerTrade)} (<= ${TARGETS.bytesPerTrade})`,
    ],
    [
      'PUTs per partition per invocation',
      putsPerPartition.toFixed(2),
      `${verdict(putsPerPartition === 1)} (= 1); ${figures.objects} objects, ${figures.refused} refused`,
    ],
    ['batch item failures', `${figures.failures}`, ''],
    ['bundle as deployed', kib(deployed.bytes), 'cjs, mainFields module,main, sourcesContent false'],
    [
      'cold require, as deployed',
      `${cold.deployed.toFixed(1)} ms`,
      `${verdict(cold.deployed <= TARGETS.coldRequireMs)} (<= ${TARGETS.coldRequireMs} ms; --enable-source-maps)`,
    ],
    ['  same without --enable-source-maps', `${cold.deployedNoMaps.toFixed(1)} ms`, ''],
    [
      '  with esbuild defaults instead',
      `${cold.esbuildDefaults.toFixed(1)} ms`,
      `bundle ${kib(esbuildDefaults.bytes)}; main fields main, sourcesContent true; --enable-source-maps`,
    ],
  ];
  console.log(
    `trade-writer bench: node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ` +
      `${hasTaskset ? 'handler pinned to core 0, loopback S3 to core 1' : 'not pinned (no taskset)'}; ` +
      `${figures.iterations} timed invocations after warm-up; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`,
  );
  for (const [name, value, note] of rows) console.log(`  ${name.padEnd(36)} ${value.padStart(12)}  ${note}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
