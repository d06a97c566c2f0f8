/**
 * A minimal S3 stand-in for the benchmark, on 127.0.0.1 only: PutObject with the checks the real
 * bucket makes (SSE-KMS with the expected key ARN, `If-None-Match: *` answered with 412 when the
 * key exists), plus GET /__stats for what was stored. Bodies are counted, not kept. It runs in its
 * own process, on another core when taskset exists, so its work is not charged to the handler: the
 * real S3 runs elsewhere too. Usage: node --import tsx tools/bench/loopback-s3.ts <key ARN>; it prints
 * `{"port":N}` and exits when its parent disconnects or after ten minutes, whichever comes first.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

const expectedKeyArn = process.argv[2];
const storedBytes = new Map<string, number>();
let puts = 0;
let refused = 0;

function sendError(response: ServerResponse, status: number, code: string): void {
  response.writeHead(status, { 'content-type': 'application/xml' });
  response.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`);
}

function handlePut(request: IncomingMessage, response: ServerResponse, body: Buffer): void {
  puts += 1;
  const key = decodeURIComponent((request.url ?? '').split('?')[0]);
  if (
    request.headers['x-amz-server-side-encryption'] !== 'aws:kms' ||
    request.headers['x-amz-server-side-encryption-aws-kms-key-id'] !== expectedKeyArn
  ) {
    refused += 1;
    sendError(response, 403, 'AccessDenied');
    return;
  }
  if (request.headers['if-none-match'] !== '*') {
    refused += 1;
    sendError(response, 400, 'InvalidRequest');
    return;
  }
  if (storedBytes.has(key)) {
    sendError(response, 412, 'PreconditionFailed');
    return;
  }
  // With aws-chunked transfer the body carries chunk framing; the object is the decoded length.
  const decoded = Number(request.headers['x-amz-decoded-content-length'] ?? body.length);
  storedBytes.set(key, decoded);
  response.writeHead(200, { etag: `"${puts}"` });
  response.end();
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    if (request.method === 'PUT') {
      handlePut(request, response, Buffer.concat(chunks));
    } else if (request.method === 'GET' && request.url === '/__stats') {
      const objects = [...storedBytes].map(([key, bytes]) => ({ key, bytes }));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ puts, refused, objects }));
    } else {
      sendError(response, 501, 'NotImplemented');
    }
  });
});
server.keepAliveTimeout = 60_000;

const stop = (): void => {
  server.close();
  process.exit(0);
};
process.on('disconnect', stop);
process.on('SIGTERM', stop);
setTimeout(stop, 600_000).unref();

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.send?.({ port });
});
