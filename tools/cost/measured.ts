/**
 * The measured figures the cost model reads (tools/cost/measured.json): written by `npm run bench --
 * --record` (the writer's) and, later, by the curated zone's own measurement; each part says when and
 * by which command it was measured. Never edited by hand.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const MEASURED_FIGURES_PATH = join(__dirname, 'measured.json');

/** One benchmark scenario, per invocation of 6,500 records. */
export interface ScenarioFigures {
  /** Trades and broken records (user records when aggregated). */
  readonly recordsPerInvocation: number;
  /** Kinesis records: fewer than the records when aggregated. */
  readonly kinesisRecordsPerInvocation: number;
  /** Average decoded bytes of a Kinesis record's data (what Kinesis bills, before its 1 KB rounding). */
  readonly kinesisBytesPerRecord: number;
  readonly invalidPerInvocation: number;
  readonly handlerMs: number;
  readonly handlerCpuMs: number;
  readonly floorMs: number;
  readonly floorRatio: number;
  readonly objectsPerInvocation: number;
  readonly putsPerInvocation: number;
  /** gzip bytes of trades objects per valid trade. */
  readonly bytesStoredPerTrade: number;
  /** gzip bytes of all objects per record. */
  readonly bytesStoredPerRecord: number;
  /**
   * When and where this scenario was measured, set only on a scenario kept from an earlier run than
   * the writer's own `recordedOn` (a later run measured other scenarios only).
   */
  readonly recordedOn?: string;
  readonly machine?: string;
}

export interface WriterFigures {
  /** UTC date of the run. */
  readonly recordedOn: string;
  readonly command: string;
  readonly machine: string;
  readonly scenarios: Readonly<Record<string, ScenarioFigures>>;
  readonly coldRequireMs: number;
}

/** The curated zone's figures, measured by the task that builds it; absent until then. */
export interface CuratedFigures {
  readonly recordedOn: string;
  readonly command: string;
  /** Bytes Athena scans per trade for one day's VWAP over `curated.trades`. */
  readonly vwapBytesScannedPerTrade: number;
}

export interface MeasuredFigures {
  readonly writer: WriterFigures;
  readonly curated?: CuratedFigures;
}

/**
 * The writer's figures after a bench run: the run's scenarios replace theirs, and every scenario the
 * run did not measure (`npm run bench -- --scenario NAME --record`) is kept, marked with the date and
 * machine of the run that did, so that a partial run never leaves the cost model without one.
 */
export function mergeWriterFigures(previous: WriterFigures | undefined, run: WriterFigures): WriterFigures {
  const before = previous?.scenarios ?? {};
  // In the previous file's order, so that a partial run's diff shows only what it measured.
  const names = [...new Set([...Object.keys(before), ...Object.keys(run.scenarios)])];
  return {
    ...run,
    scenarios: Object.fromEntries(
      names.map((name) => [
        name,
        run.scenarios[name] ?? { recordedOn: previous?.recordedOn, machine: previous?.machine, ...before[name] },
      ]),
    ),
  };
}

/** The committed figures, or an error that says how to measure them. */
export function readMeasuredFigures(path: string = MEASURED_FIGURES_PATH): MeasuredFigures {
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run bench -- --record`);
  return JSON.parse(readFileSync(path, 'utf8')) as MeasuredFigures;
}
