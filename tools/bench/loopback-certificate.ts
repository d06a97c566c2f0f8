/**
 * A throwaway TLS certificate for the loopback S3, made when a bench or a test starts and never
 * written anywhere but memory (the certificate alone, which is public, may go to a file for
 * NODE_EXTRA_CA_CERTS). It names 127.0.0.1 only, so a client that trusts it trusts nothing else.
 * RSA 2048, as S3's own certificates are, so a handshake costs what it costs against S3.
 */
import { generate } from 'selfsigned';

export interface LoopbackCertificate {
  /** PEM. Stays in the process that serves it. */
  readonly privateKey: string;
  /** PEM: what a client trusts (NODE_EXTRA_CA_CERTS, or an https.Agent's `ca`). */
  readonly certificate: string;
}

const DAY_MS = 86_400_000;

export async function loopbackCertificate(): Promise<LoopbackCertificate> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { privateKey: pems.private, certificate: pems.cert };
}
