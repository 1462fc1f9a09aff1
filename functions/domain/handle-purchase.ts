import type { OutboundMessage, Subscription } from './audience';
import type { Catalog, Offer, Program } from './catalog';
import { normalizeCode } from './codes';
import { offerPeriod, redeem } from './coupons';
import type { DomainEvent } from './events';
import { couponIssuedEvent, couponMessage, issueAndNotify, issueCoupon } from './issue-coupon';
import { withinCaps } from './frequency-caps';
import { effectiveZone, zoneOf } from './lunch';
import type { CatalogSource, Clock, ConversationStore, CouponStore, EventPublisher, OrderStore, Outbox, Random, ScheduledSend, ScheduledSends } from './ports';
import { renderTemplate, type TemplateName } from './templates';

export interface Purchase {
  phone: string;
  programId?: string;
  orderId: string;
  total: number;
  currency: string;
  couponCodes?: string[];
  receiptImageUrl?: string;
  purchasedAt?: string;
}

export interface PurchaseDeps {
  catalog: CatalogSource;
  store: Pick<ConversationStore, 'load'>;
  coupons: CouponStore;
  orders: OrderStore;
  scheduled: Pick<ScheduledSends, 'schedule'>;
  outbox: Outbox;
  events: EventPublisher;
  random: Random;
  clock: Clock;
}

export type PurchaseOutcome =
  | { kind: 'duplicate' }
  /** No live subscription yet: kept for the opt-in that may still be on its way. */
  | { kind: 'parked'; until: string }
  | { kind: 'not-subscribed'; redemptions: { code: string; result: string }[] }
  | { kind: 'followed-up'; redemptions: { code: string; result: string }[]; messages: number; scheduled: number };

const HOUR_MS = 3_600_000;

/**
 * How long a purchase from a number without a live subscription waits for its opt-in: people text
 * the keyword at the till, and the purchase can overtake the opt-in still on its way.
 */
export const PARK_MINUTES = 15;

function money(total: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(total);
}

/** The purchaser's live subscription: the program the POS named, else the one they joined last. */
function purchaser(subscriptions: Subscription[], catalog: Catalog, programId?: string): { subscription: Subscription; program: Program } | undefined {
  const live = subscriptions
    .filter((s) => s.status === 'subscribed' && (!programId || s.programId === programId))
    .sort((a, b) => (b.subscribedAt ?? '').localeCompare(a.subscribedAt ?? ''));
  for (const subscription of live) {
    const program = catalog.programs.find((p) => p.programId === subscription.programId);
    if (program) return { subscription, program };
  }
  return undefined;
}

async function redeemAll(purchase: Purchase, at: Date, deps: PurchaseDeps): Promise<{ results: { code: string; result: string }[]; events: DomainEvent[] }> {
  const results: { code: string; result: string }[] = [];
  const events: DomainEvent[] = [];
  for (const typed of purchase.couponCodes ?? []) {
    const code = normalizeCode(typed) ?? typed;
    const coupon = await deps.coupons.find(code);
    // A retry of this very order finds its own redemption: that is a success, not a double.
    if (coupon?.status === 'redeemed' && coupon.orderId === purchase.orderId) {
      results.push({ code, result: 'redeemed' });
      continue;
    }
    const decision = redeem(coupon, at, purchase.orderId, purchase.phone);
    if (!decision.ok) {
      results.push({ code, result: decision.reason });
      continue;
    }
    const won = await deps.coupons.markRedeemed(decision.coupon, purchase.orderId, at.toISOString());
    results.push({ code, result: won ? 'redeemed' : 'already-redeemed' });
    if (won) {
      events.push({
        type: 'CouponRedeemed',
        id: `redeemed:${code}`,
        at: at.toISOString(),
        detail: { phone: decision.coupon.phone, programId: decision.coupon.programId, offerId: decision.coupon.offerId, code, orderId: purchase.orderId },
      });
    }
  }
  return { results, events };
}

function render(program: Program, name: TemplateName, values: Record<string, string>): string {
  return renderTemplate(program.templates[name], { programName: program.name, brandName: program.brandName, keyword: program.keyword, ...values });
}

/** A purchase by someone who is not (or no longer, or not yet in time) subscribed: coupons count, nothing is sent. */
async function notSubscribed(purchase: Purchase, at: Date, deps: PurchaseDeps): Promise<PurchaseOutcome> {
  const redemptions = await redeemAll(purchase, at, deps);
  await deps.events.publish(redemptions.events);
  await deps.orders.unpark(purchase.phone, purchase.orderId);
  await deps.orders.record({ orderId: purchase.orderId, phone: purchase.phone, total: purchase.total, currency: purchase.currency, at: at.toISOString(), redemptions: redemptions.results });
  return { kind: 'not-subscribed', redemptions: redemptions.results };
}

/**
 * Purchases that waited for this number's opt-in: each is handled now (idempotent on orderId), and
 * one whose wait ran out counts as a purchase by someone not subscribed.
 */
