import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { PutFault } from './chaos';

/**
 * What stands between the clients and s3rver: a small HTTP front on 127.0.0.1 that adds what S3
 * does and s3rver 3.7.1 does not, and is where `--chaos` injects its faults on the wire.
 *
 * - The data lake bucket's policy (docs/design.md §4): a PutObject without `x-amz-server-side-encryption:
 *   aws:kms` and the data key's ARN as `x-amz-server-side-encryption-aws-kms-key-id` is refused
 *   with 403, as the deny statements refuse it. (TLS cannot be checked: the peers speak HTTP.)
 * - Conditional writes: `If-None-Match: *` on a key that exists is answered 412, which s3rver
 *   ignores (it overwrites). The check and the write are one step per key, as in S3.
 * - Faults: a PutObject answered 503 ServiceUnavailable, or never answered (before or after it is stored).
 *
 * Everything else passes through unchanged, signatures included (the Host header is kept).
 */

/** Counts of what the front did with PutObject requests. */
export interface FrontStats {
  /** Stored by s3rver. */
  readonly stored: number;
  /** Refused by the lake bucket's policy (wrong or missing encryption headers). */
  readonly refused: number;
  /** Answered 412: the key existed and the request said `If-None-Match: *`. */
  readonly preconditionFailed: number;
  /** Answered 503 by a fault. */
  readonly unavailable: number;
  /** Left unanswered by a fault. */
  readonly hung: number;
}

export interface S3FrontOptions {
  /** s3rver's endpoint, `http://127.0.0.1:<port>`. */
  readonly upstream: string;
  /** The bucket whose policy demands SSE-KMS with `kmsKeyArn`. */
  readonly lakeBucket: string;
  readonly kmsKeyArn: string;
  /** Decides the fault, if any, for one PutObject attempt. @default none */
  readonly putFault?: (bucket: string, key: string) => PutFault;
}

export interface S3Front {
  readonly endpoint: string;
  stats(): FrontStats;
  /** Closes the front and every connection still open (hung requests included). */
  stop(): Promise<void>;
}

function s3Error(response: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>local-s3-front</RequestId></Error>`;
  response.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** Bucket and key of a path-style request, or undefined for a request on the service or a bucket. */
function objectOf(url: string): { bucket: string; key: string; query: string } | undefined {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = queryStart === -1 ? '' : url.slice(queryStart + 1);
  const slash = path.indexOf('/', 1);
  if (slash === -1 || slash === path.length - 1) return undefined;
  return { bucket: decodeURIComponent(path.slice(1, slash)), key: decodeURIComponent(path.slice(slash + 1)), query };
}

/** Runs `task` after every earlier task for the same key has finished. */
class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

export async function startS3Front(options: S3FrontOptions): Promise<S3Front> {
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true });
  const locks = new KeyLocks();
  const sockets = new Set<Socket>();
  const counts = { stored: 0, refused: 0, preconditionFailed: 0, unavailable: 0, hung: 0 };

  /** Sends `request` to s3rver as it came and resolves with the answer. */
  function forward(request: IncomingMessage): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
          agent,
        },
        resolve,
      );
      outgoing.on('error', reject);
      request.pipe(outgoing);
    });
  }

  /** Whether the object exists: an unsigned HeadObject, which s3rver answers like any other. */
  function exists(bucket: string, key: string): Promise<boolean> {
    const path = `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: 'HEAD', path, agent },
        (answer) => {
          answer.resume();
          resolve(answer.statusCode === 200);
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
  }

  function relay(upstreamResponse: IncomingMessage, response: ServerResponse): void {
    response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
    upstreamResponse.pipe(response);
  }

  /** Reads and discards the request body, then answers. */
  function answerAfterBody(request: IncomingMessage, answer: () => void): void {
    request.on('end', answer);
    request.resume();
  }

  async function putObject(
    request: IncomingMessage,
    response: ServerResponse,
    bucket: string,
    key: string,
  ): Promise<void> {
    if (
      bucket === options.lakeBucket &&
      (request.headers['x-amz-server-side-encryption'] !== 'aws:kms' ||
        request.headers['x-amz-server-side-encryption-aws-kms-key-id'] !== options.kmsKeyArn)
    ) {
      counts.refused += 1;
      answerAfterBody(request, () => s3Error(response, 403, 'AccessDenied', 'Access Denied (bucket policy)'));
      return;
    }
    const fault = options.putFault?.(bucket, key) ?? 'none';
    if (fault === 'unavailable') {
      counts.unavailable += 1;
      answerAfterBody(request, () => s3Error(response, 503, 'ServiceUnavailable', 'Service Unavailable'));
      return;
    }
    if (fault === 'hang-before-store') {
      counts.hung += 1;
      request.resume();
      return;
    }
    const conditional = request.headers['if-none-match'] === '*';
    await locks.run(`${bucket}/${key}`, async () => {
      if (conditional) {
        if (await exists(bucket, key)) {
          counts.preconditionFailed += 1;
          answerAfterBody(request, () =>
            s3Error(
              response,
              412,
              'PreconditionFailed',
              'At least one of the pre-conditions you specified did not hold',
            ),
          );
          return;
        }
      }
      const stored = await forward(request);
      if (stored.statusCode === 200) counts.stored += 1;
      if (fault === 'hang-after-store') {
        counts.hung += 1;
        stored.resume();
        return;
      }
      relay(stored, response);
    });
  }

  const server = createServer((request, response) => {
    const target = objectOf(request.url ?? '/');
    const isPutObject =
      request.method === 'PUT' &&
      target !== undefined &&
      !/(^|&)(uploadId|partNumber|tagging|acl|retention|legal-hold)(=|&|$)/.test(target.query) &&
      request.headers['x-amz-copy-source'] === undefined;
    const handled =
      isPutObject && target
        ? putObject(request, response, target.bucket, target.key)
        : forward(request).then((upstreamResponse) => relay(upstreamResponse, response));
    handled.catch((error: Error) => {
      if (!response.headersSent) s3Error(response, 500, 'InternalError', error.message);
      else response.destroy(error);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats: () => ({ ...counts }),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        agent.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
