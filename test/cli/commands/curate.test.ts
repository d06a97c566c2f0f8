import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { EXIT } from '../../../cli/exit-codes';
import { runTrades } from '../../../cli/program';
import type { CurationRunOutput } from '../../../schema/curation/run-contract';
import { testEnvironment } from '../environment';
import { CURATION_STATE_MACHINE_ARN, ENGINEER_ROLE_ARN, stackExists } from '../operator-stack';
import { ASSUMED_CREDENTIALS, awsError } from '../support';

const cloudFormation = mockClient(CloudFormationClient);
const sts = mockClient(STSClient);
const sfn = mockClient(SFNClient);
const EXECUTION_ARN = `${CURATION_STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:curate-1`;

const CURATED: CurationRunOutput = {
  outcome: 'CURATED',
  days: ['2026-03-09', '2026-03-10'],
  reconciliation: [
    { day: '2026-03-09', rawTrades: 120, curatedTrades: 120, duplicateRows: 0, unreconciledTrades: 0 },
    { day: '2026-03-10', rawTrades: 80, curatedTrades: 80, duplicateRows: 0, unreconciledTrades: 0 },
  ],
  vacuumed: false,
  watermark: '2026-03-16T17:45:00.000Z',
};

async function run(args: string[]) {
  const test = testEnvironment();
  const code = await runTrades(args, test.env);
  return { ...test, code };
}

const startInputs = () => sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);

/** DescribeExecution answers RUNNING `running` times, then `last`. */
function executionEnds(last: Record<string, unknown>, running = 1) {
  let calls = 0;
  sfn.on(DescribeExecutionCommand).callsFake(() => {
    calls += 1;
    return calls <= running ? { status: 'RUNNING' } : last;
  });
}

beforeEach(() => {
  for (const mock of [cloudFormation, sts, sfn]) mock.reset();
  stackExists(cloudFormation);
  sts.on(AssumeRoleCommand).resolves({ Credentials: ASSUMED_CREDENTIALS });
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date() });
});

