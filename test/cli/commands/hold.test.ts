import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectLegalHoldCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { confirm } from '@inquirer/prompts';
import { mockClient } from 'aws-sdk-client-mock';
import { EXIT } from '../../../cli/exit-codes';
import { runInTerminal } from '../environment';
import { type LakeEntry, VersionedLake } from '../hold/versioned-lake';
import { ENGINEER_ROLE_ARN, LAKE_BUCKET, stackExists } from '../operator-stack';
import { ASSUMED_CREDENTIALS, awsError } from '../support';

jest.mock('@inquirer/prompts', () => ({ confirm: jest.fn() }));
const confirmMock = confirm as unknown as jest.Mock;

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
/** S3 version ids are opaque 32-character strings; these say which version each is. */
const v = (name: string) => `${name}-version-0000000000000000000000`.slice(0, 32);

const line = (tradeId: string | number, version = 1) =>
  `{"trade_id":${JSON.stringify(tradeId)},"symbol":"AAPL","side":"BUY","quantity":100,"price":"187.25","executed_at":"${DAY}T14:30:00.123Z","version":${version},"shard_id":"shardId-000000000001","sequence_number":"1","arrival_time":"${DAY}T14:30:00.200Z","ingestion_time":"${DAY}T14:30:01.000Z"}`;
const gz = (...lines: string[]) => gzipSync(Buffer.from(`${lines.join('\n')}\n`));

/** The day as the writer leaves it: each object written once, its one version current. */
const WRITTEN_ONCE: readonly LakeEntry[] = [
  { key: A, versionId: v('a1'), body: gz(line('T-1'), line('T-2')) },
  { key: B, versionId: v('b1'), body: gz(line('T-3')) },
  // A 20-digit trade_id as a JSON number, which no double holds (the writer keeps the producer's digits).
  {
    key: C,
    versionId: v('c1'),
    body: gz(line('T-1', 2), line('12345678901234567890').replace('"12345678901234567890"', '12345678901234567890')),
  },
  { key: Q, versionId: v('q1'), body: gz('{"reason":"NOT_JSON","raw_data":"eyJ0cmFkZV9pZCI6"}') },
];

let lake: VersionedLake;
function lakeHolds(entries: readonly LakeEntry[]) {
  lake = new VersionedLake(entries);
  lake.serve(s3);
}

/** Every PutObjectLegalHold sent: key, version, status. */
const puts = () =>
  s3
    .commandCalls(PutObjectLegalHoldCommand)
    .map(({ args: [{ input }] }) => [input.Key, input.VersionId, input.LegalHold?.Status]);

const run = runInTerminal;

const rowsOf = (stdout: { text(): string }) => JSON.parse(stdout.text()) as Record<string, unknown>[];

beforeEach(() => {
  for (const mock of [cloudFormation, sts, s3]) mock.reset();
  confirmMock.mockReset();
  stackExists(cloudFormation);
  sts.on(AssumeRoleCommand).resolves({ Credentials: ASSUMED_CREDENTIALS });
  lakeHolds(WRITTEN_ONCE);
});

