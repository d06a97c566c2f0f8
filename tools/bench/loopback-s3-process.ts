/**
 * The benchmark's S3 (loopback-s3.ts) in a process of its own, on another core when taskset exists,
 * so its work is not charged to the handler: the real S3 runs elsewhere too. Usage: node --import tsx
 * tools/bench/loopback-s3-process.ts <key ARN>; it reports `{ port }` over IPC and exits when its
 * parent disconnects or after ten minutes, whichever comes first. It listens on 127.0.0.1 only.
 */
import type { AddressInfo } from 'node:net';
import { createLoopbackS3 } from './loopback-s3';

const { server } = createLoopbackS3({ expectedKeyArn: process.argv[2] });

const stop = (): void => {
  server.close();
  process.exit(0);
};
process.on('disconnect', stop);
process.on('SIGTERM', stop);
setTimeout(stop, 600_000).unref();

server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
