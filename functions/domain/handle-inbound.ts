import { type Catalog, programsOnShortCode } from './catalog';
import { classify } from './classify';
import { converse, type ConverseContext, type InboundText, type Outcome } from './conversation';
import type { Clock } from './ports';
import { referralCode } from './codes';
import type { CatalogSource, ConversationStore, CouponStore, Deliveries, EventPublisher, OptInCeiling, OrderStore, Outbox, Random, ReferralSlots, ScheduledSends } from './ports';
import { replayParkedPurchases } from './handle-purchase';
import { grantProfileRewards } from './profile-rewards';
import { referralCodeIn, rewardReferral } from './reward-referral';
import { markTurnReplies } from './send-message';

export interface HandleInboundDeps {
  catalog: CatalogSource;
  store: ConversationStore;
  /** Voids a STOP's waiting turns before it is committed. */
  deliveries: Pick<Deliveries, 'voidTurns'>;
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
 * MessageSid. No read comes first: a redelivery is told apart by the commit itself, which then writes
 * nothing and answers with what the text produced the first time; those replies are queued again
 * (the FIFO queue and the sender deduplicate them) and its events published again (their ids let
 * consumers deduplicate).
 */
export async function handleInbound(inbound: InboundText, deps: HandleInboundDeps): Promise<HandledInbound> {
  const catalog = await deps.catalog.load();
  const code = referralCodeAfterKeyword(inbound, catalog);
  const [conversation, referrer] = await Promise.all([
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
  // The subscriptions as this turn leaves them: what its replies were decided under.
  const after = [...outcome.subscriptions, ...conversation.subscriptions.filter((s) => !outcome.subscriptions.some((changed) => changed.programId === s.programId))];
  outcome = { ...outcome, replies: markTurnReplies(outcome.replies, after, inbound.receivedAt) };
  // An opt-out first voids the replies earlier turns still have waiting for their first claim (they
  // were decided under the subscription it ends), so none goes out after it; replies claimed already
  // were claimed while it was live. A commit that then fails is retried, and voids again.
  const stopped = outcome.consentEvents.filter((event) => event.action === 'opt-out').map((event) => event.programId);
  if (stopped.length > 0) await deps.deliveries.voidTurns(inbound.from, stopped);
  const commit = await deps.store.commit(inbound, outcome);
  const done = commit.committed ? outcome : commit.earlier;
  await deps.outbox.enqueue(done.replies, inbound.messageSid);
  await deps.events.publish(done.events);
  if (done.referral) await rewardReferral(done.referral, catalog, deps);
  // Coupons a profile answer earned, as the commit recorded them: issued now, and by a redelivery after a crash (each once).
  if (done.rewards?.length) await grantProfileRewards(done.rewards, catalog, deps);
  // Purchases that overtook this opt-in (the keyword texted at the till), as the commit recorded them
  // (it was decided from the same load): followed up now, and by a redelivery after a crash.
  if (done.parked?.length) await replayParkedPurchases(done.parked, inbound.receivedAt, deps);
  return commit.committed ? { duplicate: false, outcome } : { duplicate: true };
}

/**
 * The referral code a text carries after a program keyword ("KRUSTY 7K2Q9X"): only then is it worth
 * looking up. Any other two-word text ("hi there", "62701 thanks") costs no read.
 */
function referralCodeAfterKeyword(inbound: InboundText, catalog: Catalog): string | undefined {
  const code = referralCodeIn(inbound.body);
  if (!code) return undefined;
  const intent = classify(inbound.body, programsOnShortCode(catalog, inbound.to), { hasOptOut: false });
  return intent.kind === 'keyword' ? code : undefined;
}
