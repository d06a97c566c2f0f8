import * as path from 'node:path';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { type App, Duration, Stack } from 'aws-cdk-lib';
import type * as athena from 'aws-cdk-lib/aws-athena';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { loadConfig } from '../../lib/config';
import { resourceNames } from '../../lib/names';
import { TradingDataLakeStack } from '../../lib/trading-data-lake-stack';
import { TRADE_QUERIES } from '../../schema/queries/trade-queries';
import type { ProbeEvent } from './probe/handler';

/**
 * The round trip in a real account (issues #10 and #12): deploy the stack, put a trade on the stream
 * as the producer, wait for its object, check that HeadObject reports SSE-KMS with the data key, and
 * run a named query as the analyst to get the trade back; then start the curation job for the
 * trade's day as the data engineer, wait for it to succeed with the day reconciled, check the
 * encryption of the Iceberg files Athena wrote, and get the trade back from `curated.trades` as the
 * analyst. What it proves cannot be proven offline: the key policy, the bucket policies and the roles
 * together on the real services, the writer in Lambda, Athena accepting the named queries' SQL over
 * the JSON SerDe and the curation job's statements over Iceberg, and the headers Athena sends on the
 * table's files.
 *
 * `integ.trade-roundtrip.ts` is the entry point integ-runner runs; the offline jest test builds the
 * same app and checks its templates against a snapshot.
 */

const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** The trade the test puts: one id, so that its object and its query rows are easy to find. */
export const INTEG_TRADE_ID = 'INTEG-ROUNDTRIP-0001';
/** The trade's price, sent as a JSON number with more digits than a double holds. */
export const INTEG_PRICE = '100.000000000000000001';
/**
 * The named queries run as the analyst, both saved in the analysts' workgroup: the raw table's
 * forensics query (what the JSON SerDe makes of a numeric price), and, once the curation run the
 * test starts has merged the trade's day, the curated table's.
 */
export const INTEG_QUERY_NAME = 'trade-events-by-id';
export const INTEG_CURATED_QUERY_NAME = 'trade-by-id';

/**
 * How long the test waits for its curation run: the DDL, one day's MERGE and reconciliation, then
 * OPTIMIZE, the day's first VACUUM and the duplicate check, each an Athena query of seconds to
 * minutes on a table this small. A run that fails is not started again: the waiter times out with
 * the step's event (the run name) in its message, and the execution `<run name>-<attempt>` says why.
 */
const CURATION_WAIT = Duration.minutes(30);

/**
 * The context without what integ-runner 2.197 adds: its feature flags nested under a `default` key
 * (a module's default export spread as it is), which the app's config would refuse as an unknown key.
 * The flags themselves are cdk.json's too.
 */
function withoutIntegRunnerFlags(context: Record<string, unknown>): Record<string, unknown> {
  const { default: nested, ...rest } = context;
  const onlyFlags =
    typeof nested === 'object' && nested !== null && Object.keys(nested).every((key) => key.startsWith('@aws-cdk'));
  return onlyFlags ? rest : context;
}

export interface TradeRoundTrip {
  readonly lake: TradingDataLakeStack;
  readonly probe: Stack;
  readonly integ: IntegTest;
}

