import type { IConstruct } from 'constructs';
import { synthApp, TEST_ENV } from '../support/app';
import { logicalIdOf, resourceProps } from '../support/template';

const { stack, template } = synthApp();
const trail = resourceProps(template, logicalIdOf(stack.audit!.trail));

describe('CloudTrail trail', () => {
  it('has a fixed name per stage, covers every Region and global events, and validates log files', () => {
    expect(trail).toMatchObject({
      TrailName: 'trading-data-lake-dev-trail',
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsLogging: true,
    });
    expect(stack.audit!.trailArn).toBe(
      `arn:aws:cloudtrail:${TEST_ENV.region}:${TEST_ENV.account}:trail/trading-data-lake-dev-trail`,
    );
  });

  it('encrypts trail files with the audit key, never the data key', () => {
    expect(trail.KMSKeyId).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack.auditKey.key), 'Arn'] });
  });

  it('records every management event, read and write: each KMS call on the keys is one', () => {
    expect(trail.EventSelectors).toBeUndefined();
    expect(trail.AdvancedEventSelectors[0]).toEqual({
      Name: 'Management events, read and write',
      FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }],
    });
  });

  it('records S3 object reads and writes on every bucket that holds a copy of a trade or a query answer', () => {
    const bucketPrefix = (bucket: IConstruct) => ({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalIdOf(bucket), 'Arn'] }, '/']],
    });
    const selector = trail.AdvancedEventSelectors[1];
    expect(trail.AdvancedEventSelectors).toHaveLength(2);
    expect(selector.FieldSelectors).toEqual([
      { Field: 'eventCategory', Equals: ['Data'] },
      { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
      {
        Field: 'resources.ARN',
        StartsWith: [
          stack.lake.bucket,
          stack.ingestion.failedBatchBucket,
          stack.analytics.analysts.resultsBucket,
          stack.analytics.engineers.resultsBucket,
          stack.curated.bucket,
          stack.curated.workGroup.resultsBucket,
          stack.auditAnalytics!.queries.resultsBucket,
        ].map(bucketPrefix),
      },
    ]);
  });

  it('records object writes only when auditReadDataEvents is off (an organization trail records reads), never fewer management events', () => {
    const writesOnly = synthApp({ auditReadDataEvents: 'false' });
    const selectors = resourceProps(
      writesOnly.template,
      logicalIdOf(writesOnly.stack.audit!.trail),
    ).AdvancedEventSelectors;
    expect(selectors[0]).toEqual(trail.AdvancedEventSelectors[0]);
    expect(selectors[1].FieldSelectors).toContainEqual({ Field: 'readOnly', Equals: ['false'] });
    expect(trail.AdvancedEventSelectors[1].FieldSelectors.map((f: any) => f.Field)).not.toContain('readOnly');
  });

  it('delivers to a CloudWatch Logs group encrypted with the audit key', () => {
    expect(trail.CloudWatchLogsLogGroupArn).toEqual({
      'Fn::GetAtt': [logicalIdOf(stack.audit!.logGroup), 'Arn'],
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/trading-data-lake/dev/cloudtrail',
      KmsKeyId: { 'Fn::GetAtt': [logicalIdOf(stack.auditKey.key), 'Arn'] },
    });
  });

  it('encrypts every log group of the stack with the audit key and sets its retention', () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup')) as any[];
    expect(groups.length).toBeGreaterThanOrEqual(2);
    for (const group of groups) {
      expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack.auditKey.key), 'Arn'] });
      expect(group.Properties.RetentionInDays).toBe(365);
    }
  });

  it('can be turned off where an organization trail already records the account', () => {
    const off = synthApp({ createTrail: false });
    off.template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    expect(off.stack.audit).toBeUndefined();
    expect(off.template.toJSON().Outputs.TrailArn).toBeUndefined();
  });
});
