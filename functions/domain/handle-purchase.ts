import { PARKED_KEPT_DAYS, type Conversation, type OutboundMessage, type ParkedPurchase, type Subscription } from './audience';
import type { Catalog, Offer, Program } from './catalog';
import { normalizeCode } from './codes';
import { offerPeriod, redeem, type Coupon } from './coupons';
import type { DomainEvent } from './events';
import { couponIssuedEvent, couponMessage, couponSource, issueAndNotify, issueCoupon, offerOfCoupon } from './issue-coupon';
import { withinCaps } from './frequency-caps';
import { localDate } from './local-time';
import { effectiveZone, zoneOf } from './lunch';
import { chooseOffer } from './offer-choice';
import { ConflictError, type CatalogSource, type Clock, type ConversationStore, type CouponStore, type EventPublisher, type OrderStore, type Outbox, type ParkingSpot, type Random, type ScheduledSend, type ScheduledSends } from './ports';
import { openSweepstakes, sweepstakesText } from './sweepstakes';
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
  store: Pick<ConversationStore, 'load' | 'park' | 'recordPurchase'>;
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

/** How often a purchase loads and parks again when its buyer's keys changed meanwhile (an opt-in, another purchase). */
const PARK_ATTEMPTS = 3;

const DAY_MS = 24 * 3_600_000;

function money(total: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(total);
}

type Buyer = { subscription: Subscription; program: Program };

/** The purchaser's live subscription: the program the POS named, else the one they joined last. */
function purchaser(subscriptions: Subscription[], catalog: Catalog, programId?: string): Buyer | undefined {
  const live = subscriptions
    .filter((s) => s.status === 'subscribed' && (!programId || s.programId === programId))
    .sort((a, b) => (b.subscribedAt ?? '').localeCompare(a.subscribedAt ?? ''));
  for (const subscription of live) {
    const program = catalog.programs.find((p) => p.programId === subscription.programId);
    if (program) return { subscription, program };
  }
  return undefined;
}

/**
 * Where a purchase without a live subscription waits for its opt-in: under the program it names, else
 * under every program of the catalog (any of them could take it, as `purchaser` picks), each key as
 * it was loaded. Purchases long past their wait are dropped on the way; a key that holds this order
 * already (an earlier attempt parked it there) is left as it is.
 */
export function parkingSpots(waiting: ParkedPurchase, conversation: Conversation, catalog: Catalog, at: Date): ParkingSpot[] {
  const { orderId, programId } = waiting.purchase;
  const programIds = programId ? [programId] : catalog.programs.map((p) => p.programId);
  const forgottenBefore = at.getTime() - PARKED_KEPT_DAYS * DAY_MS;
  return programIds.flatMap((id): ParkingSpot[] => {
    const subscription = conversation.subscriptions.find((s) => s.programId === id);
    // A live subscription of a program missing from the catalog: no opt-in will ever come for it.
    if (subscription?.status === 'subscribed') return [];
    const placeholder = conversation.placeholders?.find((p) => p.programId === id);
    const parked = (subscription ? subscription.parked : placeholder?.parked) ?? [];
    if (parked.some((p) => p.purchase.orderId === orderId)) return [];
    const kept = parked.filter((p) => new Date(p.until).getTime() > forgottenBefore);
    const version = subscription?.version ?? placeholder?.version ?? 0;
    return [{ programId: id, holder: subscription ? 'subscription' : 'placeholder', version, parked: [...kept, waiting] }];
  });
}

/**
 * The buyer's live subscription, else the purchase parked for the opt-in that may be on its way.
 * Parking writes each key on condition that it is still as loaded, and an opt-in writes its
 * subscription on the same condition: whichever comes second sees the other. An opt-in committed
 * before the parking makes it fail, and the purchase, loading again, finds the subscription live;
 * one committed after it was decided from a load that saw the parked purchase, and follows it up.
 */
async function buyerOrWait(purchase: Purchase, loaded: Conversation, catalog: Catalog, at: Date, deps: PurchaseDeps): Promise<Buyer | PurchaseOutcome> {
  const purchasedAt = purchase.purchasedAt ? new Date(purchase.purchasedAt) : at;
  const until = new Date(purchasedAt.getTime() + PARK_MINUTES * 60_000).toISOString();
  let conversation = loaded;
  for (let attempt = 1; ; attempt += 1) {
    const buyer = purchaser(conversation.subscriptions, catalog, purchase.programId);
    if (buyer) return buyer;
    if (new Date(until).getTime() <= at.getTime()) return notSubscribed(purchase, at, deps);
    if (await deps.store.park(purchase.phone, parkingSpots({ purchase, until }, conversation, catalog, at))) return { kind: 'parked', until };
    if (attempt === PARK_ATTEMPTS) throw new ConflictError(`order ${purchase.orderId}: the buyer's subscriptions kept changing while it parked`);
    conversation = await deps.store.load(purchase.phone);
  }
}

