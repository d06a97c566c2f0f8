import { type RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  type ColumnDefinition,
  PARTITION_COLUMN,
  PARTITION_DAYS_AHEAD,
  PARTITION_START_DATE,
  QUARANTINE_COLUMNS,
  QUARANTINE_PREFIX,
  TRADE_COLUMNS,
  TRADES_PREFIX,
} from '../../schema/layout';
import { TRADE_QUERIES } from '../../schema/queries/trade-queries';
import { QUARANTINE_TABLE, TRADES_TABLE } from '../../schema/tables';
import type { DataLakeBucket } from '../raw-zone/lake-bucket';
import type { DataKey } from '../security/data-key';
import { QueryWorkGroup } from './query-workgroup';

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
  public readonly queries: QueryWorkGroup;
  public readonly databaseName: string;
  public readonly workGroupName: string;
  private readonly lake: DataLakeBucket;

  constructor(scope: Construct, id: string, props: AnalyticsProps) {
    super(scope, id);
    const stack = Stack.of(this);
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

    this.queries = new QueryWorkGroup(this, 'Queries', {
      workGroupName: props.workGroupName,
      description: 'trading-data-lake: analytics over trades',
      resultsKey: props.dataKey,
      accessLogsBucket: props.accessLogsBucket,
      accessLogsPrefix: 'athena-results/',
      bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
      removalPolicy: props.removalPolicy,
    });
    for (const query of TRADE_QUERIES) {
      this.queries.addNamedQuery(
        query.id,
        { ...query, sql: query.sql({ trades: TRADES_TABLE, quarantine: QUARANTINE_TABLE }) },
        { name: props.databaseName, resource: this.database },
      );
    }
  }

  /** The analytics workgroup. */
  public get workGroup(): athena.CfnWorkGroup {
    return this.queries.workGroup;
  }

  /** The bucket of the workgroup's query results (SSE-KMS, data key). */
  public get resultsBucket(): s3.Bucket {
    return this.queries.resultsBucket;
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
    return this.queries.grantRunQueries(grantee, { databaseName: this.databaseName, tableNames: tables });
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
          // The writer accepts trades dated up to PARTITION_DAYS_AHEAD days after ingestion (a producer
          // clock slightly ahead at midnight); projection must reach them or they stay invisible.
          [`projection.${PARTITION_COLUMN}.range`]: `${PARTITION_START_DATE},NOW+${PARTITION_DAYS_AHEAD}DAYS`,
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
