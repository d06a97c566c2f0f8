import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  type PutRecordsCommandInput,
} from '@aws-sdk/client-kinesis';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { deaggregateSync, type UserRecord } from 'aws-kinesis-agg';
import { mockClient } from 'aws-sdk-client-mock';
import { EXIT } from '../../../cli/exit-codes';
import { generateTrades } from '../../../cli/produce/generate-trades';
import { hashKeyOf, shardOwning } from '../../../cli/produce/shards';
import { runTrades } from '../../../cli/program';
import { createTradeValidator } from '../../../schema/validation/validate-trade';
import { testEnvironment } from '../environment';
import {
  ASSUMED_CREDENTIALS,
  awsError,
  DEV_STACK_OUTPUTS,
  evenShards,
  PRODUCER_ROLE_ARN,
  STREAM_NAME,
  shardRanges,
} from '../support';

const cloudFormationMock = mockClient(CloudFormationClient);
const stsMock = mockClient(STSClient);
const kinesisMock = mockClient(KinesisClient);
const now = new Date('2026-03-16T18:00:00Z');

function stackExists(outputs = DEV_STACK_OUTPUTS) {
  cloudFormationMock.on(DescribeStacksCommand).callsFake(({ StackName }) => ({
    Stacks: [{ StackName, CreationTime: now, StackStatus: 'CREATE_COMPLETE', Outputs: outputs }],
  }));
}

function streamAcceptsEverything() {
  kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
    FailedRecordCount: 0,
    Records: input.Records!.map((_, i) => ({ SequenceNumber: String(i), ShardId: 'shardId-000000000000' })),
  }));
}

function putRecordsInputs(): PutRecordsCommandInput[] {
  return kinesisMock.commandCalls(PutRecordsCommand).map((call) => call.args[0].input as PutRecordsCommandInput);
}

async function run(args: string[]) {
  const test = testEnvironment(now);
  const code = await runTrades(args, test.env);
  return { ...test, code };
}

beforeEach(() => {
  cloudFormationMock.reset();
  stsMock.reset();
  kinesisMock.reset();
  stsMock.on(AssumeRoleCommand).resolves({ Credentials: ASSUMED_CREDENTIALS });
});

describe('trades produce --dry-run', () => {
  const args = ['produce', '--dry-run', '--count', '400', '--seed', '9', '--invalid-ratio', '0.2'];
  const options = { count: 400, seed: 9, invalidRatio: 0.2, corrections: 0, duplicates: 0, now };

  it("writes JSON Lines that the writer's validator judges as the generator intended", async () => {
    const { code, stdout } = await run([...args, '--corrections', '0.2', '--duplicates', '0.05']);
    expect(code).toBe(EXIT.OK);
    const lines = stdout.bytes().toString('latin1').split('\n');
    expect(lines.pop()).toBe('');
    const generated = generateTrades({ ...options, corrections: 0.2, duplicates: 0.05 });
    expect(lines).toHaveLength(400);
    const validator = createTradeValidator();
    const verdicts = lines.map((line) => validator.validate(Buffer.from(line, 'latin1'), now));
    expect(verdicts).toEqual(generated.records.map((record) => record.intended));
    expect(verdicts.filter((verdict) => verdict.ok)).toHaveLength(320);
    expect(new Set(verdicts.flatMap((verdict) => (verdict.ok ? [] : [verdict.reason]))).size).toBe(7);
  });

  it('needs no AWS: no credentials, no stack, no call', async () => {
    const { code, clientSettings, stderr } = await run(args);
    expect(code).toBe(EXIT.OK);
    expect(clientSettings).toEqual([]);
    expect(cloudFormationMock.calls()).toHaveLength(0);
    expect(stsMock.calls()).toHaveLength(0);
    expect(kinesisMock.calls()).toHaveLength(0);
    expect(stderr.text()).toBe('400 records (seed 9): 320 valid events of 320 trades, 0 duplicates, 80 invalid.\n');
  });
});

