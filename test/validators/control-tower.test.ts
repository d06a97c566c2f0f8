import { loadConfig } from '../../lib/config';
import { resourceNames } from '../../lib/names';
import { TradingDataLakeStack } from '../../lib/trading-data-lake-stack';
import { cdkJsonContext, PROD_PRINCIPALS, TEST_ENV } from '../support/app';
import {
  type ControlTowerReport,
  controlTowerApp,
  controlTowerReport,
  describeFinding,
  findingPath,
} from './support/control-tower';

/**
 * The AWS Control Tower proactive controls (cdk-validator-cfnguard, a CDK policy-validation plugin)
 * over the whole app of each stage (docs/design.md §15). About five seconds of cfn-guard per stage: this suite
 * runs in `npm run test:slow`, not `npm test`.
 */

/**
 * Findings that other work fixes, never acknowledged. Each entry also fails the test once its
 * finding is gone, so the list shrinks as the fixes land and cannot go stale.
 */
const PENDING: readonly { readonly finding: string; readonly until: string }[] = [];

/** The buckets of books and records: locked wherever recordsRetention is set (docs/design.md §9). */
const RECORDS_BUCKETS = /^(DataLake\/Bucket|Ingestion\/FailedBatchBucket|Audit\/TrailBucket)\/Resource$/;

/** The only buckets on which a control may be accepted, by control: everywhere else it must be met. */
const ACCEPTED_ONLY_ON: Readonly<Record<string, RegExp>> = {
  // Object Lock is for records; these hold derived results, access logs, or the curated table whose
  // files OPTIMIZE rewrites and VACUUM deletes (docs/design.md §9). The records buckets themselves only while
  // recordsRetention is none (dev's default; prod requires one).
  'CT.S3.PR.9':
    /^(AccessLogsBucket|CuratedZone\/Bucket|\w+\/(Queries|EngineerQueries|CurationQueries)\/ResultsBucket|DataLake\/Bucket|Ingestion\/FailedBatchBucket|Audit\/TrailBucket)\/Resource$/,
  // SSE-S3 and no access logging: the access-log target alone.
  'CT.S3.PR.10': /^AccessLogsBucket\/Resource$/,
  'CT.S3.PR.2': /^AccessLogsBucket\/Resource$/,
};

describe.each<[string, Record<string, unknown>]>([
  ['dev', {}],
  ['prod', { stage: 'prod', ...PROD_PRINCIPALS }],
])('AWS Control Tower proactive controls in %s', (_stage, context) => {
  let stack: TradingDataLakeStack;
  let report: ControlTowerReport;
  beforeAll(() => {
    // No bundling, as synthApp: the controls read the template, which differs only in the asset hash.
    const app = controlTowerApp({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context } });
    const config = loadConfig(app.node.getAllContext());
    stack = new TradingDataLakeStack(app, resourceNames(config.stage).stackName, { config, env: TEST_ENV });
    report = controlTowerReport(app);
  });
  const pending = PENDING.map((entry) => entry.finding);

  it('reports no finding that is neither acknowledged nor pending', () => {
    const findings = report.findings.map((finding) => describeFinding(finding, stack));
    expect(findings.filter((finding) => !pending.includes(finding))).toEqual([]);
  });

  it('still reports every pending finding (remove an entry from PENDING once its fix lands)', () => {
    expect(report.findings.map((finding) => describeFinding(finding, stack))).toEqual(expect.arrayContaining(pending));
  });

  it('acknowledges each accepted finding on the construct it concerns, with a reason', () => {
    // The plugin ran and CDK applied the acknowledgements (a report without them would prove nothing).
    expect(report.acknowledged.map((finding) => describeFinding(finding, stack))).toContain(
      'CT.LAMBDA.PR.3 @ Ingestion/Writer/Resource',
    );
    for (const finding of report.acknowledged) {
      expect(finding.acknowledgedAt).not.toBe(stack.node.path);
      expect(finding.constructPath.startsWith(`${finding.acknowledgedAt}/`)).toBe(true);
      expect(finding.reason?.length).toBeGreaterThan(60);
    }
  });

  it(
    context.stage === 'prod'
      ? 'meets Object Lock (CT.S3.PR.9) on the lake, failed-batch and trail buckets: prod requires a retention'
      : 'accepts unlocked records buckets (CT.S3.PR.9) only because recordsRetention is none',
    () => {
      const onRecords = report.acknowledged.filter(
        (finding) => finding.control === 'CT.S3.PR.9' && RECORDS_BUCKETS.test(findingPath(finding, stack)),
      );
      expect(onRecords).toHaveLength(context.stage === 'prod' ? 0 : 3);
      expect(report.findings.filter((finding) => RECORDS_BUCKETS.test(findingPath(finding, stack)))).toEqual([]);
    },
  );

  it('accepts Object Lock, SSE-S3 and unlogged buckets only where the design needs them', () => {
    for (const finding of report.acknowledged) {
      const allowed = ACCEPTED_ONLY_ON[finding.control];
      if (allowed) expect(findingPath(finding, stack)).toMatch(allowed);
    }
  });
});
