import { STACK_OUTPUTS } from '../../../cli/aws/stack-outputs';
import { synthApp } from '../../support/app';
import { logicalIdOf } from '../../support/template';

const { stack, template } = synthApp();
const outputs = template.findOutputs('*');

describe('the stack outputs trades reads', () => {
  it.each(Object.values(STACK_OUTPUTS))('exist in the synthesized stack: %s', (name) => {
    expect(outputs[name]).toBeDefined();
  });

  it('give the stream and the producer role under the names produce reads', () => {
    expect(outputs.StreamName.Value).toEqual({ Ref: logicalIdOf(stack.ingestion.stream) });
    expect(outputs.ProducerRoleArn.Value).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack.roles.producer), 'Arn'] });
  });
});
