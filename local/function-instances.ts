import { randomUUID } from 'node:crypto';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';

/**
 * Execution environments of one function, as Lambda keeps them: an invocation gets an idle
 * environment or a new one (a cold start: the handler is built again, with its own clients); an
 * invocation that runs past the function's timeout is abandoned and its environment ended, so
 * nothing it still had in flight can land afterwards; an error leaves the environment in use.
 */

/** One environment: the handler, built as the function's entry point builds it. */
export interface FunctionInstance {
  readonly handler: (event: KinesisStreamEvent, context: Context) => Promise<KinesisStreamBatchResponse | undefined>;
  /** Ends the environment: whatever it still has in flight fails and sends nothing more. */
  dispose(): void;
}

/** How one invocation ended. */
export type InvocationOutcome =
  | { readonly kind: 'response'; readonly response: unknown }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'timeout' };

export interface FunctionInstancesOptions {
  readonly functionName: string;
  /** The function timeout. */
  readonly timeoutMs: number;
  readonly memoryMb: number;
  /** Builds a new environment. */
  readonly create: () => FunctionInstance;
}

export class FunctionInstances {
  private readonly idle: FunctionInstance[] = [];
  private readonly all = new Set<FunctionInstance>();
  /** Environments built so far. */
  coldStarts = 0;

  constructor(private readonly options: FunctionInstancesOptions) {}

  private context(deadline: number): Context {
    const { functionName, memoryMb } = this.options;
    const unsupported = () => {
      throw new Error('the callback API is not used by this function');
    };
    return {
      callbackWaitsForEmptyEventLoop: true,
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
      memoryLimitInMB: String(memoryMb),
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: unsupported,
      fail: unsupported,
      succeed: unsupported,
    };
  }

  async invoke(event: KinesisStreamEvent): Promise<InvocationOutcome> {
    let instance = this.idle.pop();
    if (instance === undefined) {
      instance = this.options.create();
      this.all.add(instance);
      this.coldStarts += 1;
    }
    const deadline = Date.now() + this.options.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<InvocationOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), this.options.timeoutMs);
    });
    const ran = Promise.resolve()
      .then(() => (instance as FunctionInstance).handler(event, this.context(deadline)))
      .then(
        (response): InvocationOutcome => ({ kind: 'response', response }),
        (error: unknown): InvocationOutcome => ({ kind: 'error', error }),
      );
    const outcome = await Promise.race([ran, timedOut]);
    clearTimeout(timer);
    if (outcome.kind === 'timeout') {
      this.all.delete(instance);
      instance.dispose();
    } else {
      this.idle.push(instance);
    }
    return outcome;
  }

  /** Ends every environment. */
  disposeAll(): void {
    for (const instance of this.all) instance.dispose();
    this.all.clear();
    this.idle.length = 0;
  }
}
