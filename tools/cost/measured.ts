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

/** The committed figures, or an error that says how to measure them. */
export function readMeasuredFigures(path: string = MEASURED_FIGURES_PATH): MeasuredFigures {
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run bench -- --record`);
  return JSON.parse(readFileSync(path, 'utf8')) as MeasuredFigures;
}
