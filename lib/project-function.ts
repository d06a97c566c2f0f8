import * as path from 'node:path';
import type { Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { functionNodeOptions } from './function-node-options';
import { WRITER_BUNDLING } from './ingestion/writer-bundling';

const PROJECT_ROOT = path.join(__dirname, '..');

/** A Lambda function of this project: the handler's file, its own role and log group, its size. */
export interface ProjectFunctionProps {
  /** The handler's file under `lambda/`, exporting `handler`, e.g. `trade-writer/index.ts`. */
  readonly entry: string;
  readonly functionName: string;
  readonly description: string;
  /**
   * The function's own role, assumed by `lambda.amazonaws.com`: required, so no function ever gets
   * CDK's default role with the AWS managed AWSLambdaBasicExecutionRole.
   */
  readonly role: iam.IRole;
  /** Its log group (`AuditKey.createLogGroup`: encrypted with the audit key); the role may write to it. */
  readonly logGroup: logs.ILogGroup;
  /** Its memory in MB, which also sizes its V8 heap (`functionNodeOptions`). */
  readonly memorySize: number;
  readonly timeout: Duration;
  /** @default lambda.Architecture.ARM_64 */
  readonly architecture?: lambda.Architecture;
  /** Its settings; `NODE_OPTIONS` is this factory's. */
  readonly environment: Readonly<Record<string, string>>;
  /** @default - unreserved */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * Every function of the stack is made here, so each has what the writer has: Node.js 24, JSON logs
 * in its own encrypted log group, X-Ray tracing, and a bundle built by esbuild on this machine with
 * the AWS SDK inside at the version of package-lock.json (`WRITER_BUNDLING`, which the bench measures),
 * and a V8 heap sized from its memory as the Lambda runtime sizes it (`functionNodeOptions`, which the
 * bench runs the handler with too).
 */
export function createProjectFunction(
  scope: Construct,
  id: string,
  props: ProjectFunctionProps,
): nodejs.NodejsFunction {
  const fn = new nodejs.NodejsFunction(scope, id, {
    functionName: props.functionName,
    description: props.description,
    entry: path.join(PROJECT_ROOT, 'lambda', props.entry),
    handler: 'handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: props.architecture ?? lambda.Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    role: props.role,
    logGroup: props.logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    tracing: lambda.Tracing.ACTIVE,
    reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    // The lock file at the repository root, never a parent directory's (docs/design.md §14).
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
    bundling: {
      // esbuild from devDependencies; never Docker.
      forceDockerBundling: false,
      // Warnings and errors only: `cdk synth -q` and the tests print nothing when bundling succeeds.
      logLevel: nodejs.LogLevel.WARNING,
      format: nodejs.OutputFormat.CJS,
      ...WRITER_BUNDLING,
      mainFields: [...WRITER_BUNDLING.mainFields],
      // Bundle the AWS SDK at the version pinned in package-lock.json instead of the runtime's.
      externalModules: [],
    },
    environment: { ...props.environment, NODE_OPTIONS: functionNodeOptions(props.memorySize).join(' ') },
  });
  props.logGroup.grantWrite(props.role);
  return fn;
}
