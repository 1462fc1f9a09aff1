import type { ProgramCounts } from './funnel-report';
import type { StatsUpdate } from './stats';
import type { ConsentEvent, Conversation, OutboundMessage, ParkedPurchase, PendingQuestion, Subscription } from './audience';
import type { Catalog } from './catalog';
import type { InboundText, Outcome } from './conversation';
import type { DomainEvent } from './events';
import type { Coupon } from './coupons';
import type { LunchPage } from './lunch';
import type { CampaignPage } from './send-campaigns';
import type { RewardSlot } from './referrals';
import type { ShortLink } from './short-links';
import type { SweepstakesDraw, SweepstakesEntry } from './sweepstakes';

/** The ports use cases talk through; adapters implement them. */

export interface CatalogSource {
  load(): Promise<Catalog>;
}

/** What an inbound message produced when it was handled: what a redelivery queues and publishes again. */
export type HandledText = Pick<Outcome, 'kind' | 'replies' | 'events' | 'referral' | 'parked' | 'rewards'>;

export interface ConversationStore {
  load(phone: string): Promise<Conversation>;
  /**
   * A subscriber's purchase at `at`: their subscription's last purchase moves to it (never back to an
   * earlier one), as a change of the subscription (its version moves, so a text decided before it
   * is decided again).
   */
  recordPurchase(phone: string, programId: string, at: string): Promise<void>;
  /** One program's subscription of a number, as `load` would show it; undefined when there is none. */
  subscription(phone: string, programId: string): Promise<Subscription | undefined>;
  /**
   * Writes the outcome atomically, keyed by the MessageSid. A MessageSid committed before writes
   * nothing and answers with what it produced then (the write's own condition tells, no read first).
   * Throws ConflictError when the state moved underneath.
   */
  commit(inbound: InboundText, outcome: Outcome): Promise<{ committed: true } | { committed: false; earlier: HandledText }>;
  /**
   * Parks a purchase for the opt-in that may still be on its way: each spot's key is rewritten with its
   * `parked` list, on condition that it is still as loaded (same version, same holder). False when any
   * was not (an opt-in or another purchase wrote it meanwhile): the caller loads and decides again.
   */
  park(phone: string, spots: ParkingSpot[]): Promise<boolean>;
  /** Carrier-reported opt-outs (error 21610): every live subscription of the number ends. */
  recordOptOuts(events: ConsentEvent[]): Promise<void>;
  /** Who owns a referral code, when anyone does. */
  referralOwner(code: string): Promise<{ phone: string; programId: string } | undefined>;
  /**
   * A friend joined with the referrer's code ('joined'), or the referrer's reward for that friend was
   * issued ('rewarded'): the friend goes on the referrer's subscription once (Subscription.referredFriends
   * or rewardedFriends), however often it is told; nothing when the referrer has no subscription.
   */
  countReferral(referral: { referrerPhone: string; programId: string; friendPhone: string }, what: 'joined' | 'rewarded'): Promise<void>;
}

/**
 * One program's subscription key as a purchase found it, and the purchases to leave waiting there:
 * held by a subscription that is not live, or by a placeholder (version 0: nothing is stored there).
 */
export interface ParkingSpot {
  programId: string;
  holder: 'subscription' | 'placeholder';
  version: number;
  parked: ParkedPurchase[];
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
  /**
   * The buyer's live subscription the order counts on (orders and lifetime revenue), added to in the
   * same write that records the order, so a retried order never counts twice.
   */
  countsOn?: { phone: string; programId: string };
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
  /** Where the store filed it (set by the store; a send overdue when scheduled is filed under the current hour). */
  filedUnder?: string;
  reason: string;
  message: OutboundMessage;
}

