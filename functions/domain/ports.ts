import type { ConsentEvent, Conversation, OutboundMessage, PendingQuestion, Subscription } from './audience';
import type { Catalog } from './catalog';
import type { InboundText, Outcome } from './conversation';
import type { DomainEvent } from './events';
import type { Coupon } from './coupons';
import type { LunchPage } from './lunch';
import type { RewardSlot } from './referrals';

/** The ports use cases talk through; adapters implement them. */

export interface CatalogSource {
  load(): Promise<Catalog>;
}

export interface ConversationStore {
  load(phone: string): Promise<Conversation>;
  /** Replies and events already produced for this inbound message, when it was handled before. */
  handled(phone: string, messageSid: string): Promise<Pick<Outcome, 'replies' | 'events' | 'referral'> | undefined>;
  /** Writes the outcome atomically; throws ConflictError when the state moved underneath. */
  commit(inbound: InboundText, outcome: Outcome): Promise<void>;
  /** Carrier-reported opt-outs (error 21610): every live subscription of the number ends. */
  recordOptOuts(events: ConsentEvent[]): Promise<void>;
  /**
   * A marketing message went out: its time joins the cap log and the question counter moves; a
   * question riding along becomes the pending one. False when the subscription changed meanwhile.
   */
  recordMarketingSent(subscription: Subscription, update: { sentAt: string[]; rideAlong?: PendingQuestion }): Promise<boolean>;
  /** Who owns a referral code, when anyone does. */
  referralOwner(code: string): Promise<{ phone: string; programId: string } | undefined>;
  /** The survey went out: the subscription now waits for a 1-5 (only while it is live). */
  markSurveyAsked(phone: string, programId: string, survey: { orderId: string; askedAt: string }): Promise<void>;
}

/**
 * The short code's opt-in ceiling, shared by every concurrent invocation: one slot of this minute's
 * and one of this day's opt-ins (UTC, from `at`), or false when either is used up.
 */
export interface OptInCeiling {
  reserve(shortCode: string, at: string): Promise<boolean>;
}

/** A referrer's reward slots per period (the monthly cap), taken atomically, one per friend. */
export interface ReferralSlots {
  take(slot: { referrerPhone: string; programId: string; friendPhone: string; period: string }, cap: number): Promise<RewardSlot>;
  /** Frees a slot just taken for a friend who turned out to be rewarded in an earlier period. */
  giveBack(slot: { referrerPhone: string; programId: string; friendPhone: string; period: string }): Promise<void>;
}

export interface OrderRecord {
  orderId: string;
  phone: string;
  programId?: string;
  total: number;
  currency: string;
  at: string;
  redemptions: { code: string; result: string }[];
}

export interface OrderStore {
  seen(orderId: string): Promise<boolean>;
  /** Written last: a retry after a crash redoes the (idempotent) steps before it. */
  record(order: OrderRecord): Promise<void>;
}

/** Where events that can never be processed go, with the reason, for someone to look at. */
export interface RejectedEvents {
  reject(event: unknown, reason: string): Promise<void>;
}

/** A message to hand to the outbound queue later (quiet hours, follow-ups). */
export interface ScheduledSend {
  /** Stable: scheduling the same send twice keeps one. */
  id: string;
  dueAt: string;
  reason: string;
  message: OutboundMessage;
}

export interface ScheduledSends {
  schedule(sends: ScheduledSend[]): Promise<void>;
  /** Sends due at `now`, looking back `lookBackHours` for ones a pause left behind. */
  due(now: Date, lookBackHours: number): Promise<ScheduledSend[]>;
  done(send: ScheduledSend): Promise<void>;
}

export interface EventPublisher {
  publish(events: DomainEvent[]): Promise<void>;
}

export interface Outbox {
  /** Queues messages in order; `causedBy` makes re-queuing the same replies a no-op. */
  enqueue(messages: OutboundMessage[], causedBy: string): Promise<void>;
  /** Queues messages that each carry their own deduplication id (a fan-out to many people). */
  enqueueEach(entries: { id: string; message: OutboundMessage }[]): Promise<void>;
}

export interface SentMessage {
  sid: string;
  status: string;
}

export interface Carrier {
  send(message: OutboundMessage, statusCallback?: string): Promise<SentMessage>;
}

export interface MessageLog {
  recordSent(message: OutboundMessage, sent: SentMessage, at: string): Promise<void>;
  recordRejected(message: OutboundMessage, reason: string, at: string): Promise<void>;
  recordStatus(update: { to: string; sid: string; status: string; errorCode?: number; at: string }): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/** A carrier refusal, with Twilio's HTTP status and error code. */
export class CarrierError extends Error {
  override readonly name = 'CarrierError';
  constructor(
    readonly httpStatus: number,
    readonly code: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

export type IssueResult =
  | { outcome: 'issued' }
  | { outcome: 'code-taken' }
  /** This period's coupon exists already; `notified` says whether its text was queued. */
  | { outcome: 'exists'; coupon: Coupon; notified: boolean };

export interface CouponStore {
  /** Issues once per subscriber, offer and period; a code is never issued twice. */
  issue(coupon: Coupon, period: string): Promise<IssueResult>;
  /** The coupon's text is on the outbound queue: a retry must not queue it again. */
  markNotified(coupon: Coupon, period: string): Promise<void>;
  find(code: string): Promise<Coupon | undefined>;
  /** Conditional on the coupon still being unredeemed; false when another till won. */
  markRedeemed(coupon: Coupon, orderId: string, at: string): Promise<boolean>;
}

export interface Random {
  bytes(count: number): Uint8Array;
}

/** Live subscriptions of one program filed under one time zone, a page at a time. */
export interface AudienceIndex {
  subscribersInZone(programId: string, zone: string, limit: number, after?: string): Promise<{ subscriptions: Subscription[]; next?: string }>;
}

export interface LunchPageQueue {
  send(pages: LunchPage[]): Promise<void>;
}
