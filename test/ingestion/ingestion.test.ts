import { Match } from 'aws-cdk-lib/assertions';
import { WRITER_ARCHITECTURE, WRITER_ENV, WRITER_MEMORY_MB } from '../../lambda/trade-writer/contract';
import { synthApp } from '../support/app';
import { actionsOf, asArray, identityStatements, logicalIdOf, resourceProps } from '../support/template';

const { stack, template } = synthApp();
const writerRoleId = logicalIdOf(stack.ingestion.writerRole);
const writerStatements = identityStatements(template, writerRoleId);
const writerId = logicalIdOf(stack.ingestion.writer);
const writer = resourceProps(template, writerId);
const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))[0] as any;

describe('trade stream', () => {
  it('encrypts with the customer managed data key, not aws/kinesis', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamEncryption: {
        EncryptionType: 'KMS',
        KeyId: { 'Fn::GetAtt': [logicalIdOf(stack.dataKey.key), 'Arn'] },
      },
    });
    // Every stream of the stack, not only one of them: none is left to the AWS managed aws/kinesis key.
    template.allResourcesProperties('AWS::Kinesis::Stream', {
      StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [logicalIdOf(stack.dataKey.key), 'Arn'] } },
    });
  });

  it('keeps records for at least 168 hours and runs on-demand by default', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      Name: 'trading-data-lake-dev-trades',
      RetentionPeriodHours: 168,
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
    });
  });

  it('runs provisioned with the configured shard count and retention', () => {
    const provisioned = synthApp({ streamCapacity: '4', streamRetentionHours: 240, maxRecordAgeHours: 48 });
    provisioned.template.hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: 4,
      RetentionPeriodHours: 240,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
    });
    provisioned.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      MaximumRecordAgeInSeconds: 48 * 3600,
    });
  });
});

describe('trade-writer function', () => {
  it('runs on Node.js 24 with X-Ray tracing, JSON logs and the lake bucket and key ARN in its environment', () => {
    expect(writer.Runtime).toBe('nodejs24.x');
    expect(writer.TracingConfig).toEqual({ Mode: 'Active' });
    expect(writer.LoggingConfig).toEqual({
      LogFormat: 'JSON',
      LogGroup: { Ref: logicalIdOf(stack.ingestion.logGroup) },
    });
    expect(writer.Environment.Variables).toMatchObject({
      DATA_BUCKET_NAME: { Ref: logicalIdOf(stack.lake.bucket) },
      DATA_KEY_ARN: { 'Fn::GetAtt': [logicalIdOf(stack.dataKey.key), 'Arn'] },
      // 1024 MB: a 102 MiB young generation (two 51 MiB semi-spaces), 922 MiB old generation.
      NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=51 --max-old-space-size=922',
    });
  });

  it("gives the writer the curation job's reconcileDays from config, so it can count the trades no run will list", () => {
    expect(writer.Environment.Variables[WRITER_ENV.reconcileDays]).toBe('35');
    const narrow = synthApp({ reconcileDays: 7 });
    const narrowWriter = resourceProps(narrow.template, logicalIdOf(narrow.stack.ingestion.writer));
    expect(narrowWriter.Environment.Variables[WRITER_ENV.reconcileDays]).toBe('7');
  });

  it('deploys the memory and architecture the cost model prices (the writer contract)', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'trading-data-lake-dev-trade-writer',
      MemorySize: WRITER_MEMORY_MB,
      Architectures: [WRITER_ARCHITECTURE],
    });
  });

  it('leaves reserved concurrency off by default and sets it from config', () => {
    expect(writer.ReservedConcurrentExecutions).toBeUndefined();
    const reserved = synthApp({ writerReservedConcurrency: 5 });
    reserved.template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 5 });
  });

  it('has its own role with no AWS managed policy and no inline policy', () => {
    const role = resourceProps(template, writerRoleId);
    expect(writer.Role).toEqual({ 'Fn::GetAtt': [writerRoleId, 'Arn'] });
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.Policies).toBeUndefined();
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
  });

  it('may PutObject only on trades/ and quarantine/ of the lake, and in the failed-batch bucket', () => {
    const puts = writerStatements.filter((s) => actionsOf(s).includes('s3:PutObject'));
    const resources = puts.flatMap((s) => asArray(s.Resource as unknown[]));
    const lake = { 'Fn::GetAtt': [logicalIdOf(stack.lake.bucket), 'Arn'] };
    const failed = { 'Fn::GetAtt': [logicalIdOf(stack.ingestion.failedBatchBucket), 'Arn'] };
    expect(resources).toHaveLength(3);
    expect(resources).toEqual(
      expect.arrayContaining([
        { 'Fn::Join': ['', [lake, '/trades/*']] },
        { 'Fn::Join': ['', [lake, '/quarantine/*']] },
        { 'Fn::Join': ['', [failed, '/*']] },
      ]),
    );
  });

  it('may never read or delete objects anywhere', () => {
    const actions = writerStatements.flatMap(actionsOf);
    for (const forbidden of ['s3:GetObject', 's3:GetObject*', 's3:DeleteObject', 's3:DeleteObject*', 's3:*', '*']) {
      expect(actions).not.toContain(forbidden);
    }
    expect(actions.filter((a) => a.startsWith('s3:') && !['s3:PutObject', 's3:ListBucket'].includes(a))).toEqual([]);
  });

  it('uses the data key only through S3 or Kinesis: no KMS statement of its role lacks kms:ViaService', () => {
    const kms = writerStatements.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
    expect(kms.length).toBeGreaterThan(0);
    for (const statement of kms) {
      expect(
        Object.values(statement.Condition ?? {}).some((operands) => 'kms:ViaService' in (operands as object)),
      ).toBe(true);
    }
  });

  it('reads the trade stream through the event source mapping (GetRecords and the shard calls)', () => {
    const reads = writerStatements.filter((s) => actionsOf(s).includes('kinesis:GetRecords'));
    expect(reads).toHaveLength(1);
    expect(actionsOf(reads[0])).toEqual(
      expect.arrayContaining(['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards']),
    );
    expect(reads[0].Resource).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack.ingestion.stream), 'Arn'] });
    expect(mapping.Properties.EventSourceArn).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack.ingestion.stream), 'Arn'] });
  });

  it('writes only to its own log group, which is encrypted with the audit key and retained for the configured days', () => {
    const logs = writerStatements.filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
    expect(logs).toHaveLength(1);
    expect(logs[0].Resource).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack.ingestion.logGroup), 'Arn'] });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/trading-data-lake/dev/trade-writer',
      KmsKeyId: { 'Fn::GetAtt': [logicalIdOf(stack.auditKey.key), 'Arn'] },
      RetentionInDays: 365,
    });
  });
});

