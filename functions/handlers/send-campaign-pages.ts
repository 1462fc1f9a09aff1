import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { audienceIndex, catalogSource, couponStore, random } from '../adapters/dependencies';
import { issuingTogether } from '../adapters/dynamo-coupons';
import { eventPublisher } from '../adapters/event-dependencies';
import { campaignPageQueue, outbox } from '../adapters/queue-dependencies';
import { ISSUE_CONCURRENCY } from '../domain/issue-coupon';
import { CAMPAIGN_PAGE_SIZE, sendCampaignPage } from '../domain/send-campaigns';
import { campaignPageMessage } from '../schemas/campaign-page';
import { clock } from '../shared/clock';
import { logger } from '../shared/logger';
import { CAMPAIGN_MISSED_METRIC } from '../shared/metric-names';
import { metrics, metricsMiddleware } from '../shared/metrics';
import { parseQueueRecord } from './queue-records';

const processor = new BatchProcessor(EventType.SQS);
const pageSize = Number(process.env.CAMPAIGN_PAGE_SIZE ?? CAMPAIGN_PAGE_SIZE);
const concurrency = Number(process.env.LUNCH_ISSUE_CONCURRENCY ?? ISSUE_CONCURRENCY);

async function sendPage(record: SQSRecord): Promise<void> {
  const page = parseQueueRecord(record, campaignPageMessage);
  if (!page) return;
  const deps = { catalog: catalogSource(), audience: audienceIndex(), coupons: issuingTogether(couponStore()), random, outbox: outbox(), events: eventPublisher(), pages: campaignPageQueue(), clock, pageSize, concurrency };
  const result = await sendCampaignPage(page, deps);
  if (result.missed > 0) metrics.addMetric(CAMPAIGN_MISSED_METRIC, MetricUnit.Count, result.missed);
  logger.info('Campaign page', { programId: page.programId, campaignId: page.campaignId, zone: page.zone, shard: page.shard, ...result });
}

/** One page of one zone shard's audience: each recipient's text queued once (with their coupon), the next page handed on. */
const sendCampaignPages = (event: SQSEvent, context: Context) => processPartialResponse(event, sendPage, processor, { context });

export const handler = middy(sendCampaignPages).use(injectLambdaContext(logger)).use(metricsMiddleware());
