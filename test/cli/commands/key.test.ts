import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListAliasesCommand,
} from '@aws-sdk/client-kms';
import { STSClient } from '@aws-sdk/client-sts';
import { confirm } from '@inquirer/prompts';
import { mockClient } from 'aws-sdk-client-mock';
import { EXIT } from '../../../cli/exit-codes';
import { runInTerminal } from '../environment';
import { AUDIT_KEY_ARN, DATA_KEY_ARN, stackExists } from '../operator-stack';
import { awsError } from '../support';

jest.mock('@inquirer/prompts', () => ({ confirm: jest.fn() }));
const confirmMock = confirm as unknown as jest.Mock;

const cloudFormation = mockClient(CloudFormationClient);
const sts = mockClient(STSClient);
const kms = mockClient(KMSClient);

/** Each key's state as KMS keeps it; DisableKey and EnableKey change it, as KMS would. */
let states: Record<string, string>;
const aliases: Record<string, string> = {
  [DATA_KEY_ARN]: 'alias/trading-data-key-dev',
  [AUDIT_KEY_ARN]: 'alias/trading-audit-key-dev',
};

function kmsHoldsTheKeys() {
  kms.on(DescribeKeyCommand).callsFake(({ KeyId }) => ({
    KeyMetadata: {
      KeyId,
      Arn: KeyId,
      KeyState: states[KeyId],
      Enabled: states[KeyId] === 'Enabled',
      DeletionDate: states[KeyId] === 'PendingDeletion' ? new Date('2026-04-15T00:00:00Z') : undefined,
    },
  }));
  kms.on(GetKeyRotationStatusCommand).callsFake(({ KeyId }) => ({
    KeyId,
    KeyRotationEnabled: true,
    RotationPeriodInDays: 365,
    NextRotationDate: new Date('2026-09-01T00:00:00Z'),
  }));
  kms
    .on(ListAliasesCommand)
    .callsFake(({ KeyId }) => ({ Aliases: [{ AliasName: aliases[KeyId], TargetKeyId: KeyId }] }));
  kms.on(DisableKeyCommand).callsFake(({ KeyId }) => {
    states[KeyId] = 'Disabled';
    return {};
  });
  kms.on(EnableKeyCommand).callsFake(({ KeyId }) => {
    states[KeyId] = 'Enabled';
    return {};
  });
}

const disabled = () => kms.commandCalls(DisableKeyCommand).map((call) => call.args[0].input.KeyId);
const enabled = () => kms.commandCalls(EnableKeyCommand).map((call) => call.args[0].input.KeyId);

const run = runInTerminal;

beforeEach(() => {
  for (const mock of [cloudFormation, sts, kms]) mock.reset();
  confirmMock.mockReset();
  states = { [DATA_KEY_ARN]: 'Enabled', [AUDIT_KEY_ARN]: 'Enabled' };
  stackExists(cloudFormation);
  kmsHoldsTheKeys();
});

describe('trades key runs with the caller own credentials, never a stack role', () => {
  it('assumes no role at all', async () => {
    const { code } = await run(['key', 'status']);
    expect(code).toBe(EXIT.OK);
    expect(sts.calls()).toEqual([]);
  });

  it('refuses --role-arn with a usage error, before any call', async () => {
    const { code, stderr } = await run([
      '--role-arn',
      'arn:aws:iam::111111111111:role/TradingDataLake-dev-DataEngineerRole-1A2B3C',
      'key',
      'disable',
      '--yes',
    ]);
    expect(code).toBe(EXIT.USAGE);
    expect(stderr.text()).toContain(
      'trades key runs with your own credentials as a key administrator, never as a role',
    );
    expect(kms.calls()).toEqual([]);
  });
});

