/**
 * The CDK app: `cdk synth|deploy|destroy -c shape=agentcore|lambda` (npm run deploy -- <shape>).
 * Environment-agnostic: the account and region come from the credentials at deploy time.
 */
import { App } from 'aws-cdk-lib';
import { readInfraConfig } from '../lib/config';
import { stackNameOf } from '../lib/outputs';
import { BackendStack } from '../lib/stack';
import { deploymentInputs } from '../lib/paths';

const app = new App();
const config = readInfraConfig((name) => app.node.tryGetContext(name));
const stackName = stackNameOf(config.shape);
new BackendStack(app, stackName, {
  stackName,
  description: `Cloud Engineer backend (${config.shape})`,
  config,
  ...deploymentInputs(),
});
app.synth();
