import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import {
  AthenaClient,
  GetNamedQueryCommand,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { CurationRunInput, CurationRunOutput, DayReconciliation } from '../../../schema/curation/run-contract';

/**
 * The integration test's hands in the account: each step assumes the role a person or system of
 * docs/design.md §3 would use (the producer, the analyst, the data engineer) and does what they would do, so
 * that the test proves the access matrix on the real services, not the assertion provider's own
 * permissions. Runs in Lambda; no aws-cdk-lib.
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
  /** As the analyst: run a named query from the analytics workgroup with its execution parameters. */
  | {
      readonly step: 'query';
      readonly analystRoleArn: string;
      readonly workGroup: string;
      readonly namedQueryId: string;
      /** Athena execution parameters, in order, as SQL literals (`'2026-01-02'`). */
      readonly parameters: readonly string[];
    }
  /**
   * As the data engineer: start the curation job for the trade's day, as `trades curate --date`
   * does, and report where the run stands. Called again and again by the assertion's waiter, so it
   * is idempotent: the executions are named `<runName>-<attempt>`, and a call starts the next
   * attempt only when none exists yet or the last one was SKIPPED (a scheduled run was in progress).
   */
  | {
      readonly step: 'curate';
      readonly dataEngineerRoleArn: string;
      readonly stateMachineArn: string;
      readonly tradeDate: string;
      readonly runName: string;
    }
  /** As the analyst: list the curated table's files, and HeadObject its newest metadata file and one data file. */
  | {
      readonly step: 'curated-files';
      readonly analystRoleArn: string;
      readonly bucketName: string;
      readonly tradeDate: string;
    };

/** Runs of one test the curation job may skip before the test gives up on it (each skip is a scheduled run in progress). */
const CURATION_ATTEMPTS = 3;

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
  const executedAt = new Date().toISOString();
  const trade = `{"trade_id":${JSON.stringify(event.tradeId)},"symbol":"INTEG","side":"BUY","quantity":1,"price":${event.price},"executed_at":${JSON.stringify(executedAt)}}`;
  const answer = await kinesis.send(
    new PutRecordCommand({ StreamName: event.streamName, PartitionKey: event.tradeId, Data: Buffer.from(trade) }),
  );
  return {
    sequenceNumber: answer.SequenceNumber,
    shardId: answer.ShardId,
    encryptionType: answer.EncryptionType,
    // The raw partition the writer files the trade under, and the curated trade_date: the UTC date of executed_at.
    tradeDate: executedAt.slice(0, 10),
    // Names this deployment's curation runs: Step Functions refuses a name used in the last 90 days.
    runName: `integ-${randomUUID()}`,
  };
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
  const { QueryExecutionId: id } = await athena.send(
    new StartQueryExecutionCommand({
      QueryString: named.QueryString,
      WorkGroup: event.workGroup,
      QueryExecutionContext: { Database: named.Database },
      ExecutionParameters: [...event.parameters],
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
    prices: records.map((record) => record.price),
    // The curated table's column; the raw table has none (null).
    statuses: records.map((record) => record.status ?? null),
  };
}

/** `arn:…:stateMachine:<name>` → `arn:…:execution:<name>:<execution name>`. */
function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

async function curate(event: Extract<ProbeEvent, { step: 'curate' }>) {
  const sfn = new SFNClient({ credentials: await credentialsOf(event.dataEngineerRoleArn, 'curate') });
  // The input `trades curate --date <day>` starts the job with (cli/curate/run-curation.ts).
  const input: CurationRunInput = { days: [event.tradeDate] };
  for (let attempt = 1; ; attempt += 1) {
    const name = `${event.runName}-${attempt}`;
    const executionArn = executionArnOf(event.stateMachineArn, name);
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn })).catch((error: Error) => {
      if (error.name === 'ExecutionDoesNotExist') return undefined;
      throw error;
    });
    if (execution === undefined) {
      // Started with the same name and input as a running execution, StartExecution answers as it
      // did the first time: a waiter's retry after a lost answer starts nothing new.
      await sfn.send(
        new StartExecutionCommand({ stateMachineArn: event.stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return { status: 'RUNNING', executionArn, attempt };
    }
    const status = execution.status;
    if (status !== 'SUCCEEDED') {
      return { status, executionArn, attempt, error: execution.error, cause: execution.cause };
    }
    const output = JSON.parse(execution.output ?? '{}') as CurationRunOutput;
    if (output.outcome === 'SKIPPED' && attempt < CURATION_ATTEMPTS) continue;
    const reconciled: DayReconciliation | undefined =
      output.outcome === 'CURATED' ? output.reconciliation.find(({ day }) => day === event.tradeDate) : undefined;
    return {
      status,
      executionArn,
      attempt,
      outcome: output.outcome,
      days: output.outcome === 'CURATED' ? output.days : [],
      reconciliation: reconciled ?? null,
    };
  }
}

/** Every key under `prefix` (the curated table has tens of files, not thousands). */
async function listKeys(s3: S3Client, bucket: string, prefix: string) {
  const keys: { key: string; modified: number }[] = [];
  let token: string | undefined;
  do {
    const page: ListObjectsV2CommandOutput = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const { Key, LastModified } of page.Contents ?? []) {
      if (Key !== undefined) keys.push({ key: Key, modified: LastModified?.getTime() ?? 0 });
    }
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return keys;
}

async function curatedFiles(event: Extract<ProbeEvent, { step: 'curated-files' }>) {
  const s3 = new S3Client({ credentials: await credentialsOf(event.analystRoleArn, 'curated-files') });
  const head = async (key: string | undefined) => {
    if (key === undefined) return null;
    const answer = await s3.send(new HeadObjectCommand({ Bucket: event.bucketName, Key: key }));
    return { key, serverSideEncryption: answer.ServerSideEncryption, sseKmsKeyId: answer.SSEKMSKeyId };
  };
  // Athena writes the Iceberg table's files itself: the metadata JSON of each commit, manifests, and
  // the data files under the partition's path. Whatever headers it sent, S3 reports what it stored.
  const metadata = (await listKeys(s3, event.bucketName, 'trades/metadata/'))
    .filter(({ key }) => key.endsWith('.metadata.json'))
    .sort((a, b) => b.modified - a.modified)[0];
  const dataFiles = (await listKeys(s3, event.bucketName, 'trades/data/')).filter(({ key }) =>
    key.endsWith('.parquet'),
  );
  const data = dataFiles.find(({ key }) => key.includes(`/trade_date=${event.tradeDate}/`)) ?? dataFiles[0];
  return { metadata: await head(metadata?.key), data: await head(data?.key) };
}

export async function handler(event: ProbeEvent): Promise<unknown> {
  switch (event.step) {
    case 'put':
      return put(event);
    case 'find':
      return find(event);
    case 'query':
      return query(event);
    case 'curate':
      return curate(event);
    case 'curated-files':
      return curatedFiles(event);
  }
}
