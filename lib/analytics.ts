import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  type ColumnDefinition,
  PARTITION_COLUMN,
  PARTITION_START_DATE,
  QUARANTINE_COLUMNS,
  QUARANTINE_PREFIX,
  TRADE_COLUMNS,
  TRADES_PREFIX,
} from '../lambda/trade-writer/layout';
import type { DataKey } from './data-key';
import type { DataLakeBucket } from './data-lake-bucket';
import { acknowledgeOnGrantee, objectWildcardFinding } from './nag-acknowledgements';
import { TRADE_QUERIES } from './named-queries';
import { createSecureBucket } from './secure-bucket-defaults';

export const TRADES_TABLE = 'trades';
export const QUARANTINE_TABLE = 'quarantine';

export interface AnalyticsProps {
  readonly dataKey: DataKey;
  readonly lake: DataLakeBucket;
  /** Where the results bucket's server access logs go. */
  readonly accessLogsBucket: s3.IBucket;
  readonly databaseName: string;
  readonly workGroupName: string;
  /** Per-query cutoff: a query that would scan more is cancelled. */
  readonly bytesScannedCutoffPerQuery: number;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * How analysts read the lake: the Glue tables (partition projection, no crawler), the Athena workgroup
 * with enforced, KMS-encrypted results in their own bucket, and the named queries.
 */
export class Analytics extends Construct {
  public readonly database: glue.CfnDatabase;
  public readonly tradesTable: glue.CfnTable;
  public readonly quarantineTable: glue.CfnTable;
  public readonly resultsBucket: s3.Bucket;
  public readonly workGroup: athena.CfnWorkGroup;
  public readonly databaseName: string;
  public readonly workGroupName: string;
  private readonly dataKey: DataKey;
  private readonly lake: DataLakeBucket;

  constructor(scope: Construct, id: string, props: AnalyticsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.dataKey = props.dataKey;
    this.lake = props.lake;
    this.databaseName = props.databaseName;
    this.workGroupName = props.workGroupName;

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: props.databaseName, description: 'trading-data-lake: trades and quarantined records' },
    });

    this.tradesTable = this.jsonLinesTable(
      'TradesTable',
      TRADES_TABLE,
      TRADES_PREFIX,
      TRADE_COLUMNS,
      'Trades (raw, may hold a trade twice: deduplicate as the named queries do)',
    );
    this.quarantineTable = this.jsonLinesTable(
      'QuarantineTable',
      QUARANTINE_TABLE,
      QUARANTINE_PREFIX,
      QUARANTINE_COLUMNS,
      'Records that could not be trades, with the reason and the raw bytes',
    );

    this.resultsBucket = createSecureBucket(this, 'ResultsBucket', {
      encryptionKey: props.dataKey.key,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'athena-results/',
      removalPolicy: props.removalPolicy,
      // Results are derived data; the lake keeps the source.
      lifecycleRules: [{ expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(1) }],
    });

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: props.workGroupName,
      description: 'trading-data-lake: analytics over trades',
      state: 'ENABLED',
      // Dev can drop a workgroup that still has saved queries; prod keeps it (RETAIN) anyway.
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
          // The exact key ARN: a CTAS into the lake must carry it to pass the bucket policy (DESIGN §4).
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.dataKey.key.keyArn },
        },
      },
    });
    this.workGroup.applyRemovalPolicy(props.removalPolicy);

    for (const query of TRADE_QUERIES) {
      const namedQuery = new athena.CfnNamedQuery(this, query.id, {
        name: query.name,
        description: query.description,
        database: props.databaseName,
        workGroup: props.workGroupName,
        queryString: query.sql({ trades: TRADES_TABLE, quarantine: QUARANTINE_TABLE }),
      });
      namedQuery.addResourceDependency(this.workGroup);
      namedQuery.addResourceDependency(this.database);
    }
  }

  /** Query the trades table in this workgroup: read `trades/` only, never the quarantine. */
  public grantQueryTrades(grantee: iam.IGrantable): iam.Grant {
    return this.grantQuery(grantee, [TRADES_TABLE]).combine(this.lake.grantReadTrades(grantee));
  }

  /** Query every table, quarantine included. */
  public grantQueryAll(grantee: iam.IGrantable): iam.Grant {
    return this.grantQuery(grantee, [TRADES_TABLE, QUARANTINE_TABLE]).combine(this.lake.grantReadAll(grantee));
  }

  private grantQuery(grantee: iam.IGrantable, tables: readonly string[]): iam.Grant {
    const stack = Stack.of(this);
    const workGroupArn = stack.formatArn({
      service: 'athena',
      resource: 'workgroup',
      resourceName: this.workGroupName,
    });
    const athenaGrant = iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'athena:StartQueryExecution',
        'athena:StopQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:GetQueryResultsStream',
        'athena:ListQueryExecutions',
        'athena:GetWorkGroup',
        'athena:ListNamedQueries',
        'athena:GetNamedQuery',
        'athena:BatchGetNamedQuery',
        'athena:BatchGetQueryExecution',
      ],
      resourceArns: [workGroupArn],
    });
    const glueGrant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'],
      resourceArns: [
        stack.formatArn({ service: 'glue', resource: 'catalog' }),
        stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
        ...tables.map((table) =>
          stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${this.databaseName}/${table}` }),
        ),
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
      'Athena names each result object by query id; the wildcard is scoped to the results/ prefix of the workgroup results bucket.',
    );
    return athenaGrant
      .combine(glueGrant)
      .combine(results)
      .combine(resultsBucket)
      .combine(this.dataKey.grantEncryptViaS3(grantee))
      .combine(this.dataKey.grantDecryptViaS3(grantee));
  }

  private jsonLinesTable(
    id: string,
    name: string,
    prefix: string,
    columns: readonly ColumnDefinition[],
    description: string,
  ): glue.CfnTable {
    const stack = Stack.of(this);
    const location = `s3://${this.lake.bucket.bucketName}/${prefix}`;
    const table = new glue.CfnTable(this, id, {
      catalogId: stack.account,
      databaseName: this.databaseName,
      tableInput: {
        name,
        description,
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [{ name: PARTITION_COLUMN, type: 'string', comment: 'UTC date, YYYY-MM-DD' }],
        parameters: {
          EXTERNAL: 'TRUE',
          classification: 'json',
          compressionType: 'gzip',
          // Partition projection: Athena computes partitions from the query; no crawler, no MSCK REPAIR.
          'projection.enabled': 'true',
          [`projection.${PARTITION_COLUMN}.type`]: 'date',
          [`projection.${PARTITION_COLUMN}.format`]: 'yyyy-MM-dd',
          [`projection.${PARTITION_COLUMN}.range`]: `${PARTITION_START_DATE},NOW`,
          [`projection.${PARTITION_COLUMN}.interval`]: '1',
          [`projection.${PARTITION_COLUMN}.interval.unit`]: 'DAYS',
          'storage.location.template': `${location}${PARTITION_COLUMN}=\${${PARTITION_COLUMN}}/`,
        },
        storageDescriptor: {
          location,
          columns: columns.map((column) => ({ name: column.name, type: column.type, comment: column.comment })),
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          compressed: true,
          serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
        },
      },
    });
    table.addResourceDependency(this.database);
    return table;
  }
}
