import { Match } from 'aws-cdk-lib/assertions';
import { CURATION_BYTES_SCANNED_CUTOFF } from '../../lib/curated-zone/curated-zone';
import { heartbeatWindow } from '../../lib/curated-zone/schedule-heartbeat';
import { synthesizedAlarms } from '../monitoring/support/alarms';
import { PROD_PRINCIPALS, synthApp, TEST_ENV } from '../support/app';
import {
  actionsOf,
  asArray,
  bucketPolicyStatements,
  getAttArn,
  identityStatements,
  keyPolicyStatements,
  logicalIdOf,
  resourceProps,
  type TemplateStatement,
} from '../support/template';

const { stack, template } = synthApp();
const { curated } = stack;
const json = template.toJSON();
const ids = {
  bucket: logicalIdOf(curated.bucket),
  key: logicalIdOf(stack.dataKey.key),
  role: logicalIdOf(curated.curationRole),
  planner: logicalIdOf(curated.plannerRole),
  scheduler: logicalIdOf(curated.schedulerRole),
  stateMachine: logicalIdOf(curated.stateMachine),
  results: logicalIdOf(curated.workGroup.resultsBucket),
  lake: logicalIdOf(stack.lake.bucket),
};
const STATE_MACHINE_ARN = `arn:aws:states:${TEST_ENV.region}:${TEST_ENV.account}:stateMachine:trading-data-lake-dev-curation`;

/** A statement's actions, resources and conditions as one comparable record. */
const summary = (statement: TemplateStatement) => ({
  actions: actionsOf(statement).sort(),
  // Sorted: CDK merges statements that differ only in resources, in an order of its own.
  resources: asArray(statement.Resource as unknown[]).sort((a, b) =>
    JSON.stringify(a).localeCompare(JSON.stringify(b)),
  ),
  ...(statement.Condition ? { conditions: statement.Condition } : {}),
});
const objectsOf = (logicalId: string, suffix: string) => ({
  'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId, 'Arn'] }, `/${suffix}`]],
});

describe('the curated bucket', () => {
  const bucket = resourceProps(template, ids.bucket);

  it('encrypts with the data key and a Bucket Key by default', () => {
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      {
        BucketKeyEnabled: true,
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: getAttArn(ids.key) },
      },
    ]);
  });

  it('is versioned, expires old versions and incomplete uploads, and never has Object Lock', () => {
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.LifecycleConfiguration.Rules).toContainEqual({
      Id: 'ExpireNoncurrentVersions',
      Status: 'Enabled',
      NoncurrentVersionExpiration: { NoncurrentDays: 7 },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    });
    expect(bucket.ObjectLockEnabled).toBeUndefined();
    expect(bucket.ObjectLockConfiguration).toBeUndefined();
    expect(bucket.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.LoggingConfiguration.LogFilePrefix).toBe('curated/');
  });

  it('removes the delete marker OPTIMIZE and VACUUM leave on each file once its last version has expired', () => {
    // A rule of its own: S3 refuses ExpiredObjectDeleteMarker beside an expiration in days, and nothing
    // else here expires a current version (which would remove old markers too).
    expect(bucket.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({ Id: 'ExpireNoncurrentVersions' }),
      { Id: 'ExpireDeleteMarkers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
    ]);
    for (const rule of bucket.LifecycleConfiguration.Rules) {
      expect(rule.ExpirationInDays).toBeUndefined();
      expect(rule.ExpirationDate).toBeUndefined();
    }
  });

  it('denies a write that names another encryption or another key, and only one that names one (multipart parts name none)', () => {
    const denies = bucketPolicyStatements(template, ids.bucket).filter((s) => s.Effect === 'Deny');
    expect(denies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Sid: 'DenyWriteWithOtherEncryption',
          Action: 's3:PutObject',
          Condition: {
            Null: { 's3:x-amz-server-side-encryption': 'false' },
            StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
          },
        }),
        expect.objectContaining({
          Sid: 'DenyWriteWithOtherKey',
          Action: 's3:PutObject',
          Condition: {
            Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' },
            StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': getAttArn(ids.key) },
          },
        }),
        expect.objectContaining({ Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]),
    );
  });

  it('is covered by the trail’s S3 data events, as is the curation results bucket', () => {
    const trail = Object.values(template.findResources('AWS::CloudTrail::Trail'))[0] as any;
    const selector = trail.Properties.AdvancedEventSelectors.find((s: any) => s.Name.startsWith('S3 object'));
    const arns = selector.FieldSelectors.find((f: any) => f.Field === 'resources.ARN').StartsWith;
    expect(arns).toEqual(expect.arrayContaining([objectsOf(ids.bucket, ''), objectsOf(ids.results, '')]));
  });
});