export interface ScheduledSends {
  schedule(sends: ScheduledSend[]): Promise<void>;
  /**
   * Every send due at `now`, however long ago it fell due (a paused sweep, an outage, a local clock
   * moved forward by days); `swept` then tells the store everything before `now` was handled.
   */
  due(now: Date): Promise<{ sends: ScheduledSend[]; swept(): Promise<void> }>;
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

/** A message the carrier holds for a number, as its own records show it (for resolving doubt). */
export interface CarrierRecord extends SentMessage {
  body: string;
}

/** How a message is handed over: where its statuses go, and how long the carrier may hold it before dropping it. */
export interface SendOptions {
  statusCallback?: string;
  /** Whole seconds the carrier may keep the message queued; past that it drops it unsent. */
  validitySeconds?: number;
}

export interface Carrier {
  /** Hands one message to the carrier; throws CarrierFailure when it did not (or may not have) take it. */
  send(message: OutboundMessage, options?: SendOptions): Promise<SentMessage>;
  /** The most recent messages the carrier accepted for `message.to` from our sender, newest first. */
  recent(message: OutboundMessage): Promise<CarrierRecord[]>;
}

/** The carrier's pace: resolves when `segments` more segments from `from` may be handed over. */
export interface Pace {
  take(from: string, segments: number): Promise<void>;
}

/**
 * How a carrier failed, in the channel's neutral words (the adapter translates its error codes):
 * - retry-later: the carrier answered and did not take the message (busy, rate limit, outage);
 * - outcome-unknown: no answer (timeout, connection reset): it may or may not have taken it;
 * - contact-stopped: the recipient opted out at the carrier (Twilio 21610);
 * - unreachable: landline, unknown or unreachable number;
 * - rejected: anything else the carrier will never accept as sent (invalid number, bad content).
 */
export const CARRIER_FAILURE_KINDS = ['retry-later', 'outcome-unknown', 'contact-stopped', 'unreachable', 'rejected'] as const;
export type CarrierFailureKind = (typeof CARRIER_FAILURE_KINDS)[number];

export class CarrierFailure extends Error {
  override readonly name = 'CarrierFailure';
  constructor(
    readonly kind: CarrierFailureKind,
    /** The carrier's own code (Twilio error code or HTTP status, or a network error name), for logs and metrics. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What becomes of an outbound message that did not go out. */
export const UNSENT_OUTCOMES = ['blocked', 'deferred', 'capped', 'expired', 'rejected', 'opted-out'] as const;
export type UnsentOutcome = (typeof UNSENT_OUTCOMES)[number];
/** Where one outbound message stands: still to go (queued, being sent, in doubt), sent, or finished unsent. */
export type DeliveryState = 'waiting' | 'sent' | UnsentOutcome;

/** Changes that take effect together with "the carrier took this message" (in one write). */
export interface SentEffects {
  /** A marketing message: the cap log, the ride-along counter and (when one rides along) the question now pending. */
  marketing?: { programId: string; sentAt: string[]; sinceQuestion: number; rideAlong?: PendingQuestion };
  /** The purchase survey went out: the subscription waits for its 1-5. */
  survey?: { programId: string; orderId: string; askedAt: string };
  /** Messages to queue once this one went out (the question riding along); re-queued on every redelivery. */
  next?: { id: string; message: OutboundMessage }[];
}

export type DeliveryClaim =
  /** This run may send it; `uncertain` when an earlier attempt ended without knowing whether the carrier took it. */
  | {
      kind: 'claimed';
      uncertain: boolean;
      /** Wall-clock epoch ms until which no other run may claim it: a run past it must not hand the message over. */
      leaseUntil: number;
    }
  /** Its fate is sealed already: sent (with what had to follow it) or finished unsent. */
  | { kind: 'done'; outcome: 'sent' | UnsentOutcome; next: { id: string; message: OutboundMessage }[] }
  /** Another run holds it right now. */
  | { kind: 'busy' };

/** How a reply of a conversation turn stood when claiming the turn's replies together was refused. */
export const EARLIER_TURN_SENDS = ['sent', 'busy', 'in-doubt'] as const;
export type EarlierTurnSend = (typeof EARLIER_TURN_SENDS)[number];

/** Claiming a turn's replies together: claimed, or refused with what is known of each reply claimed before. */
export type TurnClaim = { claimed: true; leaseUntil: number } | { claimed: false; earlier: ReadonlyMap<string, EarlierTurnSend> };

/**
 * One record per outbound message id, for its whole life: the outbox row a producer commits, the
 * claim a sender takes before calling the carrier, the carrier's SID once it took the message, and
 * the delivery status the carrier reports later. A message with a SID is never handed over again.
 * A conversation turn's replies (OutboundMessage.turn) are first claimed together, on one small
 * record per turn (claimTogether, sentTogether); a reply that then has to go on its own gets the
 * ordinary record, and the two are read together wherever a message's state is asked.
 */
export interface Deliveries {
  claim(id: string, message: OutboundMessage): Promise<DeliveryClaim>;
  /**
   * Claims replies of one conversation turn (ids `<MessageSid>-<n>`) in one write, all or none, once:
   * only while the turn has no record yet (no reply of it claimed before, not voided by a STOP:
   * `voidTurns`). Refused, nothing is written and `earlier` tells, per reply claimed together before,
   * whether it went out, is held by a live claim, or ended in doubt; the caller then sends each reply
   * the ordinary way, for good.
   */
  claimTogether(entries: { id: string; message: OutboundMessage }[]): Promise<TurnClaim>;
  /**
   * Before a STOP is committed: this number's turns with replies to these programs that no run has
   * claimed yet are voided, so claiming them together is refused from then on (each then goes the
   * ordinary way, which reads the subscription and finds it ended). Replies claimed already are left
   * alone: they were claimed while the subscription was live.
   */
  voidTurns(phone: string, programIds: string[]): Promise<void>;
  /** Gives a reply claimed with `claimTogether` back: the next delivery tries again (and first resolves doubt when `uncertain`). */
  releaseTurnReply(id: string, message: OutboundMessage, uncertain: boolean, reason: string): Promise<void>;
  sent(id: string, message: OutboundMessage, sent: SentMessage, at: string, effects?: SentEffects): Promise<void>;
  /** Records the SIDs of replies claimed with `claimTogether` that went out, in one write on their turn's record. */
  sentTogether(records: { id: string; message: OutboundMessage; sent: SentMessage }[], at: string): Promise<void>;
  finish(id: string, message: OutboundMessage, outcome: UnsentOutcome, reason: string, at: string): Promise<void>;
  /** Gives the claim back: the next delivery tries again (and first resolves doubt when `uncertain`). */
  release(id: string, message: OutboundMessage, uncertain: boolean, reason: string): Promise<void>;
  /**
   * Every carrier SID this number's records know, to tell our own sends from a lost one, except the
   * SID on the record of `exceptId`: a status callback may have put it there, and it is that message's own.
   */
  knownSids(phone: string, exceptId?: string): Promise<Set<string>>;
  /** Where the message `id` to `phone` stands; 'waiting' when it has no record yet (committed, never claimed). */
  state(phone: string, id: string): Promise<DeliveryState>;
}

export interface MessageLog {
  /**
   * Records a carrier status on the message's record; returns the message it is about when the status
   * was news there (not older than what the record holds) and the message has a record of its own.
   */
  recordStatus(update: { to: string; sid: string; deliveryId?: string; status: string; errorCode?: number; at: string }): Promise<StatusRecorded | undefined>;
}

/** A status that was news on a message's own record, and that message. */
export interface StatusRecorded {
  id: string;
  message: Pick<OutboundMessage, 'to' | 'programId' | 'purpose' | 'source'>;
}

export interface Clock {
  now(): Date;
}

export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

export type IssueResult =
  | { outcome: 'issued' }
  | { outcome: 'code-taken' }
  /** This period's coupon exists already; `notified` says whether its text was queued. */
  | { outcome: 'exists'; coupon: Coupon; notified: boolean };

export interface IssueOptions {
  /** The same write records the text as queued (see CouponStore.issue). */
  notified?: boolean;
  /**
   * Also refuse when the marker's key from before markers were per kind (offerId in the kind's place)
   * holds this period: one-off grants whose periods outlive a deploy (a referral reward per friend).
   */
  checkOldMarker?: boolean;
}

export interface CouponStore {
  /**
   * Issues once per subscriber, kind of offer and period; a code is never issued twice. With `notified`,
   * the same write records the text as queued: for a caller that queues it right after and queues
   * it again (same deduplication id) whenever it finds the coupon exists, so no second write is needed.
   */
  issue(coupon: Coupon, period: string, options?: IssueOptions): Promise<IssueResult>;
  /** The coupon's text is on the outbound queue: a retry must not queue it again. */
  markNotified(coupon: Coupon, period: string): Promise<void>;
  find(code: string): Promise<Coupon | undefined>;
  /** Conditional on the coupon still being unredeemed; false when another till won. */
  markRedeemed(coupon: Coupon, orderId: string, at: string): Promise<boolean>;
}

export interface Random {
  bytes(count: number): Uint8Array;
}

/** Live subscriptions of one program filed under one time zone (one shard of it), a page at a time. */
export interface AudienceIndex {
  subscribersInZone(chain: Pick<LunchPage, 'programId' | 'zone' | 'shard'>, limit: number, after?: string): Promise<{ subscriptions: Subscription[]; next?: string }>;
}

/** Pages of a fan-out (lunch, a campaign), each handed to its own invocation. */
export interface PageQueue<P> {
  send(pages: P[]): Promise<void>;
}

export type LunchPageQueue = PageQueue<LunchPage>;
export type CampaignPageQueue = PageQueue<CampaignPage>;

/** Which waves of a fan-out were already handed out, so later ticks of the schedule skip them. */
export interface Waves<P> {
  /** The pages whose wave has not been handed out yet. */
  unstarted(pages: P[]): Promise<P[]>;
  /** Records these waves as handed out (after their first pages are queued). */
  markStarted(pages: P[], at: Date): Promise<void>;
}

/** Lunch waves, one per (program, zone, local date). */
export type LunchWaves = Waves<LunchPage>;
/** Campaign waves, one per (program, campaign, zone): a zone is walked once per campaign, whatever its date becomes. */
export type CampaignWaves = Waves<CampaignPage>;
/** A sweepstakes' entries and its one draw (entries are written by the conversation's commit). */
export interface SweepstakesRecords {
  /** Every entry of one sweepstakes, oldest first. */
  entries(programId: string, sweepstakesId: string): Promise<SweepstakesEntry[]>;
  /** Stores the draw only if the sweepstakes has none; refused, answers with the stored one. */
  recordDraw(draw: SweepstakesDraw): Promise<{ recorded: true } | { recorded: false; earlier: SweepstakesDraw }>;
  /** The winners' texts are queued and SweepstakesWon published. */
  markNotified(programId: string, sweepstakesId: string, at: string): Promise<void>;
}

/** The funnel's counters (stats.ts): applied once per event id, read back summed for the report. */
export interface StatsStore {
  /** The campaign text this subscriber got last, if one is remembered (kept about a day). */
  recentCampaignText(programId: string, phone: string): Promise<{ campaignId: string; variantId: string; at: string } | undefined>;
  /**
   * Adds what one event counts to its program's day and campaign, together with the mark that the
   * event was counted: 'duplicate' when that mark was there already (a redelivery), and nothing is added.
   */
  apply(eventId: string, update: StatsUpdate & { localDay: string; eventType: string }): Promise<'counted' | 'duplicate'>;
  /** A program's counters summed over [from, to] (local days), its live count before and through them, and its campaigns'. */
  programCounts(programId: string, from: string, to: string): Promise<Omit<ProgramCounts, 'programId' | 'name'>>;
}

/** A short link as a click left it: how often it was followed, and when first. */
export type ClickedLink = ShortLink & { clicks: number; firstClickAt: string };

/** Short link records (functions/domain/short-links.ts), one per link id, expiring with their TTL. */
export interface LinkStore {
  /**
   * Writes the link, unless its id is another link's (another message, place or number): 'taken'.
   * Writing a link already there ('saved' again, a retried send) leaves its clicks and expiry as they are.
   */
  save(link: ShortLink): Promise<'saved' | 'taken'>;
  /** Counts one click on a live link and answers it as it stands after; undefined for an unknown or expired id. */
  click(id: string, at: Date): Promise<ClickedLink | undefined>;
}
