import middy from '@middy/core';
import { eventPublisher } from '../adapters/event-dependencies';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  audienceIndex,
  catalogSource,
  couponStore,
  random,
} from '../adapters/dependencies';
import { issuingTogether } from '../adapters/dynamo-coupons';
import { lunchPageQueue, outbox } from '../adapters/queue-dependencies';
import { ISSUE_CONCURRENCY } from '../domain/issue-coupon';
import { issueLunchPage, LUNCH_PAGE_SIZE } from '../domain/issue-lunch-coupons';
import { lunchPageMessage } from '../schemas/lunch-page';
import { clock } from '../shared/clock';
import { logger } from '../shared/logger';
import { metricsMiddleware } from '../shared/metrics';
import { parseQueueRecord } from './queue-records';

const processor = new BatchProcessor(EventType.SQS);
const pageSize = Number(process.env.LUNCH_PAGE_SIZE ?? LUNCH_PAGE_SIZE);
const concurrency = Number(process.env.LUNCH_ISSUE_CONCURRENCY ?? ISSUE_CONCURRENCY);

async function issuePage(record: SQSRecord): Promise<void> {
  const page = parseQueueRecord(record, lunchPageMessage);
  if (!page) return;
  const deps = { catalog: catalogSource(), audience: audienceIndex(), coupons: issuingTogether(couponStore()), random, outbox: outbox(), events: eventPublisher(), pages: lunchPageQueue(), clock, pageSize, concurrency };
  const result = await issueLunchPage(page, deps);
  logger.info('Lunch page', { programId: page.programId, zone: page.zone, shard: page.shard, localDate: page.localDate, ...result });
}

/** One page of one zone shard's audience: coupons issued once, texts queued, the next page handed on. */
const issueLunchCoupons = (event: SQSEvent, context: Context) => processPartialResponse(event, issuePage, processor, { context });

export const handler = middy(issueLunchCoupons).use(injectLambdaContext(logger)).use(metricsMiddleware());
