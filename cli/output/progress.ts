import { Presets, SingleBar } from 'cli-progress';
import type { OutputStream } from './output';

/** A progress bar, or nothing at all where nobody watches. */
export interface Progress {
  update(done: number, detail?: string): void;
  stop(): void;
}

const SILENT: Progress = { update() {}, stop() {} };

/**
 * A bar on `stream` (stderr) when it is a terminal; silent otherwise, so that a log or a pipe gets
 * no control characters and stdout stays the result alone.
 */
export function startProgress(stream: OutputStream, total: number, unit: string): Progress {
  if (!stream.isTTY) return SILENT;
  const bar = new SingleBar(
    {
      stream: stream as NodeJS.WriteStream,
      format: `{bar} {percentage}% | {value}/{total} ${unit} | {detail}`,
      hideCursor: true,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0, { detail: '' });
  return {
    update(done, detail = '') {
      bar.update(done, { detail });
    },
    stop() {
      bar.stop();
    },
  };
}
