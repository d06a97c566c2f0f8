import { Agent } from 'node:https';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PutObjectCommand, S3Client, type S3ClientConfig, S3ServiceException } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { FinalizeHandler, FinalizeHandlerArguments, MetadataBearer } from '@smithy/types';
import { mockClient } from 'aws-sdk-client-mock';
import { createTradeWriter } from '../../lambda/trade-writer/handler';
import { s3ObjectStore, writerS3Client } from '../../lambda/trade-writer/object-store';
import { loopbackCertificate } from '../../tools/bench/loopback-certificate';
import { type LoopbackS3, startLoopbackS3 } from '../../tools/bench/loopback-s3';
import { BUCKET_NAME, KEY_ARN, kinesisEvent, kinesisRecord, tradeJson } from '../../tools/fixtures/trade-events';
import { RECONCILE_DAYS } from './harness';

// What a function or an account may set (AWS SDK for JavaScript v3): the SDK then sends a checksum
// only for operations that require one, and PutObject does not. S3 Object Lock refuses such a write.
const CHECKSUM_SETTING = 'AWS_REQUEST_CHECKSUM_CALCULATION';
const previousSetting = process.env[CHECKSUM_SETTING];
beforeAll(() => {
  process.env[CHECKSUM_SETTING] = 'WHEN_REQUIRED';
});
afterAll(() => {
  if (previousSetting === undefined) delete process.env[CHECKSUM_SETTING];
  else process.env[CHECKSUM_SETTING] = previousSetting;
});

const batch = kinesisEvent([
  tradeJson({ trade_id: 'T-1', executed_at: '2026-03-10T12:00:00Z' }),
  tradeJson({ trade_id: 'T-2', executed_at: '2026-03-11T12:00:00Z' }),
  'not json',
]);
/** Records after `batch`'s, two dates: the next invocation of a writer whose client resolved its middleware once. */
const secondBatch = {
  Records: [
    kinesisRecord({ text: tradeJson({ trade_id: 'T-3', executed_at: '2026-03-09T12:00:00Z' }) }, 3),
    kinesisRecord({ text: tradeJson({ trade_id: 'T-4', executed_at: '2026-03-11T13:00:00Z' }) }, 4),
  ],
};
const CREDENTIALS = { accessKeyId: 'loopback', secretAccessKey: 'loopback' };

/** Client options for the loopback S3 over HTTPS: its throwaway certificate trusted, verification on. */
function trustingLoopback(s3: LoopbackS3, certificate: string): S3ClientConfig {
  return {
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: CREDENTIALS,
    requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca: certificate, keepAlive: true }) }),
  };
}

function writerFor(client: S3Client) {
  return createTradeWriter({
    store: s3ObjectStore(client, { bucketName: BUCKET_NAME, keyArn: KEY_ARN }),
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'TradingDataLakeTest', serviceName: 'trade-writer' }),
    reconcileDays: RECONCILE_DAYS,
    clock: () => new Date('2026-03-11T15:00:00Z'),
  });
}

async function quietly<T>(run: () => Promise<T>): Promise<T> {
  // The EMF metrics go to stdout.
  const silence = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return await run();
  } finally {
    silence.mockRestore();
  }
}

