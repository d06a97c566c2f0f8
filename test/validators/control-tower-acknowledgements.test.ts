import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledge, CFN_GUARD_PLUGIN, CONTROL_TOWER } from '../../lib/acknowledgements';
import { type ControlTowerReport, controlTowerApp, controlTowerReport, describeFinding } from './support/control-tower';

/** The Control Tower rules the plugin ships, as `ct-s3-pr-9.guard` → file text. */
function bundledRules(): Map<string, string> {
  const root = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules');
  const rules = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.guard')) rules.set(entry.name, fs.readFileSync(file, 'utf8'));
    }
  };
  walk(root);
  return rules;
}

/** A bucket with CDK's defaults, once bare and once with CT.S3.PR.9 acknowledged. */
function probeBucket(acknowledged: boolean): ControlTowerReport {
  const app = controlTowerApp();
  const bucket = new s3.Bucket(new Stack(app, 'Probe'), 'Bucket');
  if (acknowledged) {
    acknowledge(bucket, [CONTROL_TOWER.bucketObjectLock], 'probe: this bucket holds nothing that must be kept.');
  }
  return controlTowerReport(app);
}

describe('acknowledging a Control Tower control', () => {
  it('names, for each acknowledged control, the guard rule that the bundled rules check it with', () => {
    const rules = bundledRules();
    for (const { control, guardRule } of Object.values(CONTROL_TOWER)) {
      const file = `${control.toLowerCase().replaceAll('.', '-')}.guard`;
      expect(rules.get(file)).toEqual(expect.stringContaining(`rule ${guardRule} when`));
      expect(rules.get(file)).toEqual(expect.stringContaining(`[${control}]:`));
    }
  });

  it('uses the plugin name that CDK matches acknowledgements by', () => {
    expect(new CfnGuardValidator().name).toBe(CFN_GUARD_PLUGIN);
  });

  it('suppresses that control on that construct, and only it, with the reason in the report', () => {
    const before = probeBucket(false);
    const after = probeBucket(true);
    const lockFinding = 'CT.S3.PR.9 @ Probe/Bucket/Resource';

    expect(before.findings.map((finding) => describeFinding(finding))).toEqual(
      expect.arrayContaining([lockFinding, 'CT.S3.PR.4 @ Probe/Bucket/Resource']),
    );
    const remaining = after.findings.map((finding) => describeFinding(finding));
    expect(remaining).not.toContain(lockFinding);
    expect(remaining).toContain('CT.S3.PR.4 @ Probe/Bucket/Resource');
    expect(remaining).toHaveLength(before.findings.length - 1);
    expect(after.acknowledged).toEqual([
      expect.objectContaining({
        control: 'CT.S3.PR.9',
        constructPath: 'Probe/Bucket/Resource',
        acknowledgedAt: 'Probe/Bucket',
        reason: 'probe: this bucket holds nothing that must be kept.',
      }),
    ]);
  });
});
