/**
 * The benchmark's S3 (loopback-s3.ts) in a process of its own, on another core when taskset exists,
 * so its work is not charged to the handler: the real S3 runs elsewhere too. Usage: node --import tsx
 * tools/bench/loopback-s3-process.ts <key ARN> <access key id> <secret access key> [--plain-http]
 * (the bench's own dummy credentials, whose signatures it checks); it reports `{ port, certificate }`
 * over IPC and exits when its parent disconnects or after ten minutes, whichever comes first. It
 * listens on 127.0.0.1 only, over HTTPS with a certificate made at start (loopback-certificate.ts),
 * whose private key never leaves this process; `certificate` is the PEM the client must trust
 * (undefined over plain HTTP).
 */
import type { AddressInfo } from 'node:net';
import { loopbackCertificate } from './loopback-certificate';
import { createLoopbackS3 } from './loopback-s3';

async function main(): Promise<void> {
  const tls = process.argv.includes('--plain-http') ? undefined : await loopbackCertificate();
  const [expectedKeyArn, accessKeyId, secretAccessKey] = process.argv.slice(2);
  const { server } = createLoopbackS3({ expectedKeyArn, tls, credentials: { accessKeyId, secretAccessKey } });
  const stop = (): void => {
    server.close();
    process.exit(0);
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  setTimeout(stop, 600_000).unref();
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ port: (server.address() as AddressInfo).port, certificate: tls?.certificate });
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
