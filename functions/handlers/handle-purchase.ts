import middy from '@middy/core';
import { eventPublisher } from '../adapters/event-dependencies';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { EventBridgeEvent } from 'aws-lambda';
import {
  catalogSource,
  conversationStore,
  couponStore,
  orderStore,
  random,
  scheduledSends,
} from '../adapters/dependencies';
import { outbox, rejectedEvents } from '../adapters/queue-dependencies';
import { handlePurchase, type PurchaseOutcome } from '../domain/handle-purchase';
import { normalizeAddress } from '../domain/phone-numbers';
import { maskPhone } from '../domain/phone-masking';
import { purchaseCompleted } from '../schemas/purchase-event';
import { clock } from '../shared/clock';
import { logger } from '../shared/logger';
import { metricsMiddleware } from '../shared/metrics';

/** POS PurchaseCompleted → redemptions, thanks, post-purchase coupon, follow-ups. */
const onPurchase = async (event: EventBridgeEvent<'PurchaseCompleted', unknown>): Promise<PurchaseOutcome | { kind: 'rejected' }> => {
  const parsed = purchaseCompleted.safeParse(event.detail);
  const phone = parsed.success ? normalizeAddress(parsed.data.phone) : undefined;
  if (!parsed.success || !phone) {
    // Retrying cannot fix it: keep it, with the reason, where someone will look.
    const reason = parsed.success ? 'phone: not a phone number' : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    await rejectedEvents().reject(event, reason);
    logger.warn('Rejected PurchaseCompleted event', { id: event.id, reason });
    return { kind: 'rejected' };
  }
  const outcome = await handlePurchase(
    { ...parsed.data, phone },
    {
      catalog: catalogSource(),
      store: conversationStore(),
      coupons: couponStore(),
      orders: orderStore(),
      scheduled: scheduledSends(),
      outbox: outbox(),
      events: eventPublisher(),
      random,
      clock,
    },
  );
  logger.info('Purchase', { orderId: parsed.data.orderId, phone: maskPhone(phone), outcome: outcome.kind });
  return outcome;
};

export const handler = middy(onPurchase).use(injectLambdaContext(logger)).use(metricsMiddleware());
