import type { App } from 'aws-cdk-lib';
import type { StageConfig } from './config/schema';
import { DataStack } from './data-stack';
import { ServiceStack } from './service-stack';

export interface Gateway {
  data: DataStack;
  service: ServiceStack;
}

/**
 * One stage of the gateway as two stacks: `SmsGatewayData-<stage>` (state, termination-protected in
 * prod) and `SmsGatewayService-<stage>` (everything that can be replaced), both from lib/topology.ts.
 */
export function buildGateway(app: App, config: StageConfig): Gateway {
  // Unset account/region (dev without credentials) keeps the templates environment-agnostic.
  const env = { account: config.account, region: config.region };
  const data = new DataStack(app, `SmsGatewayData-${config.stage}`, { config, env });
  const service = new ServiceStack(app, `SmsGatewayService-${config.stage}`, { config, data, env });
  service.addStackDependency(data, 'functions use its tables, queues, bus and secret');
  return { data, service };
}
