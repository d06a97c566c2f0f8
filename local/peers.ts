import { mkdirSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * The embedded stand-ins for the AWS services the pipeline uses: kinesalite for the stream, s3rver
 * for the buckets. Both bind to 127.0.0.1 on a port the system picks, so runs and tests never
 * collide, and both keep their data under one folder (kinesalite in LevelDB, s3rver as files).
 */

/** kinesalite 3.3.3 returns an HTTP server whose close() closes its LevelDB first; it ships no types. */
type KinesaliteServer = Server & { close(callback: (error?: Error) => void): void };
type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/** How long stopping waits for kinesalite's requests in flight. */
const DRAIN_TIMEOUT_MS = 5_000;
type Kinesalite = (options: Record<string, unknown>) => KinesaliteServer;

/** The part of s3rver 3.7.1 used here; the package ships no types. */
interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverServer;

/** What the peers are started with. */
export interface PeerOptions {
  /** Folder for both peers' data: `kinesis/` (LevelDB) and `s3/` (one file per object). */
  readonly directory: string;
  /** Buckets that exist from the start. */
  readonly buckets: readonly string[];
  /** Shards kinesalite allows in all. @default 10 */
  readonly shardLimit?: number;
}

/** Running peers: where to reach them, and how to stop them. */
export interface Peers {
  readonly kinesisEndpoint: string;
  readonly s3Endpoint: string;
  /** Stops both; safe to call more than once. */
  stop(): Promise<void>;
}

async function startKinesalite(
  directory: string,
  shardLimit: number,
): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const kinesalite: Kinesalite = require('kinesalite');
  // createStreamMs 0: the stream is ACTIVE at once, instead of after kinesalite's default 500 ms.
  const server = kinesalite({ path: directory, shardLimit, createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  // Closing LevelDB while a request still reads or writes it crashes the process (a native
  // segfault): stopping first refuses new requests (503, which clients retry or report) and waits
  // for those in flight.
  const [handle] = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  let inFlight = 0;
  let stopping = false;
  let drained: (() => void) | undefined;
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (stopping) {
      response.writeHead(503, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ __type: 'ServiceUnavailable', message: 'kinesalite is stopping' }));
      return;
    }
    inFlight += 1;
    response.on('close', () => {
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    });
    handle?.(request, response);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      stopping = true;
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, DRAIN_TIMEOUT_MS).unref();
        });
      }
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

async function startS3rver(
  directory: string,
  buckets: readonly string[],
): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const S3rver: S3rverConstructor = require('s3rver');
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => server.close() };
}

/**
 * Starts kinesalite and s3rver. If the second fails to start, the first is stopped before the
 * error is rethrown, so a failed start leaves nothing listening.
 */
export async function startPeers(options: PeerOptions): Promise<Peers> {
  const kinesisDirectory = join(options.directory, 'kinesis');
  const s3Directory = join(options.directory, 's3');
  mkdirSync(kinesisDirectory, { recursive: true });
  mkdirSync(s3Directory, { recursive: true });
  const kinesis = await startKinesalite(kinesisDirectory, Math.max(10, options.shardLimit ?? 10));
  let s3: Awaited<ReturnType<typeof startS3rver>>;
  try {
    s3 = await startS3rver(s3Directory, options.buckets);
  } catch (error) {
    await kinesis.stop();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    kinesisEndpoint: kinesis.endpoint,
    s3Endpoint: s3.endpoint,
    stop() {
      stopped ??= Promise.allSettled([kinesis.stop(), s3.stop()]).then((results) => {
        const failure = results.find((result) => result.status === 'rejected');
        if (failure) throw (failure as PromiseRejectedResult).reason;
      });
      return stopped;
    },
  };
}