describe('the curation workgroup', () => {
  const workGroup = resourceProps(template, logicalIdOf(curated.workGroup.workGroup));

  it('is enforced, engine 3, results SSE_KMS with the data key ARN in a results bucket of its own', () => {
    expect(workGroup.Name).toBe('trading-data-lake-dev-curation');
    expect(workGroup.WorkGroupConfiguration).toMatchObject({
      EnforceWorkGroupConfiguration: true,
      EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
      BytesScannedCutoffPerQuery: CURATION_BYTES_SCANNED_CUTOFF,
      ResultConfiguration: {
        EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: getAttArn(ids.key) },
        OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: ids.results }, '/results/']] },
      },
    });
    expect(ids.results).not.toBe(logicalIdOf(stack.analytics.analysts.resultsBucket));
  });

  it('saves no named query: DDL, OPTIMIZE and VACUUM are not Trino SQL, and the MERGE is rendered per day', () => {
    const named = Object.values(template.findResources('AWS::Athena::NamedQuery')) as any[];
    expect(named.filter((q) => q.Properties.WorkGroup === 'trading-data-lake-dev-curation')).toEqual([]);
    for (const query of named) {
      expect(query.Properties.QueryString).not.toMatch(/^\s*(CREATE|OPTIMIZE|VACUUM|MERGE|ALTER|DROP)\b/i);
    }
  });
});

describe('the curated table', () => {
  it('lives in a Glue database of its own, created by the stack; the job creates the Iceberg table itself', () => {
    expect(resourceProps(template, logicalIdOf(curated.database)).DatabaseInput.Name).toBe(
      'trading_data_lake_curated_dev',
    );
    const tables = Object.values(template.findResources('AWS::Glue::Table')) as any[];
    expect(tables.map((t) => t.Properties.DatabaseName)).not.toContain('trading_data_lake_curated_dev');
  });

  it('is what analysts’ named queries read', () => {
    const analysts = (Object.values(template.findResources('AWS::Athena::NamedQuery')) as any[]).filter(
      (q) => q.Properties.WorkGroup === 'trading-data-lake-dev-analytics',
    );
    const onCurated = analysts.filter((q) =>
      q.Properties.QueryString.includes('"trading_data_lake_curated_dev"."trades"'),
    );
    expect(onCurated.map((q) => q.Properties.Name).sort()).toEqual([
      'trade-by-id',
      'volume-and-notional-by-symbol',
      'vwap-by-symbol',
    ]);
  });
});

