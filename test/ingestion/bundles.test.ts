import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import type * as Deaggregate from '../../lambda/trade-writer/deaggregate';
import { writerEsbuildOptions } from '../../lib/ingestion/writer-bundling';
import { REJECTIONS } from '../../schema/validation/rejection';
import { aggregate } from '../../tools/fixtures/kpl-aggregates';
import { kinesisRecord } from '../../tools/fixtures/trade-events';
import { synthApp } from '../support/app';
import { logicalIdOf, resourceProps } from '../support/template';

// Every function of the stack, bundled as `cdk synth` bundles it (esbuild, locally, never Docker):
// one synthesis with bundling for the whole suite, since each bundling costs a second or more.
const { app, stack, template } = synthApp({}, undefined, { bundle: true });
const assembly = app.synth();

/** The files of a function's asset and the text of its index.js. */
function bundleOf(fn: Parameters<typeof logicalIdOf>[0]): { files: string[]; code: string } {
  const asset = (resourceProps(template, logicalIdOf(fn)).Code.S3Key as string).replace(/\.zip$/, '');
  const dir = path.join(assembly.directory, `asset.${asset}`);
  return { files: fs.readdirSync(dir).sort(), code: fs.readFileSync(path.join(dir, 'index.js'), 'utf8') };
}

// (Booleans, not toContain: a failure must not print a 600 kB bundle.)
describe('function bundles', () => {
  it('bundles the writer into one minified file with a source map and the S3 client inside, no node_modules beside it', () => {
    const { files, code } = bundleOf(stack.ingestion.writer);
    expect(files).toEqual(['index.js', 'index.js.map']);
    // The S3 client's serializer for the SSE-KMS header: the SDK is bundled, not taken from the runtime.
    expect(code.includes('x-amz-server-side-encryption-aws-kms-key-id')).toBe(true);
    expect(/require\("@aws-sdk\/client-/.test(code)).toBe(false);
    // Minified: far fewer lines than a readable bundle of the same code.
    expect(code.split('\n').length).toBeLessThan(100);
  });

  it('bundles the replay function into one minified file with the S3 and Lambda clients inside', () => {
    const { files, code } = bundleOf(stack.replay.function);
    expect(files).toEqual(['index.js', 'index.js.map']);
    expect(code.includes('name:"@aws-sdk/client-s3"') && code.includes('name:"@aws-sdk/client-lambda"')).toBe(true);
    // The tagging call and the synchronous invoke's header: the SDK is bundled, not the runtime's.
    expect(code.includes('PutObjectTagging') && code.includes('X-Amz-Invocation-Type')).toBe(true);
    expect(/require\("@aws-sdk\/client-/.test(code)).toBe(false);
  });

  it('bundles the curation planner into one file with the S3 client inside (it lists the raw prefixes, reads the watermark)', () => {
    const { files, code } = bundleOf(stack.curated.planner);
    expect(files).toEqual(['index.js', 'index.js.map']);
    expect(/require\("@aws-sdk\/client-/.test(code)).toBe(false);
    expect(code.includes('name:"@aws-sdk/client-s3"') && code.includes('ListObjectsV2')).toBe(true);
  });
});

describe('de-aggregation inside a bundle built as the writer is deployed', () => {
  // aws-kinesis-agg is required lazily at the first aggregate and brings protobufjs, whose own
  // optional requires are what bundlers break: only a bundle run on an aggregate proves they survive
  // esbuild with the writer's options (WRITER_BUNDLING, as lib/project-function.ts gives NodejsFunction).
  // The bundle runs from a temporary directory, far from node_modules, as in Lambda.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deaggregate-bundle-'));
  const outfile = path.join(dir, 'deaggregate.js');
  buildSync({
    ...writerEsbuildOptions(path.join(__dirname, '..', '..', 'lambda', 'trade-writer', 'deaggregate.ts')),
    outfile,
  });
  const bundled = require(outfile) as typeof Deaggregate;
  const code = fs.readFileSync(outfile, 'utf8');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const trades = ['{"trade_id":"t-1"}', '{"trade_id":"t-2"}', '{"trade_id":"t-3"}'];
  const record = aggregate(trades.map((data, i) => ({ partitionKey: `pk-${i}`, data })));

  it('carries aws-kinesis-agg and protobufjs inside: it requires nothing but Node.js built-ins', () => {
    const required = [...new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]))];
    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((name) => !builtinModules.includes(name.replace(/^node:/, '')))).toEqual([]);
    // aws-kinesis-agg's own constant for the magic number: the library is in the bundle.
    expect(code.includes('"f3899ac2"')).toBe(true);
  });

  it('de-aggregates an aggregate made by aws-kinesis-agg into its user records, in order', () => {
    const { kinesis } = kinesisRecord({ bytes: record.data, partitionKey: record.partitionKey }, 7);
    const userRecords = bundled.deaggregate(kinesis);
    expect(Array.isArray(userRecords)).toBe(true);
    const list = userRecords as readonly Deaggregate.UserRecord[];
    expect(list.map(({ data }) => Buffer.from(data, 'base64').toString('utf8'))).toEqual(trades);
    expect(list.map(({ subSequenceNumber, partitionKey }) => [subSequenceNumber, partitionKey])).toEqual([
      [0, 'pk-0'],
      [1, 'pk-1'],
      [2, 'pk-2'],
    ]);
    expect(new Set(list.map(({ sequenceNumber }) => sequenceNumber))).toEqual(new Set([kinesis.sequenceNumber]));
  });

  it('still checks the MD5 inside the bundle: a corrupt aggregate is refused whole', () => {
    const corrupt = Buffer.from(record.data);
    corrupt[corrupt.length - 1] ^= 0xff;
    const { kinesis } = kinesisRecord({ bytes: corrupt, partitionKey: record.partitionKey }, 8);
    // The bundle has its own copy of the rejection table: equal, not the same object.
    expect(bundled.deaggregate(kinesis)).toEqual(REJECTIONS.badAggregate);
  });
});
