/** What every project shares. */
const base = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: {
    // Type checking runs once in `npm test` (tsc --noEmit); isolatedModules (tsconfig) lets ts-jest transpile per file.
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  testTimeout: 120000,
};

/**
 * Suites that would take `npm test` past its minute on two cores. `npm test` runs the `fast`
 * project; CI also runs `npm run test:slow` (the `slow` project).
 */
const slowSuites = [
  '<rootDir>/test/validators/control-tower.test.ts',
  // The JSON scanner's differential test at full size; json-object.test.ts runs a bounded sample of it.
  '<rootDir>/test/schema/validation/json-object.full.test.ts',
  // The object keys' sequence-number hash against chance, over 200,000 sequence numbers a case.
  '<rootDir>/test/schema/object-keys.collisions.test.ts',
  // The whole local pipeline, plain and with --chaos (kinesalite, s3rver, the writer, DuckDB).
  '<rootDir>/test/e2e/local-pipeline.test.ts',
  // Every named query and curation statement parsed by a Trino grammar (dt-sql-parser, 4 s to load).
  '<rootDir>/test/validators/trino-grammar.test.ts',
  // Every function bundled by esbuild as cdk synth bundles it (one bundled synthesis, 4 s).
  '<rootDir>/test/ingestion/bundles.test.ts',
  // The real app run as `cdk synth` runs it, in subprocesses: a config error prints its message alone.
  '<rootDir>/test/config-app.test.ts',
];

/**
 * Whole folders in the slow project: the operator CLI (its commands against aws-sdk-client-mock, and
 * the trades bin run in subprocesses) and the local pipeline's parts (kinesalite, s3rver, DuckDB).
 * `npm test` keeps what proves the stack's controls, the writer and the shared contract; these are
 * 15 s of the two workers' time on a clean clone, which took it past its minute.
 */
const slowFolders = ['<rootDir>/test/cli/', '<rootDir>/test/local/'];

/** @type {import('jest').Config} */
module.exports = {
  // Synthesis and bundling are CPU-bound; the machine has two cores.
  maxWorkers: 2,
  projects: [
    {
      ...base,
      displayName: 'fast',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...slowSuites, ...slowFolders],
    },
    {
      ...base,
      displayName: 'slow',
      testMatch: [...slowSuites, ...slowFolders.map((folder) => `${folder}**/*.test.ts`)],
    },
  ],
};
