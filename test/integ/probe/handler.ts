import { gunzipSync } from 'node:zlib';
import {
  AthenaClient,
  GetNamedQueryCommand,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

/**
 * The integration test's hands in the account: each step assumes the role a person or system of
 * DESIGN §3 would use (the producer, the analyst) and does what they would do, so that the test
 * proves the access matrix on the real services, not the assertion provider's own permissions.
 * Runs in Lambda; no aws-cdk-lib.
 */

export type ProbeEvent =
  /** As the producer: put one trade on the stream. */
  | {
      readonly step: 'put';
      readonly producerRoleArn: string;
      readonly streamName: string;
      readonly tradeId: string;
      /** Sent as a JSON number, digit for digit (a decimal literal). */
      readonly price: string;
    }
  /** As the analyst: find the object holding the trade under trades/, and HeadObject it. */
  | { readonly step: 'find'; readonly analystRoleArn: string; readonly bucketName: string; readonly tradeId: string }
  /** As the analyst: run a named query from the analytics workgroup with the trade's parameters. */
  | {
      readonly step: 'query';
      readonly analystRoleArn: string;
      readonly workGroup: string;
      readonly namedQueryId: string;
      readonly tradeId: string;
    };

const DAY_MS = 86_400_000;

async function credentialsOf(roleArn: string, step: string) {
  const sts = new STSClient({});
  const { Credentials: credentials } = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: `integ-${step}`, DurationSeconds: 900 }),
  );
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) throw new Error(`no credentials for ${roleArn}`);
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
  };
}

/** The dates a trade put a moment ago may fall on (the test may run across midnight UTC). */
function recentDates(now = Date.now()): string[] {
  return [new Date(now).toISOString().slice(0, 10), new Date(now - DAY_MS).toISOString().slice(0, 10)];
}

async function put(event: Extract<ProbeEvent, { step: 'put' }>) {
  const kinesis = new KinesisClient({ credentials: await credentialsOf(event.producerRoleArn, 'put') });
  if (!/^\d+(\.\d+)?$/.test(event.price)) throw new Error(`not a decimal literal: ${event.price}`);
  // Written by hand: JSON.stringify of a number would round it to a double first.
  const trade = `{"trade_id":${JSON.stringify(event.tradeId)},"symbol":"INTEG","side":"BUY","quantity":1,"price":${event.price},"executed_at":${JSON.stringify(new Date().toISOString())}}`;
  const answer = await kinesis.send(
    new PutRecordCommand({ StreamName: event.streamName, PartitionKey: event.tradeId, Data: Buffer.from(trade) }),
  );
  return { sequenceNumber: answer.SequenceNumber, shardId: answer.ShardId, encryptionType: answer.EncryptionType };
}

async function find(event: Extract<ProbeEvent, { step: 'find' }>) {
  const s3 = new S3Client({ credentials: await credentialsOf(event.analystRoleArn, 'find') });
  for (const dt of recentDates()) {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: event.bucketName, Prefix: `trades/dt=${dt}/` }));
    for (const { Key } of listed.Contents ?? []) {
      const object = await s3.send(new GetObjectCommand({ Bucket: event.bucketName, Key }));
      const body = gunzipSync(
        Buffer.from(await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()),
      );
      const line = body
        .toString('utf8')
        .split('\n')
        .find((text) => text.includes(JSON.stringify(event.tradeId)));
      if (line === undefined) continue;
      const head = await s3.send(new HeadObjectCommand({ Bucket: event.bucketName, Key }));
      return {
        found: true,
        key: Key,
        // The price token as stored: JSON.parse would round it.
        price: /"price":\s*([0-9.eE+-]+)/.exec(line)?.[1],
        serverSideEncryption: head.ServerSideEncryption,
        sseKmsKeyId: head.SSEKMSKeyId,
        bucketKeyEnabled: head.BucketKeyEnabled,
      };
    }
  }
  return { found: false };
}

async function query(event: Extract<ProbeEvent, { step: 'query' }>) {
  const athena = new AthenaClient({ credentials: await credentialsOf(event.analystRoleArn, 'query') });
  const { NamedQuery: named } = await athena.send(new GetNamedQueryCommand({ NamedQueryId: event.namedQueryId }));
  if (!named?.QueryString) throw new Error(`named query ${event.namedQueryId} has no text`);
  const [today, yesterday] = recentDates();
  const { QueryExecutionId: id } = await athena.send(
    new StartQueryExecutionCommand({
      QueryString: named.QueryString,
      WorkGroup: event.workGroup,
      QueryExecutionContext: { Database: named.Database },
      // trade-events-by-id: first dt, last dt, trade_id.
      ExecutionParameters: [`'${yesterday}'`, `'${today}'`, `'${event.tradeId}'`],
    }),
  );
  for (;;) {
    const { QueryExecution: execution } = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    const state = execution?.Status?.State;
    if (state === 'SUCCEEDED') break;
    if (state === 'FAILED' || state === 'CANCELLED') {
      return { state, reason: execution?.Status?.StateChangeReason };
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const results = await athena.send(new GetQueryResultsCommand({ QueryExecutionId: id }));
  const [header, ...rows] = results.ResultSet?.Rows ?? [];
  const columns = (header?.Data ?? []).map(({ VarCharValue }) => VarCharValue ?? '');
  const records = rows.map((row) =>
    Object.fromEntries((row.Data ?? []).map(({ VarCharValue }, i) => [columns[i] ?? String(i), VarCharValue])),
  );
  return {
    state: 'SUCCEEDED',
    tradeIds: records.map((record) => record.trade_id),
    prices: records.map((r) => r.price),
  };
}

export async function handler(event: ProbeEvent): Promise<unknown> {
  switch (event.step) {
    case 'put':
      return put(event);
    case 'find':
      return find(event);
    case 'query':
      return query(event);
  }
}
