import { App, RemovalPolicy } from 'aws-cdk-lib';
import { REPLAY_MEMORY_MB, REPLAY_TIMEOUT_SECONDS } from '../../lambda/replay/contract';
import type { Ingestion } from '../../lib/ingestion/ingestion';
import { ReplayFunction } from '../../lib/ingestion/replay-function';
import { recordsRetentionText } from '../../lib/trading-data-lake-stack';
import { synthesizedAlarms } from '../monitoring/support/alarms';
import { synthApp } from '../support/app';
import {
  actionsOf,
  asArray,
  getAttArn,
  identityStatements,
  keyPolicyStatements,
  logicalIdOf,
  resourceProps,
} from '../support/template';

const { stack, template } = synthApp();
const replayId = logicalIdOf(stack.replay.function);
const replay = resourceProps(template, replayId);
const roleId = logicalIdOf(stack.replay.role);
const statements = identityStatements(template, roleId);
const failedBatchArn = getAttArn(logicalIdOf(stack.ingestion.failedBatchBucket));
const writerArn = getAttArn(logicalIdOf(stack.ingestion.writer));

describe('replay function', () => {
  it('runs on Node.js 24 (arm64) with tracing and JSON logs, with the failed-batch bucket, the writer and the stream in its environment', () => {
    expect(replay).toMatchObject({
      FunctionName: 'trading-data-lake-dev-trade-replay',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: REPLAY_MEMORY_MB,
      Timeout: REPLAY_TIMEOUT_SECONDS,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logicalIdOf(stack.replay.logGroup) } },
    });
    expect(replay.Environment.Variables).toEqual({
      FAILED_BATCH_BUCKET_NAME: { Ref: logicalIdOf(stack.ingestion.failedBatchBucket) },
      WRITER_FUNCTION_ARN: writerArn,
      TRADE_STREAM_ARN: stack.resolve(stack.ingestion.streamArn),
      POWERTOOLS_SERVICE_NAME: 'trade-replay',
      NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=51 --max-old-space-size=922',
    });
  });

  it('waits longer than the writer may run', () => {
    expect(REPLAY_TIMEOUT_SECONDS).toBeGreaterThan(
      resourceProps(template, logicalIdOf(stack.ingestion.writer)).Timeout,
    );
  });

  it('has its own role with no AWS managed policy and no inline policy, assumable by Lambda only', () => {
    const role = resourceProps(template, roleId);
    expect(replay.Role).toEqual(getAttArn(roleId));
    expect(roleId).not.toBe(logicalIdOf(stack.ingestion.writerRole));
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.Policies).toBeUndefined();
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
  });

  it('may invoke the writer and nothing else: the unqualified ARN, no version or alias', () => {
    const invokes = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('lambda:')));
    expect(invokes).toHaveLength(1);
    expect(actionsOf(invokes[0]!)).toEqual(['lambda:InvokeFunction']);
    expect(invokes[0]!.Resource).toEqual(writerArn);
  });

  it('may read and tag failed-batch records, and touch no other bucket', () => {
    const s3 = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(s3.flatMap(actionsOf).sort()).toEqual([
      's3:GetBucketLocation',
      's3:GetObject',
      's3:GetObjectTagging',
      's3:ListBucket',
      's3:PutObjectTagging',
    ]);
    const resources = s3.flatMap((s) => asArray(s.Resource as unknown[]));
    for (const resource of resources) {
      expect([failedBatchArn, { 'Fn::Join': ['', [failedBatchArn, '/*']] }]).toContainEqual(resource);
    }
  });

  it('may Decrypt with the data key through S3 only, and the key policy says so (it cannot write the lake or read the stream)', () => {
    const kms = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
    expect(kms.flatMap(actionsOf)).toEqual(['kms:Decrypt']);
    const keyStatements = keyPolicyStatements(template, logicalIdOf(stack.dataKey.key)).filter((s) =>
      JSON.stringify(s.Principal).includes(roleId),
    );
    expect(keyStatements).toHaveLength(1);
    expect(actionsOf(keyStatements[0]!)).toEqual(['kms:Decrypt']);
    expect(keyStatements[0]!.Condition?.StringEquals?.['kms:ViaService']).toBe('s3.eu-west-1.amazonaws.com');
  });

  it('writes only to its own log group, encrypted with the audit key, which the audit key policy names', () => {
    const logs = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
    expect(logs).toHaveLength(1);
    expect(logs[0]!.Resource).toEqual(getAttArn(logicalIdOf(stack.replay.logGroup)));
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/trading-data-lake/dev/trade-replay',
      KmsKeyId: getAttArn(logicalIdOf(stack.auditKey.key)),
      RetentionInDays: 365,
    });
    const logsStatement = keyPolicyStatements(template, logicalIdOf(stack.auditKey.key)).find(
      (s) => s.Sid === 'CloudWatchLogsEncryptsThisStacksLogGroups',
    );
    expect(JSON.stringify(logsStatement?.Condition)).toContain('log-group:/trading-data-lake/dev/trade-replay');
  });
});