describe('trades key status', () => {
  it("shows both keys' state, alias, rotation and the next rotation", async () => {
    const { code, stdout } = await run(['key', 'status', '--format', 'json']);
    expect(code).toBe(EXIT.OK);
    expect(JSON.parse(stdout.text())).toEqual([
      {
        key: 'data',
        alias: 'alias/trading-data-key-dev',
        state: 'Enabled',
        rotation: 'on, every 365 days',
        next_rotation: '2026-09-01',
        deletion_date: null,
        arn: DATA_KEY_ARN,
      },
      {
        key: 'audit',
        alias: 'alias/trading-audit-key-dev',
        state: 'Enabled',
        rotation: 'on, every 365 days',
        next_rotation: '2026-09-01',
        deletion_date: null,
        arn: AUDIT_KEY_ARN,
      },
    ]);
  });

  it('exits 1 on a disabled key, and shows a pending deletion with its date', async () => {
    states[DATA_KEY_ARN] = 'Disabled';
    states[AUDIT_KEY_ARN] = 'PendingDeletion';
    const { code, stdout, stderr } = await run(['key', 'status']);
    expect(code).toBe(EXIT.FAILED);
    expect(stdout.text()).toMatch(/│ audit │ alias\/trading-audit-key-dev │ PendingDeletion │ .* │ 2026-04-15 +│/);
    expect(stderr.text()).toContain(`error: the data key ${DATA_KEY_ARN} (alias/trading-data-key-dev) is Disabled`);
  });

  it('exits 4 naming the action and who administers the keys when the caller is not a key administrator', async () => {
    kms
      .on(DescribeKeyCommand)
      .rejects(awsError('AccessDeniedException', 'User is not authorized to perform: kms:DescribeKey', 400));
    const { code, stderr } = await run(['key', 'status', '--key', 'audit']);
    expect(code).toBe(EXIT.ACCESS_DENIED);
    expect(stderr.text()).toContain(
      `Access denied: your own credentials may not kms:DescribeKey on the audit key ${AUDIT_KEY_ARN}.`,
    );
    expect(stderr.text()).toContain(
      'Only the key administrators the key policy names may (cdk.json keyAdminPrincipals',
    );
  });

  it('exits 3 and says how to sign in when there are no credentials', async () => {
    kms
      .on(DescribeKeyCommand)
      .rejects(
        Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      );
    const { code, stderr } = await run(['key', 'status']);
    expect(code).toBe(EXIT.AWS_SETUP);
    expect(stderr.text()).toMatch(/^error: No AWS credentials for kms:DescribeKey: .*Sign in/);
  });

  it('exits 3 on a stack deployed before it named the audit key', async () => {
    stackExists(cloudFormation, { AuditKeyArn: undefined });
    const { code, stderr } = await run(['key', 'status']);
    expect(code).toBe(EXIT.AWS_SETUP);
    expect(stderr.text()).toContain('has no output AuditKeyArn');
  });
});