describe('the state machine', () => {
  const machine = resourceProps(template, ids.stateMachine);

  it('is a Standard state machine with a fixed name, run as the curation role, traced', () => {
    expect(machine.StateMachineName).toBe('trading-data-lake-dev-curation');
    expect(machine.StateMachineType).toBe('STANDARD');
    expect(machine.RoleArn).toEqual(getAttArn(ids.role));
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
    expect(json.Resources[ids.stateMachine].DependsOn).toEqual(
      expect.arrayContaining([ids.role, logicalIdOf(curated.curationRole.node.findChild('DefaultPolicy'))]),
    );
  });

  it('alarms on failed and timed-out executions, on an unreconciled day and on duplicate trades', () => {
    const alarms = synthesizedAlarms(template);
    for (const [name, metricName] of [
      ['TradingDataLake-dev-CurationJob-Failure-Count-Warning', 'ExecutionsFailed'],
      ['TradingDataLake-dev-CurationJob-TimedOut-Count-Warning', 'ExecutionsTimedOut'],
    ]) {
      expect(alarms.get(name)?.metric).toMatchObject({
        namespace: 'AWS/States',
        metricName,
        dimensions: { StateMachineArn: { Ref: ids.stateMachine } },
      });
      expect(alarms.get(name)?.properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
    for (const [name, metricName] of [
      ['TradingDataLake-dev-CurationUnreconciledTrades-Warning', 'UnreconciledTrades'],
      ['TradingDataLake-dev-CuratedDuplicateTrades-Warning', 'DuplicateTrades'],
    ]) {
      expect(alarms.get(name)?.metric).toMatchObject({
        namespace: 'TradingDataLake/dev',
        metricName,
        statistic: 'Maximum',
      });
      expect(alarms.get(name)?.properties).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        // Counted once a run or once a day: the empty periods between counts must not clear an ALARM.
        TreatMissingData: 'ignore',
      });
    }
  });

  it('alarms when the schedule starts no run for twice its interval, and counts no data as no run', () => {
    const alarm = synthesizedAlarms(template).get('TradingDataLake-dev-CurationJobNotStarting-Warning');
    expect(alarm?.metric).toMatchObject({
      namespace: 'AWS/States',
      metricName: 'ExecutionsStarted',
      dimensions: { StateMachineArn: { Ref: ids.stateMachine } },
      statistic: 'Sum',
      period: 7200,
    });
    expect(alarm?.properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      // ExecutionsStarted publishes nothing when nothing started: missing data is the failure itself.
      TreatMissingData: 'breaching',
    });
  });
});

describe('the heartbeat window of a schedule', () => {
  it.each([
    ['rate(1 hour)', 7200, 1],
    ['rate(1 minute)', 3600, 1],
    ['rate(45 minutes)', 3600 * 2, 1],
    ['rate(12 hours)', 86_400, 1],
    ['rate(13 hours)', 86_400, 2],
    ['rate(1 day)', 86_400, 2],
    ['rate(4 days)', 86_400, 7],
    ['cron(0 2 * * ? *)', 86_400, 2],
    ['cron(15 * ? * * *)', 86_400, 2],
  ])('watches %s in periods of %i s, all %i of them empty', (expression, period, evaluationPeriods) => {
    const window = heartbeatWindow(expression);
    expect(window?.period.toSeconds()).toBe(period);
    expect(window?.evaluationPeriods).toBe(evaluationPeriods);
  });

  it.each(['rate(7 days)', 'cron(0 2 ? * MON-FRI *)', 'cron(0 2 1 * ? *)'])(
    'has none for %s: an alarm cannot tell a stopped schedule from a quiet day',
    (expression) => {
      expect(heartbeatWindow(expression)).toBeUndefined();
    },
  );
});

describe('the schedule', () => {
  const schedule = resourceProps(template, logicalIdOf(curated.schedule));

  it('starts the job hourly by default, with {} as input, in the stack’s own schedule group', () => {
    expect(schedule).toMatchObject({
      Name: 'trading-data-lake-dev-curation',
      GroupName: 'trading-data-lake-dev',
      ScheduleExpression: 'rate(1 hour)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { Ref: ids.stateMachine },
        RoleArn: getAttArn(ids.scheduler),
        Input: '{}',
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
      },
    });
    expect(json.Resources[logicalIdOf(curated.schedule)].DependsOn).toContain(
      logicalIdOf(curated.node.findChild('ScheduleGroup')),
    );
  });

  it('takes curationSchedule from config', () => {
    const custom = synthApp({ curationSchedule: 'cron(15 * * * ? *)' });
    expect(resourceProps(custom.template, logicalIdOf(custom.stack.curated.schedule)).ScheduleExpression).toBe(
      'cron(15 * * * ? *)',
    );
  });

  it('runs as a role only this account’s schedule group may assume, allowed to start this state machine only', () => {
    const trust = resourceProps(template, ids.scheduler).AssumeRolePolicyDocument.Statement;
    expect(trust).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: {
            'aws:SourceAccount': TEST_ENV.account,
            'aws:SourceArn': `arn:aws:scheduler:${TEST_ENV.region}:${TEST_ENV.account}:schedule-group/trading-data-lake-dev`,
          },
        },
      }),
    ]);
    expect(identityStatements(template, ids.scheduler).map(summary)).toEqual([
      { actions: ['states:StartExecution'], resources: [{ Ref: ids.stateMachine }] },
    ]);
  });
});

