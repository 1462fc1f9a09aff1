/**
 * Synthesizes the gateway the way bin/app.ts does (same builder, same cdk.json context), with a
 * config for tests. Templates are built once per call; call it in beforeAll.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { parseStageConfig, type StageConfig, type StageConfigInput } from '../../lib/config/schema';
import { stages } from '../../lib/config/stages';
import { buildGateway, type Gateway } from '../../lib/gateway-stack';

/** Synth bundles every handler with esbuild (a few seconds); generous for a loaded CI machine. */
export const SYNTH_TIMEOUT = 180_000;

export const TEST_ACCOUNT = '111111111111';
export const TEST_REGION = 'us-east-1';

/** A prod-shaped stage: pinned environment, alarm e-mail, no custom domain. */
export const testConfigInput: StageConfigInput = {
  ...stages.dev,
  stage: 'test',
  account: TEST_ACCOUNT,
  region: TEST_REGION,
  twilioAccountSid: `AC${'a1'.repeat(16)}`,
  alarmEmail: 'oncall@example.com',
};

export interface Synthesized extends Gateway {
  app: App;
  config: StageConfig;
  dataTemplate: Template;
  serviceTemplate: Template;
}

const cdkJsonContext = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context ?? {};

/** `bundle: false` skips esbuild (assets become placeholders) for fixtures that only look at wiring. */
export function synthGateway(overrides: Partial<StageConfigInput> = {}, options: { bundle?: boolean } = {}): Synthesized {
  const context = { ...cdkJsonContext, ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}) };
  const app = new App({ context });
  const config = parseStageConfig({ ...testConfigInput, ...overrides });
  const gateway = buildGateway(app, config);
  return {
    app,
    config,
    ...gateway,
    dataTemplate: Template.fromStack(gateway.data),
    serviceTemplate: Template.fromStack(gateway.service),
  };
}

/** The logical id of a construct's CloudFormation resource in its own stack. */
export const idOf = (construct: IConstruct): string =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);

/**
 * A value as it is written in `stack`'s template: a Ref/GetAtt in its own stack, an Fn::ImportValue
 * in the other one. Only after synth (the fixture has synthesized).
 */
export const inTemplateOf = (stack: Stack, token: string): unknown => stack.resolve(token);
