/**
 * The synthesized stack, checked against lib/topology.ts. Expectations are derived from the topology,
 * so a function, route or queue added there without the stack following fails here.
 */
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { attachTrigger } from '../../lib/constructs/triggers';
import { GatewayStack } from '../../lib/gateway-stack';
import {
  deadLetterQueueName,
  functionEntries,
  queueName,
  queues,
  tables,
  type FunctionName,
  type FunctionSpec,
  type QueueName,
  type TableName,
} from '../../lib/topology';

const STAGE = 'test';
// Synth bundles every handler with esbuild; once for the whole file.
jest.setTimeout(120_000);

let app: App;
let stack: GatewayStack;
let template: Template;

beforeAll(() => {
  app = new App();
  stack = new GatewayStack(app, 'InfraTest', { stage: STAGE, shortCode: '55155', twilioAccountSid: 'AC00000000000000000000000000000000' });
  template = Template.fromStack(stack);
}, 120_000);

const idOf = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const functionId = (name: FunctionName) => idOf(stack.functions[name].fn);
const tableEntries = () => Object.entries(tables) as [TableName, (typeof tables)[TableName]][];
const queueEntries = () => Object.entries(queues) as [QueueName, (typeof queues)[QueueName]][];
const httpTriggers = () =>
  functionEntries().flatMap(([name, spec]) => (spec.trigger.kind === 'http' ? [{ name, ...spec.trigger }] : []));
const queueTriggers = () =>
  functionEntries().flatMap(([name, spec]) => (spec.trigger.kind === 'queue' ? [{ name, ...spec.trigger }] : []));
const eventTriggers = () => functionEntries().filter(([, spec]) => spec.trigger.kind === 'schedule' || spec.trigger.kind === 'rule');
const functionProps = (name: FunctionName) => template.findResources('AWS::Lambda::Function')[functionId(name)].Properties;

/** Every statement of the policies attached to a function's role. */
function statementsOf(name: FunctionName): { Action: string | string[]; Resource: unknown }[] {
  const roleId = idOf(stack.functions[name].role);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}
const actionsOn = (name: FunctionName, resourceId: string) =>
  statementsOf(name)
    .filter((s) => JSON.stringify(s.Resource).includes(`"${resourceId}"`))
    .flatMap((s) => [s.Action].flat());

describe('tables', () => {
  it.each(tableEntries())('%s: on-demand, pk/sk, PITR, retained, deletion-protected, TTL as specified', (name, spec) => {
    // Prepare
    const id = idOf(stack.stores.tables[name]);
    // Act
    const table = template.findResources('AWS::DynamoDB::Table')[id];
    // Assess
    expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: spec.partitionKey, KeyType: 'HASH' },
        { AttributeName: spec.sortKey, KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    expect(table.Properties.TimeToLiveSpecification).toEqual(
      spec.timeToLiveAttribute ? { AttributeName: spec.timeToLiveAttribute, Enabled: true } : undefined,
    );
  });
});

describe('queues', () => {
  it.each(queueEntries())('%s: FIFO as specified, redrive to its DLQ, SSE and TLS enforced', (name, spec) => {
    // Prepare
    const id = idOf(stack.stores.queues[name]);
    const dlqId = idOf(stack.stores.deadLetterQueues[name]);
    // Act
    const all = template.findResources('AWS::SQS::Queue');
    // Assess
    expect(all[id].Properties).toMatchObject({
      QueueName: queueName(name, STAGE),
      VisibilityTimeout: spec.visibilityTimeoutSeconds,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: spec.maxReceiveCount },
    });
    expect(all[dlqId].Properties).toMatchObject({ QueueName: deadLetterQueueName(name, STAGE), SqsManagedSseEnabled: true });
    for (const queue of [all[id], all[dlqId]]) {
      expect(queue.Properties.FifoQueue).toBe(spec.fifo ? true : undefined);
      expect(queue.Properties.ContentBasedDeduplication).toBe(spec.fifo ? false : undefined);
    }
    for (const queueId of [id, dlqId]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it.each(queueTriggers())('$name reads $queue in batches of $batchSize with partial batch failures', (trigger) => {
    // Prepare
    const expected = {
      FunctionName: { Ref: functionId(trigger.name) },
      EventSourceArn: { 'Fn::GetAtt': [idOf(stack.stores.queues[trigger.queue]), 'Arn'] },
      BatchSize: trigger.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    };
    // Act
    const mappings = template.findResources('AWS::Lambda::EventSourceMapping', { Properties: expected });
    // Assess
    expect(Object.keys(mappings)).toHaveLength(1);
  });
});

describe('HTTP API', () => {
  it('routes the two Twilio webhooks', () => {
    // Act
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey);
    // Assess
    expect(routeKeys).toEqual(expect.arrayContaining(['POST /sms', 'POST /sms/status']));
  });

  it.each(httpTriggers())('$method $path invokes $name', (trigger) => {
    // Prepare
    const fnArn = { 'Fn::GetAtt': [functionId(trigger.name), 'Arn'] };
    // Act
    const [integrationId] = Object.keys(
      template.findResources('AWS::ApiGatewayV2::Integration', { Properties: { IntegrationUri: fnArn } }),
    );
    // Assess
    expect(integrationId).toBeDefined();
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: `${trigger.method} ${trigger.path}`,
      Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { FunctionName: fnArn, Principal: 'apigateway.amazonaws.com' });
  });

  it('logs access on the $default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
    });
  });
});

