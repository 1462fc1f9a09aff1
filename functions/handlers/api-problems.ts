import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { peekQueue } from '../adapters/sqs-peek';
import { sqs } from '../adapters/sqs-client';
import { problemsView, type QueueFacts } from '../domain/console-problems';
import { requiredEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { deadLetterEnv, functionEntries, queues, type QueueName } from '../../lib/topology';
import { noQuery } from '../schemas/console-queries';
import { refusedUnlessStaff } from './console-api-responses';
import { json, queryOf } from './api-json';


/** A queue's name: the last segment of its URL (the stage's own, in AWS and locally). */
const nameOf = (queueUrl: string) => queueUrl.slice(queueUrl.lastIndexOf('/') + 1);

/** Who consumes each queue and when SQS gives up on a message: from the topology, as deployed. */
function factsOf(queue: QueueName): QueueFacts {
  const consumer = functionEntries().find(([, spec]) => spec.trigger.kind === 'queue' && spec.trigger.queue === queue)?.[0];
  return { queue, deadLetterQueue: nameOf(requiredEnv(deadLetterEnv(queue))), ...(consumer ? { consumer } : {}), maxReceiveCount: queues[queue].maxReceiveCount };
}

/**
 * GET /api/problems: POS events rejected with their reason (the rejected-events queue and its
 * dead-letter queue) and what every other queue dead-lettered, each with why; looked at, never taken
 * (numbers masked).
 */
const onRequest = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const refused = refusedUnlessStaff(event);
  if (refused) return refused;
  const asked = queryOf(event, noQuery);
  if ('rejection' in asked) return asked.rejection;
  const others = (Object.keys(queues) as QueueName[]).filter((queue) => queue !== 'rejectedEvents');
  const [rejectedQueue, rejectedDeadLetters, ...looks] = await Promise.all([
    peekQueue(sqs(), requiredEnv(queues.rejectedEvents.env)),
    peekQueue(sqs(), requiredEnv(deadLetterEnv('rejectedEvents'))),
    ...others.map((queue) => peekQueue(sqs(), requiredEnv(deadLetterEnv(queue)))),
  ]);
  const view = problemsView(
    { queue: rejectedQueue!, deadLetters: rejectedDeadLetters! },
    others.map((queue, index) => ({ facts: factsOf(queue), look: looks[index]! })),
  );
  return json(200, { ...view, rejectedEvents: { queue: nameOf(requiredEnv(queues.rejectedEvents.env)), ...view.rejectedEvents } });
};

export const handler = middy(onRequest).use(injectLambdaContext(logger));
