import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createTradeWriter } from '../../lambda/trade-writer/handler';
import { s3ObjectStore } from '../../lambda/trade-writer/object-store';
import { KEY_ARN, kinesisEvent, sequenceNumber, tradeJson, writerKey } from '../../tools/fixtures/trade-events';
import { gunzipLines, RECONCILE_DAYS } from './harness';

/** The part of s3rver 3.7.1 this test uses; the package ships no types. */
interface S3rverServer {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverServer;
const S3rver: S3rverConstructor = require('s3rver');

const BUCKET = 'lake';
/** Headers of every PutObject as sent on the wire, recorded by the test client only. */
const sentHeaders: Record<string, string>[] = [];

let directory: string;
let server: S3rverServer;
let client: S3Client;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 's3rver-'));
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await server.run();
  client = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { method?: string; headers?: Record<string, string> };
      if (request.method === 'PUT' && request.headers) sentHeaders.push({ ...request.headers });
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordPutHeaders', priority: 'low' },
  );
});

afterAll(async () => {
  client?.destroy();
  await server?.close();
  rmSync(directory, { recursive: true, force: true });
});

async function readLines(prefix: string): Promise<Record<string, string[]>> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  const objects: Record<string, string[]> = {};
  for (const { Key } of listed.Contents ?? []) {
    const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
    objects[Key ?? ''] = gunzipLines(
      await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
  }
  return objects;
}

describe('the writer against s3rver on 127.0.0.1', () => {
  const valid = [
    tradeJson({ trade_id: 'T-1', executed_at: '2026-03-10T23:59:59.999Z' }),
    '{"trade_id":12345678901234567890,"symbol":"BTC-USD","side":"SELL","quantity":1,"price":64123.123456789012345678,"executed_at":"2026-03-11T00:00:00Z"}',
    JSON.stringify(
      {
        trade_id: 'T-3',
        symbol: 'SAP',
        side: 'BUY',
        quantity: 5,
        price: '120.5',
        executed_at: '2026-03-11T01:00:00+01:00',
      },
      null,
      2,
    ),
  ];
  const invalid = ['not json', tradeJson({ side: 'HOLD' }), '[]'];
  // The batch interleaves valid and invalid records, as a shard would deliver them.
  const event = kinesisEvent([valid[0], invalid[0], valid[1], invalid[1], valid[2], invalid[2]]);

  let response: unknown;
  beforeAll(async () => {
    const writer = createTradeWriter({
      store: s3ObjectStore(client, { bucketName: BUCKET, keyArn: KEY_ARN }),
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'Test', serviceName: 'trade-writer' }),
      reconcileDays: RECONCILE_DAYS,
      clock: () => new Date('2026-03-11T15:00:00Z'),
    });
    // The EMF metrics go to stdout.
    const silence = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      response = await writer(event);
    } finally {
      silence.mockRestore();
    }
  });

  it('round-trips a Kinesis event: every valid trade from trades/, every invalid record from quarantine/', async () => {
    expect(response).toEqual({ batchItemFailures: [] });
    const trades = await readLines('trades/');
    expect(Object.keys(trades).sort()).toEqual([
      writerKey('trades/dt=2026-03-10/', [0]),
      writerKey('trades/dt=2026-03-11/', [2, 4]),
    ]);
    const storedTrades = Object.values(trades).flat();
    expect(storedTrades).toHaveLength(valid.length);
    for (const [i, text] of valid.entries()) {
      const line = storedTrades.find((stored) => JSON.parse(stored).sequence_number === sequenceNumber(i * 2));
      // The producer's text, line breaks blanked, ingestion fields appended.
      expect(line?.startsWith(text.replace(/\n/g, ' ').slice(0, -1))).toBe(true);
    }

    const quarantine = Object.values(await readLines('quarantine/dt=2026-03-11/')).flat();
    expect(quarantine.map((line) => JSON.parse(line))).toEqual(
      invalid.map((text, i) =>
        expect.objectContaining({
          raw_data: Buffer.from(text).toString('base64'),
          sequence_number: sequenceNumber(i * 2 + 1),
        }),
      ),
    );
    expect(quarantine.map((line) => JSON.parse(line).reason)).toEqual(['NOT_JSON', 'SCHEMA', 'NOT_OBJECT']);
  });

  // s3rver 3.7.1 accepts these headers but acts on neither: it stores objects unencrypted and
  // overwrites an existing key. So this proves what goes on the wire; the 412 answer to a retry is
  // covered by the aws-sdk-client-mock tests, and S3 itself enforces both.
  it('sends SSE-KMS with the key ARN and If-None-Match on the wire', () => {
    expect(sentHeaders).toHaveLength(3);
    for (const headers of sentHeaders) {
      expect(headers).toMatchObject({
        'x-amz-server-side-encryption': 'aws:kms',
        'x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN,
        'if-none-match': '*',
        'content-encoding': 'gzip',
      });
    }
  });
});
