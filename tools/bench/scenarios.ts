/** The benchmark's scenarios and what measure-handler.ts reports for each (a module of its own: measure-handler.ts runs when loaded). */

/** What a scenario sends the writer. */
export const SCENARIOS = {
  'one date': { dates: 1, invalidShare: 0, aggregated: false },
  '30 interleaved dates': { dates: 30, invalidShare: 0, aggregated: false },
  '10% invalid': { dates: 1, invalidShare: 0.1, aggregated: false },
  'KPL aggregated': { dates: 1, invalidShare: 0, aggregated: true },
} as const;
export type ScenarioName = keyof typeof SCENARIOS;

export interface HandlerFigures {
  readonly scenario: ScenarioName;
  /** Trades and broken records (user records, for an aggregated batch) per invocation. */
  readonly records: number;
  /** Kinesis records per invocation (fewer than `records` when aggregated). */
  readonly kinesisRecords: number;
  /** Bytes of `data` per invocation, decoded (what Kinesis bills and Lambda carries, less base64). */
  readonly kinesisBytes: number;
  /** Records the writer must quarantine, per invocation. */
  readonly invalid: number;
  /** Invocations timed, after the warm-up ones. */
  readonly iterations: number;
  /** Every invocation, warm-up included: what the S3 figures cover. */
  readonly invocations: number;
  readonly datesPerInvocation: number;
  readonly handlerMs: number;
  readonly handlerCpuMs: number;
  readonly handlerCpuMeanMs: number;
  /** Share of the timed invocations during which a garbage collection ran. */
  readonly handlerCollectionShare: number;
  /**
   * Median bytes the handler allocated on V8's heap, over the timed invocations without a collection
   * (undefined when every one had one); buffers' contents live outside it and are not counted.
   */
  readonly handlerAllocatedBytes: number | undefined;
  readonly floorMs: number;
  readonly floorCpuMs: number;
  /** Median over invocations of the handler's wall time over the floor's, measured side by side. */
  readonly wallFloorRatio: number;
  /** The same in CPU time: what the goal is judged on (the wall time adds the wait for S3's answer). */
  readonly cpuFloorRatio: number;
  /**
   * Median over invocations of the handler's wall time over that of a one-date batch run beside it
   * in the same process (measure-handler.ts); undefined for the one-date scenario itself.
   */
  readonly wallOneDateRatio: number | undefined;
  /** The same in CPU time: what the 30-date goal is judged on. */
  readonly cpuOneDateRatio: number | undefined;
  readonly failures: number;
  readonly puts: number;
  readonly refused: number;
  readonly objects: number;
  readonly storedBytes: number;
  /** Stored bytes of trades objects only. */
  readonly tradeBytes: number;
  /** PUTs by the checksum header they carried. */
  readonly checksums: Readonly<Record<string, number>>;
  /** Connections opened to the loopback S3 over the whole run, warm-up, one-date batches and the figures' own request included. */
  readonly connections: number;
}
