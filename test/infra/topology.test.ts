/**
 * The two synthesized stacks, checked against lib/topology.ts. Expectations are derived from the
 * topology, so a function, route, queue, schedule or rule added there (or only here) fails.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { attachTrigger } from '../../lib/constructs/triggers';
import { functionEntries, queues, tables } from '../../lib/topology';
import { SYNTH_TIMEOUT, synthGateway, type Synthesized } from './gateway-fixture';

jest.setTimeout(SYNTH_TIMEOUT);

let gateway: Synthesized;
beforeAll(() => {
  gateway = synthGateway();
}, SYNTH_TIMEOUT);

const triggersOf = <K extends string>(kind: K) => functionEntries().filter(([, spec]) => spec.trigger.kind === kind);
const count = (template: Template, type: string) => Object.keys(template.findResources(type)).length;

describe('matches the topology exactly', () => {
  it('has every topology function, route, queue, table, schedule and rule, and nothing else', () => {
    // Prepare
    const eventTriggers = triggersOf('schedule').length + triggersOf('rule').length;
    const expected = {
      functions: functionEntries().length,
      routes: triggersOf('http').map(([, s]) => s.trigger.kind === 'http' && `${s.trigger.method} ${s.trigger.path}`).sort(),
      dataQueues: Object.keys(queues).length * 2, // each with its dead-letter queue
      serviceQueues: eventTriggers, // one dead-letter queue per schedule or rule
      eventSourceMappings: triggersOf('queue').length,
      tables: Object.keys(tables).length,
      schedules: triggersOf('schedule').map(([, s]) => s.trigger.kind === 'schedule' && s.trigger.expression).sort(),
      rules: triggersOf('rule').length,
    };
    const { dataTemplate: data, serviceTemplate: service } = gateway;
    const eventRules = Object.values(service.findResources('AWS::Events::Rule'));
    // Act
    const actual = {
      functions: count(service, 'AWS::Lambda::Function'),
      routes: Object.values(service.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey).sort(),
      dataQueues: count(data, 'AWS::SQS::Queue'),
      serviceQueues: count(service, 'AWS::SQS::Queue'),
      eventSourceMappings: count(service, 'AWS::Lambda::EventSourceMapping'),
      tables: count(data, 'AWS::DynamoDB::Table'),
      schedules: eventRules.filter((r) => r.Properties.ScheduleExpression).map((r) => r.Properties.ScheduleExpression).sort(),
      rules: eventRules.filter((r) => r.Properties.EventPattern).length,
    };
    // Assess
    expect(actual).toEqual(expected);
    expect(Object.keys(gateway.service.functions).sort()).toEqual(functionEntries().map(([name]) => name).sort());
  });

  it('keeps state in the data stack and code in the service stack', () => {
    // Act
    const { dataTemplate: data, serviceTemplate: service } = gateway;
    // Assess
    for (const type of ['AWS::DynamoDB::Table', 'AWS::Events::EventBus', 'AWS::Events::Archive', 'AWS::SecretsManager::Secret', 'AWS::SNS::Topic']) {
      expect(count(data, type)).toBeGreaterThan(0);
      expect(count(service, type)).toBe(0);
    }
    for (const type of ['AWS::Lambda::Function', 'AWS::ApiGatewayV2::Api', 'AWS::Events::Rule', 'AWS::CloudWatch::Alarm']) {
      expect(count(data, type)).toBe(0);
      expect(count(service, type)).toBeGreaterThan(0);
    }
    expect(gateway.data.stackName).toBe('SmsGatewayData-test');
    expect(gateway.service.stackName).toBe('SmsGatewayService-test');
    expect(gateway.service.dependencies).toContain(gateway.data);
  });
});

describe('event triggers (code paths beyond what the topology uses today)', () => {
  it('turns any schedule or rule into an EventBridge rule with a retry policy and a dead-letter queue', () => {
    // Prepare
    const scratch = new Stack(new App(), 'Triggers');
    const bus = new events.EventBus(scratch, 'Bus');
    const makeFn = (id: string) =>
      new lambda.Function(scratch, id, {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {}'),
      });
    const sources = { httpApi: undefined as never, staffAuthorizer: undefined as never, queues: {} as never, eventBus: bus };
    // Act
    const nightly = attachTrigger(scratch, 'nightly', makeFn('FnNightly'), { kind: 'schedule', name: 'nightly', expression: 'cron(0 3 * * ? *)' }, sources);
    const onOptOut = attachTrigger(scratch, 'onOptOut', makeFn('FnOptOut'), { kind: 'rule', name: 'opt-out', source: ['sms-gateway'], detailType: ['OptedOut'] }, sources);
    const rules = Template.fromStack(scratch);
    // Assess
    expect(nightly.deadLetterQueue).toBeDefined();
    expect(onOptOut.deadLetterQueue).toBeDefined();
    const target = Match.arrayWith([
      Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Fn'), 'Arn'] },
        DeadLetterConfig: { Arn: Match.anyValue() },
        RetryPolicy: { MaximumRetryAttempts: Match.anyValue(), MaximumEventAgeInSeconds: Match.anyValue() },
      }),
    ]);
    rules.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 3 * * ? *)', Targets: target });
    rules.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('^Bus') },
      EventPattern: { source: ['sms-gateway'], 'detail-type': ['OptedOut'] },
      Targets: target,
    });
    rules.resourceCountIs('AWS::Lambda::Permission', 2);
  });
});
