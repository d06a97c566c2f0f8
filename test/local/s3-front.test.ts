import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { PutFault } from '../../local/chaos';
import { type Peers, startPeers } from '../../local/peers';
import { type S3Front, startS3Front } from '../../local/s3-front';
import { LOCAL_CREDENTIALS } from '../../local/writer-function';

const LAKE = 'lake';
const OTHER = 'failed-batches';
const KEY_ARN = 'arn:aws:kms:us-east-1:000000000000:key/00000000-0000-4000-8000-000000000000';

let directory: string;
let peers: Peers;
let front: S3Front;
let s3: S3Client;
/** The fault for the next PutObject attempt of each key; none when absent. */
const faults = new Map<string, PutFault[]>();

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 's3-front-'));
  peers = await startPeers({ directory, buckets: [LAKE, OTHER] });
  front = await startS3Front({
    upstream: peers.s3Endpoint,
    lakeBucket: LAKE,
    kmsKeyArn: KEY_ARN,
    putFault: (_bucket, key) => faults.get(key)?.shift() ?? 'none',
  });
  s3 = new S3Client({
    endpoint: front.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: LOCAL_CREDENTIALS,
  });
});

afterAll(async () => {
  s3?.destroy();
  await front?.stop();
  await peers?.stop();
  rmSync(directory, { recursive: true, force: true });
});

function put(
  key: string,
  body: string,
  headers: Partial<PutObjectCommand['input']> = {},
  bucket = LAKE,
  abortSignal?: AbortSignal,
) {
  return s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KEY_ARN,
      IfNoneMatch: '*',
      ...headers,
    }),
    { abortSignal },
  );
}

async function read(key: string): Promise<string> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: LAKE, Key: key }));
  return (answer.Body as { transformToString(): Promise<string> }).transformToString();
}

describe('the S3 front of s3rver: what S3 does that s3rver does not', () => {
  it('stores a PutObject that names SSE-KMS and the data key ARN', async () => {
    await put('trades/dt=2026-03-11/a.jsonl.gz', 'first');
    expect(await read('trades/dt=2026-03-11/a.jsonl.gz')).toBe('first');
  });

  it.each([
    ['no encryption header', { ServerSideEncryption: undefined, SSEKMSKeyId: undefined }],
    ['SSE-S3', { ServerSideEncryption: 'AES256' as const, SSEKMSKeyId: undefined }],
    ['the key alias instead of its ARN', { SSEKMSKeyId: 'alias/trading-data-key' }],
    ['SSE-KMS without a key id (aws/s3)', { SSEKMSKeyId: undefined }],
  ])('refuses a PutObject to the lake bucket with %s, as the bucket policy does', async (_name, headers) => {
    const refusedBefore = front.stats().refused;
    await expect(put(`trades/refused-${refusedBefore}`, 'x', headers)).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    expect(front.stats().refused).toBe(refusedBefore + 1);
  });

  it('leaves other buckets to their own rules (Lambda writes failed batches without encryption headers)', async () => {
    await expect(
      put('aws/lambda/record', 'x', { ServerSideEncryption: undefined, SSEKMSKeyId: undefined }, OTHER),
    ).resolves.toBeDefined();
  });

  it('answers If-None-Match: * on an existing key with 412 and keeps the first object', async () => {
    await put('trades/dt=2026-03-11/b.jsonl.gz', 'first');
    await expect(put('trades/dt=2026-03-11/b.jsonl.gz', 'second')).rejects.toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
    expect(await read('trades/dt=2026-03-11/b.jsonl.gz')).toBe('first');
  });

  it('lets one of two concurrent conditional writes of a key win, never both', async () => {
    const results = await Promise.allSettled([put('trades/race', 'one'), put('trades/race', 'two')]);
    expect(results.filter(({ status }) => status === 'fulfilled')).toHaveLength(1);
    expect(['one', 'two']).toContain(await read('trades/race'));
  });

  it('answers 503 when a fault says so; the SDK retries and the write lands', async () => {
    faults.set('trades/slow', ['unavailable', 'unavailable']);
    const answer = await put('trades/slow', 'landed');
    expect(answer.$metadata.attempts).toBe(3);
    expect(await read('trades/slow')).toBe('landed');
  });

  it('fails the write after the SDK gives up on an outage longer than its attempts', async () => {
    faults.set('trades/outage', ['unavailable', 'unavailable', 'unavailable']);
    await expect(put('trades/outage', 'x')).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } });
  });

  it('stores a write whose answer then never comes, so that a retry finds its own object', async () => {
    faults.set('trades/lost-answer', ['hang-after-store']);
    const abandon = new AbortController();
    const hung = put('trades/lost-answer', 'stored', {}, LAKE, abandon.signal).then(
      () => 'answered',
      () => 'abandoned',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await read('trades/lost-answer')).toBe('stored');
    await expect(put('trades/lost-answer', 'again')).rejects.toMatchObject({ name: 'PreconditionFailed' });
    abandon.abort();
    expect(await hung).toBe('abandoned');
  });
});