describe('trades hold set', () => {
  it('places a legal hold on every trades/ object version of the day, naming each version, as the data engineer', async () => {
    const { code, stdout, stderr } = await run(['hold', 'set', '--date', DAY]);
    expect(code).toBe(EXIT.OK);
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({
      RoleArn: ENGINEER_ROLE_ARN,
      RoleSessionName: expect.stringMatching(/^trades-hold-/),
    });
    expect(s3.commandCalls(ListObjectVersionsCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: LAKE_BUCKET, Prefix: `trades/dt=${DAY}/` },
    ]);
    expect(s3.commandCalls(ListObjectsV2Command)).toEqual([]);
    expect(puts().sort()).toEqual([
      [A, v('a1'), 'ON'],
      [B, v('b1'), 'ON'],
      [C, v('c1'), 'ON'],
    ]);
    expect(s3.commandCalls(GetObjectCommand)).toEqual([]);
    expect(stdout.text()).toMatch(new RegExp(`│ ${A.replaceAll('.', '\\.')} │ ${v('a1')} │ current +│ +\\d+ │ ON +│`));
    expect(stderr.text()).toContain(
      `Placed a legal hold on 3 object versions: the trades/ objects of ${DAY}, as the role ${ENGINEER_ROLE_ARN} (stack output DataEngineerRoleArn).`,
    );
  });

  it('holds only the versions whose lines hold the trade, when given --trade-id, and counts the other trades they hold', async () => {
    const { code, stdout } = await run(['hold', 'set', '--date', DAY, '--trade-id', 'T-1', '--format', 'json']);
    expect(code).toBe(EXIT.OK);
    expect(puts().sort()).toEqual([
      [A, v('a1'), 'ON'],
      [C, v('c1'), 'ON'],
    ]);
    // Each version is read by its VersionId (s3:GetObjectVersion), not as whatever is current.
    expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input.VersionId)).toEqual(
      expect.arrayContaining([v('a1'), v('b1'), v('c1')]),
    );
    expect(rowsOf(stdout)).toEqual([
      {
        key: A,
        version_id: v('a1'),
        version_state: 'current',
        size: expect.any(Number),
        trade_lines: 1,
        other_trades: 1,
        legal_hold: 'ON',
      },
      {
        key: C,
        version_id: v('c1'),
        version_state: 'current',
        size: expect.any(Number),
        trade_lines: 1,
        other_trades: 1,
        legal_hold: 'ON',
      },
    ]);
  });

  it('finds a numeric trade_id by its digits', async () => {
    const { code } = await run(['hold', 'set', '--date', DAY, '--trade-id', '12345678901234567890']);
    expect(code).toBe(EXIT.OK);
    expect(puts()).toEqual([[C, v('c1'), 'ON']]);
  });

  it('also holds the quarantine/ object versions of the day with --include-quarantine', async () => {
    const { code } = await run(['hold', 'set', '--date', DAY, '--include-quarantine']);
    expect(code).toBe(EXIT.OK);
    expect(s3.commandCalls(ListObjectVersionsCommand).map((call) => call.args[0].input.Prefix)).toEqual([
      `trades/dt=${DAY}/`,
      `quarantine/dt=${DAY}/`,
    ]);
    expect(puts()).toContainEqual([Q, v('q1'), 'ON']);
    expect(puts()).toHaveLength(4);
  });

  it('exits 1 and holds nothing when no version holds the trade', async () => {
    const { code, stderr } = await run(['hold', 'set', '--date', DAY, '--trade-id', 'T-404']);
    expect(code).toBe(EXIT.FAILED);
    expect(puts()).toEqual([]);
    expect(stderr.text()).toContain(
      `error: Nothing to hold: there are no objects of ${DAY} holding trade T-404 in bucket ${LAKE_BUCKET}.`,
    );
  });

  it('exits 4 naming s3:PutObjectLegalHold, the version and the role when the bucket policy refuses it', async () => {
    s3.on(PutObjectLegalHoldCommand).rejects(awsError('AccessDenied', 'Access Denied', 403));
    const { code, stderr } = await run(['hold', 'set', '--date', DAY, '--trade-id', 'T-2']);
    expect(code).toBe(EXIT.ACCESS_DENIED);
    expect(stderr.text()).toContain(
      `Access denied: the role ${ENGINEER_ROLE_ARN} (stack output DataEngineerRoleArn) may not s3:PutObjectLegalHold on s3://${LAKE_BUCKET}/${A} (version ${v('a1')}).`,
    );
  });

  it('exits 4 naming s3:GetObjectVersion when the role may not read the versions it searches', async () => {
    s3.on(GetObjectCommand).rejects(awsError('AccessDenied', 'Access Denied', 403));
    const { code, stderr } = await run(['hold', 'set', '--date', DAY, '--trade-id', 'T-2']);
    expect(code).toBe(EXIT.ACCESS_DENIED);
    expect(stderr.text()).toContain('may not s3:GetObjectVersion on s3://');
    expect(puts()).toEqual([]);
  });
});