export async function replayParkedPurchases(phone: string, deps: PurchaseDeps): Promise<PurchaseOutcome[]> {
  const outcomes: PurchaseOutcome[] = [];
  const now = deps.clock.now().getTime();
  for (const { purchase, until } of await deps.orders.parked(phone)) {
    outcomes.push(new Date(until).getTime() < now ? await notSubscribed(purchase, new Date(now), deps) : await handlePurchase(purchase, deps));
  }
  return outcomes;
}

/**
 * A POS purchase: redeem the coupons it used, thank the customer (an MMS receipt when they said yes
 * to receipts by text), give the post-purchase coupon, and plan the follow-ups. Idempotent on
 * orderId: every step can be redone, and the order is recorded last.
 */
export async function handlePurchase(purchase: Purchase, deps: PurchaseDeps): Promise<PurchaseOutcome> {
  if (await deps.orders.seen(purchase.orderId)) return { kind: 'duplicate' };
  const at = deps.clock.now();
  const purchasedAt = purchase.purchasedAt ? new Date(purchase.purchasedAt) : at;
  const [catalog, conversation] = await Promise.all([deps.catalog.load(), deps.store.load(purchase.phone)]);
  let buyer = purchaser(conversation.subscriptions, catalog, purchase.programId);
  if (!buyer) {
    const until = new Date(purchasedAt.getTime() + PARK_MINUTES * 60_000);
    if (until.getTime() <= at.getTime()) return notSubscribed(purchase, at, deps);
    await deps.orders.park(purchase, until.toISOString());
    // An opt-in committed between our read and the parking would not see this purchase: look again.
    buyer = purchaser((await deps.store.load(purchase.phone)).subscriptions, catalog, purchase.programId);
    if (!buyer) return { kind: 'parked', until: until.toISOString() };
  }
  const redemptions = await redeemAll(purchase, at, deps);
  const record = { orderId: purchase.orderId, phone: purchase.phone, total: purchase.total, currency: purchase.currency, at: at.toISOString(), redemptions: redemptions.results };
  const { subscription, program } = buyer;
  const timeZone = effectiveZone(zoneOf(subscription), program);
  const total = money(purchase.total, purchase.currency);
  const withReceipt = Boolean(purchase.receiptImageUrl) && subscription.profile.receipts === 'yes';
  const thanks: OutboundMessage = {
    to: purchase.phone,
    from: program.shortCode,
    body: render(program, withReceipt ? 'receipt' : 'thank-you', { total }),
    purpose: 'transactional',
    programId: program.programId,
    ...(withReceipt ? { mediaUrl: [purchase.receiptImageUrl!] } : {}),
  };
  await deps.outbox.enqueue([thanks], `order-${purchase.orderId}`);

  const offerOf = (kind: Offer['kind']) => program.offers.find((offer) => offer.kind === kind);
  // A coupon whose text the frequency cap would drop is never issued: nobody would know they have it.
  const capped = !withinCaps(subscription.marketingSentAt ?? [], at, { perDay: program.maxPerDay, perWeek: program.maxPerWeek }, timeZone);
  const postPurchase = capped ? undefined : offerOf('post-purchase');
  const period = offerPeriod('post-purchase', { localDate: '', orderId: purchase.orderId });
  const issued = postPurchase ? await issueAndNotify([{ phone: purchase.phone, program, offer: postPurchase, period, timeZone }], at, deps) : [];

  const scheduled: ScheduledSend[] = [
    {
      id: `order-${purchase.orderId}-survey`,
      dueAt: new Date(purchasedAt.getTime() + program.surveyDelayHours * HOUR_MS).toISOString(),
      reason: 'survey',
      message: { to: purchase.phone, from: program.shortCode, body: render(program, 'survey', {}), purpose: 'follow-up', programId: program.programId, survey: { orderId: purchase.orderId } },
    },
  ];
  const crossSell = offerOf('cross-sell');
  const crossSellCoupon = crossSell && (await issueCoupon({ phone: purchase.phone, program, offer: crossSell, period: `${purchase.orderId}:cross-sell`, at }, deps));
  if (crossSell && crossSellCoupon) {
    scheduled.push({
      id: `order-${purchase.orderId}-cross-sell`,
      dueAt: new Date(purchasedAt.getTime() + program.crossSellDelayDays * 24 * HOUR_MS).toISOString(),
      reason: 'cross-sell',
      message: couponMessage(crossSellCoupon, program, crossSell, timeZone),
    });
  }
  await deps.scheduled.schedule(scheduled);
  if (crossSell && crossSellCoupon) await deps.coupons.markNotified(crossSellCoupon, `${purchase.orderId}:cross-sell`);

  await deps.events.publish([...redemptions.events, ...(crossSell && crossSellCoupon ? [couponIssuedEvent(crossSellCoupon, crossSell)] : [])]);
  await deps.orders.unpark(purchase.phone, purchase.orderId);
  await deps.orders.record({ ...record, programId: program.programId });
  return { kind: 'followed-up', redemptions: redemptions.results, messages: 1 + issued.length, scheduled: scheduled.length };
}
