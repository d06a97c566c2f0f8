import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { TRADE_QUERIES } from '../../schema/queries/trade-queries';
import { cdkJsonContext } from '../support/app';
import { asArray, logicalIdOf } from '../support/template';
import {
  buildTradeRoundTrip,
  INTEG_CURATED_QUERY_NAME,
  INTEG_PRICE,
  INTEG_QUERY_NAME,
  INTEG_TRADE_ID,
} from './trade-roundtrip';

/**
 * The integration test offline: it cannot deploy here, so this checks what integ-runner would
 * deploy and assert, as templates (a snapshot with asset hashes masked, as the tripwire), and the
 * guarantees that make it a test of the access matrix rather than of the assertion provider.
 */

const ASSET_HASH = /[0-9a-f]{64}/;
expect.addSnapshotSerializer({
  test: (value) => typeof value === 'string' && ASSET_HASH.test(value),
  print: (value) => JSON.stringify((value as string).replace(new RegExp(ASSET_HASH, 'g'), '[ASSET HASH]')),
});

// Synthesized once for the file; bundling skipped, as synthApp does (the template differs only in asset hashes).
const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
const roundTrip = buildTradeRoundTrip(app);
const assembly = app.synth();
const assertionsStack = assembly.stacks.find(({ stackName }) => stackName.startsWith('TradeRoundTrip'));
if (assertionsStack === undefined) throw new Error('no assertions stack');
const assertions = Template.fromJSON(assertionsStack.template);
const probe = Template.fromStack(roundTrip.probe);

/**
 * A property the assertion provider receives, as text with each token replaced by a readable
 * marker: `{{output:<OutputName>}}` for a value of another stack, `{{<LogicalId>.<attribute>}}`
 * for an attribute of a resource of this one (a step's answer). Tokens make it an Fn::Join.
 */
function joined(value: unknown): string {
  if (typeof value === 'string') return value;
  const parts = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1];
  if (parts === undefined) throw new Error(`not a string or Fn::Join: ${JSON.stringify(value)}`);
  return parts
    .map((part: any) => {
      if (typeof part === 'string') return part;
      if (part['Fn::GetStackOutput']) return `{{output:${part['Fn::GetStackOutput'].OutputName}}}`;
      if (part['Fn::GetAtt']) return `{{${part['Fn::GetAtt'].join('.')}}}`;
      throw new Error(`an unexpected token: ${JSON.stringify(part)}`);
    })
    .join('');
}

/** The marker of the stack under test's output of `construct`'s ARN (or its Ref), as {@link joined} writes it. */
function outputOf(construct: IConstruct, what: 'Arn' | 'Ref' = 'Arn'): RegExp {
  const name =
    what === 'Ref' ? `PublishOutputRef${logicalIdOf(construct)}` : `PublishOutputFnGetAtt${logicalIdOf(construct)}Arn`;
  return new RegExp(`^\\{\\{output:${name}[0-9A-F]{8}\\}\\}$`);
}

/** The logical id of the analysts' saved query `name` in the stack under test. */
function namedQueryLogicalId(name: string): string {
  const query = TRADE_QUERIES.find((candidate) => candidate.name === name);
  return logicalIdOf(roundTrip.lake.analytics.analysts.node.findChild(query?.id ?? '-'));
}

interface Invocation {
  readonly id: string;
  readonly resource: any;
  /** The event the probe gets. */
  readonly payload: Record<string, any>;
  /** What the provider expects back, as the JSON of integ-tests' matchers (`$ObjectLike`, …), or undefined. */
  readonly expected: any;
}

/**
 * The probe invocations of the assertions stack, with their logical ids: by step, and a query step
 * by the named query it runs (`query:trade-by-id`).
 */
const steps: Record<string, Invocation> = {};
for (const [id, resource] of Object.entries(assertions.findResources('Custom::DeployAssert@SdkCallLambdainvoke'))) {
  const { parameters, expected } = (resource as any).Properties;
  // The provider JSON-decodes each parameter: the Payload is the JSON text of the event, encoded again.
  const payload = JSON.parse(JSON.parse(joined(parameters.Payload)));
  const query = [INTEG_QUERY_NAME, INTEG_CURATED_QUERY_NAME].find((name) =>
    String(payload.namedQueryId).includes(namedQueryLogicalId(name)),
  );
  steps[payload.step === 'query' ? `query:${query}` : payload.step] = {
    id,
    resource,
    payload,
    expected: expected === undefined ? undefined : JSON.parse(joined(expected)),
  };
}

