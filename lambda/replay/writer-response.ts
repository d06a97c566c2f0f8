import { compareSequenceNumbers } from '../../schema/object-keys';

/**
 * What the writer's answer to a synchronous Invoke says about the batch, read as Lambda's event source
 * mapping reads a partial batch response ("Configuring partial batch response with Kinesis Data
 * Streams and Lambda"): success is an empty or null response, or an empty or null
 * `batchItemFailures`; any item, even one with an empty or missing identifier, fails the batch.
 */
export type WriterVerdict =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: string;
      /** The lowest sequence number the writer reported, when it reported one. */
      readonly checkpoint?: string;
    };

/** The parts of Lambda's InvokeCommandOutput that decide. */
export interface WriterInvocation {
  /** `Unhandled` when the function threw, timed out or ran out of memory. */
  readonly functionError?: string;
  readonly payload?: Uint8Array;
}

function errorMessageOf(text: string): string {
  try {
    const error = JSON.parse(text) as { errorType?: unknown; errorMessage?: unknown };
    const type = typeof error.errorType === 'string' ? `${error.errorType}: ` : '';
    return typeof error.errorMessage === 'string' ? `${type}${error.errorMessage}` : text;
  } catch {
    return text;
  }
}

function lowest(identifiers: readonly string[]): string | undefined {
  return [...identifiers].sort(compareSequenceNumbers)[0];
}

export function readWriterResponse(invocation: WriterInvocation): WriterVerdict {
  const text = invocation.payload === undefined ? '' : Buffer.from(invocation.payload).toString('utf8').trim();
  if (invocation.functionError !== undefined) {
    return {
      ok: false,
      reason: `the writer failed (${invocation.functionError})${text === '' ? '' : `: ${errorMessageOf(text)}`}`,
    };
  }
  if (text === '' || text === 'null') return { ok: true };
  let response: unknown;
  try {
    response = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the writer answered with something that is not JSON' };
  }
  if (typeof response !== 'object' || response === null || Array.isArray(response)) {
    return { ok: false, reason: 'the writer answered with something that is not a batch response' };
  }
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { ok: true };
  if (!Array.isArray(failures))
    return { ok: false, reason: 'the writer answered with an unreadable batchItemFailures' };
  if (failures.length === 0) return { ok: true };
  const identifiers = failures
    .map((failure) => (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier)
    .filter((identifier): identifier is string => typeof identifier === 'string' && identifier !== '');
  const checkpoint = lowest(identifiers);
  return {
    ok: false,
    checkpoint,
    reason:
      checkpoint === undefined
        ? 'the writer reported the whole batch as failed'
        : `the writer could not store every record: it reported a failure from sequence number ${checkpoint}`,
  };
}
