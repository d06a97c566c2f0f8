import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createAwsClients, createKinesisClient } from '../../../cli/aws/clients';

describe('AWS clients', () => {
  it('gives Kinesis clients an HTTP/1.1 handler: the default HTTP/2 one fails against kinesalite', () => {
    const kinesis = createKinesisClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:4567' });
    expect(kinesis.config.requestHandler).toBeInstanceOf(NodeHttpHandler);
    const fromFactory = createAwsClients({ region: 'eu-west-1' }).kinesis({ accessKeyId: 'a', secretAccessKey: 'b' });
    expect(fromFactory.config.requestHandler).toBeInstanceOf(NodeHttpHandler);
  });

  it("makes role clients with the role's credentials, and caller clients with the standard chain", async () => {
    const clients = createAwsClients({ region: 'eu-central-1', profile: 'ops' });
    const credentials = { accessKeyId: 'ASIAROLE', secretAccessKey: 'secret', sessionToken: 'token' };
    const kinesis = clients.kinesis(credentials);
    expect(await kinesis.config.credentials()).toMatchObject(credentials);
    expect(await kinesis.config.region()).toBe('eu-central-1');
    const cloudFormation = clients.cloudFormation();
    expect(await cloudFormation.config.region()).toBe('eu-central-1');
    expect(cloudFormation.config.profile).toBe('ops');
  });

  it("makes the read commands' clients (Athena, CloudWatch, S3, KMS, CloudTrail, SNS) with the role's credentials", async () => {
    const clients = createAwsClients({ region: 'eu-central-1', profile: 'ops' });
    const credentials = { accessKeyId: 'ASIAAUDITOR', secretAccessKey: 'secret', sessionToken: 'token' };
    for (const make of [clients.athena, clients.cloudWatch, clients.s3, clients.kms, clients.cloudTrail, clients.sns]) {
      const client = make(credentials);
      expect(await client.config.credentials()).toMatchObject(credentials);
      expect(await client.config.region()).toBe('eu-central-1');
    }
  });
});
