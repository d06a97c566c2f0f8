import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  WRITER_ARCHITECTURE,
  WRITER_ENV,
  WRITER_MEMORY_MB,
  WRITER_METRICS,
  WRITER_SERVICE_NAME,
} from '../../lambda/trade-writer/contract';
import { acknowledge, CONTROL_TOWER, NAG } from '../acknowledgements';
import type { StreamCapacity } from '../config';
import { createProjectFunction } from '../project-function';
import type { DataLakeBucket } from '../raw-zone/lake-bucket';
import type { AuditKey } from '../security/audit-key';
import { grantReadObjects } from '../security/bucket-grants';
import type { DataKey } from '../security/data-key';
import { acknowledgeUnlockedRecords, createKmsBucket, type ObjectLockProps } from '../security/secure-bucket';
import { FailedBatchBucketDestination } from './failed-batch-destination';

export interface IngestionProps {
  readonly dataKey: DataKey;
  /** Encrypts the writer's log group. */
  readonly auditKey: AuditKey;
  readonly lake: DataLakeBucket;
  /** Where the failed-batch bucket's server access logs go. */
  readonly accessLogsBucket: s3.IBucket;
  readonly streamName: string;
  readonly functionName: string;
  /**
   * CloudWatch namespace of the writer's own metrics (Powertools EMF). One per stage, so that dev and
   * prod in one account never feed each other's alarms.
   */
  readonly metricsNamespace: string;
  /** Fixed, because the audit key's policy names it. */
  readonly logGroupName: string;
  readonly streamCapacity: StreamCapacity;
  /** Stream retention; at least 168 h. */
  readonly streamRetention: Duration;
  readonly logRetention: logs.RetentionDays;
  /** @default - unreserved (new accounts may have a concurrency quota of 10) */
  readonly reservedConcurrency?: number;
  /** Records per invocation, up to 10,000 (Lambda also caps a batch at the 6 MB payload). */
  readonly batchSize: number;
  readonly maxBatchingWindow: Duration;
  /** Retries of a failing batch before Lambda gives up and records it in the failed-batch bucket. */
  readonly retryAttempts: number;
  /** Age after which Lambda gives up on a record; must stay below the stream retention so it can be replayed. */
  readonly maxRecordAge: Duration;
  readonly parallelizationFactor: number;
  /** Days after which a version of a failed-batch record that is no longer current expires. */
  readonly noncurrentVersionDays: number;
  /**
   * Object Lock of the failed-batch bucket: a batch Lambda gave up on is a copy of trades, kept as
   * long as they are (docs/design.md §9). @default - no Object Lock
   */
  readonly objectLock?: ObjectLockProps;
  /**
   * The curation job's `reconcileDays`: the writer counts trades it writes on earlier dates
   * (`metricLateTrades`), which no scheduled run merges.
   */
  readonly reconcileDays: number;
  /** Removal policy of the stream and the log group (the failed-batch bucket is always retained). */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * From producers to the lake: the encrypted stream, the trade-writer function and its event source
 * mapping, and the failed-batch bucket where Lambda records the batches it gave up on.
 */
export class Ingestion extends Construct {
  public readonly stream: kinesis.Stream;
  /** ARN built from the fixed name: key policies need it without depending on the stream. */
  public readonly streamArn: string;
  public readonly writer: nodejs.NodejsFunction;
  public readonly writerRole: iam.Role;
  public readonly failedBatchBucket: s3.Bucket;
  public readonly logGroup: logs.LogGroup;
  /** CloudWatch namespace of the writer's own metrics. */
  public readonly metricsNamespace: string;
  /** The UUID of the writer's event source mapping: the dimension of its event-count metrics. */
  public readonly eventSourceMappingId: string;
  private readonly dataKey: DataKey;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);
    this.dataKey = props.dataKey;
    this.metricsNamespace = props.metricsNamespace;
    this.streamArn = Stack.of(this).formatArn({
      service: 'kinesis',
      resource: 'stream',
      resourceName: props.streamName,
    });

    this.stream = new kinesis.Stream(this, 'Stream', {
      streamName: props.streamName,
      // The customer managed key, never aws/kinesis: only principals the key policy names can read.
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: props.dataKey.key,
      retentionPeriod: props.streamRetention,
      ...(props.streamCapacity.mode === 'on-demand'
        ? { streamMode: kinesis.StreamMode.ON_DEMAND }
        : { streamMode: kinesis.StreamMode.PROVISIONED, shardCount: props.streamCapacity.shards }),
      removalPolicy: props.removalPolicy,
    });

