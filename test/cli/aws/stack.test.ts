import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { readStackOutputs, requireOutput } from '../../../cli/aws/stack';
import { CliError } from '../../../cli/errors';
import { EXIT } from '../../../cli/exit-codes';
import { awsError, DEV_STACK_OUTPUTS, STREAM_NAME } from '../support';

const cloudFormationMock = mockClient(CloudFormationClient);
const cloudFormation = new CloudFormationClient({ region: 'eu-west-1' });
const caller = { kind: 'caller' } as const;

beforeEach(() => cloudFormationMock.reset());

describe('readStackOutputs', () => {
  it("reads the stack's outputs by key", async () => {
    cloudFormationMock.on(DescribeStacksCommand, { StackName: 'TradingDataLake-dev' }).resolves({
      Stacks: [
        {
          StackName: 'TradingDataLake-dev',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: DEV_STACK_OUTPUTS,
        },
      ],
    });
    const outputs = await readStackOutputs(cloudFormation, 'TradingDataLake-dev', caller);
    expect(requireOutput(outputs, 'StreamName')).toBe(STREAM_NAME);
  });

  it('says a stack that does not exist was not found, in which Region, and how to name another', async () => {
    cloudFormationMock
      .on(DescribeStacksCommand)
      .rejects(awsError('ValidationError', 'Stack with id TradingDataLake-prod does not exist'));
    const failure = (await readStackOutputs(cloudFormation, 'TradingDataLake-prod', caller).catch(
      (e) => e,
    )) as CliError;
    expect(failure).toBeInstanceOf(CliError);
    expect(failure.exitCode).toBe(EXIT.AWS_SETUP);
    expect(failure.message).toBe(
      'Stack TradingDataLake-prod not found in eu-west-1: deploy it (npx cdk deploy), or name the deployed one with --stack or --stage, and its Region with --region.',
    );
  });

  it('names DescribeStacks and the caller when the caller may not read the stack', async () => {
    cloudFormationMock.on(DescribeStacksCommand).rejects(awsError('AccessDenied', 'not authorized', 403));
    const failure = (await readStackOutputs(cloudFormation, 'TradingDataLake-dev', caller).catch((e) => e)) as CliError;
    expect(failure.exitCode).toBe(EXIT.ACCESS_DENIED);
    expect(failure.message).toMatch(
      /^Access denied: your own credentials may not cloudformation:DescribeStacks on stack TradingDataLake-dev\./,
    );
  });

  it('says which output a stack deployed from an older version lacks', async () => {
    cloudFormationMock.on(DescribeStacksCommand).resolves({
      Stacks: [
        { StackName: 'TradingDataLake-dev', CreationTime: new Date(), StackStatus: 'UPDATE_COMPLETE', Outputs: [] },
      ],
    });
    const outputs = await readStackOutputs(cloudFormation, 'TradingDataLake-dev', caller);
    expect(() => requireOutput(outputs, 'ProducerRoleArn')).toThrow(
      'Stack TradingDataLake-dev has no output ProducerRoleArn: deploy the current version of the app (npx cdk deploy).',
    );
  });
});
