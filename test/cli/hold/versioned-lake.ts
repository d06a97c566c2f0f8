import {
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  ListObjectVersionsCommand,
  PutObjectLegalHoldCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { awsError } from '../support';

/** One entry of a key's history: a version with its bytes, or a delete marker (no bytes). */
export interface LakeEntry {
  readonly key: string;
  readonly versionId: string;
  /** Undefined for a delete marker. */
  readonly body?: Buffer;
}

export type HoldStatus = 'ON' | 'OFF';

/**
 * A versioned, locked lake bucket as S3 answers the calls of `trades hold`: ListObjectVersions in
 * pages (key order, each key newest first, the page boundary wherever it falls), GetObject and the
 * legal-hold calls per VersionId. A call without a VersionId, or on a delete marker, fails as a test
 * failure would: the CLI must name the version it means.
 */
export class VersionedLake {
  /** Entries of each key, newest first. */
  private readonly entries: LakeEntry[];
  /** Each version's legal hold, by `key#versionId`; absent: never held. */
  readonly holds = new Map<string, HoldStatus>();
  /** Entries per ListObjectVersions page. */
  pageSize = 1000;

  constructor(entries: readonly LakeEntry[]) {
    // S3 lists keys in UTF-8 order; the entries of one key keep the order given (newest first).
    this.entries = [...entries]
      .map((entry, index) => ({ entry, index }))
      .sort((a, b) => (a.entry.key < b.entry.key ? -1 : a.entry.key > b.entry.key ? 1 : a.index - b.index))
      .map(({ entry }) => entry);
  }

  holdOf(key: string, versionId: string): HoldStatus | undefined {
    return this.holds.get(`${key}#${versionId}`);
  }

  hold(key: string, versionId: string, status: HoldStatus): void {
    this.holds.set(`${key}#${versionId}`, status);
  }

  private version(key: string, versionId: string | undefined): LakeEntry {
    if (versionId === undefined) throw new Error(`test: a call on ${key} without a VersionId`);
    const entry = this.entries.find((candidate) => candidate.key === key && candidate.versionId === versionId);
    if (entry === undefined) throw awsError('NoSuchVersion', 'The specified version does not exist.', 404);
    // S3 answers 405 MethodNotAllowed for an object call on a delete marker.
    if (entry.body === undefined) throw awsError('MethodNotAllowed', 'The specified method is not allowed.', 405);
    return entry;
  }

  private isLatest(entry: LakeEntry): boolean {
    return this.entries.find((candidate) => candidate.key === entry.key) === entry;
  }

  listPage(prefix: string, keyMarker?: string, versionIdMarker?: string) {
    const underPrefix = this.entries.filter((entry) => entry.key.startsWith(prefix));
    let start = 0;
    if (keyMarker !== undefined) {
      const marker = underPrefix.findIndex((entry) => entry.key === keyMarker && entry.versionId === versionIdMarker);
      if (marker === -1) throw new Error(`test: unknown marker ${keyMarker} ${versionIdMarker}`);
      start = marker + 1;
    }
    const page = underPrefix.slice(start, start + this.pageSize);
    const truncated = start + page.length < underPrefix.length;
    const last = page[page.length - 1];
    return {
      IsTruncated: truncated,
      ...(truncated ? { NextKeyMarker: last?.key, NextVersionIdMarker: last?.versionId } : {}),
      Versions: page
        .filter((entry) => entry.body !== undefined)
        .map((entry) => ({
          Key: entry.key,
          VersionId: entry.versionId,
          IsLatest: this.isLatest(entry),
          Size: entry.body?.length,
        })),
      DeleteMarkers: page
        .filter((entry) => entry.body === undefined)
        .map((entry) => ({ Key: entry.key, VersionId: entry.versionId, IsLatest: this.isLatest(entry) })),
    };
  }

  /** Answers the S3 calls of `trades hold` on `s3`. */
  serve(s3: AwsClientStub<S3Client>): void {
    s3.on(ListObjectVersionsCommand).callsFake(({ Prefix, KeyMarker, VersionIdMarker }) =>
      this.listPage(Prefix ?? '', KeyMarker, VersionIdMarker),
    );
    s3.on(GetObjectCommand).callsFake(({ Key, VersionId }) => {
      const body = this.version(Key, VersionId).body as Buffer;
      return { Body: { transformToByteArray: async () => new Uint8Array(body) } };
    });
    s3.on(PutObjectLegalHoldCommand).callsFake(({ Key, VersionId, LegalHold }) => {
      this.version(Key, VersionId);
      this.hold(Key, VersionId, LegalHold.Status);
      return {};
    });
    s3.on(GetObjectLegalHoldCommand).callsFake(({ Key, VersionId }) => {
      this.version(Key, VersionId);
      const status = this.holdOf(Key, VersionId);
      if (status === undefined) {
        throw awsError(
          'NoSuchObjectLockConfiguration',
          'The specified object does not have a ObjectLock configuration',
          404,
        );
      }
      return { LegalHold: { Status: status } };
    });
  }
}
