import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { EXIT } from '../../../cli/exit-codes';
import { runTrades } from '../../../cli/program';
import { ALARM_PREFIX, OUTPUTS, ROLES, roleOfCall, STATUS_METRICS, stackIsDeployed } from '../deployed-stack';
import { testEnvironment } from '../environment';
import { awsError } from '../support';

const cloudFormationMock = mockClient(CloudFormationClient);
const stsMock = mockClient(STSClient);
const cloudWatchMock = mockClient(CloudWatchClient);
const s3Mock = mockClient(S3Client);

const NOW = new Date('2026-03-16T18:00:30Z');
const AS_OF = new Date('2026-03-16T18:00:00Z');
const minutesAgo = (minutes: number) => new Date(AS_OF.getTime() - minutes * 60_000);

/** Datapoints by StatusMetrics key, newest first: [minutes before 18:00, value]. */
type Datapoints = Partial<Record<keyof typeof STATUS_METRICS, [number, number][]>>;

const BUSY_DAY: Datapoints = {
  iteratorAge: [
    [1, 400],
    [30, 1200],
    [600, 850],
  ],
  tradesWritten: [
    [1, 0],
    [3, 5],
    [30, 9995],
  ],
  recordsQuarantined: [[30, 12]],
  lateTrades: [[90, 3]],
};

/** GetMetricData answers each query by its Id (the StatusMetrics key) from `datapoints`. */
function metricsAre(datapoints: Datapoints, older: [number, number][] = []) {
  cloudWatchMock.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
    MetricDataResults: (input.MetricDataQueries ?? []).map(({ Id }): MetricDataResult => {
      const points = Id === 'older' ? older : (datapoints[Id as keyof Datapoints] ?? []);
      return {
        Id,
        StatusCode: 'Complete',
        Timestamps: points.map(([minutes]) => minutesAgo(minutes)),
        Values: points.map(([, value]) => value),
      };
    }),
  }));
}

function alarmsInAlarm(...names: string[]) {
  cloudWatchMock.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: names.map((AlarmName) => ({
      AlarmName,
      StateValue: 'ALARM',
      StateReason:
        'Threshold Crossed: 1 datapoint [12.0 (16/03/26 17:30:00)] was greater than or equal to the threshold (1.0).',
      StateUpdatedTimestamp: minutesAgo(29),
    })),
  });
}

/** The cells of each row of a table as `trades` draws it. */
function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('│'))
    .map((line) =>
      line
        .slice(1, -1)
        .split('│')
        .map((cell) => cell.trim()),
    );
}

async function run(args: string[]) {
  const test = testEnvironment(NOW);
  const code = await runTrades(args, test.env);
  return { ...test, code };
}

const metricCalls = () =>
  cloudWatchMock.commandCalls(GetMetricDataCommand).map((call) => call.args[0].input as GetMetricDataCommandInput);

beforeEach(() => {
  cloudFormationMock.reset();
  stsMock.reset();
  cloudWatchMock.reset();
  s3Mock.reset();
  stackIsDeployed(cloudFormationMock, stsMock);
  alarmsInAlarm();
});