describe('trades produce', () => {
  it("finds the stream in the stack's outputs and sends as the producer role it assumes", async () => {
    stackExists();
    streamAcceptsEverything();
    const { code, stdout, stderr, kinesisCredentials } = await run(['produce', '--count', '1200', '--seed', '4']);
    expect(code).toBe(EXIT.OK);
    expect(cloudFormationMock.commandCalls(DescribeStacksCommand)[0].args[0].input).toEqual({
      StackName: 'TradingDataLake-dev',
    });
    const assume = stsMock.commandCalls(AssumeRoleCommand)[0].args[0].input;
    expect(assume.RoleArn).toBe(PRODUCER_ROLE_ARN);
    expect(assume.RoleSessionName).toMatch(/^trades-produce-/);
    const identities = await Promise.all(kinesisCredentials.map((c) => (typeof c === 'function' ? c() : c)));
    expect(identities).toEqual([
      {
        accessKeyId: ASSUMED_CREDENTIALS.AccessKeyId,
        secretAccessKey: ASSUMED_CREDENTIALS.SecretAccessKey,
        sessionToken: ASSUMED_CREDENTIALS.SessionToken,
        expiration: ASSUMED_CREDENTIALS.Expiration,
      },
    ]);
    const inputs = putRecordsInputs();
    expect(inputs.map((input) => input.StreamName)).toEqual([STREAM_NAME, STREAM_NAME, STREAM_NAME]);
    expect(inputs.map((input) => input.Records!.length)).toEqual([500, 500, 200]);
    const sent = inputs.flatMap((input) => input.Records!.map((r) => Buffer.from(r.Data!).toString()));
    expect(sent).toEqual(generateTrades({ count: 1200, seed: 4, now }).records.map((r) => r.data.toString()));
    expect(inputs[0].Records![0].PartitionKey).toBe(JSON.parse(sent[0]).trade_id);
    expect(stderr.text()).toContain(
      `Sending 1200 user records in 1200 Kinesis records to stream ${STREAM_NAME} as the role ${PRODUCER_ROLE_ARN} (stack output ProducerRoleArn); seed 4.`,
    );
    expect(stdout.text()).toMatch(/│ sent +│ +1200 │/);
    expect(stdout.text()).toMatch(/│ failed +│ +0 │/);
  });

  it('prints the summary as JSON for scripts', async () => {
    stackExists();
    streamAcceptsEverything();
    const { stdout } = await run([
      'produce',
      '--count',
      '50',
      '--seed',
      '4',
      '--corrections',
      '0.2',
      '--format',
      'json',
    ]);
    expect(JSON.parse(stdout.text())).toMatchObject({
      seed: 4,
      trades: 40,
      valid_events: 50,
      corrections: expect.any(Number),
      user_records: 50,
      kinesis_records: 50,
      sent: 50,
      retried: 0,
      failed: 0,
      requests: 1,
    });
  });

  it('names the stack from --stage and --stack, and passes --profile and --region to the clients', async () => {
    stackExists();
    streamAcceptsEverything();
    const prod = await run([
      '--stage',
      'prod',
      '--profile',
      'ops',
      '--region',
      'eu-central-1',
      'produce',
      '--count',
      '1',
    ]);
    expect(prod.code).toBe(EXIT.OK);
    expect(prod.clientSettings).toEqual([{ profile: 'ops', region: 'eu-central-1' }]);
    await run(['produce', '--count', '1', '--stack', 'MyLake']);
    expect(cloudFormationMock.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input.StackName)).toEqual([
      'TradingDataLake-prod',
      'MyLake',
    ]);
  });

  it("assumes --role-arn instead of the stack's producer role", async () => {
    stackExists();
    streamAcceptsEverything();
    const other = 'arn:aws:iam::222222222222:role/trading-systems';
    const { code, stderr } = await run(['--role-arn', other, 'produce', '--count', '1']);
    expect(code).toBe(EXIT.OK);
    expect(stsMock.commandCalls(AssumeRoleCommand)[0].args[0].input.RoleArn).toBe(other);
    expect(stderr.text()).toContain(`as the role ${other} (--role-arn)`);
  });

  it('sends KPL aggregates by shard with --aggregate, every trade on the shard its key hashes to', async () => {
    stackExists();
    streamAcceptsEverything();
    kinesisMock.on(ListShardsCommand).resolves({ Shards: evenShards(2) });
    const { code, stdout } = await run([
      'produce',
      '--count',
      '2000',
      '--seed',
      '2',
      '--aggregate',
      '--format',
      'json',
    ]);
    expect(code).toBe(EXIT.OK);
    expect(kinesisMock.commandCalls(ListShardsCommand)[0].args[0].input).toEqual({ StreamName: STREAM_NAME });
    const shards = shardRanges(2);
    const records = putRecordsInputs().flatMap((input) => input.Records!);
    const trades: string[] = [];
    for (const record of records) {
      const shard = shardOwning(shards, BigInt(record.ExplicitHashKey!));
      deaggregateSync(
        {
          kinesisSchemaVersion: '1.0',
          partitionKey: record.PartitionKey!,
          sequenceNumber: '1',
          data: Buffer.from(record.Data!).toString('base64'),
          approximateArrivalTimestamp: 0,
        },
        true,
        (error, users?: UserRecord[]) => {
          if (error) throw error;
          for (const user of users!) {
            expect(shardOwning(shards, hashKeyOf(user.partitionKey))).toBe(shard);
            trades.push(Buffer.from(user.data, 'base64').toString());
          }
        },
      );
    }
    expect(trades.sort()).toEqual(
      generateTrades({ count: 2000, seed: 2, now })
        .records.map((r) => r.data.toString())
        .sort(),
    );
    const summary = JSON.parse(stdout.text());
    expect(summary).toMatchObject({ user_records: 2000, sent: 2000, kinesis_records: records.length });
    expect(records.length).toBeLessThan(40);
  });
});

