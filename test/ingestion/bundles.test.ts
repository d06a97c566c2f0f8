import * as fs from 'node:fs';
import * as path from 'node:path';
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
