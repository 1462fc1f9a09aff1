import middy from '@middy/core';
import { eventPublisher } from '../adapters/event-dependencies';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { countLimitedText } from '../adapters/metered';
import { catalogSource, conversationStore, couponStore, deliveries, optInCeiling, orderStore, random, referralSlots, scheduledSends } from '../adapters/dependencies';
import { outbox } from '../adapters/queue-dependencies';
import { clock } from '../shared/clock';
import { handleInbound } from '../domain/handle-inbound';
import { maskedError, maskPhone } from '../domain/phone-masking';
import { inboundQueueMessage } from '../schemas/queue-messages';
import { logger } from '../shared/logger';
import { metrics, metricsMiddleware } from '../shared/metrics';
import { INBOUND_MESSAGES_METRIC, KEYWORDS_METRIC } from '../shared/metric-names';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { processFifoBatch, retrySoon } from './fifo-batch';
import { parseQueueRecord } from './queue-records';

/** The most one text takes to handle: a text is not started with less time left. */
const TEXT_RESERVE_MS = 5_000;

async function converseWith(record: SQSRecord): Promise<void> {
  const inbound = parseQueueRecord(record, inboundQueueMessage);
  if (!inbound) return;
  const result = await handleInbound(inbound, {
    catalog: catalogSource(),
    store: conversationStore(),
    deliveries: deliveries(),
    outbox: outbox(),
    events: eventPublisher(),
    coupons: couponStore(),
    orders: orderStore(),
    scheduled: scheduledSends(),
    optInCeiling: optInCeiling(),
    referralSlots: referralSlots(),
    random,
    clock,
  }).catch((error: unknown) => {
    // The error is logged, and goes back to SQS (and Lambda's own log), with every number masked.
    const masked = maskedError(error);
    logger.error('Could not handle inbound text', { from: maskPhone(inbound.from), messageSid: inbound.messageSid, error: masked });
    throw masked;
  });
  metrics.addMetric(INBOUND_MESSAGES_METRIC, MetricUnit.Count, 1);
  if (!result.duplicate && ['opted-in', 'already-subscribed'].includes(result.outcome.kind)) {
    metrics.addMetric(KEYWORDS_METRIC, MetricUnit.Count, 1);
  }
  const limitedBy = result.duplicate ? undefined : result.outcome.limitedBy;
  if (limitedBy) countLimitedText(limitedBy);
  logger.info('Handled inbound text', {
    from: maskPhone(inbound.from),
    messageSid: inbound.messageSid,
    ...(result.duplicate ? { duplicate: true } : { outcome: result.outcome.kind, replies: result.outcome.replies.length, ...(limitedBy ? { limitedBy } : {}) }),
  });
}

/**
 * The conversation: one sender's texts in order, each exactly once; senders side by side. A text
 * that failed (or met a concurrent change) holds back that sender's later texts only, and all of
 * them are retried in a second or two, not after the visibility timeout.
 */
const converse = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const { batchItemFailures, failed } = await processFifoBatch(event, converseWith, { context, reserveMs: TEXT_RESERVE_MS });
  await retrySoon(failed, 'INBOUND_QUEUE_URL');
  return { batchItemFailures };
};

export const handler = middy(converse).use(injectLambdaContext(logger)).use(metricsMiddleware());