describe('the curation role', () => {
  const statements = identityStatements(template, ids.role);
  const allowed = (action: string) => statements.filter((s) => actionsOf(s).includes(action)).map(summary);
  const glue = (resource: string) => `arn:aws:glue:${TEST_ENV.region}:${TEST_ENV.account}:${resource}`;

  it('may be assumed by Step Functions for this state machine in this account only', () => {
    expect(resourceProps(template, ids.role).AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'states.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': TEST_ENV.account },
          ArnEquals: { 'aws:SourceArn': STATE_MACHINE_ARN },
        },
      }),
    ]);
    expect(resourceProps(template, ids.role).ManagedPolicyArns).toBeUndefined();
  });

  it('runs Athena in its own workgroup only: start, get, results, stop', () => {
    expect(statements.filter((s) => actionsOf(s).some((a) => a.startsWith('athena:'))).map(summary)).toEqual([
      {
        actions: [
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:StartQueryExecution',
          'athena:StopQueryExecution',
        ],
        resources: [`arn:aws:athena:${TEST_ENV.region}:${TEST_ENV.account}:workgroup/trading-data-lake-dev-curation`],
      },
    ]);
  });

  it('reads the raw table and reads, updates and creates the curated table, and deletes nothing in Glue', () => {
    expect(statements.filter((s) => actionsOf(s).some((a) => a.startsWith('glue:'))).map(summary)).toEqual([
      {
        actions: ['glue:GetDatabase'],
        resources: [
          glue('catalog'),
          // Athena reads `default` for a query without a database context.
          glue('database/default'),
          glue('database/trading_data_lake_curated_dev'),
          glue('database/trading_data_lake_dev'),
        ],
      },
      {
        actions: ['glue:GetTable'],
        resources: [
          glue('catalog'),
          glue('database/trading_data_lake_dev'),
          glue('table/trading_data_lake_dev/trades'),
        ],
      },
      {
        actions: ['glue:CreateTable', 'glue:GetTable', 'glue:UpdateTable'],
        resources: [
          glue('catalog'),
          glue('database/trading_data_lake_curated_dev'),
          glue('table/trading_data_lake_curated_dev/trades'),
        ],
      },
    ]);
  });

  it('reads and lists trades/ of the lake, and nothing else there', () => {
    expect(allowed('s3:GetObject')).toEqual(
      expect.arrayContaining([{ actions: ['s3:GetObject'], resources: [objectsOf(ids.lake, 'trades/*')] }]),
    );
    // Listing under trades/ of the lake, and of the curated bucket (its table prefix): one statement.
    expect(allowed('s3:ListBucket')).toEqual(
      expect.arrayContaining([
        {
          actions: ['s3:ListBucket'],
          resources: [getAttArn(ids.bucket), getAttArn(ids.lake)],
          conditions: { StringLike: { 's3:prefix': ['trades/*'] } },
        },
      ]),
    );
    for (const statement of statements) {
      for (const resource of asArray(statement.Resource as unknown[])) {
        expect(JSON.stringify(resource)).not.toContain('quarantine');
      }
    }
  });

  it('reads, writes and deletes the table’s files in the curated bucket, and writes the run state', () => {
    expect(allowed('s3:DeleteObject')).toEqual([
      {
        actions: [
          's3:AbortMultipartUpload',
          's3:DeleteObject',
          's3:GetObject',
          's3:ListMultipartUploadParts',
          's3:PutObject',
        ],
        resources: [objectsOf(ids.bucket, 'trades/*')],
      },
    ]);
    expect(allowed('s3:PutObject')).toEqual(
      expect.arrayContaining([
        { actions: ['s3:PutObject'], resources: [objectsOf(ids.bucket, 'curation/state.json')] },
      ]),
    );
  });

  it('names no S3 object or bucket with a bare "*", and holds no wildcard action', () => {
    for (const statement of statements) {
      for (const action of actionsOf(statement)) expect(action).not.toMatch(/^(\*|[a-z0-9]+:\*)$/);
      if (actionsOf(statement).some((a) => a.startsWith('s3:'))) {
        expect(asArray(statement.Resource as unknown[])).not.toContain('*');
      }
    }
  });

  it('publishes its metrics in the stage’s namespace only, lists its own executions and invokes its planner', () => {
    expect(allowed('cloudwatch:PutMetricData')).toEqual([
      {
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': 'TradingDataLake/dev' } },
      },
    ]);
    expect(allowed('states:ListExecutions')).toEqual([
      { actions: ['states:ListExecutions'], resources: [STATE_MACHINE_ARN] },
    ]);
    expect(allowed('lambda:InvokeFunction')).toEqual([
      { actions: ['lambda:InvokeFunction'], resources: [getAttArn(logicalIdOf(curated.planner))] },
    ]);
  });

  it('uses the data key through S3 only: GenerateDataKey and Decrypt in the key policy', () => {
    const forRole = keyPolicyStatements(template, ids.key).filter((s) =>
      JSON.stringify(s.Principal).includes(ids.role),
    );
    expect(forRole.flatMap(actionsOf).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    for (const statement of forRole) {
      expect(statement.Condition?.StringEquals).toMatchObject({
        'kms:ViaService': `s3.${TEST_ENV.region}.amazonaws.com`,
      });
    }
  });
});

