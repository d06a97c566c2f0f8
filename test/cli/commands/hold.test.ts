import { gzipSync } from 'node:zlib';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  ListObjectsV2Command,
  PutObjectLegalHoldCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { EXIT } from '../../../cli/exit-codes';
import { runTrades } from '../../../cli/program';
import { testEnvironment } from '../environment';
import { ENGINEER_ROLE_ARN, LAKE_BUCKET, stackExists } from '../operator-stack';
import { ASSUMED_CREDENTIALS, awsError } from '../support';

const cloudFormation = mockClient(CloudFormationClient);
const sts = mockClient(STSClient);
const s3 = mockClient(S3Client);

const DAY = '2026-03-11';
const objectKey = (prefix: string, n: number) =>
  `${prefix}/dt=${DAY}/shardId-00000000000${n}-4965000000000000000${n}-4965000000000000009${n}.jsonl.gz`;
const A = objectKey('trades', 1);
const B = objectKey('trades', 2);
const C = objectKey('trades', 3);
const Q = objectKey('quarantine', 1);

const line = (tradeId: string | number, version = 1) =>
  `{"trade_id":${JSON.stringify(tradeId)},"symbol":"AAPL","side":"BUY","quantity":100,"price":"187.25","executed_at":"${DAY}T14:30:00.123Z","version":${version},"shard_id":"shardId-000000000001","sequence_number":"1","arrival_time":"${DAY}T14:30:00.200Z","ingestion_time":"${DAY}T14:30:01.000Z"}`;
const gz = (...lines: string[]) => gzipSync(Buffer.from(`${lines.join('\n')}\n`));

/** The lake: the day's objects with their lines, and each object's legal hold. */
let holds: Record<string, 'ON' | 'OFF' | undefined>;
function lakeHolds(objects: Record<string, Buffer>) {
  s3.on(ListObjectsV2Command).callsFake(({ Prefix }) => ({
    Contents: Object.keys(objects)
      .filter((key) => key.startsWith(Prefix))
      .map((Key) => ({ Key, Size: objects[Key]!.length })),
  }));
  s3.on(GetObjectCommand).callsFake(({ Key }) => ({
    Body: { transformToByteArray: async () => new Uint8Array(objects[Key]!) },
  }));
  s3.on(PutObjectLegalHoldCommand).callsFake(({ Key, LegalHold }) => {
    holds[Key] = LegalHold.Status;
    return {};
  });
  s3.on(GetObjectLegalHoldCommand).callsFake(({ Key }) => {
    if (holds[Key] === undefined) {
      throw awsError(
        'NoSuchObjectLockConfiguration',
        'The specified object does not have a ObjectLock configuration',
        404,
      );
    }
    return { LegalHold: { Status: holds[Key] } };
  });
}

const puts = () =>
  s3
    .commandCalls(PutObjectLegalHoldCommand)
    .map((call) => [call.args[0].input.Key, call.args[0].input.LegalHold?.Status]);

async function run(args: string[]) {
  const test = testEnvironment();
  const code = await runTrades(args, test.env);
  return { ...test, code };
}

beforeEach(() => {
  for (const mock of [cloudFormation, sts, s3]) mock.reset();
  holds = {};
  stackExists(cloudFormation);
  sts.on(AssumeRoleCommand).resolves({ Credentials: ASSUMED_CREDENTIALS });
  lakeHolds({
    [A]: gz(line('T-1'), line('T-2')),
    [B]: gz(line('T-3')),
    // A 20-digit trade_id as a JSON number, which no double holds (the writer keeps the producer's digits).
    [C]: gz(line('T-1', 2), line('12345678901234567890').replace('"12345678901234567890"', '12345678901234567890')),
    [Q]: gz('{"reason":"NOT_JSON","raw_data":"eyJ0cmFkZV9pZCI6"}'),
  });
});

