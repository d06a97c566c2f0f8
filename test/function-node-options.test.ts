import { execFileSync } from 'node:child_process';
import { functionNodeOptions } from '../lib/function-node-options';

/** What node reports about its heap when started with `nodeOptions` in NODE_OPTIONS (and `args` on its command line). */
function heapOf(nodeOptions: string, args: string[] = []): { limitMiB: number; newSpaceMiB: number } {
  // Fills the young generation so it grows to its maximum, then reports the heap's limits.
  const script = `
    const v8 = require('node:v8');
    let keep = [], newSpace = 0;
    for (let i = 0; i < 4e6; i++) {
      keep.push({ i });
      if (keep.length > 300000) keep = [];
      if (i % 20000 === 0) newSpace = Math.max(newSpace, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
    }
    process.stdout.write(JSON.stringify({ limitMiB: v8.getHeapStatistics().heap_size_limit / 1048576, newSpaceMiB: newSpace / 1048576 }));
  `;
  const out = execFileSync(process.execPath, [...args, '-e', script], {
    env: { PATH: process.env.PATH, NODE_OPTIONS: nodeOptions },
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

describe('functionNodeOptions', () => {
  it.each([
    // memory, semi-space (memory / 10 / 2), old space (memory - memory / 10), worked by hand
    [1024, 51, 922],
    [128, 6, 116],
    [1769, 88, 1593],
    [10_240, 512, 9216],
  ])(
    'sizes the heap of a %i MB function as the Lambda runtime does: %i MiB semi-spaces, %i MiB old space',
    (memory, semi, old) => {
      expect(functionNodeOptions(memory)).toEqual([
        '--enable-source-maps',
        `--max-semi-space-size=${semi}`,
        `--max-old-space-size=${old}`,
      ]);
    },
  );

  it.each([127, 10_241, 1024.5, Number.NaN])('refuses %p MB, which Lambda does not allow', (memory) => {
    expect(() => functionNodeOptions(memory)).toThrow(/Lambda allows whole MB from 128 to 10240/);
  });

  it('sets options node accepts in NODE_OPTIONS, and they size the heap', () => {
    // Node's own defaults differ between versions (Node 20: 16 MiB semi-spaces; Node 24: 64 MiB on
    // this machine) and with the machine's memory, so the young generation is compared with a small
    // one set the same way.
    const small = heapOf('--max-semi-space-size=4');
    const sized = heapOf(functionNodeOptions(1024).join(' '));
    // The heap's limit is the old generation's plus the young generation's.
    expect(sized.limitMiB).toBeGreaterThanOrEqual(922);
    expect(sized.limitMiB).toBeLessThan(922 + 3 * 64 + 1);
    // V8 rounds a semi-space up to a power of two: 51 MiB gives a young generation of up to 128 MiB.
    expect(sized.newSpaceMiB).toBeGreaterThan(small.newSpaceMiB);
    expect(sized.newSpaceMiB).toBeGreaterThan(32);
    expect(sized.newSpaceMiB).toBeLessThanOrEqual(128);
  });

  it("yields to node's command line, so the runtime's own flags, where it passes them, still decide", () => {
    const onTheCommandLine = heapOf(functionNodeOptions(1024).join(' '), ['--max-semi-space-size=8']);
    const fromNodeOptions = heapOf(functionNodeOptions(1024).join(' '));
    expect(onTheCommandLine.newSpaceMiB).toBeLessThan(fromNodeOptions.newSpaceMiB);
  });
});