    this.failedBatchBucket = createKmsBucket(this, 'FailedBatchBucket', {
      key: props.dataKey.key,
      accessLogs: props.accessLogsBucket,
      accessLogsPrefix: 'failed-batches/',
      noncurrentVersionDays: props.noncurrentVersionDays,
      // The only copy of a batch Lambda gave up on once the stream has aged it out: kept in every stage.
      removalPolicy: RemovalPolicy.RETAIN,
      objectLock: props.objectLock,
    });
    if (props.objectLock === undefined) acknowledgeUnlockedRecords(this.failedBatchBucket);

    this.logGroup = props.auditKey.createLogGroup(this, 'WriterLogGroup', {
      logGroupName: props.logGroupName,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    // Its own role, so no AWS managed policy (AWSLambdaBasicExecutionRole) is ever attached.
    this.writerRole = new iam.Role(this, 'WriterRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'trade-writer: read the trade stream, write trades/ and quarantine/ objects',
    });

    this.writer = createProjectFunction(this, 'Writer', {
      functionName: props.functionName,
      description: 'Writes trades from the stream to the data lake; quarantines bad records',
      entry: 'trade-writer/index.ts',
      // The cost model (tools/cost) reads the same two values from the writer's contract.
      architecture: WRITER_ARCHITECTURE === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
      memorySize: WRITER_MEMORY_MB,
      timeout: Duration.minutes(2),
      role: this.writerRole,
      logGroup: this.logGroup,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        [WRITER_ENV.bucketName]: props.lake.bucket.bucketName,
        [WRITER_ENV.keyArn]: props.dataKey.key.keyArn,
        [WRITER_ENV.reconcileDays]: `${props.reconcileDays}`,
        POWERTOOLS_SERVICE_NAME: WRITER_SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
      },
    });
    acknowledge(
      this.writerRole,
      NAG.inlinePolicy,
      'The role has no inline policy: its permissions are a separate AWS::IAM::Policy (CDK default policy) attached to it alone, required so the data key policy can name the role without a cycle (docs/design.md §14).',
    );
    acknowledge(
      this.writerRole,
      ['AwsSolutions-IAM5[Resource::*]'],
      'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions; "*" is the only valid resource.',
    );
    acknowledge(
      this.writer,
      [...NAG.lambdaInVpc, CONTROL_TOWER.lambdaInVpc],
      'The writer calls only S3, KMS, X-Ray and CloudWatch Logs over TLS with IAM auth and reaches no private resource; a VPC would add NAT or endpoints without narrowing access.',
    );
    acknowledge(
      this.writer,
      NAG.lambdaDlq,
      'A stream-triggered function cannot use a function DLQ; its event source mapping sends batches it gives up on to the failed-batch bucket (on-failure destination).',
    );
    if (props.reservedConcurrency === undefined) {
      acknowledge(
        this.writer,
        NAG.lambdaConcurrency,
        'Reserved concurrency is off by default: new accounts may have a quota of 10, and a reservation below shards x parallelization factor stalls shards. Set writerReservedConcurrency to turn it on.',
      );
    }
    acknowledge(
      this.stream,
      NAG.kinesisCustomerKey,
      'KDS3 asks for the AWS managed key aws/kinesis; the stream uses the customer managed data key instead, which is stricter (only principals named in its key policy can read).',
    );

    props.lake.grantWriteTrades(this.writer);
    // The failed-batch record is written by Lambda with the function's role under the bucket's default
    // encryption (the data key), so the role's S3 GenerateDataKey grant above covers it too.
    this.dataKey.grantDecryptViaKinesis(this.writer, this.streamArn);