describe('trades hold set', () => {
  it('places a legal hold on every trades/ object of the day, as the data engineer', async () => {
    const { code, stdout, stderr } = await run(['hold', 'set', '--date', DAY]);
    expect(code).toBe(EXIT.OK);
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({
      RoleArn: ENGINEER_ROLE_ARN,
      RoleSessionName: expect.stringMatching(/^trades-hold-/),
    });
    expect(s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input)).toEqual([
      { Bucket: LAKE_BUCKET, Prefix: `trades/dt=${DAY}/` },
    ]);
    expect(puts().sort()).toEqual([
      [A, 'ON'],
      [B, 'ON'],
      [C, 'ON'],
    ]);
    expect(s3.commandCalls(GetObjectCommand)).toEqual([]);
    expect(stdout.text()).toMatch(new RegExp(`│ ${A.replaceAll('.', '\\.')} │ +\\d+ │ ON +│`));
    expect(stderr.text()).toContain(
      `Placed a legal hold on 3 objects: the trades/ objects of ${DAY}, as the role ${ENGINEER_ROLE_ARN} (stack output DataEngineerRoleArn).`,
    );
  });

  it('holds only the objects whose lines hold the trade, when given --trade-id', async () => {
    const { code, stdout } = await run(['hold', 'set', '--date', DAY, '--trade-id', 'T-1', '--format', 'json']);
    expect(code).toBe(EXIT.OK);
    expect(puts().sort()).toEqual([
      [A, 'ON'],
      [C, 'ON'],
    ]);
    expect(JSON.parse(stdout.text())).toEqual([
      { key: A, size: expect.any(Number), trade_lines: 1, legal_hold: 'ON' },
      { key: C, size: expect.any(Number), trade_lines: 1, legal_hold: 'ON' },
    ]);
  });

  it('finds a numeric trade_id by its digits', async () => {
    const { code } = await run(['hold', 'set', '--date', DAY, '--trade-id', '12345678901234567890']);
    expect(code).toBe(EXIT.OK);
    expect(puts()).toEqual([[C, 'ON']]);
  });

  it('also holds the quarantine/ objects of the day with --include-quarantine', async () => {
    const { code } = await run(['hold', 'set', '--date', DAY, '--include-quarantine']);
    expect(code).toBe(EXIT.OK);
    expect(puts().map(([key]) => key)).toContain(Q);
    expect(puts()).toHaveLength(4);
  });

  it('exits 1 and holds nothing when no object holds the trade', async () => {
    const { code, stderr } = await run(['hold', 'set', '--date', DAY, '--trade-id', 'T-404']);
    expect(code).toBe(EXIT.FAILED);
    expect(puts()).toEqual([]);
    expect(stderr.text()).toContain(
      `error: Nothing to hold: there are no objects of ${DAY} holding trade T-404 in bucket ${LAKE_BUCKET}.`,
    );
  });

  it('exits 4 naming s3:PutObjectLegalHold and the role when the bucket policy refuses it', async () => {
    s3.on(PutObjectLegalHoldCommand).rejects(awsError('AccessDenied', 'Access Denied', 403));
    const { code, stderr } = await run(['hold', 'set', '--date', DAY, '--trade-id', 'T-2']);
    expect(code).toBe(EXIT.ACCESS_DENIED);
    expect(stderr.text()).toContain(
      `error: Access denied: the role ${ENGINEER_ROLE_ARN} (stack output DataEngineerRoleArn) may not s3:PutObjectLegalHold on s3://${LAKE_BUCKET}/${A}.`,
    );
  });

  it('exits 4 naming s3:GetObject when the role may not read the day it searches', async () => {
    s3.on(GetObjectCommand).rejects(awsError('AccessDenied', 'Access Denied', 403));
    const { code, stderr } = await run(['hold', 'set', '--date', DAY, '--trade-id', 'T-2']);
    expect(code).toBe(EXIT.ACCESS_DENIED);
    expect(stderr.text()).toContain('may not s3:GetObject on s3://');
  });
});

describe('trades hold clear', () => {
  it("lifts the trade's holds and says the retention still applies", async () => {
    holds = { [A]: 'ON', [B]: 'ON', [C]: 'ON' };
    const { code, stderr } = await run(['hold', 'clear', '--date', DAY, '--trade-id', 'T-1']);
    expect(code).toBe(EXIT.OK);
    expect(puts().sort()).toEqual([
      [A, 'OFF'],
      [C, 'OFF'],
    ]);
    expect(holds[B]).toBe('ON');
    expect(stderr.text()).toContain('Their Object Lock retention still applies.');
  });
});

