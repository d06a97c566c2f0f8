import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import type { Construct } from 'constructs';
import { CFN_GUARD_PLUGIN } from '../../../lib/acknowledgements';

/** One violation of a Control Tower control on one resource, as CDK's validation report gives it. */
export interface ControlFinding {
  /** `CT.S3.PR.9`, read from the violation's description. */
  readonly control: string;
  readonly guardRule: string;
  /** Empty where the plugin could not tie the check to a resource. */
  readonly constructPath: string;
  /** Set when an acknowledgement suppressed the finding. */
  readonly reason?: string;
  readonly acknowledgedAt?: string;
}

export interface ControlTowerReport {
  /** Violations no acknowledgement covers. */
  readonly findings: readonly ControlFinding[];
  /** Violations an acknowledgement covers, with its reason. */
  readonly acknowledged: readonly ControlFinding[];
}

interface ReportViolation {
  readonly ruleName: string;
  readonly description: string;
  readonly violatingConstructs: readonly { readonly constructPath: string }[];
  readonly reason?: string;
  readonly acknowledgedAt?: string;
}

interface PluginReport {
  readonly pluginName: string;
  readonly metadata?: { readonly error?: string };
  readonly violations: readonly ReportViolation[];
  readonly suppressedViolations?: readonly ReportViolation[];
}

/**
 * An app whose synthesis runs the Control Tower proactive controls through cdk-validator-cfnguard,
 * which runs the cfn-guard binary bundled in the package (no download, no network). Synthesis writes
 * the report instead of throwing, so a test can read every finding at once.
 */
export function controlTowerApp(props: AppProps = {}): App {
  const app = new App({
    ...props,
    context: { ...props.context, [cxapi.FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT]: false },
  });
  Validations.of(app).addPlugins(new CfnGuardValidator());
  return app;
}

/** Synthesizes `app` (built by {@link controlTowerApp}) and reads what the cfn-guard plugin reported. */
export function controlTowerReport(app: App): ControlTowerReport {
  const assembly = app.synth();
  const reportFile = path.join(assembly.directory, cxapi.VALIDATION_REPORT_FILE);
  const report: { pluginReports: PluginReport[] } = fs.existsSync(reportFile)
    ? JSON.parse(fs.readFileSync(reportFile, 'utf8'))
    : { pluginReports: [] };
  const plugin = report.pluginReports.find((entry) => entry.pluginName === CFN_GUARD_PLUGIN);
  // CDK leaves a plugin out of the report when it found nothing at all, acknowledged or not.
  if (!plugin) return { findings: [], acknowledged: [] };
  // A plugin that throws (no cfn-guard binary for this platform, say) is reported as a failure
  // without violations: never let that read as a clean run.
  if (plugin.metadata?.error) throw new Error(plugin.metadata.error);
  return {
    findings: plugin.violations.flatMap(toFindings),
    acknowledged: (plugin.suppressedViolations ?? []).flatMap(toFindings),
  };
}

function toFindings(violation: ReportViolation): ControlFinding[] {
  const control = /^\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(violation.description)?.[1];
  if (!control) throw new Error(`no Control Tower control id in "${violation.description}"`);
  return violation.violatingConstructs.map((resource) => ({
    control,
    guardRule: violation.ruleName,
    constructPath: resource.constructPath,
    reason: violation.reason,
    acknowledgedAt: violation.acknowledgedAt,
  }));
}

/** The finding's construct path, relative to `root` where given. */
export function findingPath(finding: ControlFinding, root?: Construct): string {
  const prefix = root ? `${root.node.path}/` : '';
  const where = finding.constructPath.startsWith(prefix)
    ? finding.constructPath.slice(prefix.length)
    : finding.constructPath;
  return where || '(no resource)';
}

/** `CT.S3.PR.9 @ Bucket/Resource`: the control, and the construct path relative to `root` where given. */
export function describeFinding(finding: ControlFinding, root?: Construct): string {
  return `${finding.control} @ ${findingPath(finding, root)}`;
}