describe('trades status', () => {
  it("reads the stack's StatusMetrics by the minute over the last 24 h, as the auditor, and lists no object", async () => {
    metricsAre(BUSY_DAY);
    const { code, stdout, stderr } = await run(['status']);
    expect(code).toBe(EXIT.OK);
    expect(stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn)).toEqual([ROLES.auditor]);
    for (const call of cloudWatchMock.calls()) expect(await roleOfCall(call)).toBe('auditor');
    expect(s3Mock.calls()).toHaveLength(0);

    const [day] = metricCalls();
    expect(day).toMatchObject({
      StartTime: new Date('2026-03-15T18:00:00Z'),
      EndTime: AS_OF,
      ScanBy: 'TimestampDescending',
    });
    expect(
      day?.MetricDataQueries?.map(({ Id, MetricStat }) => [
        Id,
        {
          namespace: MetricStat?.Metric?.Namespace,
          metricName: MetricStat?.Metric?.MetricName,
          dimensions: Object.fromEntries((MetricStat?.Metric?.Dimensions ?? []).map((d) => [d.Name, d.Value])),
          statistic: MetricStat?.Stat,
        },
        MetricStat?.Period,
      ]),
    ).toEqual(Object.entries(STATUS_METRICS).map(([key, metric]) => [key, metric, 60]));
    expect(metricCalls()).toHaveLength(1);
    expect(cloudWatchMock.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input).toEqual({
      AlarmNamePrefix: ALARM_PREFIX,
      StateValue: 'ALARM',
    });

    expect(tableRows(stdout.text())).toEqual([
      ['signal', 'last 24 h', 'detail'],
      ['stream iterator age (max)', '1.2 s', 'latest 400 ms, in the minute from 2026-03-16 17:59 UTC'],
      ['writer errors', '0', ''],
      ['writer throttles', '0', ''],
      ['objects the writer could not store', '0', ''],
      ['records quarantined', '12', 'trades query quarantine-by-reason --as engineer --date <day>'],
      [
        'trades dated before the curation window',
        '3',
        "no scheduled run merges them: trades curate --date <day>, the days in the writer's warning log",
      ],
      ['batches given up on (failed-batch bucket)', '0', ''],
      ['batches given up on and not recorded', '0', ''],
      ['records the stream throttled', '0', ''],
      ['trades written', '10,000', ''],
      [
        'newest trade object',
        '3 min ago',
        'written in the minute from 2026-03-16 17:57 UTC (from TradesWritten: the auditor reads no object)',
      ],
      ['alarms in ALARM', '0', ''],
    ]);
    // Numbers are right-aligned.
    expect(stdout.text()).toMatch(/│ +12 │/);
    expect(stderr.text()).toContain('Stack TradingDataLake-dev, the 24 hours to 2026-03-16T18:00:00.000Z.');
  });

  it('looks back 15 days by the hour for the newest trades when the last day wrote none', async () => {
    metricsAre({}, [[3 * 24 * 60 + 60, 40]]);
    const { code, stdout } = await run(['status', '--format', 'json']);
    expect(code).toBe(EXIT.OK);
    const [, older] = metricCalls();
    expect(older).toMatchObject({
      StartTime: new Date('2026-03-01T18:00:00Z'),
      EndTime: new Date('2026-03-15T18:00:00Z'),
    });
    expect(
      older?.MetricDataQueries?.map(({ Id, MetricStat }) => [Id, MetricStat?.Metric?.MetricName, MetricStat?.Period]),
    ).toEqual([['older', 'TradesWritten', 3600]]);
    const newest = JSON.parse(stdout.text()).find((line: { key: string }) => line.key === 'newestTradeObject');
    expect(newest).toEqual({
      key: 'newestTradeObject',
      signal: 'newest trade object',
      value: (3 * 24 + 1) * 3600,
      unit: 's',
      detail: 'written in the hour from 2026-03-13 17:00 UTC (from TradesWritten: the auditor reads no object)',
    });
  });

  it('says so when no trade was written in 15 days, and that the iterator age has no data', async () => {
    metricsAre({});
    const { stdout } = await run(['status', '--format', 'json']);
    const lines = JSON.parse(stdout.text());
    expect(lines.find((line: { key: string }) => line.key === 'newestTradeObject')).toMatchObject({
      value: null,
      detail: 'no trade written in the last 15 days (from TradesWritten: the auditor reads no object)',
    });
    expect(lines.find((line: { key: string }) => line.key === 'iteratorAge')).toMatchObject({ value: null });
  });

  it('prints numbers and units as JSON for scripts', async () => {
    metricsAre(BUSY_DAY);
    const { stdout } = await run(['status', '--format', 'json']);
    const byKey = Object.fromEntries(
      JSON.parse(stdout.text()).map((line: { key: string; value: unknown; unit: string }) => [
        line.key,
        [line.value, line.unit],
      ]),
    );
    expect(byKey).toMatchObject({
      iteratorAge: [1200, 'ms'],
      recordsQuarantined: [12, 'count'],
      lateTrades: [3, 'count'],
      tradesWritten: [10000, 'count'],
      newestTradeObject: [180, 's'],
      alarmsInAlarm: [0, 'count'],
    });
  });

  it('lists every alarm of the stage in ALARM, with since when and why, and exits with 1', async () => {
    metricsAre(BUSY_DAY);
    alarmsInAlarm('TradingDataLake-dev-TradeWriter-RecordsQuarantined-Warning');
    const { code, stdout, stderr } = await run(['status', '--format', 'csv']);
    expect(code).toBe(EXIT.FAILED);
    expect(stdout.text()).toContain(
      'alarmsInAlarm,alarms in ALARM,1,count,each below; docs/monitoring.md says what to do\r\n',
    );
    expect(stdout.text()).toContain(
      'alarm,TradingDataLake-dev-TradeWriter-RecordsQuarantined-Warning,ALARM,,since 2026-03-16 17:31 UTC: Threshold Crossed: 1 datapoint [12.0 (16/03/26 17:30:00)] was greater than or equal to the threshold (1.0).\r\n',
    );
    expect(stderr.text()).toContain(
      'error: 1 alarm in ALARM: TradingDataLake-dev-TradeWriter-RecordsQuarantined-Warning.\n',
    );
  });

  it("shortens an alarm's long reason in the table, and keeps it whole in JSON", async () => {
    metricsAre(BUSY_DAY);
    const reason = `Threshold Crossed: ${'x'.repeat(200)}`;
    cloudWatchMock.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [{ AlarmName: 'TradingDataLake-dev-X-Warning', StateValue: 'ALARM', StateReason: reason }],
    });
    const table = await run(['status']);
    const [, , detail] = tableRows(table.stdout.text()).at(-1) ?? [];
    expect(detail).toHaveLength(110);
    expect(detail?.endsWith('…')).toBe(true);
    const json = await run(['status', '--format', 'json']);
    expect(JSON.parse(json.stdout.text()).at(-1).detail).toBe(reason);
  });

  it('adds up every page GetMetricData returns', async () => {
    cloudWatchMock
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [{ Id: 'tradesWritten', Timestamps: [minutesAgo(2)], Values: [7] }],
        NextToken: 'more',
      })
      .resolves({ MetricDataResults: [{ Id: 'tradesWritten', Timestamps: [minutesAgo(90)], Values: [3] }] });
    const { stdout } = await run(['status', '--format', 'json']);
    const written = JSON.parse(stdout.text()).find((line: { key: string }) => line.key === 'tradesWritten');
    expect(written.value).toBe(10);
    expect(metricCalls()).toHaveLength(2);
  });
});

