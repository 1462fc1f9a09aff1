import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { scheduledSends } from '../adapters/dependencies';
import { outbox } from '../adapters/queue-dependencies';
import { releaseScheduledSends } from '../domain/release-scheduled';
import { clock } from '../shared/clock';
import { logger } from '../shared/logger';

/** Every minute: follow-ups and quiet-hour deferrals that are due go to the outbound queue. */
const sendFollowUps = async (): Promise<{ released: number }> => {
  const released = await releaseScheduledSends({ scheduled: scheduledSends(), outbox: outbox(), clock });
  if (released > 0) logger.info('Released scheduled sends', { released });
  return { released };
};

export const handler = middy(sendFollowUps).use(injectLambdaContext(logger));
