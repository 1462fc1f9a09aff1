import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { zoneShards } from '../adapters/audience-keys';
import { catalogSource, lunchWaves } from '../adapters/dependencies';
import { lunchPageQueue } from '../adapters/queue-dependencies';
import { dispatchLunch } from '../domain/issue-lunch-coupons';
import { clock } from '../shared/clock';
import { logger } from '../shared/logger';

/** Every 15 minutes: hand out the first pages (one per shard) of each zone now inside its lunch window, once a local day. */
const dispatch = async (): Promise<{ pages: number }> => {
  const pages = await dispatchLunch({ catalog: catalogSource(), pages: lunchPageQueue(), waves: lunchWaves(), clock, shards: zoneShards() });
  logger.info('Lunch dispatch', { zones: [...new Set(pages.map((page) => `${page.programId}:${page.zone}`))], chains: pages.length });
  return { pages: pages.length };
};

export const handler = middy(dispatch).use(injectLambdaContext(logger));
