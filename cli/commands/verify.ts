import { Command } from 'commander';
import { assumeRole, sessionNameFor } from '../aws/assume-role';
import { STACK_OUTPUTS } from '../aws/stack-outputs';
import { type CliEnvironment, type GlobalOptions, StackSession } from '../context';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { notice } from '../output/output';
import { type Format, formatOption, renderRows } from '../output/rows';
import type { VerifyContext } from '../verify/context';
import type { ControlResult } from '../verify/controls';
import { runControls } from '../verify/run-verify';
import { roleHelp } from './help';

/** `trades verify`: a post-deploy audit of the live stack, one line per control. */

interface VerifyCommandOptions {
  readonly format: Format;
}

export function renderControls(results: readonly ControlResult[], format: Format): string {
  return renderRows(
    [{ key: 'control' }, { key: 'result' }, { key: 'reason' }],
    results.map(({ control, result, reason }) => ({ control, result, reason })),
    format,
  );
}

export function verifyCommand(env: CliEnvironment): Command {
  return new Command('verify')
    .summary(
      'audit the deployed controls: encryption, the bucket policy, keys, stream, workgroups, trail, alarm topic, Object Lock',
    )
    .description(
      "Check the live stack's controls, one line each, PASS or FAIL with the reason (SKIP where the stack has no such resource by configuration): default encryption of the lake and failed-batch buckets (aws:kms, the data key, Bucket Key); that the lake's bucket policy refuses an unencrypted PutObject (a probe that can write nothing: no encryption header and If-Match on a key that never exists, so 403 means the Deny held and 404 or 412 that it did not); both keys enabled and rotating; the stream encrypted with the data key; the workgroups enforced with SSE_KMS and the right key; the trail logging with file validation; the alarm topic's policy letting CloudWatch publish, scoped; the newest trade object SSE-KMS with the data key; the Object Lock of the lake, failed-batch and trail buckets exactly as recordsRetention says (none: no lock; otherwise the mode and period of the default retention). Exits with 1 on any FAIL.",
    )
    .addOption(formatOption())
    .addHelpText(
      'after',
      roleHelp(STACK_OUTPUTS.auditorRoleArn, 'every control but one: read-only configuration, never a trade'),
    )
    .addHelpText(
      'after',
      `      The newest-trade-object control assumes output ${STACK_OUTPUTS.dataEngineerRoleArn} (HeadObject), whatever --role-arn says.

Examples:
  $ trades verify
  $ trades verify --stage prod --format json`,
    )
    .action(async (options: VerifyCommandOptions, command: Command) => {
      const session = new StackSession(env, command.optsWithGlobals<GlobalOptions>());
      const outputs = await session.outputs();
      const stack = {
        lakeBucket: await session.output(STACK_OUTPUTS.bucketName),
        failedBatchBucket: await session.output(STACK_OUTPUTS.failedBatchBucketName),
        stream: await session.output(STACK_OUTPUTS.streamName),
        analyticsWorkGroup: await session.output(STACK_OUTPUTS.workGroupName),
        engineerWorkGroup: await session.output(STACK_OUTPUTS.engineerWorkGroupName),
        auditWorkGroup: outputs.values[STACK_OUTPUTS.auditWorkGroupName],
        trailArn: outputs.values[STACK_OUTPUTS.trailArn],
        alarmTopicArn: await session.output(STACK_OUTPUTS.alarmTopicArn),
        recordsRetention: outputs.values[STACK_OUTPUTS.recordsRetention],
        trailBucket: outputs.values[STACK_OUTPUTS.trailBucketName],
      };
      const dataKeyArn = await session.output(STACK_OUTPUTS.keyArn);
      const auditKeyArn = await session.output(STACK_OUTPUTS.auditKeyArn);
      const engineerRoleArn = await session.output(STACK_OUTPUTS.dataEngineerRoleArn);
      const auditor = await session.assumeRole(STACK_OUTPUTS.auditorRoleArn, 'verify');
      // Its own session, not --role-arn's: the one control that reads a trade object's head.
      const engineer = await assumeRole(
        session.clients.sts(),
        engineerRoleArn,
        sessionNameFor('verify'),
        `stack output ${STACK_OUTPUTS.dataEngineerRoleArn}`,
        session.caller,
        session.now,
      ).then(
        (role) => ({ actor: role.actor, s3: session.clients.s3(role.credentials) }),
        (error: unknown) => {
          if (error instanceof CliError) return error;
          throw error;
        },
      );
      const { credentials } = auditor;
      const context: VerifyContext = {
        auditor: auditor.actor,
        s3: session.clients.s3(credentials),
        kms: session.clients.kms(credentials),
        kinesis: session.clients.kinesis(credentials),
        athena: session.clients.athena(credentials),
        cloudTrail: session.clients.cloudTrail(credentials),
        sns: session.clients.sns(credentials),
        engineer,
        dataKeyArn,
        auditKeyArn,
      };
      const results = await runControls(context, stack, env.now());
      env.output.stdout.write(renderControls(results, options.format));
      const count = (result: ControlResult['result']) => results.filter((r) => r.result === result).length;
      notice(
        env.output,
        `Stack ${session.stackName}: ${results.length} controls, ${count('PASS')} PASS, ${count('FAIL')} FAIL, ${count('SKIP')} SKIP.`,
      );
      const failed = results.filter(({ result }) => result === 'FAIL');
      if (failed.length > 0) {
        throw new CliError(
          `${failed.length} of ${results.length} controls failed: ${failed.map(({ control }) => control).join('; ')}.`,
          EXIT.FAILED,
        );
      }
    });
}
