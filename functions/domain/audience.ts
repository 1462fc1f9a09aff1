import type { MessageSource } from './events';
import type { Purchase } from './handle-purchase';
import type { ProfileField } from './profile-answers';
import type { SweepstakesEntrant } from './sweepstakes';

/** What the gateway knows about one phone number and its programs. */
export type ConsentStatus = 'subscribed' | 'opted-out';

export interface Profile {
  zip?: string;
  zip4?: string;
  state?: string;
  timeZone?: string;
  meal?: string;
  /** MM-DD: the year is never asked for. */
  birthday?: string;
  email?: string;
  /** Whether purchase receipts may come by text (MMS). */
  receipts?: 'yes' | 'no';
}

export interface PendingQuestion {
  field: ProfileField;
  /** Invalid answers received so far. */
  attempts: number;
  askedAt: string;
}

export interface Subscription {
  phone: string;
  programId: string;
  status: ConsentStatus;
  subscribedAt?: string;
  optedOutAt?: string;
  welcomeOfferSentAt?: string;
  profile: Profile;
  skipped: ProfileField[];
  pendingQuestion?: PendingQuestion;
  /** Marketing messages since the last profile question: the "every few messages" counter. */
  marketingSinceQuestion: number;
  /** When marketing messages went out in the last week: what frequency caps count. */
  marketingSentAt?: string[];
  /** What a friend texts after the keyword to join on this subscriber's recommendation. */
  referralCode?: string;
  /**
   * The keyword or alias the latest opt-in texted, and where it is advertised (the catalog's
   * placement for it, when it has one). START, UNSTOP and YES name the program's keyword, no placement.
   * Kept through later writes (an opt-out included) until the next opt-in.
   */
  joinedWith?: { keyword: string; placement?: string };
  /**
   * Friends who joined with this subscriber's referral code, and those of them whose referral reward
   * was issued: each number once, however often a referral is handled again (stored as DynamoDB
   * string sets, added to idempotently). Their sizes are the counts a console shows (referralCounts).
   */
  referredFriends?: string[];
  rewardedFriends?: string[];
  /** The "how was your visit?" question that is waiting for a 1-5. */
  pendingSurvey?: { orderId: string; askedAt: string };
  /** A low rating's "what could we do better?" that is waiting for free text. */
  pendingFeedback?: { orderId: string; rating: number; askedAt: string };
  /**
   * The last time this subscription came back after an opt-out, and the outbox id of its opt-in
   * confirmation ("Welcome back"): messages that would reach the phone before that confirmation
   * wait for it, so after an opt-out nothing but HELP comes before it.
   */
  rejoined?: { at: string; confirmationId: string };
  /**
   * Purchases that overtook this program's opt-in (never on a live subscription): the text that makes
   * the subscription live follows them up; any other write keeps them.
   */
  parked?: ParkedPurchase[];
  /**
   * Every opt-in and opt-out of this subscription, oldest first, each with the raw text, time, short
   * code and source: the consent ledger, kept on the subscription item (an opt-in writes one item, not
   * two). Appended to by the store as consent events are committed; the rules carry it along untouched.
   */
  consentLog?: ConsentEvent[];
  /** When this subscriber last bought something (campaign segments: purchased within, not within). */
  lastPurchaseAt?: string;
  /** Orders this subscriber made while subscribed, and their lifetime revenue (LTV, in the orders' currency). */
  orders?: number;
  revenue?: number;
  /** Optimistic-lock version; 0 means not stored yet. */
  version: number;
}

/** A POS purchase from a number not (yet) subscribed, waiting for its opt-in until `until`. */
export interface ParkedPurchase {
  purchase: Purchase;
  until: string;
}

/** How long a parked purchase is kept past its wait: after that it is dropped, never followed up. */
export const PARKED_KEPT_DAYS = 1;

/**
 * Purchases parked under a program this number has no subscription to: a placeholder stored where the
 * subscription will be, whose `version` the opt-in's write of that key must still find (a purchase
 * parked meanwhile changes it, and the opt-in is decided again, seeing it).
 */
export interface Placeholder {
  programId: string;
  parked: ParkedPurchase[];
  version: number;
}

export interface PhoneRecord {
  phone: string;
  /** UTC date (YYYY-MM-DD) of the last fallback reply: at most one a day. */
  lastFallbackOn?: string;
  /** UTC date and count of fallbacks sent for texts that mention stopping without opting out. */
  stopHintsOn?: string;
  stopHintsThatDay?: number;
  /** When the HELP and "already subscribed" replies of the last hour went out: what replyLimitPerHour counts. */
  repliesAt?: string[];
  /** Programs whose "text KRUSTY to join" line this number got with a sweepstakes entry: once ever each. */
  joinHintsFor?: string[];
  version: number;
}

