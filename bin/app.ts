import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GatewayStack } from '../lib/gateway-stack';

const app = new App();

// One stack per stage: `npx cdk synth -c stage=prod`.
const stage: string = app.node.tryGetContext('stage') ?? 'dev';
if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) throw new Error(`stage "${stage}" must be lower-case letters, digits and dashes`);

new GatewayStack(app, `SmsGateway-${stage}`, {
  stage,
  shortCode: app.node.tryGetContext('shortCode') ?? '55155',
  // Placeholder so synth works offline; pass the real one at deploy: -c twilioAccountSid=AC...
  // (an account SID is an identifier, not a credential; the auth token is in Secrets Manager).
  twilioAccountSid: app.node.tryGetContext('twilioAccountSid') ?? 'AC00000000000000000000000000000000',
  publicUrl: app.node.tryGetContext('publicUrl'),
  // Unset offline, so the template stays environment-agnostic.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

// cdk-nag 3 is a policy-validation plugin: any unacknowledged error fails synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
