/**
 * The gateway's own domain events, published on its bus for CRMs, analytics and the funnel report's
 * stats writer. Each carries an id derived from what caused it, so a consumer can drop the duplicates
 * at-least-once delivery brings (the stats writer counts each id once).
 *
 * Every event's detail has `phone` and `programId` (when it belongs to a program), and:
 * - SubscriberOptedIn: shortCode, keyword, placement? (the keyword's or alias's placement).
 * - SubscriberOptedOut: shortCode, source ('sms' | 'carrier'), campaign? ({ campaignId, variantId, sentAt }:
 *   the campaign text the subscriber got within 24 h before opting out).
 * - KeywordReceived: keyword (as matched: the program keyword or alias), placement?, subscribed (whether
 *   the number was already subscribed): every keyword text, joins and repeats alike.
 * - HelpRequested: stranger (true when the number has never subscribed to the program).
 * - ProfileAnswered: field.
 * - LinkClicked: linkId, messageId, unique (the link's first click), source? (MessageSource).
 * - CouponIssued: offerId, kind, code, validUntil, source (MessageSource).
 * - CouponRedeemed: offerId, code, orderId, total, currency, source (MessageSource), placement?.
 * - PurchaseRecorded: orderId, total, currency, orderNumber (the subscriber's count of orders, this one
 *   included), placement?, keyword?, attributedTo? ({ code, source }: the first coupon the order redeemed).
 * - SurveyAnswered: orderId, rating, feedback?.
 * - ReferralCompleted: referrerPhone, friendPhone, code.
 * - ShareRequested: the subscriber asked for their invitation (SHARE, INVITE, REFER).
 * - CampaignSent: campaignId, variant, code?, offerId?.
 * - MessageOutcome: messageId, purpose, outcome (MESSAGE_OUTCOMES), source?: what became of one outbound
 *   message: handed to the carrier, delivered or failed there, or held back (capped, deferred…).
 * - SweepstakesEntered / SweepstakesWon: sweepstakesId, ….
 */
export const DOMAIN_EVENT_TYPES = [
  'SubscriberOptedIn',
  'SubscriberOptedOut',
  'KeywordReceived',
  'HelpRequested',
  'ProfileAnswered',
  'LinkClicked',
  'CouponIssued',
  'CouponRedeemed',
  'PurchaseRecorded',
  'SurveyAnswered',
  'ReferralCompleted',
  'ShareRequested',
  'CampaignSent',
  'MessageOutcome',
  'SweepstakesEntered',
  'SweepstakesWon',
] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

/** What became of an outbound message, as MessageOutcome reports it. */
export const MESSAGE_OUTCOMES = ['sent', 'delivered', 'failed', 'capped', 'deferred', 'expired', 'blocked', 'rejected', 'opted-out'] as const;
export type MessageOutcome = (typeof MESSAGE_OUTCOMES)[number];

/**
 * What made a message or a coupon: the attribution the funnel report follows from a text to a click
 * and from a coupon to revenue. `kind`: an offer kind (welcome, lunch, campaign, referral-reward…) for
 * coupons and their texts, else what the text is (review-request, share, sweepstakes…).
 */
export interface MessageSource {
  kind: string;
  campaignId?: string;
  variantId?: string;
  offerId?: string;
}

export interface DomainEvent {
  type: DomainEventType;
  /** Stable across retries of the same cause. */
  id: string;
  at: string;
  detail: Record<string, unknown>;
}

export const EVENT_SOURCE = 'sms-gateway';
