import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { EventBridgeEvent } from 'aws-lambda';
import { catalogSource, statsStore } from '../adapters/dependencies';
import { recordStats, type StatsResult } from '../domain/record-stats';
import { busDomainEvent, statsEventOf } from '../schemas/domain-events';
import { logger } from '../shared/logger';

/** A gateway domain event → the funnel's counters, once per event id (a redelivery counts nothing). */
const onDomainEvent = async (event: EventBridgeEvent<string, unknown>): Promise<StatsResult | 'malformed'> => {
  const parsed = busDomainEvent.safeParse(event);
  if (!parsed.success) {
    // Retrying cannot fix it; counting a guess would be worse than not counting.
    logger.warn('Domain event not counted: malformed', { id: event.id, type: event['detail-type'], reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    return 'malformed';
  }
  const result = await recordStats(statsEventOf(parsed.data), { stats: statsStore(), catalog: catalogSource() });
  logger.debug('Domain event counted', { type: parsed.data['detail-type'], result });
  return result;
};

export const handler = middy(onDomainEvent).use(injectLambdaContext(logger));
