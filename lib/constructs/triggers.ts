import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { QueueName, Trigger } from '../topology';

export interface TriggerSources {
  httpApi: apigw.HttpApi;
  queues: Record<QueueName, sqs.IQueue>;
  eventBus: events.IEventBus;
}

/** Wires a topology trigger to its function; a new trigger kind fails to compile until handled here. */
export function attachTrigger(scope: Construct, name: string, fn: lambda.IFunction, trigger: Trigger, sources: TriggerSources): void {
  switch (trigger.kind) {
    case 'http':
      sources.httpApi.addRoutes({
        path: trigger.path,
        methods: [apigw.HttpMethod[trigger.method]],
        integration: new HttpLambdaIntegration(`${name}Integration`, fn),
      });
      return;
    case 'queue':
      // Partial batch responses: one poisoned message must not send its whole batch back for retry.
      fn.addEventSource(
        new SqsEventSource(sources.queues[trigger.queue], { batchSize: trigger.batchSize, reportBatchItemFailures: true }),
      );
      return;
    case 'schedule':
      // Schedules only fire on the default bus.
      new events.Rule(scope, `${name}Schedule`, {
        description: `${trigger.name} → ${name}`,
        schedule: events.Schedule.expression(trigger.expression),
        targets: [new targets.LambdaFunction(fn)],
      });
      return;
    case 'rule':
      new events.Rule(scope, `${name}Rule`, {
        description: `${trigger.name} → ${name}`,
        eventBus: sources.eventBus,
        eventPattern: { source: trigger.source, detailType: trigger.detailType },
        targets: [new targets.LambdaFunction(fn)],
      });
      return;
    default: {
      const unhandled: never = trigger;
      throw new Error(`Unhandled trigger ${JSON.stringify(unhandled)}`);
    }
  }
}
