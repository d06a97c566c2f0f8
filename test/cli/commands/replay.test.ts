import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, type InvokeCommandInput, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, GetObjectTaggingCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { EXIT } from '../../../cli/exit-codes';
import { runTrades } from '../../../cli/program';
import type { ReplayResult } from '../../../lambda/replay/contract';
import { kinesisEvent, tradeJson } from '../../../tools/fixtures/trade-events';
import { invocationRecord, recordKey } from '../../replay/fixtures';
import { testEnvironment } from '../environment';
import {
  CURATION_STATE_MACHINE_ARN,
  ENGINEER_ROLE_ARN,
  FAILED_BATCH_BUCKET,
  REPLAY_FUNCTION,
  STREAM_ARN,
  stackExists,
} from '../operator-stack';
import { ASSUMED_CREDENTIALS, awsError } from '../support';

const cloudFormation = mockClient(CloudFormationClient);
const sts = mockClient(STSClient);
const s3 = mockClient(S3Client);
const lambda = mockClient(LambdaClient);
const sfn = mockClient(SFNClient);
const EXECUTION_ARN = `${CURATION_STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:replay-1`;

const OLD = recordKey('shardId-000000000001', '2026-03-09T10.00.00', 'aaaaaaaa-0000-4000-8000-000000000001');
const NEW = recordKey('shardId-000000000002', '2026-03-11T10.00.00', 'bbbbbbbb-0000-4000-8000-000000000002');
const DONE = recordKey('shardId-000000000001', '2026-03-10T10.00.00', 'cccccccc-0000-4000-8000-000000000003');

/** A batch of this stack's stream, as the writer's event source mapping delivers it. */
function eventOfThisStream(texts: string[]) {
  const event = kinesisEvent(texts);
  for (const record of event.Records) record.eventSourceARN = STREAM_ARN;
  return event;
}

/** The failed-batch bucket: each record's time, and the replayed tag of those that have one. */
function bucketHolds(records: { key: string; at: string; replayedAt?: string; text?: string }[]) {
  // Listed newest first on purpose: the CLI orders them itself.
  s3.on(ListObjectsV2Command).resolves({
    Contents: [...records].reverse().map(({ key, at }) => ({ Key: key, LastModified: new Date(at), Size: 2048 })),
  });
  for (const record of records) {
    s3.on(GetObjectTaggingCommand, { Bucket: FAILED_BATCH_BUCKET, Key: record.key }).resolves({
      TagSet: record.replayedAt ? [{ Key: 'trades-replayed', Value: record.replayedAt }] : [],
    });
    const text = record.text ?? invocationRecord(eventOfThisStream([tradeJson()]), { streamArn: STREAM_ARN });
    s3.on(GetObjectCommand, { Bucket: FAILED_BATCH_BUCKET, Key: record.key }).callsFake(() => ({
      Body: { transformToString: async () => text },
    }));
  }
}

function result(key: string, overrides: Partial<ReplayResult> = {}): ReplayResult {
  return {
    key,
    outcome: 'replayed',
    shardId: key.split('/')[3],
    firstSequenceNumber: '1',
    lastSequenceNumber: '9',
    records: 9,
    trades: 8,
    quarantined: 1,
    days: ['2026-03-09'],
    replayedAt: '2026-03-16T18:00:00.000Z',
    ...overrides,
  };
}

/** The replay function answers each key with `answers[key]`. */
function replayAnswers(answers: Record<string, ReplayResult | { functionError: string; payload: unknown }>) {
  lambda.on(InvokeCommand).callsFake((input: InvokeCommandInput) => {
    const { key } = JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8'));
    const answer = answers[key];
    if (answer === undefined) throw new Error(`unexpected key ${key}`);
    if ('functionError' in answer) {
      return {
        StatusCode: 200,
        FunctionError: answer.functionError,
        Payload: Buffer.from(JSON.stringify(answer.payload)),
      };
    }
    return { StatusCode: 200, Payload: Buffer.from(JSON.stringify(answer)) };
  });
}

const invokes = () =>
  lambda.commandCalls(InvokeCommand).map((call) => {
    const input = call.args[0].input as InvokeCommandInput;
    return { ...input, Payload: JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8')) };
  });

async function run(args: string[]) {
  const test = testEnvironment();
  const code = await runTrades(args, test.env);
  return { ...test, code };
}

beforeEach(() => {
  for (const mock of [cloudFormation, sts, s3, lambda, sfn]) mock.reset();
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date() });
  stackExists(cloudFormation);
  sts.on(AssumeRoleCommand).resolves({ Credentials: ASSUMED_CREDENTIALS });
});