describe('trades key disable', () => {
  it('states the impact truthfully, asks, and disables the data key alone by default', async () => {
    confirmMock.mockResolvedValue(true);
    const { code, stderr, stdout } = await run(['key', 'disable'], true);
    expect(code).toBe(EXIT.OK);
    expect(confirmMock).toHaveBeenCalledWith(
      { message: 'Disable the data key now?', default: false },
      { output: expect.anything() },
    );
    expect(disabled()).toEqual([DATA_KEY_ARN]);
    const said = stderr.text();
    expect(said).toContain(
      `Disabling the data key ${DATA_KEY_ARN} (alias/trading-data-key-dev) stops everything it encrypts, at once:`,
    );
    expect(said).toContain('every PutRecords is refused (KMSDisabledException)');
    expect(said).toContain('The trade-writer fails on every batch');
    expect(said).toContain('Every Athena read of trades fails');
    expect(said).toContain(
      'after maxRecordAgeHours (24 h on this stack) Lambda gives up on them, and its on-failure write to the failed-batch bucket needs this same key: those records are lost. Keep the key disabled for less than 24 hours',
    );
    expect(said).toContain('Enable it again within 24 hours (trades key enable), or records on the stream are lost.');
    expect(stdout.text()).toMatch(/│ data +│ alias\/trading-data-key-dev │ Disabled │/);
  });

  it("reads maxRecordAgeHours from the stack's output", async () => {
    stackExists(cloudFormation, { MaxRecordAgeHours: '6' });
    const { stderr } = await run(['key', 'disable', '--yes']);
    expect(stderr.text()).toContain('after maxRecordAgeHours (6 h on this stack)');
  });

  it('assumes the default 24 hours, and says so, on a stack that does not output it', async () => {
    stackExists(cloudFormation, { MaxRecordAgeHours: undefined });
    const { stderr } = await run(['key', 'disable', '--yes']);
    expect(stderr.text()).toContain(
      'does not say its maxRecordAgeHours (output MaxRecordAgeHours); assuming the default, 24.',
    );
    expect(stderr.text()).toContain('(24 h on this stack)');
  });

  it('disables nothing when the answer is no, and exits 1', async () => {
    confirmMock.mockResolvedValue(false);
    const { code, stderr } = await run(['key', 'disable'], true);
    expect(code).toBe(EXIT.FAILED);
    expect(disabled()).toEqual([]);
    expect(stderr.text()).toContain('error: Not disabled: the disable was not confirmed.');
  });

  it('treats Ctrl+C at the question as no', async () => {
    confirmMock.mockRejectedValue(
      Object.assign(new Error('User force closed the prompt'), { name: 'ExitPromptError' }),
    );
    const { code } = await run(['key', 'disable'], true);
    expect(code).toBe(EXIT.FAILED);
    expect(disabled()).toEqual([]);
  });

  it('refuses to disable without a terminal to ask on, unless --yes', async () => {
    const { code, stderr } = await run(['key', 'disable']);
    expect(code).toBe(EXIT.USAGE);
    expect(confirmMock).not.toHaveBeenCalled();
    expect(disabled()).toEqual([]);
    expect(stderr.text()).toContain('pass --yes to disable without asking');
  });

  it('disables without asking with --yes, still stating the impact', async () => {
    const { code, stderr } = await run(['key', 'disable', '--yes']);
    expect(code).toBe(EXIT.OK);
    expect(confirmMock).not.toHaveBeenCalled();
    expect(disabled()).toEqual([DATA_KEY_ARN]);
    expect(stderr.text()).toContain('KMSDisabledException');
  });

  it('states what disabling the audit key blinds, and disables both with --key both', async () => {
    confirmMock.mockResolvedValue(true);
    const { code, stderr } = await run(['key', 'disable', '--key', 'both'], true);
    expect(code).toBe(EXIT.OK);
    expect(confirmMock.mock.calls[0][0].message).toBe('Disable the data and audit keys now?');
    expect(disabled()).toEqual([DATA_KEY_ARN, AUDIT_KEY_ARN]);
    expect(stderr.text()).toContain('CloudTrail cannot encrypt trail files');
    expect(stderr.text()).toContain(
      'The alarm topic cannot encrypt messages: alarms change state, and no one is notified.',
    );
  });

  it('leaves a key that is already disabled as it is, asking nothing', async () => {
    states[DATA_KEY_ARN] = 'Disabled';
    const { code, stderr } = await run(['key', 'disable'], true);
    expect(code).toBe(EXIT.OK);
    expect(confirmMock).not.toHaveBeenCalled();
    expect(disabled()).toEqual([]);
    expect(stderr.text()).toContain('is already disabled.');
  });

  it('refuses a key pending deletion, naming how to cancel it', async () => {
    states[DATA_KEY_ARN] = 'PendingDeletion';
    const { code, stderr } = await run(['key', 'disable', '--yes']);
    expect(code).toBe(EXIT.FAILED);
    expect(disabled()).toEqual([]);
    expect(stderr.text()).toContain(
      `is pending deletion (on 2026-04-15): cancel the deletion first (aws kms cancel-key-deletion --key-id ${DATA_KEY_ARN})`,
    );
  });

  it('exits 4 naming kms:DisableKey when the key policy does not name the caller', async () => {
    kms
      .on(DisableKeyCommand)
      .rejects(awsError('AccessDeniedException', 'not authorized to perform: kms:DisableKey', 400));
    const { code, stderr } = await run(['key', 'disable', '--yes']);
    expect(code).toBe(EXIT.ACCESS_DENIED);
    expect(stderr.text()).toContain(`may not kms:DisableKey on the data key ${DATA_KEY_ARN}`);
  });
});

describe('trades key enable', () => {
  it('enables a disabled data key and says what resumes', async () => {
    states[DATA_KEY_ARN] = 'Disabled';
    const { code, stderr, stdout } = await run(['key', 'enable']);
    expect(code).toBe(EXIT.OK);
    expect(enabled()).toEqual([DATA_KEY_ARN]);
    expect(stderr.text()).toContain('Batches it gave up on meanwhile are in the failed-batch bucket: trades replay.');
    expect(stdout.text()).toMatch(/│ data +│ alias\/trading-data-key-dev │ Enabled │/);
  });

  it('leaves an enabled key as it is', async () => {
    const { code, stderr } = await run(['key', 'enable', '--key', 'both']);
    expect(code).toBe(EXIT.OK);
    expect(enabled()).toEqual([]);
    expect(stderr.text()).toContain('is already enabled.');
  });

  it('refuses a key pending deletion', async () => {
    states[AUDIT_KEY_ARN] = 'PendingDeletion';
    const { code } = await run(['key', 'enable', '--key', 'audit']);
    expect(code).toBe(EXIT.FAILED);
    expect(enabled()).toEqual([]);
  });
});
