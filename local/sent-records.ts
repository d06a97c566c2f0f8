import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import type {
  KinesisClient,
  PutRecordsCommandInput,
  PutRecordsCommandOutput,
  PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import type { GeneratedRecord } from '../cli/produce';
import type { KinesisEntry } from '../cli/produce/records';
import { deaggregate } from '../lambda/trade-writer/deaggregate';

/**
 * What the producer sent, record by record: for every Kinesis user record the stream accepted, the
 * identity PutRecords gave it (shard id, sequence number, and for a user record of a KPL aggregate
 * its place in the aggregate) and the zone the generator meant it for. The lake check compares the
 * identities found in `trades/` and `quarantine/` with these (lake-count.ts, `checkRecords`): counts
 * alone cannot see a lost copy of a re-sent event, nor a valid record quarantined that cancels out an
 * invalid one lost.
 */

/** Where a record must land: `trades/` for a valid record, `quarantine/` for one that cannot be a trade. */
export type RecordZone = 'trades' | 'quarantine';

/** One user record as the stream accepted it. */
export interface SentRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** Its place in a KPL aggregate, from 0; null for a plain record (the writer's `sub_sequence_number`). */
  readonly subSequenceNumber: number | null;
  readonly zone: RecordZone;
}

/** The file a run keeps them in, in its folder, for `local/recount.ts` to check the same. */
export const SENT_RECORDS_FILE = 'sent-records.csv.gz';
/** Its columns, in order: read with these types (lake-count.ts). */
export const SENT_RECORD_COLUMNS = ['shard_id', 'sequence_number', 'sub_sequence_number', 'zone'] as const;

const MIDDLEWARE_NAME = 'localSentRecords';

function zoneOf(record: GeneratedRecord): RecordZone {
  return record.intended.ok ? 'trades' : 'quarantine';
}

/** A user record's content, which fixes the verdict the generator meant for it. */
function contentKey(partitionKey: string, base64Data: string): string {
  return `${partitionKey}\n${base64Data}`;
}

/**
 * The zones of the user records each Kinesis entry carries, in their order in it, by the entry's
 * data (the very bytes object PutRecords is given). A plain entry is one generated record; an
 * aggregate is read back with the writer's own de-aggregation (aws-kinesis-agg), whose order gives
 * the sub-sequence numbers, and each user record is matched to the generated record of the same
 * partition key and bytes (a re-send has both, and the same zone).
 */
function zonesByData(
  generated: readonly GeneratedRecord[],
  entries: readonly KinesisEntry[],
): Map<Uint8Array, { readonly aggregated: boolean; readonly zones: readonly RecordZone[] }> {
  const byContent = new Map<string, RecordZone>();
  for (const record of generated) {
    const key = contentKey(record.partitionKey, record.data.toString('base64'));
    const zone = zoneOf(record);
    const known = byContent.get(key);
    if (known !== undefined && known !== zone) throw new Error('two generated records with the same bytes disagree');
    byContent.set(key, zone);
  }
  const byData = new Map<Uint8Array, { aggregated: boolean; zones: RecordZone[] }>();
  for (const entry of entries) {
    const plain = byContent.get(contentKey(entry.partitionKey, Buffer.from(entry.data).toString('base64')));
    if ((entry.userRecords ?? 1) === 1 && plain !== undefined) {
      byData.set(entry.data, { aggregated: false, zones: [plain] });
      continue;
    }
    const userRecords = deaggregate({
      kinesisSchemaVersion: '1.0',
      partitionKey: entry.partitionKey,
      sequenceNumber: '0',
      data: Buffer.from(entry.data).toString('base64'),
      approximateArrivalTimestamp: 0,
    });
    if (!Array.isArray(userRecords))
      throw new Error(`a Kinesis entry that is neither a generated record nor an aggregate of them`);
    const zones = (userRecords as readonly { partitionKey: string; data: string }[]).map(({ partitionKey, data }) => {
      const zone = byContent.get(contentKey(partitionKey, data));
      if (zone === undefined)
        throw new Error(`an aggregate holds a user record the generator did not make (${partitionKey})`);
      return zone;
    });
    byData.set(entry.data, { aggregated: true, zones });
  }
  return byData;
}

/**
 * Runs `send` (which puts `entries` with PutRecords on `kinesis`) and keeps what PutRecords answered
 * for each entry it accepted: a retried entry counts once, under the identity of the attempt that
 * was accepted. Read off the client's middleware, so the CLI's sender stays as the CLI runs it.
 */
export async function recordingSentRecords<T>(
  kinesis: KinesisClient,
  generated: readonly GeneratedRecord[],
  entries: readonly KinesisEntry[],
  send: () => Promise<T>,
): Promise<{ readonly result: T; readonly records: SentRecord[] }> {
  const zones = zonesByData(generated, entries);
  const records: SentRecord[] = [];
  kinesis.middlewareStack.add(
    (next, context) => async (args) => {
      const answer = await next(args);
      if (context.commandName !== 'PutRecordsCommand') return answer;
      const requested: readonly PutRecordsRequestEntry[] = (args.input as PutRecordsCommandInput).Records ?? [];
      const results = (answer.output as PutRecordsCommandOutput).Records ?? [];
      results.forEach((result, index) => {
        const data = requested[index]?.Data;
        if (result.ErrorCode !== undefined || result.ShardId === undefined || result.SequenceNumber === undefined) {
          return;
        }
        const carried = data === undefined ? undefined : zones.get(data);
        if (carried === undefined) throw new Error('PutRecords accepted a record the producer did not make');
        carried.zones.forEach((zone, subSequence) => {
          records.push({
            shardId: result.ShardId as string,
            sequenceNumber: result.SequenceNumber as string,
            subSequenceNumber: carried.aggregated ? subSequence : null,
            zone,
          });
        });
      });
      return answer;
    },
    { step: 'initialize', name: MIDDLEWARE_NAME },
  );
  try {
    return { result: await send(), records };
  } finally {
    kinesis.middlewareStack.remove(MIDDLEWARE_NAME);
  }
}

/** Writes `records` as CSV (gzip), a header line first; shard ids and sequence numbers hold no comma. */
export function writeSentRecords(file: string, records: readonly SentRecord[]): void {
  const lines = [SENT_RECORD_COLUMNS.join(',')];
  for (const { shardId, sequenceNumber, subSequenceNumber, zone } of records) {
    lines.push(`${shardId},${sequenceNumber},${subSequenceNumber ?? ''},${zone}`);
  }
  writeFileSync(file, gzipSync(`${lines.join('\n')}\n`, { level: 1 }));
}

/** Reads a file `writeSentRecords` wrote. */
export function readSentRecords(file: string): SentRecord[] {
  const [header, ...lines] = gunzipSync(readFileSync(file)).toString('utf8').trimEnd().split('\n');
  if (header !== SENT_RECORD_COLUMNS.join(',')) throw new Error(`${file} is not a file of sent records`);
  return lines.map((line) => {
    const [shardId = '', sequenceNumber = '', subSequence = '', zone] = line.split(',');
    if (zone !== 'trades' && zone !== 'quarantine') throw new Error(`${file}: a line without its zone: ${line}`);
    return { shardId, sequenceNumber, subSequenceNumber: subSequence === '' ? null : Number(subSequence), zone };
  });
}