describe('trades curate', () => {
  it('starts the curation job for the given days as the data engineer, with the run contract as input', async () => {
    const { code, stderr } = await run([
      'curate',
      '--date',
      '2026-03-10',
      '--date',
      '2026-03-09',
      '--date',
      '2026-03-10',
    ]);
    expect(code).toBe(EXIT.OK);
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({
      RoleArn: ENGINEER_ROLE_ARN,
      RoleSessionName: expect.stringMatching(/^trades-curate-/),
    });
    expect(startInputs()).toEqual([
      {
        stateMachineArn: CURATION_STATE_MACHINE_ARN,
        name: expect.stringMatching(/^curate-20260316T180000Z-[0-9a-f]{8}$/),
        input: JSON.stringify({ days: ['2026-03-09', '2026-03-10'] }),
      },
    ]);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
    expect(stderr.text()).toContain(`Started the curation job for 2026-03-09, 2026-03-10 (execution ${EXECUTION_ARN})`);
  });

  it('starts a run like the schedule’s ({}) when no day is given', async () => {
    expect((await run(['curate'])).code).toBe(EXIT.OK);
    expect(startInputs()[0]?.input).toBe('{}');
  });

  it('refuses a day the raw table cannot hold before starting anything', async () => {
    const { code, stderr } = await run(['curate', '--date', '2019-12-31']);
    expect(code).toBe(EXIT.USAGE);
    expect(stderr.text()).toContain('The curation job was not started: days[0] "2019-12-31"');
    expect(startInputs()).toHaveLength(0);
  });

  it('refuses a date that is not YYYY-MM-DD as a usage error', async () => {
    const { code } = await run(['curate', '--date', '2026-3-9']);
    expect(code).toBe(EXIT.USAGE);
    expect(startInputs()).toHaveLength(0);
  });

  it('with --wait, follows the run and prints each day’s reconciliation', async () => {
    executionEnds({ status: 'SUCCEEDED', output: JSON.stringify(CURATED) }, 2);
    const { code, stdout, stderr, sleeps } = await run(['curate', '--date', '2026-03-09', '--wait']);
    expect(code).toBe(EXIT.OK);
    expect(sfn.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { executionArn: EXECUTION_ARN },
      { executionArn: EXECUTION_ARN },
      { executionArn: EXECUTION_ARN },
    ]);
    expect(sleeps).toEqual([2000, 3000]);
    expect(stdout.text()).toMatch(/│ 2026-03-09 │ +120 │ +120 │ +0 │ +0 │/);
    expect(stderr.text()).toContain(
      'Curated 2 days; the next run looks for raw objects modified after 2026-03-16T17:45:00.000Z.',
    );
  });

  it('exits 1 when a merged day does not reconcile, naming the day', async () => {
    const unreconciled: CurationRunOutput = {
      ...CURATED,
      reconciliation: [
        { day: '2026-03-09', rawTrades: 120, curatedTrades: 118, duplicateRows: 0, unreconciledTrades: 2 },
      ],
    };
    executionEnds({ status: 'SUCCEEDED', output: JSON.stringify(unreconciled) });
    const { code, stderr } = await run(['curate', '--date', '2026-03-09', '--wait', '--format', 'json']);
    expect(code).toBe(EXIT.FAILED);
    expect(stderr.text()).toContain('2026-03-09 did not reconcile');
    expect(stderr.text()).toContain('every later run merges and counts it again until it does');
  });

  it('exits 1 when a run without --date met another run in progress and skipped (runs never overlap)', async () => {
    executionEnds({
      status: 'SUCCEEDED',
      output: JSON.stringify({ outcome: 'SKIPPED', reason: 'another run is in progress' }),
    });
    const { code, stderr } = await run(['curate', '--wait']);
    expect(code).toBe(EXIT.FAILED);
    expect(stderr.text()).toContain('The run did nothing (another run is in progress).');
    expect(stderr.text()).toContain('name days with --date for a run that waits for the other one instead');
  });

  it('says a run with --date waits for a run in progress instead of skipping, and fails rather than drop its days', async () => {
    const { code, stderr } = await run(['curate', '--date', '2026-03-09']);
    expect(code).toBe(EXIT.OK);
    expect(stderr.text()).toContain(
      'If another curation run is in progress, this one waits for it (checking every 5 minutes, for up to 3 hours)',
    );
    expect(stderr.text()).toContain('ends FAILED with error OtherCurationRunStillInProgress');
    // A run like the schedule's skips instead: no such note.
    const scheduled = await run(['curate']);
    expect(scheduled.stderr.text()).not.toContain('waits for it');
  });

  it('exits 1 saying the days were not merged when the run gave up waiting for another run', async () => {
    executionEnds({
      status: 'FAILED',
      error: 'OtherCurationRunStillInProgress',
      cause: 'another curation run was still in progress 3 hours after this one started',
    });
    const { code, stderr } = await run(['curate', '--date', '2026-03-09', '--wait']);
    expect(code).toBe(EXIT.FAILED);
    expect(stderr.text()).toContain('ended FAILED: OtherCurationRunStillInProgress');
    expect(stderr.text()).toContain('merged nothing: start it again once that run ends');
  });

  it('exits 1 with Step Functions’ error and cause when the run failed', async () => {
    executionEnds({ status: 'FAILED', error: 'Athena.InvalidRequestException', cause: 'MERGE failed' });
    const { code, stderr } = await run(['curate', '--wait']);
    expect(code).toBe(EXIT.FAILED);
    expect(stderr.text()).toContain('ended FAILED: Athena.InvalidRequestException (MERGE failed)');
    expect(stderr.text()).toContain('curated.trades stays at its last commit');
  });

  it('names the action and the role when the data engineer may not start the job', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(awsError('AccessDeniedException', 'not authorized to perform: states:StartExecution'));
    const { code, stderr } = await run(['curate']);
    expect(code).toBe(EXIT.ACCESS_DENIED);
    expect(stderr.text()).toContain('states:StartExecution');
    expect(stderr.text()).toContain(ENGINEER_ROLE_ARN);
  });

  it('says so when the stack has no curation job', async () => {
    stackExists(cloudFormation, { CurationStateMachineArn: undefined });
    const { code, stderr } = await run(['curate']);
    expect(code).not.toBe(EXIT.OK);
    expect(stderr.text()).toContain('CurationStateMachineArn');
    expect(startInputs()).toHaveLength(0);
  });
});