describe('trades replay', () => {
  it('replays each untagged record, oldest first, through the replay function as the data engineer, never the writer', async () => {
    bucketHolds([
      { key: OLD, at: '2026-03-09T10:00:01Z' },
      { key: DONE, at: '2026-03-10T10:00:01Z', replayedAt: '2026-03-10T12:00:00.000Z' },
      { key: NEW, at: '2026-03-11T10:00:01Z' },
    ]);
    replayAnswers({
      [OLD]: result(OLD),
      [NEW]: result(NEW, { trades: 3, quarantined: 0, records: 3, days: ['2026-03-10', '2026-03-11'] }),
    });
    const { code, stdout, stderr } = await run(['replay']);
    expect(code).toBe(EXIT.OK);
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({
      RoleArn: ENGINEER_ROLE_ARN,
      RoleSessionName: expect.stringMatching(/^trades-replay-/),
    });
    expect(invokes()).toEqual([
      { FunctionName: REPLAY_FUNCTION, InvocationType: 'RequestResponse', Payload: { key: OLD } },
      { FunctionName: REPLAY_FUNCTION, InvocationType: 'RequestResponse', Payload: { key: NEW } },
    ]);
    expect(stdout.text()).toMatch(
      /│ 2026-03-09T10:00:01.000Z │ shardId-000000000001 │ +9 │ +8 │ +1 │ 2026-03-09 +│ replayed │/,
    );
    expect(stderr.text()).toContain(
      `Replaying 2 records of the failed-batch bucket ${FAILED_BATCH_BUCKET} through ${REPLAY_FUNCTION} as the role ${ENGINEER_ROLE_ARN} (stack output DataEngineerRoleArn) (1 already replayed).`,
    );
    expect(stderr.text()).toContain(
      'Recovered 2 batches of 2: 12 Kinesis records, 11 trades written, 1 quarantined; days touched: 2026-03-09, 2026-03-10, 2026-03-11.',
    );
    expect(stderr.text()).toContain(
      `Started the curation job for 2026-03-09, 2026-03-10, 2026-03-11 (execution ${EXECUTION_ARN})`,
    );
  });

  it('starts the curation job once, as the data engineer, for the days the replay recovered', async () => {
    bucketHolds([
      { key: OLD, at: '2026-03-09T10:00:01Z' },
      { key: NEW, at: '2026-03-11T10:00:01Z' },
    ]);
    replayAnswers({
      [OLD]: result(OLD, { days: ['2026-03-11', '2026-03-09'] }),
      [NEW]: result(NEW, { outcome: 'writer-failed', days: [], trades: 0 }),
    });
    await run(['replay']);
    const starts = sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
    expect(starts).toEqual([
      {
        stateMachineArn: CURATION_STATE_MACHINE_ARN,
        name: expect.stringMatching(/^replay-20260316T180000Z-[0-9a-f]{8}$/),
        input: JSON.stringify({ days: ['2026-03-09', '2026-03-11'] }),
      },
    ]);
  });

  it('starts no curation when nothing was recovered', async () => {
    bucketHolds([{ key: OLD, at: '2026-03-09T10:00:01Z' }]);
    replayAnswers({ [OLD]: result(OLD, { outcome: 'unreplayable', days: [], trades: 0 }) });
    await run(['replay']);
    expect(sfn.calls()).toEqual([]);
  });

  it('says the curated zone misses the days on a stack without a curation job', async () => {
    stackExists(cloudFormation, { CurationStateMachineArn: undefined });
    bucketHolds([{ key: OLD, at: '2026-03-09T10:00:01Z' }]);
    replayAnswers({ [OLD]: result(OLD) });
    const { code, stderr } = await run(['replay']);
    expect(code).toBe(EXIT.OK);
    expect(sfn.calls()).toEqual([]);
    expect(stderr.text()).toContain(
      'This stack has no curation job (no output CurationStateMachineArn): the curated zone does not show the recovered trades of 2026-03-09.',
    );
  });

  it('exits 4 naming states:StartExecution when the role may not start the curation job, after reporting the replay', async () => {
    bucketHolds([{ key: OLD, at: '2026-03-09T10:00:01Z' }]);
    replayAnswers({ [OLD]: result(OLD) });
    sfn.on(StartExecutionCommand).rejects(awsError('AccessDeniedException', 'not authorized', 400));
    const { code, stdout, stderr } = await run(['replay']);
    expect(code).toBe(EXIT.ACCESS_DENIED);
    expect(stdout.text()).toContain('replayed');
    expect(stderr.text()).toContain('Recovered 1 batch of 1');
    expect(stderr.text()).toContain('start it once the cause is fixed with trades curate --date 2026-03-09.');
    expect(stderr.text()).toContain(`may not states:StartExecution on state machine ${CURATION_STATE_MACHINE_ARN}`);
  });

  it('prints one JSON object a record for scripts', async () => {
    bucketHolds([{ key: OLD, at: '2026-03-09T10:00:01Z' }]);
    replayAnswers({ [OLD]: result(OLD) });
    const { stdout } = await run(['replay', '--format', 'json']);
    expect(JSON.parse(stdout.text())).toEqual([
      {
        recorded_at: '2026-03-09T10:00:01.000Z',
        shard: 'shardId-000000000001',
        records: 9,
        trades: 8,
        quarantined: 1,
        days: '2026-03-09',
        outcome: 'replayed',
        key: OLD,
        reason: null,
      },
    ]);
  });

  it('replays only the records Lambda wrote on or after --since', async () => {
    bucketHolds([
      { key: OLD, at: '2026-03-09T23:59:59Z' },
      { key: NEW, at: '2026-03-11T00:00:00Z' },
    ]);
    replayAnswers({ [NEW]: result(NEW) });
    const { code } = await run(['replay', '--since', '2026-03-10']);
    expect(code).toBe(EXIT.OK);
    expect(invokes().map(({ Payload }) => Payload.key)).toEqual([NEW]);
    expect(s3.commandCalls(GetObjectTaggingCommand).map((call) => call.args[0].input.Key)).toEqual([NEW]);
  });

  it('says so and exits 0 when there is nothing to replay', async () => {
    bucketHolds([{ key: DONE, at: '2026-03-10T10:00:01Z', replayedAt: '2026-03-10T12:00:00.000Z' }]);
    const { code, stderr } = await run(['replay']);
    expect(code).toBe(EXIT.OK);
    expect(invokes()).toEqual([]);
    expect(stderr.text()).toContain('Replaying 0 records');
    expect(stderr.text()).toContain('Recovered 0 batches of 0');
  });

  it('reports a partial failure of the writer, goes on with the other records, and exits 1', async () => {
    bucketHolds([
      { key: OLD, at: '2026-03-09T10:00:01Z' },
      { key: NEW, at: '2026-03-11T10:00:01Z' },
    ]);
    replayAnswers({
      [OLD]: result(OLD, {
        outcome: 'writer-failed',
        trades: 0,
        quarantined: 0,
        days: [],
        checkpoint: '5',
        reason:
          'the writer could not store every record: it reported a failure from sequence number 5; the record is left untagged, to replay again.',
      }),
      [NEW]: result(NEW),
    });
    const { code, stdout, stderr } = await run(['replay']);
    expect(code).toBe(EXIT.FAILED);
    expect(invokes()).toHaveLength(2);
    expect(stdout.text()).toMatch(
      /│ writer-failed │ .* │ the writer could not store every record: it reported a failure from sequence number 5/,
    );
    expect(stderr.text()).toContain('Recovered 1 batch of 2: 9 Kinesis records, 8 trades written');
    expect(stderr.text()).toContain(
      'error: 1 of 2 records could not be replayed (see the outcome and reason of each): they stay untagged, and the next trades replay tries them again once the cause is fixed.',
    );
  });

  it('reports a record the replay function refuses (no payload), and exits 1', async () => {
    bucketHolds([{ key: OLD, at: '2026-03-09T10:00:01Z' }]);
    replayAnswers({
      [OLD]: result(OLD, {
        outcome: 'unreplayable',
        records: 0,
        trades: 0,
        quarantined: 0,
        days: [],
        reason: 'The record cannot be replayed: it holds no payload.',
      }),
    });
    const { code, stdout } = await run(['replay']);
    expect(code).toBe(EXIT.FAILED);
    expect(stdout.text()).toContain('unreplayable');
    expect(stdout.text()).toContain('it holds no payload');
  });

  it('reports the replay function failing on a record as a row, and exits 1', async () => {
    bucketHolds([{ key: OLD, at: '2026-03-09T10:00:01Z' }]);
    replayAnswers({
      [OLD]: { functionError: 'Unhandled', payload: { errorType: 'AccessDenied', errorMessage: 'Access Denied' } },
    });
    const { code, stdout } = await run(['replay', '--format', 'json']);
    expect(code).toBe(EXIT.FAILED);
    expect(JSON.parse(stdout.text())[0]).toMatchObject({
      outcome: 'error',
      reason:
        'The replay function failed (Unhandled): AccessDenied: Access Denied. Nothing was tagged: run trades replay again.',
    });
  });

  it('counts a record replayed but left untagged as replayed, and exits 1 so it is looked at', async () => {
    bucketHolds([{ key: OLD, at: '2026-03-09T10:00:01Z' }]);
    replayAnswers({ [OLD]: result(OLD, { outcome: 'replayed-not-tagged', reason: 'could not be tagged' }) });
    const { code, stderr } = await run(['replay']);
    expect(code).toBe(EXIT.FAILED);
    expect(stderr.text()).toContain('Recovered 1 batch of 1');
    expect(stderr.text()).toContain('error: 1 replayed record is not tagged as replayed');
  });

  it('exits 4 naming lambda:InvokeFunction and the role when the role may not invoke the replay function', async () => {
    bucketHolds([{ key: OLD, at: '2026-03-09T10:00:01Z' }]);
    lambda
      .on(InvokeCommand)
      .rejects(awsError('AccessDeniedException', 'not authorized to perform: lambda:InvokeFunction', 403));
    const { code, stderr } = await run(['replay']);
    expect(code).toBe(EXIT.ACCESS_DENIED);
    expect(stderr.text()).toContain(
      `error: Access denied: the role ${ENGINEER_ROLE_ARN} (stack output DataEngineerRoleArn) may not lambda:InvokeFunction on function ${REPLAY_FUNCTION}.`,
    );
  });

  describe('when an Invoke itself fails midway', () => {
    const LATER = recordKey('shardId-000000000003', '2026-03-12T10.00.00', 'dddddddd-0000-4000-8000-000000000004');

    /** The replay function answers OLD; the Invoke of NEW fails with `error`; LATER would be answered. */
    function secondInvokeFails(error: Error) {
      bucketHolds([
        { key: OLD, at: '2026-03-09T10:00:01Z' },
        { key: NEW, at: '2026-03-11T10:00:01Z' },
        { key: LATER, at: '2026-03-12T10:00:01Z' },
      ]);
      lambda.on(InvokeCommand).callsFake(async (input: InvokeCommandInput) => {
        const { key } = JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8'));
        if (key === NEW) throw error;
        return { StatusCode: 200, Payload: Buffer.from(JSON.stringify(result(key))) };
      });
    }

    it('prints the record replayed before a throttled Invoke, starts curation for its day, and exits 5', async () => {
      secondInvokeFails(awsError('TooManyRequestsException', 'Rate exceeded', 429));
      const { code, stdout, stderr } = await run(['replay', '--format', 'json']);
      expect(code).toBe(EXIT.THROTTLED);
      // The run stops at the failed Invoke: the next one would be throttled the same way.
      expect(invokes().map(({ Payload }) => Payload.key)).toEqual([OLD, NEW]);
      const printed = JSON.parse(stdout.text());
      expect(printed.map(({ key, outcome }: { key: string; outcome: string }) => [key, outcome])).toEqual([
        [OLD, 'replayed'],
        [NEW, 'error'],
      ]);
      expect(printed[1].reason).toContain('AWS throttled lambda:InvokeFunction');
      expect(printed[1].reason).toContain('TooManyRequestsException: Rate exceeded');
      expect(sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input.input)).toEqual([
        JSON.stringify({ days: ['2026-03-09'] }),
      ]);
      expect(stderr.text()).toContain('Recovered 1 batch of 2');
      expect(stderr.text()).toContain(`Started the curation job for 2026-03-09 (execution ${EXECUTION_ARN})`);
      expect(stderr.text()).toContain(
        `error: AWS throttled lambda:InvokeFunction on function ${REPLAY_FUNCTION} beyond the retries`,
      );
      expect(stderr.text()).toContain(
        `The replay stopped at ${NEW}: 1 of 3 records could not be replayed; 1 more record was not tried. They stay untagged`,
      );
    });

    it('reports an expired session as such (exit 3), after printing and curating what was recovered', async () => {
      secondInvokeFails(awsError('ExpiredTokenException', 'The security token included in the request is expired'));
      const { code, stdout, stderr } = await run(['replay']);
      expect(code).toBe(EXIT.AWS_SETUP);
      expect(stdout.text()).toMatch(/│ replayed +│/);
      expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
      expect(stderr.text()).toContain(`error: The AWS session of the role ${ENGINEER_ROLE_ARN}`);
    });

    it('names the days to curate by hand when the job cannot be started either, and exits with the Invoke’s code', async () => {
      secondInvokeFails(awsError('TooManyRequestsException', 'Rate exceeded', 429));
      sfn.on(StartExecutionCommand).rejects(awsError('AccessDeniedException', 'not authorized', 400));
      const { code, stderr } = await run(['replay']);
      expect(code).toBe(EXIT.THROTTLED);
      expect(stderr.text()).toContain(
        'The curation job was not started for the recovered days: start it once the cause is fixed with trades curate --date 2026-03-09.',
      );
      expect(stderr.text()).toContain(`may not states:StartExecution on state machine ${CURATION_STATE_MACHINE_ARN}`);
    });
  });

  it('exits 4 naming s3:GetObjectTagging when the role may not read the tags', async () => {
    bucketHolds([{ key: OLD, at: '2026-03-09T10:00:01Z' }]);
    s3.on(GetObjectTaggingCommand).rejects(awsError('AccessDenied', 'Access Denied', 403));
    const { code, stderr } = await run(['replay']);
    expect(code).toBe(EXIT.ACCESS_DENIED);
    expect(stderr.text()).toContain(`may not s3:GetObjectTagging on s3://${FAILED_BATCH_BUCKET}/${OLD}`);
  });

  it('exits 3 and says how to sign in when there are no credentials', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      );
    const { code, stderr } = await run(['replay']);
    expect(code).toBe(EXIT.AWS_SETUP);
    expect(stderr.text()).toMatch(/^error: No AWS credentials for cloudformation:DescribeStacks: .*Sign in/);
    expect(sts.calls()).toHaveLength(0);
  });

  it('exits 3 on a stack deployed before the replay function existed', async () => {
    stackExists(cloudFormation, { ReplayFunctionName: undefined });
    const { code, stderr } = await run(['replay']);
    expect(code).toBe(EXIT.AWS_SETUP);
    expect(stderr.text()).toContain('has no output ReplayFunctionName: deploy the current version of the app');
    expect(sts.calls()).toEqual([]);
  });
});

