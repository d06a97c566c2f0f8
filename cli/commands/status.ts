import { Command } from 'commander';
import { STACK_OUTPUTS } from '../aws/stack-outputs';
import { type CliEnvironment, type GlobalOptions, StackSession } from '../context';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { notice } from '../output/output';
import { type Format, formatOption } from '../output/rows';
import { readPipelineStatus } from '../status/pipeline-status';
import { renderStatus } from '../status/render';
import { parseStatusMetrics } from '../status/status-metrics';
import { roleHelp } from './help';

/** `trades status`: the pipeline at a glance, as the auditor. */

interface StatusCommandOptions {
  readonly format: Format;
}

export function statusCommand(env: CliEnvironment): Command {
  return new Command('status')
    .summary("the pipeline at a glance: the last day's metrics and the alarms in ALARM")
    .description(
      "The pipeline over the last 24 hours, from the metrics the stack's alarms watch (CloudWatch GetMetricData): the stream's iterator age, writer errors and throttles, objects not written, records quarantined, batches given up on, throttled producer records, trades written, and the newest trade object's age (from the writer's TradesWritten metric: no object is listed or read), then every alarm of the stage in ALARM. Exits with 1 while any alarm is in ALARM.",
    )
    .addOption(formatOption())
    .addHelpText(
      'after',
      roleHelp(STACK_OUTPUTS.auditorRoleArn, 'GetMetricData and DescribeAlarms; no object, no record'),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ trades status
  $ trades status --format json | jq '.[] | select(.value != 0)'`,
    )
    .action(async (options: StatusCommandOptions, command: Command) => {
      const session = new StackSession(env, command.optsWithGlobals<GlobalOptions>());
      const metrics = parseStatusMetrics(await session.output(STACK_OUTPUTS.statusMetrics), session.stackName);
      const alarmNamePrefix = await session.output(STACK_OUTPUTS.alarmNamePrefix);
      const role = await session.assumeRole(STACK_OUTPUTS.auditorRoleArn, 'status');
      const status = await readPipelineStatus(
        { cloudWatch: session.clients.cloudWatch(role.credentials), actor: role.actor, metrics, alarmNamePrefix },
        env.now(),
      );
      env.output.stdout.write(renderStatus(status, options.format));
      notice(env.output, `Stack ${session.stackName}, the 24 hours to ${status.asOf.toISOString()}.`);
      if (status.alarms.length > 0) {
        const names = status.alarms.map(({ name }) => name).join(', ');
        throw new CliError(
          `${status.alarms.length} alarm${status.alarms.length === 1 ? '' : 's'} in ALARM: ${names}.`,
          EXIT.FAILED,
        );
      }
    });
}