describe('trades hold list', () => {
  it('shows each object of the day and whether it is held, an object never held as OFF', async () => {
    holds = { [A]: 'ON', [B]: 'OFF' };
    const { code, stdout, stderr } = await run(['hold', 'list', '--date', DAY, '--format', 'json']);
    expect(code).toBe(EXIT.OK);
    expect(JSON.parse(stdout.text()).map(({ key, legal_hold }: any) => [key, legal_hold])).toEqual([
      [A, 'ON'],
      [B, 'OFF'],
      [C, 'OFF'],
    ]);
    expect(puts()).toEqual([]);
    expect(stderr.text()).toContain(`3 objects (the trades/ objects of ${DAY}); 1 under legal hold.`);
  });

  it('shows an empty day without failing', async () => {
    const { code, stderr } = await run(['hold', 'list', '--date', '2026-03-12']);
    expect(code).toBe(EXIT.OK);
    expect(stderr.text()).toContain('0 objects');
  });
});

describe('a stack that keeps no records', () => {
  it('says so from the RecordsRetention output, before assuming any role or calling S3', async () => {
    stackExists(cloudFormation, { RecordsRetention: 'none' });
    const { code, stderr } = await run(['hold', 'set', '--date', DAY]);
    expect(code).toBe(EXIT.FAILED);
    expect(stderr.text()).toBe(
      'error: This stack keeps no records (recordsRetention none): S3 takes legal holds only on a bucket with Object Lock, so the stack grants none. Deploy with recordsRetention set (docs/retention.md) to hold records.\n',
    );
    expect(sts.calls()).toEqual([]);
    expect(s3.calls()).toEqual([]);
  });

  it('asks S3 on a stack deployed before that output; access denied there means the same', async () => {
    stackExists(cloudFormation, { RecordsRetention: undefined });
    s3.on(GetObjectLockConfigurationCommand).rejects(awsError('AccessDenied', 'Access Denied', 403));
    const { code, stderr } = await run(['hold', 'list', '--date', DAY]);
    expect(code).toBe(EXIT.FAILED);
    expect(stderr.text()).toContain('This stack keeps no records');
    expect(puts()).toEqual([]);
  });

  it('goes on when S3 says the lake is locked, on a stack deployed before that output', async () => {
    stackExists(cloudFormation, { RecordsRetention: undefined });
    s3.on(GetObjectLockConfigurationCommand).resolves({
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 6 } },
      },
    });
    const { code } = await run(['hold', 'set', '--date', DAY, '--trade-id', 'T-3']);
    expect(code).toBe(EXIT.OK);
    expect(puts()).toEqual([[B, 'ON']]);
  });

  it("reports S3's refusal of a hold on an unlocked bucket as a stack that keeps no records", async () => {
    s3.on(PutObjectLegalHoldCommand).rejects(
      awsError('InvalidRequest', 'Bucket is missing Object Lock Configuration', 400),
    );
    const { code, stderr } = await run(['hold', 'set', '--date', DAY]);
    expect(code).toBe(EXIT.FAILED);
    expect(stderr.text()).toContain('This stack keeps no records');
  });
});

describe('usage', () => {
  it.each([
    [['hold', 'set'], /required option '--date <YYYY-MM-DD>' not specified/],
    [['hold', 'set', '--date', '2026-02-30'], /calendar date/],
    [
      ['hold', 'set', '--date', DAY, '--trade-id', 'T-1', '--include-quarantine'],
      /--include-quarantine holds whole days/,
    ],
    [['hold', 'set', '--date', DAY, '--trade-id', ' '], /--trade-id is empty/],
  ])('%j exits 2', async (args, message) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(EXIT.USAGE);
    expect(stderr.text()).toMatch(message);
    expect(s3.calls()).toEqual([]);
  });
});
