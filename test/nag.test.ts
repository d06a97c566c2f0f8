import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  type NagPack,
  NIST80053R5Checks,
  PCIDSS321Checks,
  ServerlessChecks,
} from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { acknowledge, acknowledgeOnGrantee, NAG, objectWildcardFinding } from '../lib/acknowledgements';
import { PROD_PRINCIPALS, synthApp } from './support/app';
import { logicalIdOf } from './support/template';

/** Rule ids acknowledged on a construct itself (CDK stores them with an `Annotation::` prefix). */
function acknowledgedIds(construct: IConstruct): string[] {
  return construct.node.metadata
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.keys(entry.data as object))
    .map((id) => id.replace(/^Annotation::/, ''));
}

const packs = (): NagPack[] => [
  new AwsSolutionsChecks(),
  new PCIDSS321Checks(),
  new NIST80053R5Checks(),
  new HIPAASecurityChecks(),
  new ServerlessChecks(),
];

/** Every finding the five packs report on `scope`, as "rule @ construct path". */
function findings(scope: IConstruct): string[] {
  return packs().flatMap((pack) =>
    pack
      .validateScope(scope)
      .violations.flatMap((violation) =>
        violation.violatingResources.map((resource) => `${violation.ruleName} @ ${resource.constructPath}`),
      ),
  );
}

describe('cdk-nag: AwsSolutions, PCI DSS 3.2.1, NIST 800-53 R5, HIPAA Security, Serverless', () => {
  it.each([
    ['dev', {}],
    ['prod', { stage: 'prod', ...PROD_PRINCIPALS }],
    [
      'prod with a provisioned stream and reserved concurrency',
      { stage: 'prod', ...PROD_PRINCIPALS, streamCapacity: 2, writerReservedConcurrency: 4 },
    ],
    ['dev without a trail', { createTrail: false }],
  ])('reports no unacknowledged finding in %s', (_name, context) => {
    expect(findings(synthApp(context).stack)).toEqual([]);
  });

  it('acknowledges Lambda concurrency only while reserved concurrency is off', () => {
    expect(acknowledgedIds(synthApp({ writerReservedConcurrency: 4 }).stack.ingestion.writer)).not.toEqual(
      expect.arrayContaining([...NAG.lambdaConcurrency]),
    );
    expect(acknowledgedIds(synthApp().stack.ingestion.writer)).toEqual(
      expect.arrayContaining([...NAG.lambdaConcurrency, ...NAG.lambdaInVpc]),
    );
  });

  it('suppresses a finding once acknowledged, and only that finding (cdk-nag has shipped versions where it did not)', () => {
    const stack = new Stack(new App(), 'Probe');
    const bucket = new s3.Bucket(stack, 'Bucket', { enforceSSL: true, versioned: true });
    const before = findings(stack);
    expect(before).toContain('HIPAA.Security-S3BucketReplicationEnabled @ Probe/Bucket/Resource');
    expect(before).toContain('AwsSolutions-S1 @ Probe/Bucket/Resource');

    acknowledge(bucket, ['HIPAA.Security-S3BucketReplicationEnabled'], 'probe: replication is out of scope here');
    const after = findings(stack);
    expect(after).not.toContain('HIPAA.Security-S3BucketReplicationEnabled @ Probe/Bucket/Resource');
    expect(after).toContain('AwsSolutions-S1 @ Probe/Bucket/Resource');
    expect(after).toHaveLength(before.length - 1);
  });

  it('suppresses an IAM5 finding whose id carries "::" and a logical id, as the grants acknowledge it', () => {
    const stack = new Stack(new App(), 'Probe');
    const bucket = new s3.Bucket(stack, 'Bucket');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    bucket.grantPut(role, 'trades/*');
    const finding = `AwsSolutions-IAM5[Resource::<${logicalIdOf(bucket)}.Arn>/trades/*] @ Probe/Role/DefaultPolicy/Resource`;
    expect(findings(stack)).toContain(finding);

    acknowledgeOnGrantee(role, [objectWildcardFinding(bucket, 'trades/*')], 'probe: writes are scoped to one prefix');
    expect(findings(stack)).not.toContain(finding);
  });

  it('gives every acknowledgement a specific reason of at least one sentence', () => {
    const { stack } = synthApp();
    const reasons = stack.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.values(entry.data as Record<string, string>));
    expect(reasons.length).toBeGreaterThan(10);
    for (const reason of reasons) {
      expect(reason.length).toBeGreaterThan(60);
    }
  });
});