/** What an order's redemptions give: each code's result, the events, and the coupons this order redeemed. */
interface Redemptions {
  results: { code: string; result: string }[];
  events: DomainEvent[];
  redeemed: Coupon[];
}

/** Where a redeemed coupon's order is attributed: what issued the coupon. */
function redeemedSource(coupon: Coupon) {
  return couponSource(coupon, { kind: coupon.kind ?? coupon.offerId, offerId: coupon.offerId });
}

async function redeemAll(purchase: Purchase, at: Date, deps: PurchaseDeps, placement?: string): Promise<Redemptions> {
  const results: { code: string; result: string }[] = [];
  const events: DomainEvent[] = [];
  const redeemed: Coupon[] = [];
  for (const typed of purchase.couponCodes ?? []) {
    const code = normalizeCode(typed) ?? typed;
    const coupon = await deps.coupons.find(code);
    // A retry of this very order finds its own redemption: that is a success, not a double.
    if (coupon?.status === 'redeemed' && coupon.orderId === purchase.orderId) {
      results.push({ code, result: 'redeemed' });
      redeemed.push(coupon);
      events.push(redeemedEvent(coupon, purchase, at, placement));
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
      redeemed.push(decision.coupon);
      events.push(redeemedEvent(decision.coupon, purchase, at, placement));
    }
  }
  return { results, events, redeemed };
}

/** A coupon this order redeemed (its id is the code's: published again by a retry, counted once). */
function redeemedEvent(coupon: Coupon, purchase: Purchase, at: Date, placement?: string): DomainEvent {
  return {
    type: 'CouponRedeemed',
    id: `redeemed:${coupon.code}`,
    at: at.toISOString(),
    detail: {
      phone: coupon.phone,
      programId: coupon.programId,
      offerId: coupon.offerId,
      code: coupon.code,
      orderId: purchase.orderId,
      total: purchase.total,
      currency: purchase.currency,
      source: redeemedSource(coupon),
      ...(placement ? { placement } : {}),
    },
  };
}

/**
 * The order, for the funnel: its total, the buyer's order count with it (a subscriber's, when the order
 * counts on one), what brought the buyer in, and the first coupon it redeemed, which its revenue is
 * attributed to. Published before the order is recorded, so a crash in between publishes it again
 * (same id) rather than never.
 */
function purchaseRecordedEvent(purchase: Purchase, at: Date, redemptions: Redemptions, buyer?: Buyer): DomainEvent | undefined {
  const first = redemptions.redeemed[0];
  const programId = buyer?.program.programId ?? first?.programId ?? purchase.programId;
  if (!programId) return undefined;
  const joinedWith = buyer?.subscription.joinedWith;
  return {
    type: 'PurchaseRecorded',
    id: `purchase:${purchase.orderId}`,
    at: at.toISOString(),
    detail: {
      phone: purchase.phone,
      programId,
      orderId: purchase.orderId,
      total: purchase.total,
      currency: purchase.currency,
      ...(buyer ? { orderNumber: (buyer.subscription.orders ?? 0) + 1 } : {}),
      ...(joinedWith ? { keyword: joinedWith.keyword, ...(joinedWith.placement ? { placement: joinedWith.placement } : {}) } : {}),
      ...(first ? { attributedTo: { code: first.code, source: redeemedSource(first) } } : {}),
    },
  };
}

function render(program: Program, name: TemplateName, values: Record<string, string>): string {
  return renderTemplate(program.templates[name], { programName: program.name, brandName: program.brandName, keyword: program.keyword, ...values });
}

/** A purchase by someone who is not (or no longer, or not yet in time) subscribed: coupons count, nothing is sent. */
async function notSubscribed(purchase: Purchase, at: Date, deps: PurchaseDeps): Promise<PurchaseOutcome> {
  const redemptions = await redeemAll(purchase, at, deps);
  const recorded = purchaseRecordedEvent(purchase, at, redemptions);
  await deps.events.publish([...redemptions.events, ...(recorded ? [recorded] : [])]);
  await deps.orders.record({ orderId: purchase.orderId, phone: purchase.phone, total: purchase.total, currency: purchase.currency, at: at.toISOString(), redemptions: redemptions.results });
  return { kind: 'not-subscribed', redemptions: redemptions.results };
}