describe('trades produce --rate: a rate sendRecords cannot keep is a usage error, before any AWS call', () => {
  it.each(['0.0005', '0', '2000000000', '-5', '1e3', 'fast'])(
    'refuses --rate %s (exit 2), naming the option, the value and the range',
    async (rate) => {
      stackExists();
      streamAcceptsEverything();
      const { code, stderr } = await run(['produce', '--count', '10', '--rate', rate]);
      expect(code).toBe(EXIT.USAGE);
      expect(stderr.text()).toBe(
        `error: option '--rate <r>' argument '${rate}' is invalid. Give a number of user records per second from 0.001 to 1000000000.\n(add --help for usage)\n`,
      );
      expect(cloudFormationMock.calls()).toHaveLength(0);
      expect(stsMock.calls()).toHaveLength(0);
      expect(kinesisMock.calls()).toHaveLength(0);
    },
  );

  it.each<[string, (longestSleep: number) => void]>([
    // At 0.001 a second, each record after the first waits 1,000 s (the test's sleeps are instant).
    ['0.001', (longestSleep) => expect(longestSleep).toBeGreaterThan(999_000)],
    ['1000000000', (longestSleep) => expect(longestSleep).toBeLessThan(1)],
  ])('takes --rate %s, an end of the range, and sends at it', async (rate, checkPace) => {
    stackExists();
    streamAcceptsEverything();
    const { code, sleeps } = await run(['produce', '--count', '3', '--rate', rate, '--format', 'json']);
    expect(code).toBe(EXIT.OK);
    expect(putRecordsInputs().flatMap((input) => input.Records)).toHaveLength(3);
    checkPace(Math.max(0, ...sleeps));
  });
});

