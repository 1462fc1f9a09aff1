import { Duration, Tags, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { QueueName, Trigger } from '../topology';
import { DEAD_LETTER_QUEUE_TAG } from './data-stores';

export interface TriggerSources {
  httpApi: apigw.HttpApi;
  /** What a route with `auth: 'staff'` is behind (the console's staff login). */
  staffAuthorizer: apigw.IHttpRouteAuthorizer;
  queues: Record<QueueName, sqs.IQueue>;
  eventBus: events.IEventBus;
}

/**
 * How hard EventBridge keeps trying to deliver (throttling, Lambda unavailable) before the event
 * goes to the dead-letter queue. A missed schedule run is made up by the next one (the sweeps look
 * back), so schedules give up quickly; a purchase is worth a day of retries.
 */
export const EVENT_RETRY = {
  schedule: { retryAttempts: 2, maxEventAge: Duration.minutes(10) },
  rule: { retryAttempts: 10, maxEventAge: Duration.hours(24) },
} as const;

/** What wiring a trigger created that others (alarms) need to see. */
export interface AttachedTrigger {
  /** Events neither EventBridge nor the function's async retries could get handled (schedules, rules). */
  deadLetterQueue?: sqs.Queue;
}

/** Wires a topology trigger to its function; a new trigger kind fails to compile until handled here. */
export function attachTrigger(scope: Construct, name: string, fn: lambda.IFunction, trigger: Trigger, sources: TriggerSources): AttachedTrigger {
  switch (trigger.kind) {
    case 'http':
      sources.httpApi.addRoutes({
        path: trigger.path,
        methods: [apigw.HttpMethod[trigger.method]],
        integration: new HttpLambdaIntegration(`${name}Integration`, fn),
        ...(trigger.auth === 'staff' ? { authorizer: sources.staffAuthorizer } : {}),
      });
      return {};
    case 'queue':
      // Partial batch responses: one poisoned message must not send its whole batch back for retry.
      fn.addEventSource(
        new SqsEventSource(sources.queues[trigger.queue], {
          batchSize: trigger.batchSize,
          reportBatchItemFailures: true,
          ...(trigger.maxConcurrency ? { maxConcurrency: trigger.maxConcurrency } : {}),
        }),
      );
      return {};
    case 'schedule': {
      const deadLetterQueue = eventDeadLetterQueue(scope, name, fn, EVENT_RETRY.schedule);
      // Schedules only fire on the default bus.
      new events.Rule(scope, `${name}Schedule`, {
        description: `${trigger.name} → ${name}`,
        schedule: events.Schedule.expression(trigger.expression),
        targets: [new targets.LambdaFunction(fn, { deadLetterQueue, ...EVENT_RETRY.schedule })],
      });
      return { deadLetterQueue };
    }
    case 'rule': {
      const deadLetterQueue = eventDeadLetterQueue(scope, name, fn, EVENT_RETRY.rule);
      new events.Rule(scope, `${name}Rule`, {
        description: `${trigger.name} → ${name}`,
        eventBus: sources.eventBus,
        eventPattern: { source: trigger.source, detailType: trigger.detailType },
        targets: [new targets.LambdaFunction(fn, { deadLetterQueue, ...EVENT_RETRY.rule })],
      });
      return { deadLetterQueue };
    }
    default: {
      const unhandled: never = trigger;
      throw new Error(`Unhandled trigger ${JSON.stringify(unhandled)}`);
    }
  }
}

/**
 * One dead-letter queue per event-triggered function, for both ways an event can be lost: EventBridge
 * failing to invoke (the target's DLQ) and the function failing every async attempt (its on-failure
 * destination). It lives beside the rule because its policy names the rule's ARN; in the data stack
 * that would make the two stacks depend on each other.
 */
function eventDeadLetterQueue(scope: Construct, name: string, fn: lambda.IFunction, retry: { maxEventAge: Duration }): sqs.Queue {
  const queue = new sqs.Queue(scope, `${name}EventsDeadLetterQueue`, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Tags.of(queue).add(DEAD_LETTER_QUEUE_TAG, `${name} events`);
  // Lambda keeps an async event at most 6 hours (EventBridge up to 24).
  const maxEventAge = Duration.seconds(Math.min(retry.maxEventAge.toSeconds(), 6 * 3600));
  fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge, onFailure: new SqsDestination(queue) });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This is a dead-letter queue: of the ${name} EventBridge target (DeadLetterConfig) and of its async invocations (OnFailure destination), neither of which cdk-nag recognises.`,
  });
  return queue;
}