    // The event source grants the writer read on the stream it is given, and kms:Decrypt on that
    // stream's key with no condition; the stream as seen without its key leaves the one Decrypt grant
    // the one above, through Kinesis for this stream only.
    const streamWithoutKey = kinesis.Stream.fromStreamAttributes(this, 'EventSourceStream', {
      streamArn: this.stream.streamArn,
    });
    const eventSource = new KinesisEventSource(streamWithoutKey, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: props.batchSize,
      maxBatchingWindow: props.maxBatchingWindow,
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      // The default retries forever: one bad batch would block its shard for the whole retention.
      retryAttempts: props.retryAttempts,
      maxRecordAge: props.maxRecordAge,
      parallelizationFactor: props.parallelizationFactor,
      onFailure: new FailedBatchBucketDestination(this.failedBatchBucket),
      // OnFailureDestinationDeliveredEventCount counts what Lambda recorded in the failed-batch bucket,
      // and nothing else: S3's PutRequests there also count the replay function's PutObjectTagging.
      metricsConfig: { metrics: [lambda.MetricType.EVENT_COUNT] },
    });
    this.writer.addEventSource(eventSource);
    this.eventSourceMappingId = eventSource.eventSourceMappingId;
  }

  /** Age of the oldest record the writer read (Maximum): how far the lake lags the stream. */
  public metricIteratorAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.writer.metric('IteratorAge', { statistic: 'Maximum', ...props });
  }

  /** Writer invocations that ended in an error (Sum); Lambda retries them, bisecting. */
  public metricWriterErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.writer.metricErrors({ statistic: 'Sum', ...props });
  }

  /** Writer invocations throttled by Lambda concurrency (Sum). */
  public metricWriterThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.writer.metricThrottles({ statistic: 'Sum', ...props });
  }

  /**
   * Batches the event source mapping could not even record in the failed-batch bucket (Sum): such
   * a batch is lost once the stream ages it out.
   */
  public metricDestinationDeliveryFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.writer.metric('DestinationDeliveryFailures', { statistic: 'Sum', ...props });
  }

  /** Objects the writer could not store (Sum); their records are retried. */
  public metricWriteFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.writerMetric(WRITER_METRICS.writeFailures, props);
  }

  /** Records the writer quarantined (Sum). */
  public metricQuarantined(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.writerMetric(WRITER_METRICS.recordsQuarantined, props);
  }

  /** Trades durably written (Sum). */
  public metricTradesWritten(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.writerMetric(WRITER_METRICS.tradesWritten, props);
  }

  /**
   * Trades written on a date before the curation window (Sum): the curation job never lists their
   * raw prefix, so they reach `curated.trades` only when their date is curated by name. The writer's
   * warning log ('trades written before the curation window') names the dates.
   */
  public metricLateTrades(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.writerMetric(WRITER_METRICS.lateTrades, props);
  }

  /**
   * Records Lambda gave up on and recorded in the failed-batch bucket (Sum): the event source
   * mapping's OnFailureDestinationDeliveredEventCount. Not the bucket's S3 PutRequests: a request
   * metric counts every HTTP PUT on an object, and the PutObjectTagging of a replay is one, on the
   * very object Lambda wrote, so no prefix or tag filter could tell the two apart.
   */
  public metricFailedBatches(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName: 'OnFailureDestinationDeliveredEventCount',
      dimensionsMap: { EventSourceMappingUUID: this.eventSourceMappingId },
      statistic: 'Sum',
      ...props,
    });
  }

  /**
   * Records producers put that the stream throttled (Sum), by PutRecord or PutRecords: producers
   * retry, or lose them.
   */
  public metricStreamWriteThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stream.metricWriteProvisionedThroughputExceeded({ statistic: 'Sum', ...props });
  }

  private writerMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.metricsNamespace,
      metricName,
      // Powertools Metrics adds the service name as the one dimension of every metric it emits.
      dimensionsMap: { service: WRITER_SERVICE_NAME },
      statistic: 'Sum',
      ...props,
    });
  }

  /** Put trades on the stream: PutRecord(s), and GenerateDataKey through Kinesis for this stream only. */
  public grantPutTrades(grantee: iam.IGrantable): iam.Grant {
    const put = iam.Grant.addToPrincipal({
      grantee,
      actions: ['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:DescribeStreamSummary', 'kinesis:ListShards'],
      resourceArns: [this.stream.streamArn],
    });
    return put.combine(this.dataKey.grantEncryptViaKinesis(grantee, this.streamArn));
  }

  /** Read the stream (for inspection and replay): records, shards, and Decrypt through Kinesis for this stream only. */
  public grantReadStream(grantee: iam.IGrantable): iam.Grant {
    const read = iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'kinesis:GetRecords',
        'kinesis:GetShardIterator',
        'kinesis:DescribeStream',
        'kinesis:DescribeStreamSummary',
        'kinesis:ListShards',
      ],
      resourceArns: [this.stream.streamArn],
    });
    return read.combine(this.dataKey.grantDecryptViaKinesis(grantee, this.streamArn));
  }

  /**
   * Read how the stream and the failed-batch bucket are encrypted (DescribeStreamSummary,
   * GetBucketEncryption): configuration only, never a record or an object, and no use of the key.
   */
  public grantReadEncryptionConfiguration(grantee: iam.IGrantable): iam.Grant {
    const stream = iam.Grant.addToPrincipal({
      grantee,
      actions: ['kinesis:DescribeStreamSummary'],
      resourceArns: [this.stream.streamArn],
    });
    const failedBatches = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetEncryptionConfiguration'],
      resourceArns: [this.failedBatchBucket.bucketArn],
    });
    return stream.combine(failedBatches);
  }

  /** Read the failed-batch bucket (for replay): list, get, decrypt through S3. */
  public grantReadFailedBatches(grantee: iam.IGrantable): iam.Grant {
    return grantReadObjects(grantee, this.failedBatchBucket, {
      objects: ['*'],
      key: this.dataKey,
      wildcardReason: 'Replay reads whichever failed-batch records Lambda wrote; the bucket holds nothing else.',
    });
  }
}