/** Builds the stacks and assertions of the round trip into `app` (whose context holds cdk.json's). */
export function buildTradeRoundTrip(app: App): TradeRoundTrip {
  // No second multi-Region trail in a test account: the round trip does not need one, and each is billed.
  app.node.setContext('createTrail', app.node.tryGetContext('createTrail') ?? false);
  const config = loadConfig(withoutIntegRunnerFlags(app.node.getAllContext()));
  const lake = new TradingDataLakeStack(app, resourceNames(config.stage).stackName, {
    config,
    description: 'trading-data-lake integration test (integ-runner)',
  });

  // The probe lives in a stack of its own, so the stack under test is exactly the deployed one.
  const probe = new Stack(app, 'TradingDataLakeIntegProbe', { description: 'trading-data-lake integration probe' });
  const probeRole = new iam.Role(probe, 'ProbeRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  probeRole.addToPolicy(
    new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      resources: [lake.roles.producer.roleArn, lake.roles.analyst.roleArn, lake.roles.dataEngineer.roleArn],
    }),
  );
  const probeLogs = new logs.LogGroup(probe, 'ProbeLogs', { retention: logs.RetentionDays.ONE_WEEK });
  probeLogs.grantWrite(probeRole);
  const probeFunction = new nodejs.NodejsFunction(probe, 'Probe', {
    entry: path.join(__dirname, 'probe', 'handler.ts'),
    handler: 'handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    timeout: Duration.minutes(3),
    memorySize: 512,
    role: probeRole,
    logGroup: probeLogs,
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
    bundling: { forceDockerBundling: false, logLevel: nodejs.LogLevel.WARNING, externalModules: [] },
  });
  probe.addStackDependency(lake);

  const integ = new IntegTest(app, 'TradeRoundTrip', {
    testCases: [lake, probe],
    // The data key, the failed-batch bucket and the log groups are retained by design; the rest goes.
    cdkCommandOptions: { destroy: { args: { force: true } } },
  });

  const invoke = (event: ProbeEvent) =>
    integ.assertions.invokeFunction({ functionName: probeFunction.functionName, payload: JSON.stringify(event) });

  const put = invoke({
    step: 'put',
    producerRoleArn: lake.roles.producer.roleArn,
    streamName: lake.ingestion.stream.streamName,
    tradeId: INTEG_TRADE_ID,
    price: INTEG_PRICE,
  });
  // Reading attributes of the answer flattens it (its JSON Payload parsed): the check names its path.
  put.assertAtPath('Payload.encryptionType', ExpectedResult.exact('KMS'));
  const tradeDate = put.getAttString('Payload.tradeDate');
  const runName = put.getAttString('Payload.runName');

  const find = invoke({
    step: 'find',
    analystRoleArn: lake.roles.analyst.roleArn,
    bucketName: lake.lake.bucket.bucketName,
    tradeId: INTEG_TRADE_ID,
  });
  find
    .expect(
      ExpectedResult.objectLike({
        Payload: Match.serializedJson(
          Match.objectLike({
            found: true,
            key: Match.stringLikeRegexp('^trades/dt=\\d{4}-\\d{2}-\\d{2}/shardId-'),
            // The writer keeps the producer's text: all 21 significant digits of a JSON number.
            price: INTEG_PRICE,
            serverSideEncryption: 'aws:kms',
            sseKmsKeyId: lake.dataKey.key.keyArn,
            bucketKeyEnabled: true,
          }),
        ),
      }),
    )
    // The event source gathers records for up to batchingWindowSeconds (60 s by default) first.
    .waitForAssertions({ totalTimeout: Duration.minutes(8), interval: Duration.seconds(20) });

  const analystsQuery = (name: string) => {
    const named = TRADE_QUERIES.find((query) => query.name === name);
    if (named === undefined) throw new Error(`no named query ${name}`);
    return (lake.analytics.analysts.node.findChild(named.id) as athena.CfnNamedQuery).attrNamedQueryId;
  };
  // Both queries take: first date, last date, trade_id (schema/queries/trade-queries.ts).
  const tradeParameters = [`'${tradeDate}'`, `'${tradeDate}'`, `'${INTEG_TRADE_ID}'`];
  const query = invoke({
    step: 'query',
    analystRoleArn: lake.roles.analyst.roleArn,
    workGroup: lake.analytics.analysts.workGroupName,
    namedQueryId: analystsQuery(INTEG_QUERY_NAME),
    parameters: tradeParameters,
  });
  query.expect(
    ExpectedResult.objectLike({
      Payload: Match.serializedJson(
        Match.objectLike({
          state: 'SUCCEEDED',
          tradeIds: Match.arrayWith([INTEG_TRADE_ID]),
          // Whether the OpenX JSON SerDe reads a JSON number into a string column digit for digit
          // (DuckDB does not: local/exact-prices.ts): the first-deploy checklist asks this.
          prices: Match.arrayWith([INTEG_PRICE]),
        }),
      ),
    }),
  );

  const curate = invoke({
    step: 'curate',
    dataEngineerRoleArn: lake.roles.dataEngineer.roleArn,
    stateMachineArn: lake.curated.stateMachine.stateMachineArn,
    tradeDate,
    runName,
  });
  curate
    .expect(
      ExpectedResult.objectLike({
        Payload: Match.serializedJson(
          Match.objectLike({
            status: 'SUCCEEDED',
            outcome: 'CURATED',
            days: Match.arrayWith([tradeDate]),
            // The stack is new: the test's trade is the day's only one, in the raw zone and curated.
            reconciliation: { day: tradeDate, rawTrades: 1, curatedTrades: 1, duplicateRows: 0, unreconciledTrades: 0 },
          }),
        ),
      }),
    )
    .waitForAssertions({ totalTimeout: CURATION_WAIT, interval: Duration.seconds(30) });

  const encryptedWithTheDataKey = (key: string) =>
    Match.objectLike({
      key: Match.stringLikeRegexp(key),
      serverSideEncryption: 'aws:kms',
      sseKmsKeyId: lake.dataKey.key.keyArn,
    });
  const curatedFiles = invoke({
    step: 'curated-files',
    analystRoleArn: lake.roles.analyst.roleArn,
    bucketName: lake.curated.bucket.bucketName,
    tradeDate,
  });
  curatedFiles.expect(
    ExpectedResult.objectLike({
      Payload: Match.serializedJson(
        Match.objectLike({
          // Written by Athena in the curation workgroup (SSE_KMS with the data key's ARN).
          metadata: encryptedWithTheDataKey('^trades/metadata/[^/]+\\.metadata\\.json$'),
          data: encryptedWithTheDataKey('^trades/data/.+\\.parquet$'),
        }),
      ),
    }),
  );

  const curatedQuery = invoke({
    step: 'query',
    analystRoleArn: lake.roles.analyst.roleArn,
    workGroup: lake.analytics.analysts.workGroupName,
    namedQueryId: analystsQuery(INTEG_CURATED_QUERY_NAME),
    parameters: tradeParameters,
  });
  curatedQuery.expect(
    ExpectedResult.objectLike({
      Payload: Match.serializedJson(
        Match.objectLike({
          state: 'SUCCEEDED',
          tradeIds: [INTEG_TRADE_ID],
          statuses: ['ACTIVE'],
          // decimal(38,18): the 18 decimals of the raw text survive the MERGE's cast.
          prices: [INTEG_PRICE],
        }),
      ),
    }),
  );

  put.next(find).next(query).next(curate).next(curatedFiles).next(curatedQuery);
  return { lake, probe, integ };
}