describe("the data engineer's replay grant", () => {
  const engineerId = logicalIdOf(stack.roles.dataEngineer);
  const engineer = identityStatements(template, engineerId);

  it('invokes the replay function and never the writer', () => {
    const invokes = engineer.filter((s) => actionsOf(s).some((a) => a.startsWith('lambda:')));
    expect(invokes.map((s) => [actionsOf(s), s.Resource])).toEqual([[['lambda:InvokeFunction'], getAttArn(replayId)]]);
    expect(JSON.stringify(engineer)).not.toContain(logicalIdOf(stack.ingestion.writer));
  });

  it('reads the tags of failed-batch records, and may not set them', () => {
    const tagging = engineer.filter((s) => actionsOf(s).some((a) => a.includes('Tagging')));
    expect(tagging.map((s) => [actionsOf(s), s.Resource])).toEqual([
      [['s3:GetObjectTagging'], { 'Fn::Join': ['', [failedBatchArn, '/*']] }],
    ]);
  });
});

describe('the stack outputs for the operator CLI', () => {
  const outputs = template.findOutputs('*');
  it('names the replay function, the audit key, the record age and the records retention', () => {
    expect(outputs.ReplayFunctionName.Value).toEqual({ Ref: replayId });
    expect(outputs.AuditKeyArn.Value).toEqual(getAttArn(logicalIdOf(stack.auditKey.key)));
    expect(outputs.MaxRecordAgeHours.Value).toBe('24');
    expect(outputs.RecordsRetention.Value).toBe('none');
  });

  it('writes a locked retention and the record age as the config gives them', () => {
    const locked = synthApp({ recordsRetention: 'governance:30d', maxRecordAgeHours: 6 }).template.findOutputs('*');
    expect(locked.RecordsRetention.Value).toBe('governance:30d');
    expect(locked.MaxRecordAgeHours.Value).toBe('6');
  });

  it.each([
    [{ mode: 'none' }, 'none'],
    [{ mode: 'GOVERNANCE', days: 30 }, 'governance:30d'],
    [{ mode: 'GOVERNANCE', years: 2 }, 'governance:2y'],
    [{ mode: 'COMPLIANCE', years: 6 }, 'compliance:6y'],
  ] as const)('renders recordsRetention %j as %s, the form the config takes', (retention, text) => {
    expect(recordsRetentionText(retention)).toBe(text);
  });
});

describe('a writer that may run longer than the replay function waits', () => {
  it('stops synthesis with a message naming both timeouts', () => {
    const other = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const ingestion = { writer: { timeout: { toSeconds: () => 900 } } } as unknown as Ingestion;
    expect(
      () =>
        new ReplayFunction(other, 'Replay', {
          ingestion,
          auditKey: stack.auditKey,
          functionName: 'f',
          logGroupName: '/f',
          logRetention: 365,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
    ).toThrow("the writer's timeout (900 s) exceeds the 120 s the replay function waits for it");
  });
});

describe('the failed-batch alarm and a replay', () => {
  const mappingId = logicalIdOf(
    stack.ingestion.writer.node.findAll().find((c) => c.node.id.startsWith('KinesisEventSource'))!.node
      .defaultChild as never,
  );

  it("turns the writer's event-count metrics on, so Lambda publishes OnFailureDestinationDeliveredEventCount", () => {
    expect(resourceProps(template, mappingId).MetricsConfig).toEqual({ Metrics: ['EventCount'] });
  });

  it("counts what Lambda delivered to the failed-batch bucket, not the bucket's S3 PUTs, which a replay's tagging adds to", () => {
    const alarm = synthesizedAlarms(template).get('TradingDataLake-dev-TradeWriter-FailedBatches-Warning');
    expect(alarm?.metric).toMatchObject({
      namespace: 'AWS/Lambda',
      metricName: 'OnFailureDestinationDeliveredEventCount',
      dimensions: { EventSourceMappingUUID: { Ref: mappingId } },
      statistic: 'Sum',
    });
  });
});
