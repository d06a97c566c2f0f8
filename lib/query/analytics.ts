import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { type QueryTable, queryTables, TRADE_QUERIES } from '../../schema/queries/trade-queries';
import type { RawTables } from '../raw-zone/raw-tables';
import type { DataKey } from '../security/data-key';
import { QueryWorkGroup } from './query-workgroup';

export interface AnalyticsProps {
  /** Encrypts both workgroups' results: they hold trade data. */
  readonly dataKey: DataKey;
  /** The tables the workgroups query. */
  readonly raw: RawTables;
  /** The Glue database of `curated.trades` (the curated zone's), which the named queries read. */
  readonly curatedDatabaseName: string;
  /** Where the results buckets' server access logs go. */
  readonly accessLogsBucket: s3.IBucket;
  /** The analysts' workgroup. */
  readonly analystWorkGroupName: string;
  /** The data engineers' workgroup, with results of its own. */
  readonly engineerWorkGroupName: string;
  /** Per-query cutoff: a query that would scan more is cancelled. */
  readonly bytesScannedCutoffPerQuery: number;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * How people query the lake: one Athena workgroup for analysts and one for data engineers, each with
 * enforced, KMS-encrypted results in a bucket of its own. Engineers read quarantine and raw data;
 * their results stay out of the analysts' reach, because results are readable by anyone who may
 * run queries in the same workgroup.
 */
export class Analytics extends Construct {
  public readonly analysts: QueryWorkGroup;
  public readonly engineers: QueryWorkGroup;
  private readonly raw: RawTables;

  constructor(scope: Construct, id: string, props: AnalyticsProps) {
    super(scope, id);
    this.raw = props.raw;
    this.analysts = new QueryWorkGroup(this, 'Queries', {
      workGroupName: props.analystWorkGroupName,
      description: 'trading-data-lake: analysts query trades',
      resultsKey: props.dataKey,
      accessLogsBucket: props.accessLogsBucket,
      accessLogsPrefix: 'athena-results/',
      bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
      removalPolicy: props.removalPolicy,
    });
    this.engineers = new QueryWorkGroup(this, 'EngineerQueries', {
      workGroupName: props.engineerWorkGroupName,
      description: 'trading-data-lake: data engineers query trades and quarantined records',
      resultsKey: props.dataKey,
      accessLogsBucket: props.accessLogsBucket,
      accessLogsPrefix: 'engineer-results/',
      bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
      removalPolicy: props.removalPolicy,
    });

    const tables = queryTables({ raw: props.raw.databaseName, curated: props.curatedDatabaseName });
    const database = { name: props.raw.databaseName, resource: props.raw.database };
    const readable = new Map<QueryWorkGroup, readonly QueryTable[]>([
      [this.analysts, ['curated', 'trades']],
      [this.engineers, ['curated', 'trades', 'quarantine']],
    ]);
    for (const [workGroup, canRead] of readable) {
      // A workgroup saves the queries its users can run: an analyst never sees one that reads quarantine.
      for (const query of TRADE_QUERIES.filter((q) => q.tables.every((table) => canRead.includes(table)))) {
        workGroup.addNamedQuery(query.id, { ...query, sql: query.sql(tables) }, database);
      }
    }
  }

  /** Read both workgroups' configuration (GetWorkGroup), for `trades verify`; no query, no result. */
  public grantReadWorkGroupConfiguration(grantee: iam.IGrantable): iam.Grant {
    return this.analysts.grantReadConfiguration(grantee).combine(this.engineers.grantReadConfiguration(grantee));
  }

  /** Query the raw trades table in the analysts' workgroup; never the quarantine. */
  public grantAnalystQueries(grantee: iam.IGrantable): iam.Grant {
    return this.analysts.grantRunQueries(grantee).combine(this.raw.grantReadTrades(grantee));
  }

  /** Query every raw table, quarantine included, in the data engineers' workgroup. */
  public grantEngineerQueries(grantee: iam.IGrantable): iam.Grant {
    return this.engineers.grantRunQueries(grantee).combine(this.raw.grantReadAll(grantee));
  }
}
