import { App } from 'aws-cdk-lib';
import { buildTradeRoundTrip } from './trade-roundtrip';

// integ-runner's entry point (docs/local.md says how to run it against an account). The app reads
// cdk.json's context as `cdk synth` does, so feature flags match the deployed stack.
const app = new App();
buildTradeRoundTrip(app);
app.synth();
