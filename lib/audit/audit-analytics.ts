import { type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AUDIT_QUERIES } from '../../schema/queries/audit-queries';
import { CLOUDTRAIL_TABLE } from '../../schema/tables';
import { QueryWorkGroup } from '../query/query-workgroup';
import type { AuditKey } from '../security/audit-key';
import type { AuditTrail } from './audit-trail';
import { CLOUDTRAIL_COLUMNS } from './cloudtrail-table';

export interface AuditAnalyticsProps {
  readonly auditKey: AuditKey;
  readonly trail: AuditTrail;
  /** Where the audit results bucket's server access logs go. */
  readonly accessLogsBucket: s3.IBucket;
  readonly databaseName: string;
  readonly workGroupName: string;
  readonly bytesScannedCutoffPerQuery: number;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * How auditors read the trail: a CloudTrail table with partition projection over this Region's trail
 * files, and an audit workgroup whose results are encrypted with the audit key, apart from the
 * analysts' workgroup and the data key.
 */
export class AuditAnalytics extends Construct {
  public readonly queries: QueryWorkGroup;
  public readonly table: glue.CfnTable;
  public readonly databaseName: string;
  public readonly workGroupName: string;
  private readonly props: AuditAnalyticsProps;

  constructor(scope: Construct, id: string, props: AuditAnalyticsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.props = props;
    this.databaseName = props.databaseName;
    this.workGroupName = props.workGroupName;

    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: props.databaseName, description: 'trading-data-lake: CloudTrail records of the lake' },
    });
    database.applyRemovalPolicy(props.removalPolicy);

    // The stack's Region holds the keys and the lake, so every KMS and S3 data event of this stack.
    const location = `s3://${props.trail.trailBucket.bucketName}/AWSLogs/${stack.account}/CloudTrail/${stack.region}/`;
    this.table = new glue.CfnTable(this, 'CloudTrailTable', {
      catalogId: stack.account,
      databaseName: props.databaseName,
      tableInput: {
        name: CLOUDTRAIL_TABLE,
        description: `CloudTrail events of ${stack.region}, partitioned by day (timestamp = yyyy/MM/dd)`,
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [{ name: 'timestamp', type: 'string' }],
        parameters: {
          EXTERNAL: 'TRUE',
          classification: 'cloudtrail',
          'projection.enabled': 'true',
          'projection.timestamp.type': 'date',
          'projection.timestamp.format': 'yyyy/MM/dd',
          'projection.timestamp.range': '2020/01/01,NOW',
          'projection.timestamp.interval': '1',
          'projection.timestamp.interval.unit': 'DAYS',
          'storage.location.template': `${location}\${timestamp}`,
        },
        storageDescriptor: {
          location,
          columns: CLOUDTRAIL_COLUMNS.map((column) => ({ name: column.name, type: column.type })),
          inputFormat: 'com.amazon.emr.cloudtrail.CloudTrailInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe' },
        },
      },
    });
    this.table.addResourceDependency(database);
    this.table.applyRemovalPolicy(props.removalPolicy);

    this.queries = new QueryWorkGroup(this, 'Queries', {
      workGroupName: props.workGroupName,
      description: 'trading-data-lake: auditors query the CloudTrail records of the lake',
      resultsKey: props.auditKey,
      accessLogsBucket: props.accessLogsBucket,
      accessLogsPrefix: 'audit-results/',
      bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
      removalPolicy: props.removalPolicy,
    });
    for (const query of AUDIT_QUERIES) {
      this.queries.addNamedQuery(query.id, query, { name: props.databaseName, resource: database });
    }
  }

  /** Query the CloudTrail table in the audit workgroup: trail files, results, the audit key through S3. */
  public grantQueryTrail(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    const catalog = iam.Grant.addToPrincipal({
      grantee,
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'],
      resourceArns: [
        stack.formatArn({ service: 'glue', resource: 'catalog' }),
        stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
        stack.formatArn({
          service: 'glue',
          resource: 'table',
          resourceName: `${this.databaseName}/${CLOUDTRAIL_TABLE}`,
        }),
      ],
    });
    return this.queries
      .grantRunQueries(grantee)
      .combine(catalog)
      .combine(this.props.trail.grantReadTrailFiles(grantee));
  }
}
