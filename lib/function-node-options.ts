/**
 * The Node.js options every function of this stack runs with (its `NODE_OPTIONS`), and which the
 * writer's bench gives the handler's process, so the bench measures the heap the function has.
 *
 * The heap sizes are the ones AWS's Node.js runtime bootstrap (`/var/runtime/bootstrap`, as published
 * for nodejs14.x and nodejs18.x) passes on node's command line: a tenth of the memory for the young
 * generation, half of that for each semi-space, and the rest for the old generation. They are named
 * here rather than inherited because that bootstrap is not documented and may change: node's command
 * line wins over `NODE_OPTIONS`, so where the runtime still passes them nothing changes, and where it
 * stops the function keeps them. On Node 24, the runtime's node, they are also what node chooses
 * itself for such a heap (64 MiB semi-spaces, as V8 rounds 51 up); on Node 20, which runs the bench
 * and the tests, node's own 16 MiB semi-spaces put a scavenge of the writer's 8 MB event in every
 * one-date invocation (docs/trade-writer.md), so the bench runs the handler with these.
 */

/** `--max-semi-space-size` in MiB for a function of `memoryMb`: the runtime bootstrap's `memory / 10 / 2`. */
function semiSpaceMb(memoryMb: number): number {
  return Math.floor(Math.floor(memoryMb / 10) / 2);
}

/** `--max-old-space-size` in MiB for a function of `memoryMb`: the runtime bootstrap's `memory - memory / 10`. */
function oldSpaceMb(memoryMb: number): number {
  return memoryMb - Math.floor(memoryMb / 10);
}

/**
 * The options, in order. `--enable-source-maps` makes stack traces in the logs name the TypeScript
 * source (the bundles carry source maps without their sources).
 */
export function functionNodeOptions(memoryMb: number): readonly string[] {
  if (!Number.isInteger(memoryMb) || memoryMb < 128 || memoryMb > 10_240) {
    throw new RangeError(`memoryMb ${memoryMb}: Lambda allows whole MB from 128 to 10240`);
  }
  return [
    '--enable-source-maps',
    `--max-semi-space-size=${semiSpaceMb(memoryMb)}`,
    `--max-old-space-size=${oldSpaceMb(memoryMb)}`,
  ];
}
