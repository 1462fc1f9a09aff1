import { converse, type ConverseContext, type InboundText, type Outcome } from './conversation';
import type { Clock } from './ports';
import { referralCode } from './codes';
import type { CatalogSource, ConversationStore, CouponStore, EventPublisher, OptInCeiling, OrderStore, Outbox, Random, ReferralSlots, ScheduledSends } from './ports';
import { replayParkedPurchases } from './handle-purchase';
import { referralCodeIn, rewardReferral } from './reward-referral';

export interface HandleInboundDeps {
  catalog: CatalogSource;
  store: ConversationStore;
  outbox: Outbox;
  events: EventPublisher;
  coupons: CouponStore;
  orders: OrderStore;
  scheduled: Pick<ScheduledSends, 'schedule'>;
  optInCeiling: OptInCeiling;
  referralSlots: ReferralSlots;
  random: Random;
  clock: Clock;
}

export type HandledInbound = { duplicate: true } | { duplicate: false; outcome: Outcome };

/**
 * One inbound text, exactly once: state, replies and events are committed together, keyed by
 * MessageSid; a redelivery only re-queues the stored replies (which the FIFO queue deduplicates) and
 * re-publishes the stored events (whose ids let consumers deduplicate).
 */
export async function handleInbound(inbound: InboundText, deps: HandleInboundDeps): Promise<HandledInbound> {
  const earlier = await deps.store.handled(inbound.from, inbound.messageSid);
  if (earlier) {
    await deps.outbox.enqueue(earlier.replies, inbound.messageSid);
    await deps.events.publish(earlier.events);
    if (earlier.referral) await rewardReferral(earlier.referral, await deps.catalog.load(), deps);
    if (earlier.kind === 'opted-in') await replayParkedPurchases(inbound.from, deps);
    return { duplicate: true };
  }
  const code = referralCodeIn(inbound.body);
  const [catalog, conversation, referrer] = await Promise.all([
    deps.catalog.load(),
    deps.store.load(inbound.from),
    code ? deps.store.referralOwner(code) : Promise.resolve(undefined),
  ]);
  const context: ConverseContext = {
    newReferralCode: referralCode(deps.random.bytes(6)),
    ...(referrer && code ? { referrer: { ...referrer, code } } : {}),
  };
  let outcome = converse(inbound, conversation, catalog, context);
  // The ceiling is counted only for texts that would open a subscription, not for every text.
  if (outcome.consentEvents.some((event) => event.action === 'opt-in') && !(await deps.optInCeiling.reserve(inbound.to, inbound.receivedAt))) {
    outcome = converse(inbound, conversation, catalog, { ...context, optInCeilingReached: true });
  }
  await deps.store.commit(inbound, outcome);
  await deps.outbox.enqueue(outcome.replies, inbound.messageSid);
  await deps.events.publish(outcome.events);
  if (outcome.referral) await rewardReferral(outcome.referral, catalog, deps);
  // A purchase that overtook this opt-in (the keyword texted at the till) is followed up now.
  if (outcome.kind === 'opted-in') await replayParkedPurchases(inbound.from, deps);
  return { duplicate: false, outcome };
}
