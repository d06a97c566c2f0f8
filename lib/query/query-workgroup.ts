import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import type * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeOnGrantee, CONTROL_TOWER, objectWildcardFinding } from '../acknowledgements';
import type { S3EncryptionKey } from '../security/key-policy';
import { createKmsBucket, denyOtherEncryption } from '../security/secure-bucket';

export interface QueryWorkGroupProps {
  readonly workGroupName: string;
  readonly description: string;
  /** Encrypts the results (SSE_KMS, enforced) and their bucket. */
  readonly resultsKey: S3EncryptionKey;
  /** Where the results bucket's server access logs go. */
  readonly accessLogsBucket: s3.IBucket;
  readonly accessLogsPrefix: string;
  /** Per-query cutoff: a query that would scan more is cancelled. */
  readonly bytesScannedCutoffPerQuery: number;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * An Athena workgroup whose configuration clients cannot override: results in a bucket of their own,
 * SSE_KMS with a customer managed key ARN, a bytes-scanned cutoff per query, CloudWatch metrics.
 */
export class QueryWorkGroup extends Construct {
  public readonly workGroup: athena.CfnWorkGroup;
  public readonly resultsBucket: s3.Bucket;
  public readonly workGroupName: string;
  /** ARN built from the fixed name, so a policy can name the workgroup without depending on it. */
  public readonly workGroupArn: string;
  private readonly resultsKey: S3EncryptionKey;

  constructor(scope: Construct, id: string, props: QueryWorkGroupProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.workGroupName = props.workGroupName;
    this.workGroupArn = stack.formatArn({
      service: 'athena',
      resource: 'workgroup',
      resourceName: props.workGroupName,
    });
    this.resultsKey = props.resultsKey;

    this.resultsBucket = createKmsBucket(this, 'ResultsBucket', {
      key: props.resultsKey.key,
      accessLogs: props.accessLogsBucket,
      accessLogsPrefix: props.accessLogsPrefix,
      removalPolicy: props.removalPolicy,
      // Results are derived data; their sources stay where they are.
      noncurrentVersionDays: 1,
      lifecycleRules: [{ id: 'ExpireResults', expiration: Duration.days(30) }],
    });
    // The workgroup's enforced encryption governs what Athena writes; a caller's own PutObject with
    // its results grant is held to the same key here.
    denyOtherEncryption(this.resultsBucket, props.resultsKey.key);
    acknowledge(
      this.resultsBucket,
      [CONTROL_TOWER.bucketObjectLock],
      'Query results are derived copies that the lifecycle rule expires; records retention locks the records they come from where those are kept (lake, failed batches, trail; docs/design.md §9), and a lock here would keep every result, trades included, past its expiry.',
    );

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: props.workGroupName,
      description: props.description,
      state: 'ENABLED',
      // Lets a dev stack drop a workgroup that still has saved queries; prod retains it anyway.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        // Clients cannot override the result location or its encryption.
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/results/`,
          expectedBucketOwner: stack.account,
          // The exact key ARN: a CTAS into the lake must carry it to pass the bucket policy (docs/design.md §4).
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.resultsKey.key.keyArn },
        },
      },
    });
    this.workGroup.applyRemovalPolicy(props.removalPolicy);
  }

  /** Saves a query in this workgroup; `?` placeholders are Athena execution parameters. */
  public addNamedQuery(
    id: string,
    query: { readonly name: string; readonly description: string; readonly sql: string },
    database: { readonly name: string; readonly resource: glue.CfnDatabase },
  ): athena.CfnNamedQuery {
    const namedQuery = new athena.CfnNamedQuery(this, id, {
      name: query.name,
      description: query.description,
      database: database.name,
      workGroup: this.workGroupName,
      queryString: query.sql,
    });
    namedQuery.addResourceDependency(this.workGroup);
    namedQuery.addResourceDependency(database.resource);
    return namedQuery;
  }

  /**
   * Read this workgroup's configuration (GetWorkGroup: its enforcement, result location and
   * encryption) without running a query in it or reading a result.
   */
  public grantReadConfiguration(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['athena:GetWorkGroup'], resourceArns: [this.workGroupArn] });
  }

  /**
   * Run queries in this workgroup (and no other): Athena, the results prefix and the results key
   * through S3, and the Glue catalog and `default` database that the Athena console reads before
   * any query ("Configure AWS Glue access to your catalog and database per AWS Region"). Reading a
   * table and its data is granted by whoever owns that data.
   */
  public grantRunQueries(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    const athenaGrant = iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'athena:StartQueryExecution',
        'athena:StopQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:GetQueryResultsStream',
        'athena:ListQueryExecutions',
        'athena:BatchGetQueryExecution',
        'athena:GetWorkGroup',
        'athena:ListNamedQueries',
        'athena:GetNamedQuery',
        'athena:BatchGetNamedQuery',
      ],
      resourceArns: [this.workGroupArn],
    });
    const defaultDatabase = iam.Grant.addToPrincipal({
      grantee,
      actions: ['glue:GetDatabase'],
      resourceArns: [
        stack.formatArn({ service: 'glue', resource: 'catalog' }),
        stack.formatArn({ service: 'glue', resource: 'database', resourceName: 'default' }),
      ],
    });
    const results = iam.Grant.addToPrincipal({
      grantee,
      // Athena writes and reads results with the caller's credentials; multipart for large results.
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resourceArns: [this.resultsBucket.arnForObjects('results/*')],
    });
    const resultsBucket = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket', 's3:GetBucketLocation'],
      resourceArns: [this.resultsBucket.bucketArn],
    });
    acknowledgeOnGrantee(
      grantee,
      [objectWildcardFinding(this.resultsBucket, 'results/*')],
      `Athena names each result object by query id; the wildcard is scoped to the results/ prefix of the ${this.workGroupName} results bucket.`,
    );
    return athenaGrant
      .combine(defaultDatabase)
      .combine(results)
      .combine(resultsBucket)
      .combine(this.resultsKey.grantEncryptViaS3(grantee))
      .combine(this.resultsKey.grantDecryptViaS3(grantee));
  }
}
