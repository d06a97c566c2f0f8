import {
  AthenaClient,
  GetNamedQueryCommand,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { CurationRunOutput } from '../../schema/curation/run-contract';
import { handler } from './probe/handler';

/**
 * The integration test's probe, against aws-sdk-client-mock: what it asks of each service and what
 * it answers, so that what the deployed assertions read is proven here, not first in an account.
 * The curation step is called again and again by the assertion's waiter: it must start one run,
 * follow it, and start another only when the job skipped it.
 */

const sts = mockClient(STSClient);
const kinesis = mockClient(KinesisClient);
const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);
const athena = mockClient(AthenaClient);

const ROLE = {
  producer: 'arn:aws:iam::111122223333:role/Producer',
  analyst: 'arn:aws:iam::111122223333:role/Analyst',
  dataEngineer: 'arn:aws:iam::111122223333:role/DataEngineer',
};
const STATE_MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:trading-data-lake-dev-curation';
const RUN_NAME = 'integ-5f0c2d1e-8a4b-4c3d-9e2f-0a1b2c3d4e5f';
const DAY = '2026-12-01';

function executionArn(attempt: number): string {
  return `arn:aws:states:eu-west-1:111122223333:execution:trading-data-lake-dev-curation:${RUN_NAME}-${attempt}`;
}

const curateEvent = {
  step: 'curate',
  dataEngineerRoleArn: ROLE.dataEngineer,
  stateMachineArn: STATE_MACHINE,
  tradeDate: DAY,
  runName: RUN_NAME,
} as const;

const notFound = () => new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} });

const CURATED: CurationRunOutput = {
  outcome: 'CURATED',
  days: ['2026-11-30', DAY],
  reconciliation: [
    { day: '2026-11-30', rawTrades: 0, curatedTrades: 0, duplicateRows: 0, unreconciledTrades: 0 },
    { day: DAY, rawTrades: 1, curatedTrades: 1, duplicateRows: 0, unreconciledTrades: 0 },
  ],
  vacuumed: true,
  watermark: '2026-12-01T09:45:00.000Z',
};

beforeEach(() => {
  for (const mock of [sts, kinesis, sfn, s3, athena]) mock.reset();
  sts.on(AssumeRoleCommand).callsFake(({ RoleArn }) => ({
    Credentials: {
      AccessKeyId: `ASIA-${RoleArn.split('/').at(-1)}`,
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(),
    },
  }));
});

/** The role each call of `mock` was signed with, by the access key the probe got for it. */
async function rolesUsedBy(mock: typeof s3 | typeof sfn | typeof kinesis | typeof athena): Promise<string[]> {
  return Promise.all(
    mock.calls().map(async (call) => {
      const client = call.thisValue as { config: { credentials: () => Promise<{ accessKeyId: string }> } };
      return (await client.config.credentials()).accessKeyId;
    }),
  );
}

describe('the probe: put', () => {
  it("puts the trade's JSON as the producer with the price's digits as written, and answers its date and a new run name", async () => {
    kinesis
      .on(PutRecordCommand)
      .resolves({ ShardId: 'shardId-000000000000', SequenceNumber: '4959', EncryptionType: 'KMS' });
    const event = {
      step: 'put',
      producerRoleArn: ROLE.producer,
      streamName: 'trading-data-lake-dev-trades',
      tradeId: 'INTEG-1',
      price: '100.000000000000000001',
    } as const;
    const first = (await handler(event)) as Record<string, string>;
    const second = (await handler(event)) as Record<string, string>;
    const { input } = kinesis.commandCalls(PutRecordCommand)[0]?.args[0] ?? { input: {} };
    const text = Buffer.from(input.Data as Uint8Array).toString('utf8');
    expect(text).toContain('"price":100.000000000000000001,');
    expect(input).toMatchObject({ StreamName: 'trading-data-lake-dev-trades', PartitionKey: 'INTEG-1' });
    const executedAt = (JSON.parse(text) as { executed_at: string }).executed_at;
    expect(first).toMatchObject({ encryptionType: 'KMS', tradeDate: executedAt.slice(0, 10) });
    expect(first.runName).toMatch(/^integ-[0-9a-f-]{36}$/);
    // An execution name: at most 80 characters once the attempt is added, and new for every deployment.
    expect(`${first.runName}-3`.length).toBeLessThanOrEqual(80);
    expect(second.runName).not.toBe(first.runName);
    expect(sts.commandCalls(AssumeRoleCommand).map(({ args }) => args[0].input.RoleArn)).toEqual([
      ROLE.producer,
      ROLE.producer,
    ]);
    expect(await rolesUsedBy(kinesis)).toEqual(['ASIA-Producer', 'ASIA-Producer']);
  });

  it('refuses a price that is not a decimal literal: it is written into the JSON as it is', async () => {
    await expect(
      handler({ step: 'put', producerRoleArn: ROLE.producer, streamName: 's', tradeId: 't', price: '1,"x":2' }),
    ).rejects.toThrow('not a decimal literal');
    expect(kinesis.calls()).toHaveLength(0);
  });
});