describe('the planner', () => {
  it('runs on Node.js 24, arm64, with the buckets and reconcileDays in its environment', () => {
    const planner = resourceProps(template, logicalIdOf(curated.planner));
    expect(planner).toMatchObject({
      FunctionName: 'trading-data-lake-dev-curation-planner',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 300,
      Environment: {
        Variables: {
          LAKE_BUCKET_NAME: { Ref: ids.lake },
          CURATED_BUCKET_NAME: { Ref: ids.bucket },
          RECONCILE_DAYS: '35',
        },
      },
    });
    expect(
      resourceProps(synthApp({ reconcileDays: '7' }).template, logicalIdOf(curated.planner)).Environment.Variables
        .RECONCILE_DAYS,
    ).toBe('7');
  });

  it('lists trades/ of the lake, reads the run state and may list the curated bucket (so a missing state is a 404), and nothing more in S3', () => {
    const s3 = identityStatements(template, ids.planner).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(s3.map(summary)).toEqual([
      {
        actions: ['s3:ListBucket'],
        resources: [getAttArn(ids.lake)],
        conditions: { StringLike: { 's3:prefix': ['trades/*'] } },
      },
      { actions: ['s3:GetObject'], resources: [objectsOf(ids.bucket, 'curation/state.json')] },
      { actions: ['s3:ListBucket'], resources: [getAttArn(ids.bucket)] },
    ]);
  });
});

describe('in prod', () => {
  const prod = synthApp({ stage: 'prod', ...PROD_PRINCIPALS });
  const policyOf = (construct: Parameters<typeof logicalIdOf>[0]) =>
    prod.template.toJSON().Resources[logicalIdOf(construct)].DeletionPolicy;

  it('retains the curated bucket, and deletes what holds no data and has a fixed name (it would block a redeploy)', () => {
    expect(policyOf(prod.stack.curated.bucket)).toBe('Retain');
    expect(policyOf(prod.stack.curated.stateMachine)).toBe('Delete');
    expect(policyOf(prod.stack.curated.node.findChild('ScheduleGroup'))).toBe('Delete');
    expect(resourceProps(prod.template, logicalIdOf(prod.stack.curated.stateMachine)).StateMachineName).toBe(
      'trading-data-lake-prod-curation',
    );
  });
});

describe('the stack outputs', () => {
  it('give the CLI the state machine ARN and the curated names', () => {
    template.hasOutput('CurationStateMachineArn', { Value: { Ref: ids.stateMachine } });
    template.hasOutput('CuratedDatabaseName', { Value: Match.anyValue() });
    template.hasOutput('CuratedBucketName', { Value: { Ref: ids.bucket } });
    template.hasOutput('CurationWorkGroupName', { Value: 'trading-data-lake-dev-curation' });
  });
});
