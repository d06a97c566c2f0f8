import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { REPLAY_OUTCOMES, type ReplayRequest, type ReplayResult } from '../../lambda/replay/contract';
import { type Actor, CliError, callAws } from '../errors';
import { EXIT } from '../exit-codes';

/** What `trades replay` knows of one record: the replay function's answer, or why there is none. */
export type ReplayRow = ReplayResult | (Omit<ReplayResult, 'outcome'> & { readonly outcome: 'error' });

export interface ReplayTarget {
  readonly lambda: LambdaClient;
  /** The replay function (stack output ReplayFunctionName), never the writer. */
  readonly functionName: string;
  readonly actor: Actor;
}

const NOTHING = { records: 0, trades: 0, quarantined: 0, days: [] } as const;

function errorOf(payload: string): string {
  try {
    const { errorType, errorMessage } = JSON.parse(payload) as { errorType?: string; errorMessage?: string };
    return [errorType, errorMessage].filter(Boolean).join(': ') || payload;
  } catch {
    return payload;
  }
}

/**
 * Replays one record: invokes the replay function synchronously with the record's key and nothing
 * else. The function failing (it could not read the record, or not invoke the writer) is a row of
 * its own, so the other records are still replayed; an AWS error of the invoke itself (access denied,
 * throttling, no such function) stops the run.
 */
export async function invokeReplay({ lambda, functionName, actor }: ReplayTarget, key: string): Promise<ReplayRow> {
  const request: ReplayRequest = { key };
  const response = await callAws({ action: 'lambda:InvokeFunction', resource: `function ${functionName}`, actor }, () =>
    lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(JSON.stringify(request), 'utf8'),
      }),
    ),
  );
  const payload = response.Payload === undefined ? '' : Buffer.from(response.Payload).toString('utf8');
  if (response.FunctionError !== undefined) {
    return {
      key,
      outcome: 'error',
      reason: `The replay function failed (${response.FunctionError}): ${errorOf(payload)}. Nothing was tagged: run trades replay again.`,
      ...NOTHING,
    };
  }
  let result: ReplayResult;
  try {
    result = JSON.parse(payload) as ReplayResult;
  } catch {
    throw new CliError(`The replay function ${functionName} answered with something that is not JSON.`, EXIT.FAILED);
  }
  if (!REPLAY_OUTCOMES.includes(result?.outcome)) {
    throw new CliError(
      `The replay function ${functionName} answered without an outcome this trades knows: deploy the current version of the app (npx cdk deploy).`,
      EXIT.FAILED,
    );
  }
  return result;
}

/** What a run recovered, over every record replayed. */
export interface ReplaySummary {
  readonly batches: number;
  readonly replayed: number;
  readonly notTagged: number;
  readonly alreadyReplayed: number;
  readonly failed: number;
  readonly records: number;
  readonly trades: number;
  readonly quarantined: number;
  /** Every `dt` a replayed batch wrote trades to, sorted. */
  readonly days: readonly string[];
}

export function summarize(rows: readonly ReplayRow[]): ReplaySummary {
  const stored = rows.filter(({ outcome }) => outcome === 'replayed' || outcome === 'replayed-not-tagged');
  return {
    batches: rows.length,
    replayed: stored.length,
    notTagged: rows.filter(({ outcome }) => outcome === 'replayed-not-tagged').length,
    alreadyReplayed: rows.filter(({ outcome }) => outcome === 'already-replayed').length,
    failed: rows.filter(({ outcome }) => ['writer-failed', 'unreplayable', 'error'].includes(outcome)).length,
    records: stored.reduce((sum, row) => sum + row.records, 0),
    trades: stored.reduce((sum, row) => sum + row.trades, 0),
    quarantined: stored.reduce((sum, row) => sum + row.quarantined, 0),
    days: [...new Set(stored.flatMap((row) => row.days))].sort(),
  };
}