describe('the probe: curate', () => {
  it('starts the first run as the data engineer with the input trades curate --date gives, and says it runs', async () => {
    sfn.on(DescribeExecutionCommand).rejects(notFound());
    sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn(1), startDate: new Date() });
    expect(await handler(curateEvent)).toEqual({ status: 'RUNNING', executionArn: executionArn(1), attempt: 1 });
    expect(sfn.commandCalls(DescribeExecutionCommand)[0]?.args[0].input).toEqual({ executionArn: executionArn(1) });
    expect(sfn.commandCalls(StartExecutionCommand).map(({ args }) => args[0].input)).toEqual([
      { stateMachineArn: STATE_MACHINE, name: `${RUN_NAME}-1`, input: `{"days":["${DAY}"]}` },
    ]);
    expect(sts.commandCalls(AssumeRoleCommand).map(({ args }) => args[0].input.RoleArn)).toEqual([ROLE.dataEngineer]);
    expect(await rolesUsedBy(sfn)).toEqual(['ASIA-DataEngineer', 'ASIA-DataEngineer']);
  });

  it('follows a run in progress without starting another', async () => {
    sfn.on(DescribeExecutionCommand, { executionArn: executionArn(1) }).resolves({ status: 'RUNNING' });
    expect(await handler(curateEvent)).toEqual({ status: 'RUNNING', executionArn: executionArn(1), attempt: 1 });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it("answers a run that succeeded with its outcome, its days and the trade day's reconciliation", async () => {
    sfn
      .on(DescribeExecutionCommand, { executionArn: executionArn(1) })
      .resolves({ status: 'SUCCEEDED', output: JSON.stringify(CURATED) });
    expect(await handler(curateEvent)).toEqual({
      status: 'SUCCEEDED',
      executionArn: executionArn(1),
      attempt: 1,
      outcome: 'CURATED',
      days: ['2026-11-30', DAY],
      reconciliation: { day: DAY, rawTrades: 1, curatedTrades: 1, duplicateRows: 0, unreconciledTrades: 0 },
    });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('starts the next attempt when the job skipped a run (a scheduled one was in progress), and follows that one', async () => {
    const skipped = JSON.stringify({ outcome: 'SKIPPED', reason: 'another curation run is in progress' });
    sfn
      .on(DescribeExecutionCommand, { executionArn: executionArn(1) })
      .resolves({ status: 'SUCCEEDED', output: skipped });
    sfn
      .on(DescribeExecutionCommand, { executionArn: executionArn(2) })
      .rejectsOnce(notFound())
      .resolves({
        status: 'SUCCEEDED',
        output: JSON.stringify(CURATED),
      });
    sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn(2), startDate: new Date() });
    expect(await handler(curateEvent)).toEqual({ status: 'RUNNING', executionArn: executionArn(2), attempt: 2 });
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.name).toBe(`${RUN_NAME}-2`);
    expect(await handler(curateEvent)).toMatchObject({ status: 'SUCCEEDED', attempt: 2, outcome: 'CURATED' });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('gives up after three skipped runs, answering SKIPPED, which the assertion refuses', async () => {
    const skipped = JSON.stringify({ outcome: 'SKIPPED', reason: 'another curation run is in progress' });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', output: skipped });
    expect(await handler(curateEvent)).toEqual({
      status: 'SUCCEEDED',
      executionArn: executionArn(3),
      attempt: 3,
      outcome: 'SKIPPED',
      days: [],
      reconciliation: null,
    });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('answers a failed run with its error and cause, and starts no other', async () => {
    sfn
      .on(DescribeExecutionCommand, { executionArn: executionArn(1) })
      .resolves({ status: 'FAILED', error: 'Athena.AthenaException', cause: 'MERGE failed' });
    expect(await handler(curateEvent)).toEqual({
      status: 'FAILED',
      executionArn: executionArn(1),
      attempt: 1,
      error: 'Athena.AthenaException',
      cause: 'MERGE failed',
    });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('fails on any other error of DescribeExecution, such as a denied call', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    await expect(handler(curateEvent)).rejects.toThrow('not authorized');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('the probe: curated-files', () => {
  const BUCKET = 'trading-data-lake-dev-curated';
  it('heads the newest metadata JSON and a data file of the trade date, listed page by page, as the analyst', async () => {
    s3.on(ListObjectsV2Command, { Bucket: BUCKET, Prefix: 'trades/metadata/' })
      .resolvesOnce({
        Contents: [
          { Key: 'trades/metadata/00000-a.metadata.json', LastModified: new Date('2026-12-01T10:00:00Z') },
          { Key: 'trades/metadata/snap-1-b.avro', LastModified: new Date('2026-12-01T10:05:00Z') },
        ],
        NextContinuationToken: 'page-2',
      })
      .resolvesOnce({
        Contents: [
          { Key: 'trades/metadata/00002-c.metadata.json', LastModified: new Date('2026-12-01T10:04:00Z') },
          { Key: 'trades/metadata/00001-d.metadata.json', LastModified: new Date('2026-12-01T10:02:00Z') },
        ],
      });
    s3.on(ListObjectsV2Command, { Bucket: BUCKET, Prefix: 'trades/data/' }).resolves({
      Contents: [
        { Key: 'trades/data/x1/trade_date=2026-11-30/00000-e.parquet' },
        { Key: `trades/data/x2/trade_date=${DAY}/00000-f.parquet` },
      ],
    });
    s3.on(HeadObjectCommand).callsFake(({ Key }) => ({
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: `key-of-${Key}`,
    }));
    expect(
      await handler({ step: 'curated-files', analystRoleArn: ROLE.analyst, bucketName: BUCKET, tradeDate: DAY }),
    ).toEqual({
      metadata: {
        key: 'trades/metadata/00002-c.metadata.json',
        serverSideEncryption: 'aws:kms',
        sseKmsKeyId: 'key-of-trades/metadata/00002-c.metadata.json',
      },
      data: {
        key: `trades/data/x2/trade_date=${DAY}/00000-f.parquet`,
        serverSideEncryption: 'aws:kms',
        sseKmsKeyId: `key-of-trades/data/x2/trade_date=${DAY}/00000-f.parquet`,
      },
    });
    expect(
      s3.commandCalls(ListObjectsV2Command).map(({ args }) => [args[0].input.Prefix, args[0].input.ContinuationToken]),
    ).toEqual([
      ['trades/metadata/', undefined],
      ['trades/metadata/', 'page-2'],
      ['trades/data/', undefined],
    ]);
    expect(new Set(await rolesUsedBy(s3))).toEqual(new Set(['ASIA-Analyst']));
  });

  it('answers null for a kind of file the table does not have, which the assertion refuses', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    expect(
      await handler({ step: 'curated-files', analystRoleArn: ROLE.analyst, bucketName: BUCKET, tradeDate: DAY }),
    ).toEqual({
      metadata: null,
      data: null,
    });
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
  });
});

describe('the probe: query', () => {
  it("runs the named query's text in its database with the parameters given, and answers the rows' trade_ids, prices and statuses", async () => {
    athena.on(GetNamedQueryCommand).resolves({
      NamedQuery: { Name: 'trade-by-id', Database: 'curated_db', QueryString: 'SELECT …', NamedQueryId: 'nq-1' },
    });
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        Rows: [
          { Data: [{ VarCharValue: 'trade_id' }, { VarCharValue: 'status' }, { VarCharValue: 'price' }] },
          {
            Data: [{ VarCharValue: 'INTEG-1' }, { VarCharValue: 'ACTIVE' }, { VarCharValue: '100.000000000000000001' }],
          },
        ],
      },
    });
    const parameters = [`'${DAY}'`, `'${DAY}'`, "'INTEG-1'"];
    const answer = await handler({
      step: 'query',
      analystRoleArn: ROLE.analyst,
      workGroup: 'trading-data-lake-dev-analytics',
      namedQueryId: 'nq-1',
      parameters,
    });
    expect(answer).toEqual({
      state: 'SUCCEEDED',
      tradeIds: ['INTEG-1'],
      prices: ['100.000000000000000001'],
      statuses: ['ACTIVE'],
    });
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toEqual({
      QueryString: 'SELECT …',
      WorkGroup: 'trading-data-lake-dev-analytics',
      QueryExecutionContext: { Database: 'curated_db' },
      ExecutionParameters: parameters,
    });
    expect(new Set(await rolesUsedBy(athena))).toEqual(new Set(['ASIA-Analyst']));
  }, 10_000);
});
