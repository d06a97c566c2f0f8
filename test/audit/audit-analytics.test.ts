import { AUDIT_QUERIES } from '../../schema/queries/audit-queries';
import { CLOUDTRAIL_TABLE } from '../../schema/tables';
import { synthApp, TEST_ENV } from '../support/app';
import { actionsOf, asArray, identityStatements, logicalIdOf, resourceProps } from '../support/template';

const { stack, template } = synthApp();
const audit = stack.auditAnalytics!;
const workGroup = resourceProps(template, logicalIdOf(audit.queries.workGroup));
const table = resourceProps(template, logicalIdOf(audit.table)).TableInput;
const auditor = identityStatements(template, logicalIdOf(stack.roles.auditor));

describe('audit workgroup and CloudTrail table', () => {
  it('encrypts audit results with SSE_KMS under the audit key, never the data key, in a bucket of their own', () => {
    expect(workGroup.Name).toBe('trading-data-lake-dev-audit');
    expect(workGroup.WorkGroupConfiguration).toMatchObject({
      EnforceWorkGroupConfiguration: true,
      PublishCloudWatchMetricsEnabled: true,
      ResultConfiguration: {
        EncryptionConfiguration: {
          EncryptionOption: 'SSE_KMS',
          KmsKey: { 'Fn::GetAtt': [logicalIdOf(stack.auditKey.key), 'Arn'] },
        },
      },
    });
    expect(logicalIdOf(audit.queries.resultsBucket)).not.toBe(logicalIdOf(stack.analytics.analysts.resultsBucket));
    expect(logicalIdOf(audit.queries.resultsBucket)).not.toBe(logicalIdOf(stack.analytics.engineers.resultsBucket));
  });

  it("projects daily partitions over this Region's trail files: no crawler", () => {
    const trailBucket = { Ref: logicalIdOf(stack.audit!.trailBucket) };
    const location = `/AWSLogs/${TEST_ENV.account}/CloudTrail/${TEST_ENV.region}/`;
    expect(table.Name).toBe(CLOUDTRAIL_TABLE);
    expect(table.StorageDescriptor.Location).toEqual({ 'Fn::Join': ['', ['s3://', trailBucket, location]] });
    expect(table.StorageDescriptor.InputFormat).toBe('com.amazon.emr.cloudtrail.CloudTrailInputFormat');
    expect(table.Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.timestamp.type': 'date',
      'projection.timestamp.format': 'yyyy/MM/dd',
      'storage.location.template': { 'Fn::Join': ['', ['s3://', trailBucket, `${location}\${timestamp}`]] },
    });
  });

  it('saves the auditors’ questions as named queries in the audit workgroup', () => {
    const saved = (Object.values(template.findResources('AWS::Athena::NamedQuery')) as any[]).filter(
      (q) => q.Properties.WorkGroup === 'trading-data-lake-dev-audit',
    );
    expect(saved.map((q) => q.Properties.Name).sort()).toEqual(AUDIT_QUERIES.map((q) => q.name).sort());
    for (const query of saved) expect(query.Properties.Database).toBe('trading_data_lake_audit_dev');
  });

  it('lets the auditor query only the audit workgroup and only the CloudTrail table', () => {
    const athena = auditor.filter((s) => actionsOf(s).includes('athena:StartQueryExecution'));
    expect(athena.map((s) => s.Resource)).toEqual([
      `arn:aws:athena:${TEST_ENV.region}:${TEST_ENV.account}:workgroup/trading-data-lake-dev-audit`,
    ]);
    const tables = auditor
      .filter((s) => actionsOf(s).includes('glue:GetTable'))
      .flatMap((s) => asArray(s.Resource as unknown[]))
      .map(String)
      .filter((arn) => arn.includes(':table/'));
    expect(tables).toEqual([
      `arn:aws:glue:${TEST_ENV.region}:${TEST_ENV.account}:table/trading_data_lake_audit_dev/${CLOUDTRAIL_TABLE}`,
    ]);
  });

  it('gives the auditor nothing on the lake, the stream or the data key but reading their configuration (encryption, Object Lock) and the probe', () => {
    const naming = (resource: Parameters<typeof logicalIdOf>[0]) =>
      auditor.filter((statement) => JSON.stringify(statement).includes(`"${logicalIdOf(resource)}"`));
    const actionsOn = (resource: Parameters<typeof logicalIdOf>[0]) =>
      [...new Set(naming(resource).flatMap(actionsOf))].sort();
    expect(actionsOn(stack.lake.bucket)).toEqual([
      's3:GetBucketObjectLockConfiguration',
      's3:GetEncryptionConfiguration',
      's3:PutObject',
    ]);
    expect(actionsOn(stack.ingestion.failedBatchBucket)).toEqual([
      's3:GetBucketObjectLockConfiguration',
      's3:GetEncryptionConfiguration',
    ]);
    expect(actionsOn(stack.ingestion.stream)).toEqual(['kinesis:DescribeStreamSummary']);
    expect(actionsOn(stack.dataKey.key)).toEqual(['kms:DescribeKey', 'kms:GetKeyRotationStatus']);
    // The one write: verify's probe key alone, only unencrypted and conditional (lake-bucket.ts says why).
    expect(naming(stack.lake.bucket).filter((s) => actionsOf(s).includes('s3:PutObject'))).toEqual([
      {
        Action: 's3:PutObject',
        Effect: 'Allow',
        Condition: { Null: { 's3:x-amz-server-side-encryption': 'true', 's3:if-match': 'false' } },
        Resource: {
          'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalIdOf(stack.lake.bucket), 'Arn'] }, '/verify-probe/never-written']],
        },
      },
    ]);
  });
});