describe('trades produce: errors a person can act on', () => {
  it('says there are no credentials (exit 3)', async () => {
    cloudFormationMock
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      );
    const { code, stderr } = await run(['produce', '--count', '1']);
    expect(code).toBe(EXIT.AWS_SETUP);
    expect(stderr.text()).toBe(
      'error: No AWS credentials for cloudformation:DescribeStacks: Could not load credentials from any providers. Sign in (aws configure, aws sso login) or name a profile with --profile.\n',
    );
  });

  it('says the stack was not found (exit 3)', async () => {
    cloudFormationMock
      .on(DescribeStacksCommand)
      .rejects(awsError('ValidationError', 'Stack with id TradingDataLake-dev does not exist'));
    const { code, stderr } = await run(['produce', '--count', '1']);
    expect(code).toBe(EXIT.AWS_SETUP);
    expect(stderr.text()).toMatch(/^error: Stack TradingDataLake-dev not found in eu-west-1: deploy it/);
    expect(stsMock.calls()).toHaveLength(0);
  });

  it('names sts:AssumeRole and the producer role when the caller may not assume it (exit 4)', async () => {
    stackExists();
    stsMock
      .on(AssumeRoleCommand)
      .rejects(awsError('AccessDenied', 'is not authorized to perform: sts:AssumeRole', 403));
    const { code, stderr } = await run(['produce', '--count', '1']);
    expect(code).toBe(EXIT.ACCESS_DENIED);
    expect(stderr.text()).toContain(
      `error: Access denied: your own credentials may not sts:AssumeRole on ${PRODUCER_ROLE_ARN}.`,
    );
    expect(kinesisMock.calls()).toHaveLength(0);
  });

  it('names kinesis:PutRecords and the role when the role may not put (exit 4), after the summary', async () => {
    stackExists();
    kinesisMock
      .on(PutRecordsCommand)
      .rejects(awsError('AccessDeniedException', 'is not authorized to perform: kinesis:PutRecords', 403));
    const { code, stderr, stdout } = await run(['produce', '--count', '3', '--format', 'json']);
    expect(code).toBe(EXIT.ACCESS_DENIED);
    expect(stderr.text()).toContain(
      `error: Access denied: the role ${PRODUCER_ROLE_ARN} (stack output ProducerRoleArn) may not kinesis:PutRecords on stream ${STREAM_NAME}.`,
    );
    expect(JSON.parse(stdout.text())).toMatchObject({ sent: 0, failed: 3 });
    expect(putRecordsInputs()).toHaveLength(1);
  });

  it('says the stream is throttled after bounded retries, and how to send slower (exit 5)', async () => {
    stackExists();
    kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      FailedRecordCount: input.Records!.length,
      Records: input.Records!.map(() => ({
        ErrorCode: 'ProvisionedThroughputExceededException',
        ErrorMessage: 'Rate exceeded for shard shardId-000000000000',
      })),
    }));
    const { code, stderr, sleeps, stdout } = await run(['produce', '--count', '10', '--format', 'json']);
    expect(code).toBe(EXIT.THROTTLED);
    expect(stderr.text()).toContain(
      `error: 10 of 10 records were not accepted after 8 attempts: stream ${STREAM_NAME} is throttled (ProvisionedThroughputExceededException × 10). Send slower (--rate)`,
    );
    expect(putRecordsInputs()).toHaveLength(8);
    expect(sleeps).toHaveLength(7);
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(5000);
    expect(JSON.parse(stdout.text())).toMatchObject({ sent: 0, failed: 10, retried: 70 });
  });

  it('counts a request throttled as a whole, by Kinesis or by KMS, as throttling (exit 5)', async () => {
    stackExists();
    kinesisMock
      .on(PutRecordsCommand)
      .rejectsOnce(awsError('ProvisionedThroughputExceededException', 'Rate exceeded for stream'))
      .rejects(awsError('KMSThrottlingException', 'Rate exceeded for the key'));
    const { code, stderr } = await run(['produce', '--count', '3']);
    expect(code).toBe(EXIT.THROTTLED);
    expect(stderr.text()).toContain('is throttled (KMSThrottlingException × 3)');
  });

  it('says a stream being resharded cannot be aggregated for, and sends nothing (exit 1)', async () => {
    stackExists();
    const [first, , third] = evenShards(3);
    kinesisMock.on(ListShardsCommand).resolves({ Shards: [first, third] });
    const { code, stderr } = await run(['produce', '--count', '200', '--aggregate']);
    expect(code).toBe(EXIT.FAILED);
    expect(stderr.text()).toMatch(
      /^error: Cannot aggregate for stream trading-data-lake-dev-trades: no open shard owns hash key \d+: the stream is being resharded; try again\.\n$/,
    );
    expect(putRecordsInputs()).toEqual([]);
  });

  it('says which records failed for another reason (exit 1)', async () => {
    stackExists();
    kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      FailedRecordCount: 1,
      Records: input.Records!.map((_, i) =>
        i === 0 ? { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' } : { SequenceNumber: '1' },
      ),
    }));
    const { code, stderr } = await run(['produce', '--count', '2']);
    expect(code).toBe(EXIT.FAILED);
    expect(stderr.text()).toContain('error: 1 of 2 records were not accepted after 8 attempts (InternalFailure × 1).');
  });

  it('says the data key is disabled when Kinesis cannot encrypt (exit 1)', async () => {
    stackExists();
    kinesisMock.on(PutRecordsCommand).rejects(awsError('KMSDisabledException', 'key is disabled'));
    const { code, stderr } = await run(['produce', '--count', '2']);
    expect(code).toBe(EXIT.FAILED);
    expect(stderr.text()).toContain('the KMS key of stream trading-data-lake-dev-trades is disabled');
  });

  it('names the missing output of a stack deployed from an older version (exit 3)', async () => {
    stackExists([{ OutputKey: 'StreamName', OutputValue: STREAM_NAME }]);
    const { code, stderr } = await run(['produce', '--count', '1']);
    expect(code).toBe(EXIT.AWS_SETUP);
    expect(stderr.text()).toContain('Stack TradingDataLake-dev has no output ProducerRoleArn');
  });
});
