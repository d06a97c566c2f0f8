// CloudFormation validation during synth costs seconds per worker; `cdk synth` in CI keeps it on.
process.env.CDK_VALIDATION = 'false';
// No test may reach AWS: fail fast if some code path tries to resolve credentials.
process.env.AWS_ACCESS_KEY_ID = 'test-access-key';
process.env.AWS_SECRET_ACCESS_KEY = 'test-secret-key';
process.env.AWS_REGION = process.env.AWS_REGION ?? 'us-east-1';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