describe('a record behind a delete marker (expireAfterRetention, or a DeleteObject)', () => {
  const HELD = objectKey('trades', 4);
  const UNHELD = objectKey('trades', 5);
  const REWRITTEN = objectKey('trades', 6);
  beforeEach(() => {
    lakeHolds([
      // Entries of a key, newest first: the marker is what ListObjectsV2 (and Athena) sees.
      { key: HELD, versionId: v('held-marker') },
      { key: HELD, versionId: v('held1'), body: gz(line('T-7')) },
      { key: UNHELD, versionId: v('unheld-marker') },
      { key: UNHELD, versionId: v('unheld1'), body: gz(line('T-8'), line('T-9')) },
      // A replay may write the key again once a marker hides it (If-None-Match passes): two records.
      { key: REWRITTEN, versionId: v('rewritten2'), body: gz(line('T-9')) },
      { key: REWRITTEN, versionId: v('rewritten-marker') },
      { key: REWRITTEN, versionId: v('rewritten1'), body: gz(line('T-9')) },
    ]);
    lake.hold(HELD, v('held1'), 'ON');
  });

  it('list shows the held version behind its marker, read by its VersionId', async () => {
    const { code, stdout, stderr } = await run(['hold', 'list', '--date', DAY, '--format', 'json']);
    expect(code).toBe(EXIT.OK);
    expect(
      rowsOf(stdout).map(({ key, version_id, version_state, legal_hold }) => [
        key,
        version_id,
        version_state,
        legal_hold,
      ]),
    ).toEqual([
      [HELD, v('held1'), 'behind a delete marker', 'ON'],
      [UNHELD, v('unheld1'), 'behind a delete marker', 'OFF'],
      [REWRITTEN, v('rewritten2'), 'current', 'OFF'],
      [REWRITTEN, v('rewritten1'), 'noncurrent', 'OFF'],
    ]);
    // No call names a delete marker: it has no bytes and takes no hold.
    expect(
      s3
        .commandCalls(GetObjectLegalHoldCommand)
        .map((call) => call.args[0].input.VersionId)
        .sort(),
    ).toEqual([v('held1'), v('rewritten1'), v('rewritten2'), v('unheld1')].sort());
    expect(stderr.text()).toContain(
      `4 object versions (the trades/ objects of ${DAY}); 1 under legal hold. 2 versions behind a delete marker: hidden from Athena, a record all the same.`,
    );
  });

  it('set reaches the unheld version behind its marker with its VersionId, and every version of a rewritten key', async () => {
    const { code } = await run(['hold', 'set', '--date', DAY]);
    expect(code).toBe(EXIT.OK);
    expect(puts()).toContainEqual([UNHELD, v('unheld1'), 'ON']);
    expect(puts()).toContainEqual([REWRITTEN, v('rewritten1'), 'ON']);
    expect(puts()).toContainEqual([REWRITTEN, v('rewritten2'), 'ON']);
    expect(lake.holdOf(UNHELD, v('unheld1'))).toBe('ON');
  });

  it('set --trade-id finds the trade in a version behind a marker', async () => {
    const { code } = await run(['hold', 'set', '--date', DAY, '--trade-id', 'T-8']);
    expect(code).toBe(EXIT.OK);
    expect(puts()).toEqual([[UNHELD, v('unheld1'), 'ON']]);
  });

  it('clear releases the held version behind its marker', async () => {
    const { code, stderr } = await run(['hold', 'clear', '--date', DAY, '--trade-id', 'T-7']);
    expect(code).toBe(EXIT.OK);
    expect(puts()).toEqual([[HELD, v('held1'), 'OFF']]);
    expect(lake.holdOf(HELD, v('held1'))).toBe('OFF');
    expect(stderr.text()).toContain('Lifted the legal hold of 1 object version');
  });
});

describe('listing a day of many versions', () => {
  it('follows ListObjectVersions page by page, a key marker on one page and its versions on the next', async () => {
    const keys = [1, 2, 3, 4, 5].map((n) => objectKey('trades', n));
    lakeHolds([
      { key: keys[0]!, versionId: v('k1'), body: gz(line('T-1')) },
      { key: keys[1]!, versionId: v('k2-marker') },
      { key: keys[1]!, versionId: v('k2'), body: gz(line('T-2')) },
      { key: keys[2]!, versionId: v('k3'), body: gz(line('T-3')) },
      { key: keys[3]!, versionId: v('k4'), body: gz(line('T-4')) },
      { key: keys[4]!, versionId: v('k5'), body: gz(line('T-5')) },
    ]);
    lake.pageSize = 2;
    const { code, stdout } = await run(['hold', 'set', '--date', DAY, '--format', 'json']);
    expect(code).toBe(EXIT.OK);
    expect(
      s3
        .commandCalls(ListObjectVersionsCommand)
        .map(({ args: [{ input }] }) => [input.KeyMarker, input.VersionIdMarker]),
    ).toEqual([
      [undefined, undefined],
      [keys[1], v('k2-marker')],
      [keys[2], v('k3')],
    ]);
    expect(rowsOf(stdout).map(({ version_id, version_state }) => [version_id, version_state])).toEqual([
      [v('k1'), 'current'],
      [v('k2'), 'behind a delete marker'],
      [v('k3'), 'current'],
      [v('k4'), 'current'],
      [v('k5'), 'current'],
    ]);
    expect(puts()).toHaveLength(5);
  });
});

