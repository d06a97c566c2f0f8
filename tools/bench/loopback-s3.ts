/**
 * A minimal S3 stand-in on 127.0.0.1 only, for the benchmark and for tests that need to see what
 * arrives on the wire, over HTTPS (as the writer reaches S3: the bucket policy denies plain HTTP)
 * with a throwaway certificate, or over plain HTTP. PutObject gets the checks the real lake bucket
 * makes: SSE-KMS with the expected key ARN; `If-None-Match: *`, answered with 412 when the key
 * exists; like a bucket with S3 Object Lock, no write without Content-MD5 or an `x-amz-checksum-*`
 * header; a CRC32 that does not match the body refused as S3 refuses it (BadDigest); and, given the
 * credentials, a signature that does not match what it signs or a payload hash that is not the
 * body's (loopback-sigv4.ts). GET /__stats says what was stored. Bodies are counted, not kept; the
 * headers of every PUT are kept for tests.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import type { LoopbackCertificate } from './loopback-certificate';
import { type LoopbackCredentials, sigV4Problem } from './loopback-sigv4';

export interface LoopbackS3Options {
  /** The key ARN every PutObject must name. */
  readonly expectedKeyArn: string;
  /** Speak HTTPS with this certificate (see loopback-certificate.ts). @default plain HTTP */
  readonly tls?: LoopbackCertificate;
  /** Check every PutObject's SigV4 signature (and signed payload hash) against these, as S3 does. @default no check */
  readonly credentials?: LoopbackCredentials;
}

/** What the loopback S3 saw. */
export interface LoopbackS3Stats {
  readonly puts: number;
  readonly refused: number;
  /** Every object stored, with the `x-amz-checksum-*` algorithm its PUT carried. */
  readonly objects: readonly { readonly key: string; readonly bytes: number; readonly checksum: string }[];
  /** PUTs by the `x-amz-checksum-*` header they carried (`crc32`, …; `none`). */
  readonly checksums: Readonly<Record<string, number>>;
  /** Connections clients opened (TCP, and TLS over HTTPS): a client that keeps its connections alive opens few. */
  readonly connections: number;
}

/**
 * The stats less the objects whose key holds `keyPart` and the PUTs that stored them: what another
 * writer's objects, told apart by their key (the bench's one-date batches, by their shard), added.
 * Refused PUTs and connections are not told apart; a refused PUT fails its invocation, which the
 * bench counts.
 */
export function statsWithout(stats: LoopbackS3Stats, keyPart: string): LoopbackS3Stats {
  const removed = stats.objects.filter(({ key }) => key.includes(keyPart));
  const checksums = { ...stats.checksums };
  for (const { checksum } of removed) checksums[checksum] -= 1;
  return {
    ...stats,
    puts: stats.puts - removed.length,
    objects: stats.objects.filter(({ key }) => !key.includes(keyPart)),
    checksums,
  };
}

/** A running loopback S3. */
export interface LoopbackS3 {
  readonly endpoint: string;
  stats(): LoopbackS3Stats;
  /** The headers of every PutObject, in the order received. */
  readonly putHeaders: IncomingHttpHeaders[];
  close(): Promise<void>;
}

function sendError(response: ServerResponse, status: number, code: string): void {
  response.writeHead(status, { 'content-type': 'application/xml' });
  response.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`);
}

/** The `x-amz-checksum-*` algorithm a request names, or `none`. */
function checksumOf(headers: IncomingHttpHeaders): string {
  const header = Object.keys(headers).find(
    (name) => name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-type',
  );
  return header === undefined ? (headers['content-md5'] === undefined ? 'none' : 'md5') : header.slice(15);
}

/** The S3 server; `server.listen(0, '127.0.0.1')` it. */
export function createLoopbackS3(options: LoopbackS3Options): {
  server: Server;
  stats(): LoopbackS3Stats;
  putHeaders: IncomingHttpHeaders[];
} {
  const stored = new Map<string, { bytes: number; checksum: string }>();
  const checksums: Record<string, number> = {};
  const putHeaders: IncomingHttpHeaders[] = [];
  let puts = 0;
  let refused = 0;
  let connections = 0;
  const stats = (): LoopbackS3Stats => ({
    connections,
    puts,
    refused,
    objects: [...stored].map(([key, object]) => ({ key, ...object })),
    checksums: { ...checksums },
  });

  const handlePut = async (request: IncomingMessage, response: ServerResponse, body: Buffer): Promise<void> => {
    puts += 1;
    const { headers } = request;
    putHeaders.push(headers);
    const checksum = checksumOf(headers);
    checksums[checksum] = (checksums[checksum] ?? 0) + 1;
    const key = decodeURIComponent((request.url ?? '').split('?')[0]);
    const refuse = (status: number, code: string): void => {
      refused += 1;
      sendError(response, status, code);
    };
    const signatureProblem =
      options.credentials === undefined ? undefined : await sigV4Problem(request, body, options.credentials);
    if (signatureProblem !== undefined) {
      refuse(403, signatureProblem);
      return;
    }
    if (
      headers['x-amz-server-side-encryption'] !== 'aws:kms' ||
      headers['x-amz-server-side-encryption-aws-kms-key-id'] !== options.expectedKeyArn
    ) {
      refuse(403, 'AccessDenied');
      return;
    }
    // S3 Object Lock: "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests
    // with Object Lock parameters".
    if (checksum === 'none' || headers['if-none-match'] !== '*') {
      refuse(400, 'InvalidRequest');
      return;
    }
    // aws-chunked bodies carry their checksum in a trailer; the writer's are single buffers with the header.
    if (checksum === 'crc32' && !String(headers['content-encoding'] ?? '').includes('aws-chunked')) {
      const expected = Buffer.alloc(4);
      expected.writeUInt32BE(crc32(body));
      if (headers['x-amz-checksum-crc32'] !== expected.toString('base64')) {
        refuse(400, 'BadDigest');
        return;
      }
    }
    if (stored.has(key)) {
      sendError(response, 412, 'PreconditionFailed');
      return;
    }
    // With aws-chunked transfer the body carries chunk framing; the object is the decoded length.
    stored.set(key, { bytes: Number(headers['x-amz-decoded-content-length'] ?? body.length), checksum });
    response.writeHead(200, { etag: `"${puts}"` });
    response.end();
  };

  const listener: RequestListener = (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'PUT') {
        handlePut(request, response, Buffer.concat(chunks)).catch((error: unknown) => {
          console.error(error);
          sendError(response, 500, 'InternalError');
        });
      } else if (request.method === 'GET' && request.url === '/__stats') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(stats()));
      } else {
        sendError(response, 501, 'NotImplemented');
      }
    });
  };
  const server: Server =
    options.tls === undefined
      ? createServer(listener)
      : createTlsServer({ key: options.tls.privateKey, cert: options.tls.certificate }, listener);
  server.keepAliveTimeout = 60_000;
  server.on('connection', () => {
    connections += 1;
  });
  return { server, stats, putHeaders };
}

/** Starts a loopback S3 on 127.0.0.1 in this process (tests); the benchmark runs one in its own process. */
export function startLoopbackS3(options: LoopbackS3Options): Promise<LoopbackS3> {
  const { server, stats, putHeaders } = createLoopbackS3(options);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        endpoint: `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
        stats,
        putHeaders,
        close: () =>
          new Promise<void>((closed) => {
            server.closeAllConnections();
            server.close(() => closed());
          }),
      });
    });
  });
}