/**
 * Purchases that waited for an opt-in, as its commit recorded them: each is handled now, once
 * (idempotent on orderId, so a redelivery of the opt-in finds those done before as duplicates). One
 * whose wait had run out when the opt-in came counts as a purchase by someone not subscribed.
 */
export async function replayParkedPurchases(parked: ParkedPurchase[], optedInAt: string, deps: PurchaseDeps): Promise<PurchaseOutcome[]> {
  const outcomes: PurchaseOutcome[] = [];
  const replayed = new Set<string>();
  for (const { purchase, until } of [...parked].sort((a, b) => a.until.localeCompare(b.until))) {
    // Parked under several programs (it named none): followed up by the first.
    if (replayed.has(purchase.orderId)) continue;
    replayed.add(purchase.orderId);
    if (new Date(until).getTime() >= new Date(optedInAt).getTime()) outcomes.push(await handlePurchase(purchase, deps));
    else if (await deps.orders.seen(purchase.orderId)) outcomes.push({ kind: 'duplicate' });
    else outcomes.push(await notSubscribed(purchase, deps.clock.now(), deps));
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
  const buyer = await buyerOrWait(purchase, conversation, catalog, at, deps);
  if ('kind' in buyer) return buyer;
  const redemptions = await redeemAll(purchase, at, deps, buyer.subscription.joinedWith?.placement);
  const record = { orderId: purchase.orderId, phone: purchase.phone, total: purchase.total, currency: purchase.currency, at: at.toISOString(), redemptions: redemptions.results };
  const { subscription, program } = buyer;
  // What campaign segments read ("bought within 30 days"); redone harmlessly on a retry.
  await deps.store.recordPurchase(purchase.phone, program.programId, purchasedAt.toISOString());
  const timeZone = effectiveZone(zoneOf(subscription), program);
  const total = money(purchase.total, purchase.currency);
  const withReceipt = Boolean(purchase.receiptImageUrl) && subscription.profile.receipts === 'yes';
  // While a sweepstakes of the program is open, the thank-you invites to it in one short line.
  const sweepstakes = openSweepstakes(program, at);
  const invite = sweepstakes ? ` ${sweepstakesText(program, sweepstakes, 'sweepstakes-invite')}` : '';
  const thanks: OutboundMessage = {
    to: purchase.phone,
    from: program.shortCode,
    body: `${render(program, withReceipt ? 'receipt' : 'thank-you', { total })}${invite}`,
    purpose: 'transactional',
    programId: program.programId,
    ...(withReceipt ? { mediaUrl: [purchase.receiptImageUrl!] } : program.templateMedia['thank-you'] ? { mediaUrl: [program.templateMedia['thank-you']] } : {}),
  };
  await deps.outbox.enqueue([thanks], `order-${purchase.orderId}`);

  // The buyer's own offer of the kind: for where they live, rotated by their local day (offer-choice.ts).
  const offerOf = (kind: Offer['kind']) => chooseOffer(program, kind, { phone: purchase.phone, profile: subscription.profile, localDate: localDate(at, timeZone) });
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
  const crossSellIssued = crossSell && (await issueCoupon({ phone: purchase.phone, program, offer: crossSell, period: `${purchase.orderId}:cross-sell`, at }, deps));
  // Issued before a crash: its own offer's text, not the one chosen now.
  const crossSellOffer = crossSellIssued ? offerOfCoupon(crossSellIssued, program, crossSell) : undefined;
  const crossSellCoupon = crossSellOffer && crossSellIssued;
  if (crossSell && crossSellCoupon) {
    scheduled.push({
      id: `order-${purchase.orderId}-cross-sell`,
      dueAt: new Date(purchasedAt.getTime() + program.crossSellDelayDays * 24 * HOUR_MS).toISOString(),
      reason: 'cross-sell',
      message: couponMessage(crossSellCoupon, program, crossSellOffer, timeZone),
    });
  }
  await deps.scheduled.schedule(scheduled);
  if (crossSell && crossSellCoupon) await deps.coupons.markNotified(crossSellCoupon, `${purchase.orderId}:cross-sell`);

  const recorded = purchaseRecordedEvent(purchase, at, redemptions, buyer);
  await deps.events.publish([...redemptions.events, ...(crossSell && crossSellCoupon ? [couponIssuedEvent(crossSellCoupon, crossSellOffer)] : []), ...(recorded ? [recorded] : [])]);
  await deps.orders.record({ ...record, programId: program.programId, countsOn: { phone: purchase.phone, programId: program.programId } });
  return { kind: 'followed-up', redemptions: redemptions.results, messages: 1 + issued.length, scheduled: scheduled.length };
}