describe('a set or clear that fails part-way', () => {
  it('prints every row, the failed one with its error, and exits 5 when S3 throttled a PutObjectLegalHold', async () => {
    s3.on(PutObjectLegalHoldCommand, { Key: B }).rejects(awsError('SlowDown', 'Please reduce your request rate.', 503));
    const { code, stdout, stderr } = await run(['hold', 'set', '--date', DAY, '--format', 'json']);
    expect(code).toBe(EXIT.THROTTLED);
    // Every version was tried, whatever became of the others.
    expect(
      puts()
        .map(([key]) => key)
        .sort(),
    ).toEqual([A, B, C]);
    expect(rowsOf(stdout).map(({ key, legal_hold, error }) => [key, legal_hold, error])).toEqual([
      [A, 'ON', null],
      [
        B,
        null,
        `AWS throttled s3:PutObjectLegalHold on s3://${LAKE_BUCKET}/${B} (version ${v('b1')}) beyond the retries: run the command again later, or slower. AWS said: SlowDown: Please reduce your request rate.`,
      ],
      [C, 'ON', null],
    ]);
    expect(lake.holdOf(A, v('a1'))).toBe('ON');
    expect(stderr.text()).toContain(
      `error: Placed a legal hold on 2 of 3 object versions (the trades/ objects of ${DAY}); 1 failed (the rows say why). AWS throttled s3:PutObjectLegalHold`,
    );
    expect(stderr.text()).not.toContain('Placed a legal hold on 3');
  });

  it('exits with the worst of the failures: access denied over throttling', async () => {
    s3.on(PutObjectLegalHoldCommand, { Key: A }).rejects(awsError('SlowDown', 'Please reduce your request rate.', 503));
    s3.on(PutObjectLegalHoldCommand, { Key: C }).rejects(awsError('AccessDenied', 'Access Denied', 403));
    const { code, stdout, stderr } = await run(['hold', 'set', '--date', DAY]);
    expect(code).toBe(EXIT.ACCESS_DENIED);
    expect(stdout.text()).toContain('AWS throttled');
    expect(stdout.text()).toContain('Access denied');
    expect(stderr.text()).toContain('; 2 failed (the rows say why). Access denied:');
  });

  it('list prints every row and exits 4 when S3 denies GetObjectLegalHold on a version', async () => {
    lake.hold(A, v('a1'), 'ON');
    s3.on(GetObjectLegalHoldCommand, { Key: B }).rejects(awsError('AccessDenied', 'Access Denied', 403));
    const { code, stdout, stderr } = await run(['hold', 'list', '--date', DAY, '--format', 'json']);
    expect(code).toBe(EXIT.ACCESS_DENIED);
    expect(
      rowsOf(stdout).map(({ key, legal_hold, error }) => [key, legal_hold, error === null ? null : 'error']),
    ).toEqual([
      [A, 'ON', null],
      [B, null, 'error'],
      [C, 'OFF', null],
    ]);
    expect(rowsOf(stdout)[1]!.error).toContain(
      `may not s3:GetObjectLegalHold on s3://${LAKE_BUCKET}/${B} (version ${v('b1')}).`,
    );
    expect(stderr.text()).toContain(
      `error: Read the legal hold of 2 of 3 object versions (the trades/ objects of ${DAY}); 1 failed`,
    );
  });
});

