import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  REPLAY_ENV,
  REPLAY_MEMORY_MB,
  REPLAY_SERVICE_NAME,
  REPLAY_TIMEOUT_SECONDS,
  WRITER_TIMEOUT_SECONDS,
} from '../../lambda/replay/contract';
import { acknowledge, acknowledgeOnGrantee, CONTROL_TOWER, NAG, objectWildcardFinding } from '../acknowledgements';
import { createProjectFunction } from '../project-function';
import type { AuditKey } from '../security/audit-key';
import type { Ingestion } from './ingestion';

export interface ReplayFunctionProps {
  /** The stream, the writer and the failed-batch bucket the function replays between. */
  readonly ingestion: Ingestion;
  /** Encrypts the function's log group. */
  readonly auditKey: AuditKey;
  readonly functionName: string;
  /** Fixed, because the audit key's policy names it. */
  readonly logGroupName: string;
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of the log group. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The replay function (docs/design.md §3, §6): given the key of a record in the failed-batch bucket, it reads
 * the record, rebuilds the event Lambda had invoked the writer with, invokes the writer and tags the
 * record replayed. It is the data engineer's only way to the writer: an engineer who could invoke
 * the writer directly could put any event they built into locked storage as trades, while this
 * function replays only what Lambda itself recorded from the stream.
 *
 * Its role reads the failed-batch bucket, tags its records, and invokes the writer; nothing of the lake.
 */
export class ReplayFunction extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  private readonly ingestion: Ingestion;

  constructor(scope: Construct, id: string, props: ReplayFunctionProps) {
    super(scope, id);
    const { ingestion } = props;
    this.ingestion = ingestion;
    const writerTimeout = ingestion.writer.timeout?.toSeconds() ?? 3;
    if (writerTimeout > WRITER_TIMEOUT_SECONDS) {
      // The replay function waits for the writer; a writer that may run longer would be cut off mid-batch.
      throw new Error(
        `trading-data-lake: the writer's timeout (${writerTimeout} s) exceeds the ${WRITER_TIMEOUT_SECONDS} s the replay function waits for it (lambda/replay/contract.ts)`,
      );
    }

    this.logGroup = props.auditKey.createLogGroup(this, 'LogGroup', {
      logGroupName: props.logGroupName,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    // Its own role, so no AWS managed policy (AWSLambdaBasicExecutionRole) is ever attached.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'trade-replay: read and tag failed-batch records, invoke the trade-writer',
    });

    this.function = createProjectFunction(this, 'Function', {
      functionName: props.functionName,
      description: 'Replays one batch recorded in the failed-batch bucket through the trade-writer',
      entry: 'replay/index.ts',
      memorySize: REPLAY_MEMORY_MB,
      timeout: Duration.seconds(REPLAY_TIMEOUT_SECONDS),
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        [REPLAY_ENV.failedBatchBucket]: ingestion.failedBatchBucket.bucketName,
        [REPLAY_ENV.writerFunctionArn]: ingestion.writer.functionArn,
        [REPLAY_ENV.streamArn]: ingestion.streamArn,
        POWERTOOLS_SERVICE_NAME: REPLAY_SERVICE_NAME,
      },
    });

    // Read: GetObject and ListBucket (a missing key answers 404, not 403), Decrypt through S3.
    ingestion.grantReadFailedBatches(this.function);
    iam.Grant.addToPrincipal({
      grantee: this.function,
      actions: ['s3:GetObjectTagging', 's3:PutObjectTagging'],
      resourceArns: [ingestion.failedBatchBucket.arnForObjects('*')],
    });
    iam.Grant.addToPrincipal({
      grantee: this.function,
      actions: ['lambda:InvokeFunction'],
      // The unqualified ARN only: no version or alias of the writer, no other function.
      resourceArns: [ingestion.writer.functionArn],
    });

    acknowledgeOnGrantee(
      this.function,
      [objectWildcardFinding(ingestion.failedBatchBucket, '*')],
      'Lambda names the failed-batch records itself; the wildcard covers only that bucket, which holds nothing else, for reading and tagging records.',
    );
    acknowledge(
      this.role,
      NAG.inlinePolicy,
      'The role has no inline policy: its permissions are a separate AWS::IAM::Policy (CDK default policy) attached to it alone, required so the data key policy can name the role without a cycle (docs/design.md §14).',
    );
    acknowledge(
      this.role,
      ['AwsSolutions-IAM5[Resource::*]'],
      'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions; "*" is the only valid resource.',
    );
    acknowledge(
      this.function,
      [...NAG.lambdaInVpc, CONTROL_TOWER.lambdaInVpc],
      'The replay function calls only S3, KMS (through S3), Lambda, X-Ray and CloudWatch Logs over TLS with IAM auth and reaches no private resource; a VPC would add NAT or endpoints without narrowing access.',
    );
    acknowledge(
      this.function,
      NAG.lambdaDlq,
      'Invoked synchronously by the operator CLI, which reports each failure and leaves the record untagged to replay again; a DLQ receives only asynchronous invocations.',
    );
    acknowledge(
      this.function,
      NAG.lambdaConcurrency,
      'An operator runs it by hand, one record at a time; reserving concurrency would take it from the account pool the writer needs (new accounts may have a quota of 10).',
    );
  }

  /**
   * Replay failed batches: invoke this function (never the writer), and read the records' tags to see
   * which are replayed. Reading the records themselves is Ingestion.grantReadFailedBatches.
   */
  public grantReplay(grantee: iam.IGrantable): iam.Grant {
    const invoke = iam.Grant.addToPrincipal({
      grantee,
      actions: ['lambda:InvokeFunction'],
      resourceArns: [this.function.functionArn],
    });
    const tags = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObjectTagging'],
      resourceArns: [this.ingestion.failedBatchBucket.arnForObjects('*')],
    });
    acknowledgeOnGrantee(
      grantee,
      [objectWildcardFinding(this.ingestion.failedBatchBucket, '*')],
      'Replay lists whichever failed-batch records Lambda wrote and reads their replayed tag; the bucket holds nothing else.',
    );
    return invoke.combine(tags);
  }
}