describe('event source mapping', () => {
  it('reports partial batch failures, bisects on error and starts at TRIM_HORIZON', () => {
    expect(mapping.Properties).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      StartingPosition: 'TRIM_HORIZON',
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(stack.ingestion.stream), 'Arn'] },
      FunctionName: { Ref: writerId },
    });
  });

  it('bounds retries and record age below the stream retention, never the infinite default', () => {
    expect(mapping.Properties.MaximumRetryAttempts).toBe(10);
    expect(mapping.Properties.MaximumRecordAgeInSeconds).toBe(24 * 3600);
    expect(mapping.Properties.MaximumRecordAgeInSeconds).toBeLessThan(168 * 3600);
  });

  it('batches up to 10,000 records with a 60 s window and parallelization 1 by default', () => {
    expect(mapping.Properties).toMatchObject({
      BatchSize: 10000,
      MaximumBatchingWindowInSeconds: 60,
      ParallelizationFactor: 1,
    });
  });

  it('sends batches it gave up on to the failed-batch bucket', () => {
    expect(mapping.Properties.DestinationConfig).toEqual({
      OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(stack.ingestion.failedBatchBucket), 'Arn'] } },
    });
  });

  it('takes batching, retries and parallelization from config', () => {
    const tuned = synthApp({ batchSize: 500, batchingWindowSeconds: 5, maxRetryAttempts: 3, parallelizationFactor: 4 });
    tuned.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 5,
      MaximumRetryAttempts: 3,
      ParallelizationFactor: 4,
      DestinationConfig: Match.anyValue(),
    });
  });
});

describe('every function of the stack (createProjectFunction)', () => {
  const functions = Object.values(template.findResources('AWS::Lambda::Function'));
  const roles = template.findResources('AWS::IAM::Role');
  const logGroups = template.findResources('AWS::Logs::LogGroup');

  it('is one of the three the project builds: the writer, the replay function and the curation planner', () => {
    expect(functions.map(({ Properties }) => Properties.FunctionName).sort()).toEqual([
      'trading-data-lake-dev-curation-planner',
      'trading-data-lake-dev-trade-replay',
      'trading-data-lake-dev-trade-writer',
    ]);
  });

  it.each(functions.map((fn) => [fn.Properties.FunctionName, fn.Properties]))(
    '%s runs Node.js 24 with X-Ray, JSON logs in its own audit-key-encrypted log group, source maps, a heap sized from its memory, and a role of its own',
    (_, props) => {
      expect(props.Runtime).toBe('nodejs24.x');
      expect(props.TracingConfig).toEqual({ Mode: 'Active' });
      expect(props.LoggingConfig.LogFormat).toBe('JSON');
      const logGroup = logGroups[props.LoggingConfig.LogGroup.Ref];
      expect(logGroup.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^AuditKey/), 'Arn'] });
      // Its V8 heap as the Lambda runtime's bootstrap sizes it: memory / 20 MiB a semi-space, the rest
      // after a tenth for the old generation.
      expect(props.Environment.Variables.NODE_OPTIONS).toBe(
        `--enable-source-maps --max-semi-space-size=${Math.floor(props.MemorySize / 20)} ` +
          `--max-old-space-size=${props.MemorySize - Math.floor(props.MemorySize / 10)}`,
      );
      const role = roles[props.Role['Fn::GetAtt'][0]];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ]);
      const otherFunctionsOnTheRole = functions.filter(
        (other) => other.Properties.Role['Fn::GetAtt'][0] === props.Role['Fn::GetAtt'][0],
      );
      expect(otherFunctionsOnTheRole).toHaveLength(1);
    },
  );
});