describe('the checksum of every PutObject', () => {
  it('asks for CRC32 in the command itself, trades and quarantine alike, whatever the SDK default', async () => {
    const s3 = mockClient(S3Client);
    s3.on(PutObjectCommand).resolves({ ETag: '"etag"' });
    try {
      await quietly(() => writerFor(writerS3Client({ region: 'us-east-1' }))(batch));
      const inputs = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
      expect(inputs).toHaveLength(3);
      for (const input of inputs) expect(input.ChecksumAlgorithm).toBe('CRC32');
    } finally {
      s3.restore();
    }
  });

  describe('on the wire, with AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED, to an S3 that refuses writes without one as Object Lock does', () => {
    let s3: LoopbackS3;
    let client: S3Client;
    beforeAll(async () => {
      s3 = await startLoopbackS3({ expectedKeyArn: KEY_ARN, credentials: CREDENTIALS });
      client = writerS3Client({
        endpoint: s3.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: CREDENTIALS,
      });
    });
    afterAll(async () => {
      client?.destroy();
      await s3?.close();
    });

    it('sends x-amz-checksum-crc32 of the body, which the server verifies, and every object is stored', async () => {
      expect(await quietly(() => writerFor(client)(batch))).toEqual({ batchItemFailures: [] });
      // The loopback S3 also checked each signature, and each payload hash against its body.
      expect(s3.stats()).toMatchObject({ puts: 3, refused: 0, checksums: { crc32: 3 } });
      for (const headers of s3.putHeaders) {
        expect(headers['x-amz-checksum-crc32']).toMatch(/^[A-Za-z0-9+/]{6}==$/);
        // Over plain HTTP the payload is signed, as the SDK signs it: only TLS makes it safe to skip.
        expect(headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
      }
    });

    it('is what makes the write pass: the same SDK without ChecksumAlgorithm sends none and is refused', async () => {
      const write = client.send(
        new PutObjectCommand({
          Bucket: BUCKET_NAME,
          Key: 'trades/dt=2026-03-11/no-checksum.jsonl.gz',
          Body: Buffer.from('{}\n'),
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: KEY_ARN,
          IfNoneMatch: '*',
        }),
      );
      await expect(write).rejects.toBeInstanceOf(S3ServiceException);
      await expect(write).rejects.toMatchObject({ name: 'InvalidRequest' });
      expect(s3.putHeaders.at(-1)?.['x-amz-checksum-crc32']).toBeUndefined();
    });
  });

  describe('over HTTPS, as the writer reaches S3', () => {
    let s3: LoopbackS3;
    let client: S3Client;
    let certificate: string;
    beforeAll(async () => {
      const tls = await loopbackCertificate();
      certificate = tls.certificate;
      s3 = await startLoopbackS3({ expectedKeyArn: KEY_ARN, tls, credentials: CREDENTIALS });
      client = writerS3Client(trustingLoopback(s3, certificate));
    });
    afterAll(async () => {
      client?.destroy();
      await s3?.close();
    });

    it('signs the SHA-256 of the body, the CRC32 header and every header the bucket policy needs, across invocations, and S3 accepts it', async () => {
      expect(await quietly(() => writerFor(client)(batch))).toEqual({ batchItemFailures: [] });
      expect(await quietly(() => writerFor(client)(secondBatch))).toEqual({ batchItemFailures: [] });
      // Signatures, checksums, encryption headers and If-None-Match all checked by the loopback S3.
      expect(s3.stats()).toMatchObject({ puts: 5, refused: 0, checksums: { crc32: 5 } });
      expect(s3.stats().objects.map(({ key }) => key)).toHaveLength(5);
      for (const headers of s3.putHeaders) {
        // The SDK's default over HTTPS too: the signature covers the body, not UNSIGNED-PAYLOAD.
        expect(headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
        const signed = /SignedHeaders=([^,]+)/.exec(String(headers.authorization))?.[1].split(';');
        expect(signed).toEqual(
          expect.arrayContaining([
            'x-amz-content-sha256',
            'x-amz-checksum-crc32',
            'x-amz-server-side-encryption',
            'x-amz-server-side-encryption-aws-kms-key-id',
            'if-none-match',
            'content-length',
            'host',
          ]),
        );
      }
    });

    it('a request changed after it was signed is refused: the loopback S3 checks what S3 checks', async () => {
      const tampering = writerS3Client(trustingLoopback(s3, certificate));
      tampering.middlewareStack.addRelativeTo(
        (next: FinalizeHandler<object, MetadataBearer>) => (args: FinalizeHandlerArguments<object>) => {
          (args.request as { headers: Record<string, string> }).headers['x-amz-server-side-encryption-aws-kms-key-id'] =
            KEY_ARN.replace('1234abcd', '0000abcd');
          return next(args);
        },
        { name: 'changeAfterSigning', relation: 'after', toMiddleware: 'httpSigningMiddleware' },
      );
      try {
        await expect(
          tampering.send(
            new PutObjectCommand({
              Bucket: BUCKET_NAME,
              Key: 'trades/dt=2026-03-11/tampered.jsonl.gz',
              Body: Buffer.from('{}\n'),
              ServerSideEncryption: 'aws:kms',
              SSEKMSKeyId: KEY_ARN,
              IfNoneMatch: '*',
              ChecksumAlgorithm: 'CRC32',
            }),
          ),
        ).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
      } finally {
        tampering.destroy();
      }
    });
  });
});
