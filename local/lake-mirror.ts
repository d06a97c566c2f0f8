import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

/**
 * Copies what landed in the lake bucket into a folder, key for key, through the S3 API (ListObjectsV2
 * and GetObject, as any reader of the bucket would), so that DuckDB, which reads local files only
 * here (no httpfs), reads exactly the objects the writer stored, under their real keys.
 */

/** One object as it landed. */
export interface LakeObject {
  readonly key: string;
  /** The object's bytes (gzip JSON Lines). */
  readonly body: Buffer;
}

async function* listKeys(s3: S3Client, bucket: string, prefix: string): AsyncGenerator<string> {
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const { Key } of page.Contents ?? []) if (Key !== undefined) yield Key;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}

/** The path of `key` under `folder`; refuses a key that would land outside it. */
export function mirrorPath(folder: string, key: string): string {
  const path = resolve(folder, key);
  const inside = relative(resolve(folder), path);
  if (inside === '' || inside.startsWith('..')) throw new Error(`object key ${JSON.stringify(key)} leaves the mirror`);
  return path;
}

/** Downloads every object under `prefixes` into `folder` and returns them. */
export async function mirrorBucket(
  s3: S3Client,
  bucket: string,
  prefixes: readonly string[],
  folder: string,
): Promise<LakeObject[]> {
  const objects: LakeObject[] = [];
  for (const prefix of prefixes) {
    mkdirSync(join(folder, prefix), { recursive: true });
    for await (const key of listKeys(s3, bucket, prefix)) {
      const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const body = Buffer.from(
        await (answer.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      );
      const path = mirrorPath(folder, key);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, body);
      objects.push({ key, body });
    }
  }
  return objects;
}
