/**
 * How the trade writer is bundled, in one place: `lib/ingestion.ts` gives it to NodejsFunction and
 * `tools/bench/writer-bench.ts` builds the same bundle from it, so the benchmark measures what deploys.
 * Plain data, no aws-cdk-lib, so the bench can import it.
 */
export const WRITER_BUNDLING = {
  target: 'node24',
  minify: true,
  sourceMap: true,
  // The SDK's ES module builds tree-shake; its CommonJS build evaluates every S3 command and schema at
  // load, about 75 ms of a cold start (npm run bench).
  mainFields: ['module', 'main'],
  // A source map without the sources (under 1 MB instead of 2.6 MB): `--enable-source-maps` reads it
  // at every cold start, and stack traces need only the mappings.
  sourcesContent: false,
} as const;

/**
 * The esbuild options that give the bundle NodejsFunction builds from WRITER_BUNDLING, for `entryPoint`
 * (the bench and the bundle test build it outside CDK). esbuild's own option names; no esbuild import.
 */
export function writerEsbuildOptions(entryPoint: string) {
  return {
    entryPoints: [entryPoint],
    bundle: true,
    platform: 'node' as const,
    format: 'cjs' as const,
    target: WRITER_BUNDLING.target,
    minify: WRITER_BUNDLING.minify,
    sourcemap: WRITER_BUNDLING.sourceMap,
    sourcesContent: WRITER_BUNDLING.sourcesContent,
    mainFields: [...WRITER_BUNDLING.mainFields],
    logLevel: 'warning' as const,
  };
}
