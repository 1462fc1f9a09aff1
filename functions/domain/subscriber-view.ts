/**
 * What the console shows of subscribers (support agents, carrier audits): a page of subscriptions
 * with masked numbers, one number's whole record (subscriptions, consent ledger, messages, coupons),
 * and its message thread as a phone shows it. Pure shaping of what the audience table holds.
 */
import { referralCounts, type ConsentEvent, type Profile, type Subscription } from './audience';
import type { Coupon } from './coupons';
import { maskPhone } from './phone-masking';
import { isE164, normalizeAddress } from './phone-numbers';

/** How the console names a number in its URLs: base64url of the E.164 number (not a secret, just opaque to a glance). */
export function subscriberRef(phone: string): string {
  return Buffer.from(phone, 'utf8').toString('base64url');
}

/** The E.164 number a ref names (a typed number in any usual US form is normalized), or undefined for a malformed ref. */
export function phoneOfRef(ref: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(ref)) return undefined;
  const decoded = Buffer.from(ref, 'base64url').toString('utf8');
  const phone = normalizeAddress(decoded);
  return phone && isE164(phone) ? phone : undefined;
}

/** One row of the subscribers list. */
export interface SubscriberRow {
  ref: string;
  /** The number masked as in the logs (+1*****4567). */
  phone: string;
  programId: string;
  status: Subscription['status'];
  subscribedAt?: string;
  optedOutAt?: string;
  joinedWith?: Subscription['joinedWith'];
}

export function subscriberRow(subscription: Pick<Subscription, 'phone' | 'programId' | 'status' | 'subscribedAt' | 'optedOutAt' | 'joinedWith'>): SubscriberRow {
  return {
    ref: subscriberRef(subscription.phone),
    phone: maskPhone(subscription.phone),
    programId: subscription.programId,
    status: subscription.status,
    ...(subscription.subscribedAt ? { subscribedAt: subscription.subscribedAt } : {}),
    ...(subscription.optedOutAt ? { optedOutAt: subscription.optedOutAt } : {}),
    ...(subscription.joinedWith ? { joinedWith: subscription.joinedWith } : {}),
  };
}

/** A text the number sent, as logged by the conversation (its replies are the turn's outbox). */
export interface InboundRecord {
  messageSid: string;
  at: string;
  body: string;
  replies: { body: string; mediaUrl?: string[]; purpose?: string }[];
}

/** A reply's place on its turn's record (replies claimed together with their turn's others). */
export interface TurnSendRecord {
  sid?: string;
  sentAt?: string;
  carrierStatus?: string;
  /** Given back: pending (surely not taken by the carrier) or unknown (may have been). */
  state?: string;
}

/** An outbound message's own record (its id, what it says, how it stands). */
export interface OutboundRecord {
  id: string;
  body: string;
  mediaUrl?: string[];
  purpose?: string;
  createdAt?: string;
  sentAt?: string;
  finishedAt?: string;
  /** pending, sending, unknown, sent, or why it was not sent (blocked, expired, opted-out…). */
  status: string;
  carrierStatus?: string;
  sid?: string;
  reason?: string;
}

/** One message of a number's thread. */
export interface ThreadMessage {
  id: string;
  direction: 'in' | 'out';
  at: string;
  body: string;
  mediaUrl: string[];
  /** in: received; out: the carrier's latest status (queued, sent, delivered, undelivered…), else where it stands. */
  status: string;
  /** Whether the carrier took it (an outbound message a phone may have got). */
  sent: boolean;
  purpose?: string;
  /** Why an outbound message was not sent. */
  reason?: string;
}

const outbound = (id: string, at: string, message: { body: string; mediaUrl?: string[]; purpose?: string }, state: { sid?: string; carrierStatus?: string; status: string; reason?: string }): ThreadMessage => ({
  id,
  direction: 'out',
  at,
  body: message.body,
  mediaUrl: message.mediaUrl ?? [],
  status: state.carrierStatus ?? state.status,
  sent: state.sid !== undefined,
  ...(message.purpose ? { purpose: message.purpose } : {}),
  ...(state.reason ? { reason: state.reason } : {}),
});

/**
 * The thread, oldest first: each text the number sent, each reply (from its own record when it has
 * one, else from its place on its turn's record; committed but not claimed yet: pending), and every
 * other outbound message (marketing, coupons, follow-ups) from its own record.
 */