describe('trades status: errors a person can act on', () => {
  it('names cloudwatch:GetMetricData and the auditor role when the role may not read metrics (exit 4)', async () => {
    cloudWatchMock.on(GetMetricDataCommand).rejects(awsError('AccessDenied', 'not authorized', 403));
    const { code, stderr } = await run(['status']);
    expect(code).toBe(EXIT.ACCESS_DENIED);
    expect(stderr.text()).toContain(
      `error: Access denied: the role ${ROLES.auditor} (stack output AuditorRoleArn) may not cloudwatch:GetMetricData on the pipeline metrics.`,
    );
  });

  it('names cloudwatch:DescribeAlarms and the prefix when the role may not read the alarms (exit 4)', async () => {
    metricsAre(BUSY_DAY);
    cloudWatchMock.on(DescribeAlarmsCommand).rejects(awsError('AccessDenied', 'not authorized', 403));
    const { code, stderr } = await run(['status']);
    expect(code).toBe(EXIT.ACCESS_DENIED);
    expect(stderr.text()).toContain(`may not cloudwatch:DescribeAlarms on alarms ${ALARM_PREFIX}*.`);
  });

  it('says CloudWatch throttled it beyond the retries (exit 5)', async () => {
    cloudWatchMock.on(GetMetricDataCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    const { code } = await run(['status']);
    expect(code).toBe(EXIT.THROTTLED);
  });

  it.each([
    ['lacks StatusMetrics', { StatusMetrics: undefined }, 'has no output StatusMetrics'],
    ['lacks AlarmNamePrefix', { AlarmNamePrefix: undefined }, 'has no output AlarmNamePrefix'],
    [
      'has a StatusMetrics without tradesWritten',
      { StatusMetrics: JSON.stringify({ ...STATUS_METRICS, tradesWritten: undefined }) },
      'output StatusMetrics is not what this version of trades reads (tradesWritten): deploy the current version of the app',
    ],
    ['has a StatusMetrics that is not JSON', { StatusMetrics: '{' }, 'is not what this version of trades reads'],
  ])('tells a stack that %s to redeploy (exit 3), before any CloudWatch call', async (_, change, message) => {
    const outputs = Object.fromEntries(
      Object.entries({ ...OUTPUTS, ...change }).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    stackIsDeployed(cloudFormationMock, stsMock, outputs);
    const { code, stderr } = await run(['status']);
    expect(code).toBe(EXIT.AWS_SETUP);
    expect(stderr.text()).toContain(message);
    expect(cloudWatchMock.calls()).toHaveLength(0);
  });
});
