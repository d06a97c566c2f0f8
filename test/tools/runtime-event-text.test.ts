import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { runtimeEventText } from '../../tools/bench/runtime-event-text';

const ROOT = join(__dirname, '..', '..');
const TEXT_BYTES = 6_000_000;

/**
 * How much V8's heap grows while a fresh node (this one: Node 24 under `npm run test:node24`) holds
 * the string `how` makes of a 6 MB ASCII text, after a full collection so no old garbage is freed.
 */
function heapGrowthOf(how: 'runtimeEventText' | 'toString'): { grew: number; length: number } {
  const script = `
    const { getHeapStatistics } = require('node:v8');
    const { runtimeEventText } = require('./tools/bench/runtime-event-text.ts');
    const text = Buffer.alloc(${TEXT_BYTES}, 0x61);
    const decode = process.argv[1] === 'toString' ? (bytes) => bytes.toString('utf8') : runtimeEventText;
    globalThis.gc();
    const before = getHeapStatistics().used_heap_size;
    const held = decode(text);
    const grew = getHeapStatistics().used_heap_size - before;
    console.log(JSON.stringify({ grew, length: held.length }));
  `;
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '-e', script, how], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(out) as { grew: number; length: number };
}

describe('the bench event text, made as the Lambda runtime makes it', () => {
  it('is the text decoded as UTF-8, also where a character spans two chunks', () => {
    // '€' is three bytes; placed so that one of them straddles each 64 KiB chunk boundary.
    const text = Buffer.from(`${'a'.repeat(65_535)}€${'b'.repeat(65_534)}€ü{"x":"é"}`, 'utf8');
    expect(runtimeEventText(text)).toBe(text.toString('utf8'));
    expect(runtimeEventText(Buffer.alloc(0))).toBe('');
  });

  it("keeps a large text on V8's heap, as the runtime's string is", () => {
    const { grew, length } = heapGrowthOf('runtimeEventText');
    expect(length).toBe(TEXT_BYTES);
    expect(grew).toBeGreaterThan(0.9 * TEXT_BYTES);
  });

  // The fault the helper exists for: on Node 24 a plain toString leaves the bytes off the heap.
  const onNode24 = Number(process.versions.node.split('.')[0]) >= 24;
  (onNode24 ? it : it.skip)("differs from Node 24's Buffer#toString, which keeps a large text off the heap", () => {
    expect(heapGrowthOf('toString').grew).toBeLessThan(0.1 * TEXT_BYTES);
  });
});
