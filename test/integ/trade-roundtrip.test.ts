import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { cdkJsonContext } from '../support/app';
import { asArray, logicalIdOf } from '../support/template';
import { buildTradeRoundTrip, INTEG_PRICE, INTEG_TRADE_ID } from './trade-roundtrip';

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

/** A property as text without JSON's escapes: tokens make it an Fn::Join of pieces, not one string. */
function plainText(value: unknown): string {
  return JSON.stringify(value).replace(/\\/g, '');
}

/** The probe invocations of the assertions stack, by step, with their logical ids. */
function invocations(): Record<string, { id: string; resource: any; payload: string }> {
  const found: Record<string, { id: string; resource: any; payload: string }> = {};
  for (const [id, resource] of Object.entries(assertions.findResources('Custom::DeployAssert@SdkCallLambdainvoke'))) {
    const payload = plainText((resource as any).Properties.parameters.Payload);
    const step = /"step":"(\w+)"/.exec(payload)?.[1] ?? '';
    found[step] = { id, resource, payload };
  }
  return found;
}

describe('the integration test of the round trip', () => {
  it('deploys the stack under test as the app does, without a second trail, and the probe beside it', () => {
    expect(roundTrip.lake.stackName).toBe('TradingDataLake-dev');
    expect(roundTrip.lake.audit).toBeUndefined();
    expect(roundTrip.integ.node.id).toBe('TradeRoundTrip');
  });

  it('lets the probe assume only the producer and analyst roles, so each step acts as that role', () => {
    const statements = Object.values(probe.findResources('AWS::IAM::Policy')).flatMap(
      (policy: any) => policy.Properties.PolicyDocument.Statement,
    );
    const assume = statements.filter((statement: any) => asArray(statement.Action).includes('sts:AssumeRole'));
    expect(assume).toHaveLength(1);
    const resources = asArray(assume[0].Resource).map((resource: any) => JSON.stringify(resource));
    expect(resources).toHaveLength(2);
    for (const role of [roundTrip.lake.roles.producer, roundTrip.lake.roles.analyst]) {
      expect(resources.some((resource) => resource.includes(logicalIdOf(role)))).toBe(true);
    }
    expect(statements.flatMap((statement: any) => asArray(statement.Action))).not.toContain('kinesis:PutRecord');
  });

  it('puts the trade as the producer, finds its object and runs the named query as the analyst, in that order', () => {
    const { put, find, query } = invocations();
    expect(put?.payload).toContain(`"tradeId":"${INTEG_TRADE_ID}"`);
    expect(put?.payload).toContain(`"price":"${INTEG_PRICE}"`);
    expect(query?.payload).toContain(`"tradeId":"${INTEG_TRADE_ID}"`);
    expect(asArray(find?.resource.DependsOn)).toContain(put?.id);
    // The query follows the find step's waiter, which follows put.
    const waiter = Object.keys(assertions.findResources('AWS::StepFunctions::StateMachine'));
    expect(waiter).toHaveLength(1);
    expect(JSON.stringify(query?.resource.DependsOn)).toMatch(new RegExp(find?.id ?? '-'));
  });

  it('expects SSE-KMS with the data key ARN on the object, and the exact price back from Athena', () => {
    const { find, query } = invocations();
    const findExpected = plainText(find?.resource.Properties.expected);
    expect(findExpected).toContain('"serverSideEncryption":"aws:kms"');
    expect(findExpected).toContain(`"price":"${INTEG_PRICE}"`);
    // The key id is the data key's ARN, exported by the stack under test.
    expect(findExpected).toMatch(
      new RegExp(
        `"sseKmsKeyId":"",\\{"Fn::GetStackOutput":\\{"StackName":"TradingDataLake-dev",[^}]*\\},"OutputName":"PublishOutputFnGetAtt${logicalIdOf(roundTrip.lake.dataKey.key)}Arn`,
      ),
    );
    const queryExpected = plainText(query?.resource.Properties.expected);
    expect(queryExpected).toContain('"state":"SUCCEEDED"');
    expect(queryExpected).toContain(`"prices":{"$ArrayWith":["${INTEG_PRICE}"]}`);
  });

  it('matches the snapshot of the probe and assertion stacks (a tripwire)', () => {
    // integ-tests salts every assertion with the synthesis time, so that it runs on every deploy.
    const unsalted = JSON.parse(JSON.stringify(assertions.toJSON()), (key, value) =>
      key === 'salt' ? '[SALT]' : value,
    );
    expect({ probe: probe.toJSON(), assertions: unsalted }).toMatchSnapshot();
  });
});
