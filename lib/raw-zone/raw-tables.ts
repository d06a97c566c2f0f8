import { type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
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
import { QUARANTINE_TABLE, TRADES_TABLE } from '../../schema/tables';
import type { DataLakeBucket } from './lake-bucket';

export interface RawTablesProps {
  /** The bucket the tables read. */
  readonly lake: DataLakeBucket;
  /** The Glue database of the lake's tables. */
  readonly databaseName: string;
  /** The stage's policy for stateful resources: RETAIN in prod. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The Glue database of the lake and its raw tables: `trades` over `trades/` and `quarantine` over
 * `quarantine/`, gzip JSON Lines partitioned by `dt` with partition projection (no crawler, no MSCK
 * REPAIR), their columns from the shared layout (schema/).
 */
export class RawTables extends Construct {
  public readonly database: glue.CfnDatabase;
  public readonly databaseName: string;
  public readonly tradesTable: glue.CfnTable;
  public readonly quarantineTable: glue.CfnTable;
  private readonly lake: DataLakeBucket;
  private readonly removalPolicy: RemovalPolicy;

  constructor(scope: Construct, id: string, props: RawTablesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.lake = props.lake;
    this.removalPolicy = props.removalPolicy;
    this.databaseName = props.databaseName;
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: props.databaseName, description: 'trading-data-lake: trades and quarantined records' },
    });
    this.database.applyRemovalPolicy(props.removalPolicy);
    this.tradesTable = this.jsonLinesTable(
      'TradesTable',
      TRADES_TABLE,
      TRADES_PREFIX,
      TRADE_COLUMNS,
      'Trades (raw, may hold an event twice: deduplicate as the named queries do)',
    );
    this.quarantineTable = this.jsonLinesTable(
      'QuarantineTable',
      QUARANTINE_TABLE,
      QUARANTINE_PREFIX,
      QUARANTINE_COLUMNS,
      'Records that could not be trades, with the reason and the raw bytes',
    );
  }

  /** Read the raw trades table: its catalog entries and the `trades/` objects. Never the quarantine. */
  public grantReadTrades(grantee: iam.IGrantable): iam.Grant {
    return this.grantCatalog(grantee, [TRADES_TABLE]).combine(this.lake.grantReadTrades(grantee));
  }

  /** Read every raw table, quarantine included. */
  public grantReadAll(grantee: iam.IGrantable): iam.Grant {
    return this.grantCatalog(grantee, [TRADES_TABLE, QUARANTINE_TABLE]).combine(this.lake.grantReadAll(grantee));
  }

  private grantCatalog(grantee: iam.IGrantable, tables: readonly string[]): iam.Grant {
    const stack = Stack.of(this);
    return iam.Grant.addToPrincipal({
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
    table.applyRemovalPolicy(this.removalPolicy);
    return table;
  }
}