function step(name: string): Invocation {
  const found = steps[name];
  if (found === undefined) throw new Error(`no step ${name}`);
  return found;
}

/** The put step's answer, read by a later step: its Payload member `member`, as {@link joined} writes it. */
function putAnswer(member: string): string {
  return `{{${step('put').id}.apiCallResponse.Payload.${member}}}`;
}

/** What a step expects of the probe's answer: the matcher inside `{"Payload": <serialized JSON>}`. */
function expectedAnswer(name: string): any {
  return step(name).expected?.$ObjectLike?.Payload?.$SerializedJson?.$ObjectLike;
}

describe('the integration test of the round trip', () => {
  it('deploys the stack under test as the app does, without a second trail, and the probe beside it', () => {
    expect(roundTrip.lake.stackName).toBe('TradingDataLake-dev');
    expect(roundTrip.lake.audit).toBeUndefined();
    expect(roundTrip.integ.node.id).toBe('TradeRoundTrip');
  });

  it('lets the probe assume only the producer, analyst and data engineer roles, so each step acts as that role', () => {
    const statements = Object.values(probe.findResources('AWS::IAM::Policy')).flatMap(
      (policy: any) => policy.Properties.PolicyDocument.Statement,
    );
    const assume = statements.filter((statement: any) => asArray(statement.Action).includes('sts:AssumeRole'));
    expect(assume).toHaveLength(1);
    const resources = asArray(assume[0].Resource).map((resource: any) => JSON.stringify(resource));
    expect(resources).toHaveLength(3);
    const { producer, analyst, dataEngineer } = roundTrip.lake.roles;
    for (const role of [producer, analyst, dataEngineer]) {
      expect(resources.some((resource) => resource.includes(logicalIdOf(role)))).toBe(true);
    }
    const actions = statements.flatMap((statement: any) => asArray(statement.Action));
    for (const action of ['kinesis:PutRecord', 'states:StartExecution', 'states:DescribeExecution', 's3:GetObject']) {
      expect(actions).not.toContain(action);
    }
  });

  it('puts the trade, finds its object, queries it raw, curates its day, checks the curated files and queries it curated, in that order', () => {
    const order = [
      'put',
      'find',
      `query:${INTEG_QUERY_NAME}`,
      'curate',
      'curated-files',
      `query:${INTEG_CURATED_QUERY_NAME}`,
    ];
    expect(Object.keys(steps).sort()).toEqual([...order].sort());
    // Each step depends on the one before it (on its waiter too, when it has one).
    order.slice(1).forEach((name, i) => {
      expect(asArray(step(name).resource.DependsOn)).toContain(step(order[i] as string).id);
    });
    // Two waits: for the trade's object, and for the curation run.
    expect(Object.keys(assertions.findResources('AWS::StepFunctions::StateMachine'))).toHaveLength(2);
    for (const name of ['find', 'curate']) expect(step(name).resource.Properties.stateMachineArn).toBeDefined();
  });

  it('puts the trade as the producer, checks the stream encrypted it, and reads its date and a run name from the answer', () => {
    const put = step('put');
    expect(put.payload).toMatchObject({ step: 'put', tradeId: INTEG_TRADE_ID, price: INTEG_PRICE });
    expect(put.payload.producerRoleArn).toMatch(outputOf(roundTrip.lake.roles.producer));
    // Reading attributes of the answer flattens it: the check names its path.
    expect(put.resource.Properties).toMatchObject({ actualPath: 'Payload.encryptionType', flattenResponse: 'true' });
    expect(put.expected).toEqual({ $Exact: 'KMS' });
    expect(put.resource.Properties.outputPaths).toEqual(
      expect.arrayContaining(['Payload.tradeDate', 'Payload.runName']),
    );
  });

  it('expects SSE-KMS with the data key ARN and the Bucket Key on the object, and the exact price back from the raw table', () => {
    expect(step('find').payload.analystRoleArn).toMatch(outputOf(roundTrip.lake.roles.analyst));
    const found = expectedAnswer('find');
    expect(found).toMatchObject({
      found: true,
      price: INTEG_PRICE,
      serverSideEncryption: 'aws:kms',
      bucketKeyEnabled: true,
    });
    // The key id is the data key's ARN, exported by the stack under test.
    expect(found.sseKmsKeyId).toMatch(outputOf(roundTrip.lake.dataKey.key));
    expect(expectedAnswer(`query:${INTEG_QUERY_NAME}`)).toEqual({
      state: 'SUCCEEDED',
      tradeIds: { $ArrayWith: [INTEG_TRADE_ID] },
      prices: { $ArrayWith: [INTEG_PRICE] },
    });
  });

  it("runs both named queries as the analyst in the analysts' workgroup, for the trade's date as the put answered it", () => {
    for (const name of [INTEG_QUERY_NAME, INTEG_CURATED_QUERY_NAME]) {
      const { payload } = step(`query:${name}`);
      expect(payload.analystRoleArn).toMatch(outputOf(roundTrip.lake.roles.analyst));
      expect(payload.workGroup).toBe(roundTrip.lake.analytics.analysts.workGroupName);
      // Both take the first date, the last date and the trade_id, as SQL literals.
      const date = `'${putAnswer('tradeDate')}'`;
      expect(payload.parameters).toEqual([date, date, `'${INTEG_TRADE_ID}'`]);
    }
  });

  it("starts the curation job as the data engineer for the trade's date and waits for it to succeed with the day reconciled", () => {
    const curate = step('curate');
    expect(curate.payload).toMatchObject({
      step: 'curate',
      tradeDate: putAnswer('tradeDate'),
      runName: putAnswer('runName'),
    });
    expect(curate.payload.dataEngineerRoleArn).toMatch(outputOf(roundTrip.lake.roles.dataEngineer));
    expect(curate.payload.stateMachineArn).toMatch(outputOf(roundTrip.lake.curated.stateMachine, 'Ref'));
    expect(expectedAnswer('curate')).toEqual({
      status: 'SUCCEEDED',
      outcome: 'CURATED',
      days: { $ArrayWith: [putAnswer('tradeDate')] },
      // A day that merged nothing would reconcile too (0 - 0 + 0): the counts say the trade was there.
      reconciliation: {
        day: putAnswer('tradeDate'),
        rawTrades: 1,
        curatedTrades: 1,
        duplicateRows: 0,
        unreconciledTrades: 0,
      },
    });
  });

  it('expects the newest Iceberg metadata file and a data file of the curated table encrypted with the data key', () => {
    const files = step('curated-files');
    expect(files.payload.analystRoleArn).toMatch(outputOf(roundTrip.lake.roles.analyst));
    expect(files.payload.bucketName).toMatch(outputOf(roundTrip.lake.curated.bucket, 'Ref'));
    expect(files.payload.tradeDate).toBe(putAnswer('tradeDate'));
    const expected = expectedAnswer('curated-files');
    const patterns = { metadata: '^trades/metadata/[^/]+\\.metadata\\.json$', data: '^trades/data/.+\\.parquet$' };
    for (const [file, pattern] of Object.entries(patterns)) {
      const { key, sseKmsKeyId, ...rest } = expected[file].$ObjectLike;
      expect(key).toEqual({ $StringLike: pattern });
      expect(sseKmsKeyId).toMatch(outputOf(roundTrip.lake.dataKey.key));
      expect(rest).toEqual({ serverSideEncryption: 'aws:kms' });
    }
    // What Athena names an Iceberg table's files: the metadata JSON of a commit, not its manifests.
    const matches = (pattern: string, key: string) => new RegExp(pattern).test(key);
    expect(matches(patterns.metadata, 'trades/metadata/00002-6f1c0d.metadata.json')).toBe(true);
    expect(matches(patterns.metadata, 'trades/metadata/snap-1-1-6f1c0d.avro')).toBe(false);
    expect(matches(patterns.data, 'trades/data/Ab12/trade_date=2026-12-01/00000-0-6f1c0d.parquet')).toBe(true);
    expect(matches(patterns.data, 'trades/metadata/00002-6f1c0d.metadata.json')).toBe(false);
  });

  it('expects the trade back from curated.trades, once, active and at its exact price', () => {
    expect(step(`query:${INTEG_CURATED_QUERY_NAME}`).payload.namedQueryId).toContain(
      namedQueryLogicalId(INTEG_CURATED_QUERY_NAME),
    );
    expect(expectedAnswer(`query:${INTEG_CURATED_QUERY_NAME}`)).toEqual({
      state: 'SUCCEEDED',
      tradeIds: [INTEG_TRADE_ID],
      statuses: ['ACTIVE'],
      prices: [INTEG_PRICE],
    });
  });

  it('matches the snapshot of the probe and assertion stacks (a tripwire)', () => {
    // integ-tests salts every assertion with the synthesis time, so that it runs on every deploy.
    const unsalted = JSON.parse(JSON.stringify(assertions.toJSON()), (key, value) =>
      key === 'salt' ? '[SALT]' : value,
    );
    expect({ probe: probe.toJSON(), assertions: unsalted }).toMatchSnapshot();
  });
});