export interface Conversation {
  phone: PhoneRecord;
  subscriptions: Subscription[];
  /** Never subscriptions: only purchases waiting where a subscription may come. */
  placeholders?: Placeholder[];
  /** This number's entries into sweepstakes (one record per sweepstakes it entered). */
  entrants?: SweepstakesEntrant[];
}

/**
 * Why a message is sent decides what it must pass at the last moment: consent for all but the
 * opt-out confirmation and HELP; quiet hours for marketing and follow-ups; frequency caps for
 * marketing only. Replies, profile questions in a live exchange and a purchase's receipt are
 * conversational or transactional: exempt from both. Sweepstakes texts go to entrants, who need not be
 * subscribed (entering is not consent to marketing; see OutboundMessage.requestedAt): the replies to
 * an entering text are conversational, a winner's text waits out quiet hours.
 */
export const MESSAGE_PURPOSES = [
  'opt-in-confirmation',
  'opt-out-confirmation',
  'help',
  'reply',
  'profile-question',
  'transactional',
  'follow-up',
  'marketing',
  'sweepstakes-reply',
  'sweepstakes-winner',
] as const;
export type MessagePurpose = (typeof MESSAGE_PURPOSES)[number];

export interface OutboundMessage {
  to: string;
  from: string;
  body: string;
  purpose: MessagePurpose;
  programId?: string;
  mediaUrl?: string[];
  /** Sending this asks the purchase survey: the subscription then waits for a 1-5. */
  survey?: { orderId: string };
  /**
   * The instant after which this message is worth nothing ("lunch today" after lunch): it is not
   * sent later (finished as expired, with the reason) and the carrier is told to drop it by then.
   */
  notAfter?: string;
  /**
   * Set on a conversation turn's own replies, which pass every last-moment rule but consent: the sender
   * need not read the conversation again. `subscribedAt` is the subscription the reply was decided
   * under (absent for HELP answers and opt-out confirmations, which need no consent); the sender's claim
   * checks, in the same write, that this very subscription is still live, so a STOP committed after the
   * turn still stops the reply.
   */
  turn?: { subscribedAt?: string };
  /**
   * When the recipient asked for this message themselves without subscribing (a sweepstakes entry, and
   * the winner's text after it): it goes without a live subscription, but not to a number that opted
   * out of its program after asking.
   */
  requestedAt?: string;
  /** What made this message (a lunch coupon, campaign spring-menu variant b…): its links' UTM tags and the report's rows. */
  source?: MessageSource;
}

/** The messages one cause (an inbound text, an order) produces, with ids stable across its retries. */
export function outboxEntries(causedBy: string, messages: OutboundMessage[]): { id: string; message: OutboundMessage }[] {
  return messages.map((message, index) => ({ id: outboxEntryId(causedBy, index), message }));
}

/** The outbox id of the `index`-th message its cause produces. */
export function outboxEntryId(causedBy: string, index: number): string {
  return `${causedBy}-${index}`;
}

/** The cause and place of an outbox id (`<cause>-<n>`); undefined for an id of another shape. */
export function outboxEntryOf(id: string): { causedBy: string; index: number } | undefined {
  const match = /^(.+)-(\d+)$/.exec(id);
  return match ? { causedBy: match[1]!, index: Number(match[2]) } : undefined;
}

/** One line of the append-only consent ledger: the proof of consent. */
export interface ConsentEvent {
  phone: string;
  programId: string;
  action: 'opt-in' | 'opt-out';
  at: string;
  source: 'sms' | 'carrier';
  shortCode: string;
  rawText: string;
  /** The keyword or alias texted (START, UNSTOP and YES: the program's keyword). */
  keyword?: string;
  /** Where that keyword or alias is advertised, when the catalog names it. */
  placement?: string;
  messageSid?: string;
}

/** How many friends joined with a subscriber's code, and how many of them earned the subscriber a reward. */
export function referralCounts(subscription: Pick<Subscription, 'referredFriends' | 'rewardedFriends'>): { joined: number; rewarded: number } {
  return { joined: subscription.referredFriends?.length ?? 0, rewarded: subscription.rewardedFriends?.length ?? 0 };
}

export function newSubscription(phone: string, programId: string): Subscription {
  return { phone, programId, status: 'opted-out', profile: {}, skipped: [], marketingSinceQuestion: 0, version: 0 };
}

export function newConversation(phone: string): Conversation {
  return { phone: { phone, version: 0 }, subscriptions: [] };
}
