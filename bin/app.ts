import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadStageConfig } from '../lib/config/stages';
import { buildGateway } from '../lib/gateway-stack';

const app = new App();

// `-c stage=dev|prod` (default dev), plus `-c field=value` overrides; an invalid value stops synth here.
const config = loadStageConfig((key) => app.node.tryGetContext(key));
buildGateway(app, config);

// cdk-nag 3 is a policy-validation plugin: any unacknowledged error fails synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