export function threadOf(records: { inbound: InboundRecord[]; turns: Map<string, Record<string, TurnSendRecord>>; outbound: OutboundRecord[] }): ThreadMessage[] {
  const own = new Map(records.outbound.map((record) => [record.id, record]));
  const thread: ThreadMessage[] = [];
  const replyIds = new Set<string>();
  for (const text of records.inbound) {
    thread.push({ id: text.messageSid, direction: 'in', at: text.at, body: text.body, mediaUrl: [], status: 'received', sent: false });
    const sends = records.turns.get(text.messageSid) ?? {};
    text.replies.forEach((reply, index) => {
      const id = `${text.messageSid}-${index}`;
      replyIds.add(id);
      const record = own.get(id);
      if (record) return;
      const send = sends[String(index)];
      const status = send?.sid ? 'sent' : (send?.state ?? (send ? 'sending' : 'pending'));
      thread.push(outbound(id, send?.sentAt ?? text.at, reply, { ...(send?.sid ? { sid: send.sid } : {}), ...(send?.carrierStatus ? { carrierStatus: send.carrierStatus } : {}), status }));
    });
  }
  for (const record of records.outbound) {
    const at = record.sentAt ?? record.finishedAt ?? record.createdAt ?? '';
    thread.push(outbound(record.id, at, record, record));
  }
  // Oldest first; at the same instant a text before its replies, and a turn's replies in their order.
  return thread.sort((a, b) => a.at.localeCompare(b.at) || (a.direction === b.direction ? a.id.localeCompare(b.id, 'en', { numeric: true }) : a.direction === 'in' ? -1 : 1));
}

/** A subscription as the detail page shows it. */
export interface SubscriptionView {
  programId: string;
  status: Subscription['status'];
  subscribedAt?: string;
  optedOutAt?: string;
  joinedWith?: Subscription['joinedWith'];
  profile: Profile;
  orders: number;
  /** Lifetime revenue (LTV) of its orders while subscribed. */
  revenue: number;
  lastPurchaseAt?: string;
  referrals: { joined: number; rewarded: number };
  referralCode?: string;
}

export interface CouponView {
  code: string;
  programId: string;
  offerId: string;
  kind?: string;
  issuedAt: string;
  validUntil: string;
  status: Coupon['status'];
  redeemedAt?: string;
  orderId?: string;
}

/** Everything the console shows of one number. */
export interface SubscriberDetail {
  ref: string;
  phone: string;
  subscriptions: SubscriptionView[];
  /** Every opt-in and opt-out, oldest first, with the raw text. */
  consent: ConsentEvent[];
  messages: ThreadMessage[];
  coupons: CouponView[];
}

export function subscriptionView(subscription: Subscription): SubscriptionView {
  return {
    programId: subscription.programId,
    status: subscription.status,
    ...(subscription.subscribedAt ? { subscribedAt: subscription.subscribedAt } : {}),
    ...(subscription.optedOutAt ? { optedOutAt: subscription.optedOutAt } : {}),
    ...(subscription.joinedWith ? { joinedWith: subscription.joinedWith } : {}),
    profile: subscription.profile ?? {},
    orders: subscription.orders ?? 0,
    revenue: subscription.revenue ?? 0,
    ...(subscription.lastPurchaseAt ? { lastPurchaseAt: subscription.lastPurchaseAt } : {}),
    referrals: referralCounts(subscription),
    ...(subscription.referralCode ? { referralCode: subscription.referralCode } : {}),
  };
}

/**
 * The detail of a number, or undefined when the gateway holds nothing of it (never texted, no
 * subscription, no consent event): an unknown number.
 */
export function subscriberDetail(
  phone: string,
  found: { subscriptions: Subscription[]; consent: ConsentEvent[]; messages: ThreadMessage[]; coupons: Coupon[] },
): SubscriberDetail | undefined {
  if (found.subscriptions.length === 0 && found.consent.length === 0 && found.messages.length === 0) return undefined;
  const consent = [...found.consent].sort((a, b) => a.at.localeCompare(b.at) || (a.action === b.action ? 0 : a.action === 'opt-in' ? -1 : 1));
  return {
    ref: subscriberRef(phone),
    phone,
    subscriptions: found.subscriptions.map(subscriptionView).sort((a, b) => a.programId.localeCompare(b.programId)),
    consent,
    messages: found.messages,
    coupons: found.coupons
      .map(({ code, programId, offerId, kind, issuedAt, validUntil, status, redeemedAt, orderId }) => ({
        code,
        programId,
        offerId,
        ...(kind ? { kind } : {}),
        issuedAt,
        validUntil,
        status,
        ...(redeemedAt ? { redeemedAt } : {}),
        ...(orderId ? { orderId } : {}),
      }))
      .sort((a, b) => b.issuedAt.localeCompare(a.issuedAt)),
  };
}
