import { SingleBar } from 'cli-progress';
import type { OutputStream } from '../output/output';
import { formatBytes } from './athena-price';

/** A line that says what a running query is doing, or nothing where nobody watches. */
export interface WaitingLine {
  update(state: string, scannedBytes: number): void;
  stop(): void;
}

const SILENT: WaitingLine = { update() {}, stop() {} };

/**
 * The query's state, how long it has run and what it has scanned so far, redrawn on `stream` (stderr)
 * when it is a terminal; silent otherwise, like the progress bars (cli/output/progress.ts). There is
 * no bar: Athena says nothing about how much of a query is left.
 */
export function startWaitingLine(stream: OutputStream): WaitingLine {
  if (!stream.isTTY) return SILENT;
  const line = new SingleBar({
    stream: stream as NodeJS.WriteStream,
    format: 'Query {state} for {duration_formatted}, {scanned} scanned (Ctrl-C stops it)',
    hideCursor: true,
    clearOnComplete: true,
  });
  line.start(1, 0, { state: 'QUEUED', scanned: formatBytes(0) });
  return {
    update(state, scannedBytes) {
      line.update(0, { state, scanned: formatBytes(scannedBytes) });
    },
    stop() {
      line.stop();
    },
  };
}
