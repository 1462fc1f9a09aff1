import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { zoneShards } from '../adapters/audience-keys';
import { campaignWaves, catalogSource } from '../adapters/dependencies';
import { campaignPageQueue } from '../adapters/queue-dependencies';
import { dispatchCampaigns } from '../domain/send-campaigns';
import { clock } from '../shared/clock';
import { logger } from '../shared/logger';

/** Every 15 minutes: hand out the first pages (one per shard) of each zone where a campaign became due, once per campaign and zone. */
const dispatch = async (): Promise<{ pages: number }> => {
  const pages = await dispatchCampaigns({ catalog: catalogSource(), pages: campaignPageQueue(), waves: campaignWaves(), clock, shards: zoneShards() });
  logger.info('Campaign dispatch', { waves: [...new Set(pages.map((page) => `${page.programId}:${page.campaignId}:${page.zone}`))], chains: pages.length });
  return { pages: pages.length };
};

export const handler = middy(dispatch).use(injectLambdaContext(logger));
