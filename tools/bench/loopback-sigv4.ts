/**
 * What S3 checks of a request's Signature Version 4 (header form), for the loopback S3: the
 * signature recomputed from the headers it names must be the one sent, and a payload hash other
 * than UNSIGNED-PAYLOAD must be the SHA-256 of the body. It recomputes with the SDK's own signer
 * (@smithy/signature-v4), so it proves that what the client sends is consistent with what it signed
 * (a header changed after signing, or a body that is not the one hashed, is refused), not that the
 * signer itself is right: S3 is the judge of that (the README's first-deploy checklist).
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';

export interface LoopbackCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

function toBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data as ArrayBuffer);
}

/** SHA-256, and HMAC-SHA256 when given a secret, in the shape the signer takes. */
class Sha256 {
  private hash: Hash | Hmac;
  private readonly secret: Uint8Array | string | undefined;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined || typeof secret === 'string' ? secret : toBytes(secret);
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  update(data: SourceData): void {
    this.hash.update(typeof data === 'string' ? data : toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const PAYLOAD_HASH = /^[0-9a-f]{64}$/;

/** Why S3 would refuse the request's signature (its error code), or undefined when it is valid. */
export async function sigV4Problem(
  request: { readonly method?: string; readonly url?: string; readonly headers: IncomingHttpHeaders },
  body: Buffer,
  credentials: LoopbackCredentials,
): Promise<string | undefined> {
  const { headers } = request;
  const authorization = AUTHORIZATION.exec(String(headers.authorization ?? ''));
  const date = AMZ_DATE.exec(String(headers['x-amz-date'] ?? ''));
  if (authorization === null || date === null) return 'AccessDenied';
  const [, accessKeyId, , region, service, signedHeaders, signature] = authorization;
  if (accessKeyId !== credentials.accessKeyId) return 'InvalidAccessKeyId';
  const payloadHash = String(headers['x-amz-content-sha256'] ?? '');
  if (PAYLOAD_HASH.test(payloadHash) && createHash('sha256').update(body).digest('hex') !== payloadHash) {
    return 'XAmzContentSHA256Mismatch';
  }
  const url = new URL(request.url ?? '/', 'http://loopback');
  const signed: Record<string, string> = {};
  for (const name of signedHeaders.split(';')) {
    const value = headers[name];
    if (value === undefined) return 'SignatureDoesNotMatch';
    signed[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const [, year, month, day, hour, minute, second] = date;
  const signer = new SignatureV4({ credentials, region, service, sha256: Sha256, uriEscapePath: false });
  const resigned = await signer.sign(
    {
      method: request.method ?? 'GET',
      protocol: 'https:',
      hostname: String(headers.host ?? ''),
      // As received: S3 signs the path as the client encoded it (uriEscapePath false).
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: signed,
    },
    { signingDate: new Date(Date.UTC(+year, +month - 1, +day, +hour, +minute, +second)) },
  );
  const expected = AUTHORIZATION.exec(String(resigned.headers.authorization ?? ''));
  return expected?.[5] === signedHeaders && expected[6] === signature ? undefined : 'SignatureDoesNotMatch';
}