describe('trades replay --dry-run', () => {
  it('lists the untagged records with their batch and whether the replay function would take them, invoking nothing', async () => {
    const event = eventOfThisStream([tradeJson(), tradeJson({ trade_id: 'T-2' })]);
    bucketHolds([
      {
        key: OLD,
        at: '2026-03-09T10:00:01Z',
        text: invocationRecord(event, { streamArn: STREAM_ARN, shardId: 'shardId-000000000006' }),
      },
      { key: DONE, at: '2026-03-10T10:00:01Z', replayedAt: '2026-03-10T12:00:00.000Z' },
      {
        key: NEW,
        at: '2026-03-11T10:00:01Z',
        text: invocationRecord(event, { streamArn: STREAM_ARN, payload: 'none', condition: 'RecordAgeExceeded' }),
      },
    ]);
    const { code, stdout, stderr } = await run(['replay', '--dry-run', '--format', 'json']);
    expect(code).toBe(EXIT.OK);
    expect(lambda.calls()).toEqual([]);
    const rows = JSON.parse(stdout.text());
    expect(rows.map((row: any) => [row.key, row.batch_size, row.condition, row.replayable.slice(0, 30)])).toEqual([
      [OLD, 2, 'RetryAttemptsExhausted', 'yes'],
      [NEW, 2, 'RecordAgeExceeded', 'no: it holds no payload, only '],
    ]);
    expect(stderr.text()).toContain('Dry run: 2 records of the failed-batch bucket');
  });

  it('does not need the replay function output (it invokes nothing)', async () => {
    stackExists(cloudFormation, { ReplayFunctionName: undefined });
    bucketHolds([]);
    expect((await run(['replay', '--dry-run'])).code).toBe(EXIT.OK);
  });
});