describe('trades hold clear', () => {
  it("lifts the trade's holds without asking when its versions hold no other trade, and says the retention still applies", async () => {
    for (const [key, versionId] of [
      [A, v('a1')],
      [B, v('b1')],
      [C, v('c1')],
    ] as const)
      lake.hold(key, versionId, 'ON');
    const { code, stderr } = await run(['hold', 'clear', '--date', DAY, '--trade-id', 'T-3']);
    expect(code).toBe(EXIT.OK);
    expect(confirmMock).not.toHaveBeenCalled();
    expect(puts()).toEqual([[B, v('b1'), 'OFF']]);
    expect(lake.holdOf(A, v('a1'))).toBe('ON');
    expect(stderr.text()).toContain('Their Object Lock retention still applies.');
  });

  it('refuses without --yes when other trades share the objects, naming how many and which versions, and lifts nothing', async () => {
    const { code, stderr } = await run(['hold', 'clear', '--date', DAY, '--trade-id', 'T-1']);
    expect(code).toBe(EXIT.USAGE);
    expect(puts()).toEqual([]);
    expect(stderr.text()).toContain(
      'Lifting the holds of trade T-1 releases 2 other trades too: a legal hold is one flag per object version, not per trade, and 2 object versions of the 2 selected also hold other trades:',
    );
    expect(stderr.text()).toContain(`  - ${A} (version ${v('a1')}): 1 other trade\n`);
    expect(stderr.text()).toContain(`  - ${C} (version ${v('c1')}): 1 other trade\n`);
    const refusal = stderr
      .text()
      .split('\n')
      .find((text) => text.startsWith('error: '));
    expect(refusal).toContain('there is no terminal to ask on: pass --yes to lift the holds anyway.');
    // docs/cli.md shows the same refusal, word for word.
    expect(readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'cli.md'), 'utf8')).toContain(`\n${refusal}\n`);
  });

  it('asks on a terminal, and lifts once the release is confirmed', async () => {
    confirmMock.mockResolvedValue(true);
    const { code } = await run(['hold', 'clear', '--date', DAY, '--trade-id', 'T-1'], true);
    expect(code).toBe(EXIT.OK);
    expect(confirmMock.mock.calls[0][0]).toEqual({
      message: 'Lift the legal hold of 2 object versions, releasing 2 other trades?',
      default: false,
    });
    expect(puts().sort()).toEqual([
      [A, v('a1'), 'OFF'],
      [C, v('c1'), 'OFF'],
    ]);
  });

  it('lifts nothing and exits 1 when the release is not confirmed', async () => {
    confirmMock.mockResolvedValue(false);
    const { code, stderr } = await run(['hold', 'clear', '--date', DAY, '--trade-id', 'T-1'], true);
    expect(code).toBe(EXIT.FAILED);
    expect(puts()).toEqual([]);
    expect(stderr.text()).toContain('error: Not cleared: the release was not confirmed; no hold was lifted.');
  });

  it('lifts with --yes without asking, still saying what it releases', async () => {
    const { code, stderr } = await run(['hold', 'clear', '--date', DAY, '--trade-id', 'T-1', '--yes'], true);
    expect(code).toBe(EXIT.OK);
    expect(confirmMock).not.toHaveBeenCalled();
    expect(puts()).toHaveLength(2);
    expect(stderr.text()).toContain('releases 2 other trades too');
  });

  it('asks before lifting a whole day, or needs --yes', async () => {
    const refused = await run(['hold', 'clear', '--date', DAY]);
    expect(refused.code).toBe(EXIT.USAGE);
    expect(puts()).toEqual([]);
    expect(refused.stderr.text()).toContain(
      `Lifting the legal hold of every version of the trades/ objects of ${DAY}: 3 object versions, whatever trade or matter each hold was placed for.`,
    );
    const lifted = await run(['hold', 'clear', '--date', DAY, '--yes']);
    expect(lifted.code).toBe(EXIT.OK);
    expect(puts().sort()).toEqual([
      [A, v('a1'), 'OFF'],
      [B, v('b1'), 'OFF'],
      [C, v('c1'), 'OFF'],
    ]);
  });

  it('exits 1 and asks nothing when no version holds the trade', async () => {
    const { code, stderr } = await run(['hold', 'clear', '--date', DAY, '--trade-id', 'T-404'], true);
    expect(code).toBe(EXIT.FAILED);
    expect(confirmMock).not.toHaveBeenCalled();
    expect(puts()).toEqual([]);
    expect(stderr.text()).toContain(
      `error: Nothing to release: there are no objects of ${DAY} holding trade T-404 in bucket ${LAKE_BUCKET}.`,
    );
  });

  it('takes --yes on clear only', async () => {
    const { code, stderr } = await run(['hold', 'set', '--date', DAY, '--yes']);
    expect(code).toBe(EXIT.USAGE);
    expect(stderr.text()).toContain("unknown option '--yes'");
    expect(s3.calls()).toEqual([]);
  });
});

describe('trades hold list', () => {
  it('shows each version of the day and whether it is held, a version never held as OFF', async () => {
    lake.hold(A, v('a1'), 'ON');
    lake.hold(B, v('b1'), 'OFF');
    const { code, stdout, stderr } = await run(['hold', 'list', '--date', DAY, '--format', 'json']);
    expect(code).toBe(EXIT.OK);
    expect(rowsOf(stdout).map(({ key, legal_hold }) => [key, legal_hold])).toEqual([
      [A, 'ON'],
      [B, 'OFF'],
      [C, 'OFF'],
    ]);
    expect(rowsOf(stdout)[0]).not.toHaveProperty('error');
    expect(puts()).toEqual([]);
    expect(stderr.text()).toContain(`3 object versions (the trades/ objects of ${DAY}); 1 under legal hold.`);
  });

  it('shows an empty day without failing', async () => {
    const { code, stderr } = await run(['hold', 'list', '--date', '2026-03-12']);
    expect(code).toBe(EXIT.OK);
    expect(stderr.text()).toContain('0 object versions');
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
    expect(puts()).toEqual([[B, v('b1'), 'ON']]);
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