describe('matches the topology exactly', () => {
  it('has every topology function, route, queue, table and event trigger and nothing else', () => {
    // Prepare
    const expected = {
      functions: functionEntries().length,
      routes: httpTriggers().map((t) => `${t.method} ${t.path}`).sort(),
      queues: queueEntries().length * 2, // each with its dead-letter queue
      eventSourceMappings: queueTriggers().length,
      tables: tableEntries().length,
      rules: eventTriggers().length,
    };
    // Act
    const actual = {
      functions: Object.keys(template.findResources('AWS::Lambda::Function')).length,
      routes: Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey).sort(),
      queues: Object.keys(template.findResources('AWS::SQS::Queue')).length,
      eventSourceMappings: Object.keys(template.findResources('AWS::Lambda::EventSourceMapping')).length,
      tables: Object.keys(template.findResources('AWS::DynamoDB::Table')).length,
      rules: Object.keys(template.findResources('AWS::Events::Rule')).length,
    };
    // Assess
    expect(actual).toEqual(expected);
    expect(Object.keys(stack.functions).sort()).toEqual(functionEntries().map(([name]) => name).sort());
  });

  it('has the custom event bus rules will listen on', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
  });
});

describe('functions', () => {
  it.each(functionEntries())('%s: nodejs22.x on arm64, traced, own log group, timeout and memory from the topology', (name, spec) => {
    // Act
    const props = functionProps(name);
    // Assess
    expect(props).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Timeout: spec.timeoutSeconds,
      MemorySize: spec.memoryMb,
      LoggingConfig: { LogGroup: { Ref: idOf(stack.functions[name].logGroup) } },
    });
  });

  it.each(functionEntries())('%s: environment holds exactly what its spec uses', (name, spec: FunctionSpec) => {
    // Prepare
    const expected = [
      'NODE_OPTIONS',
      'POWERTOOLS_SERVICE_NAME',
      'POWERTOOLS_LOG_LEVEL',
      ...spec.tables.map((t) => tables[t.name].env),
      ...(spec.tables.some((t) => t.name === 'catalog') ? ['CATALOG_CACHE_SECONDS'] : []),
      ...spec.sendsTo.map((q) => queues[q].env),
      ...(spec.publishesEvents ? ['EVENT_BUS_NAME'] : []),
      ...(spec.twilio ? ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN_SECRET_ARN', 'PUBLIC_URL'] : []),
    ].sort();
    // Act
    const variables = functionProps(name).Environment.Variables;
    // Assess
    expect(Object.keys(variables).sort()).toEqual(expected);
    if (spec.twilio) {
      expect(variables.TWILIO_AUTH_TOKEN_SECRET_ARN).toEqual({ Ref: idOf(stack.twilioAuthToken) });
      // The API endpoint itself, not its stage URL: the latter would make function and API depend on each other.
      expect(variables.PUBLIC_URL).toEqual({ 'Fn::GetAtt': [idOf(stack.api.httpApi), 'ApiEndpoint'] });
    }
  });

  it('never puts the Twilio auth token in an environment', () => {
    // Act
    const environments = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (fn) => fn.Properties.Environment?.Variables ?? {},
    );
    // Assess
    for (const variables of environments) expect(Object.keys(variables)).not.toContain('TWILIO_AUTH_TOKEN');
  });

  it.each(functionEntries())('%s: IAM grants match its spec and no more', (name, spec) => {
    // Prepare
    const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    // Act + Assess
    for (const [table] of tableEntries()) {
      const access = spec.tables.find((t) => t.name === table)?.access;
      const actions = actionsOn(name, idOf(stack.stores.tables[table]));
      if (!access) expect(actions).toEqual([]);
      else expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      for (const write of writes) expect(actions.includes(write)).toBe(access === 'readWrite');
    }
    for (const [queue] of queueEntries()) {
      const actions = actionsOn(name, idOf(stack.stores.queues[queue]));
      expect(actions.includes('sqs:SendMessage')).toBe(spec.sendsTo.includes(queue));
      const consumes = spec.trigger.kind === 'queue' && spec.trigger.queue === queue;
      expect(actions.includes('sqs:ReceiveMessage')).toBe(consumes);
      expect(actionsOn(name, idOf(stack.stores.deadLetterQueues[queue]))).toEqual([]);
    }
    expect(actionsOn(name, idOf(stack.twilioAuthToken)).includes('secretsmanager:GetSecretValue')).toBe(spec.twilio);
  });
});

describe('cdk-nag (AwsSolutions)', () => {
  it('reports no unacknowledged errors', () => {
    // Act: the same pack bin/app.ts registers, run over the already-synthesized tree.
    const report = new AwsSolutionsChecks().validateScope(app);
    // Assess
    const errors = report.violations
      .filter((v) => v.severity === 'error')
      .map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(errors).toEqual([]);
  });
});

describe('event triggers (no topology entries yet; the code paths must already work)', () => {
  it('turns schedule and rule triggers into EventBridge rules targeting the function', () => {
    // Prepare
    const scratch = new Stack(new App(), 'Triggers');
    const bus = new events.EventBus(scratch, 'Bus');
    const fn = new lambda.Function(scratch, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });
    const sources = { httpApi: undefined as never, queues: {} as never, eventBus: bus };
    // Act
    attachTrigger(scratch, 'nightly', fn, { kind: 'schedule', name: 'nightly', expression: 'cron(0 3 * * ? *)' }, sources);
    attachTrigger(scratch, 'onOptOut', fn, { kind: 'rule', name: 'opt-out', source: ['sms-gateway'], detailType: ['OptedOut'] }, sources);
    const rules = Template.fromStack(scratch);
    // Assess
    const target = Match.arrayWith([Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Fn'), 'Arn'] } })]);
    rules.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 3 * * ? *)', Targets: target });
    rules.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('^Bus') },
      EventPattern: { source: ['sms-gateway'], 'detail-type': ['OptedOut'] },
      Targets: target,
    });
    rules.resourceCountIs('AWS::Lambda::Permission', 2);
  });
});
