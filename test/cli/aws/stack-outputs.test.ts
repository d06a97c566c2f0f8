import { STACK_OUTPUTS } from '../../../cli/aws/stack-outputs';
import { NAMED_QUERIES } from '../../../cli/query/named-queries';
import { CfnResolver, type CfnTemplate } from '../../access/support/cfn-resolver';
import { synthApp, TEST_ENV } from '../../support/app';
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

describe('what query reads from the stack is what the stack deploys', () => {
  const resolver = new CfnResolver(template.toJSON() as CfnTemplate, TEST_ENV);
  const resolved = (value: unknown) => resolver.resolve(value);

  it('runs each named query with the SQL and the database its workgroup saves it with', () => {
    const saved = Object.values(template.findResources('AWS::Athena::NamedQuery')).map((q) => q.Properties);
    const databases = {
      raw: resolved(outputs.DatabaseName.Value) as string,
      curated: resolved(outputs.CuratedDatabaseName.Value) as string,
    };
    const tradeQueries = saved.filter((q) => q.Database === databases.raw);
    expect(new Set(tradeQueries.map((q) => q.Name))).toEqual(new Set(NAMED_QUERIES.map(({ query }) => query.name)));
    for (const query of tradeQueries) {
      const named = NAMED_QUERIES.find((candidate) => candidate.query.name === query.Name);
      expect(named?.sql(databases)).toBe(query.QueryString);
    }
  });
});
