// CloudFormation validation during synth costs seconds per worker; `cdk synth` in CI keeps it on.
process.env.CDK_VALIDATION = 'false';
// No test may reach AWS: fail fast if some code path tries to resolve credentials.
process.env.AWS_ACCESS_KEY_ID = 'test-access-key';
process.env.AWS_SECRET_ACCESS_KEY = 'test-secret-key';
process.env.AWS_REGION = process.env.AWS_REGION ?? 'us-east-1';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
// On Node 20 the AWS SDK warns that its releases after January 2027 need Node 22; Lambda runs Node 24.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
