/**
 * The custom metrics the functions emit (Powertools Metrics, embedded metric format) and the stack
 * charts and alarms on: one list, so a dashboard never charts a metric nobody emits.
 */
import type { DomainEventType } from '../domain/events';

export const METRICS_NAMESPACE = 'SmsGateway';

/**
 * The customer loop, stage by stage: each of these domain event types counts one. The others
 * (KeywordReceived, HelpRequested, MessageOutcome) have metrics of their own below.
 */
export const FUNNEL_METRICS = {
  SubscriberOptedIn: 'OptIns',
  SubscriberOptedOut: 'OptOuts',
  ProfileAnswered: 'ProfileAnswers',
  CouponIssued: 'CouponsIssued',
  CouponRedeemed: 'CouponsRedeemed',
  SurveyAnswered: 'SurveyAnswers',
  ReferralCompleted: 'ReferralsCompleted',
  CampaignSent: 'CampaignTexts',
  SweepstakesEntered: 'SweepstakesEntries',
  SweepstakesWon: 'SweepstakesWinners',
  LinkClicked: 'LinkClicks',
  PurchaseRecorded: 'Purchases',
  ShareRequested: 'ShareRequests',
} as const satisfies Partial<Record<DomainEventType, string>>;

/** The funnel metric a domain event counts on, if any. */
export function funnelMetric(type: DomainEventType): string | undefined {
  return (FUNNEL_METRICS as Partial<Record<DomainEventType, string>>)[type];
}

/** Campaign recipients skipped because their allowed hours had ended when their page ran (never sent late). */
export const CAMPAIGN_MISSED_METRIC = 'CampaignTextsMissed';

/** Every inbound text converse handled. */
export const INBOUND_MESSAGES_METRIC = 'InboundMessages';
/** Program keywords received (joins and re-joins). */
export const KEYWORDS_METRIC = 'KeywordsReceived';
/** Messages the carrier refused, with dimension ErrorCode (21610, 30003, 429, …). */
export const CARRIER_ERRORS_METRIC = 'CarrierErrors';
export const CARRIER_ERROR_DIMENSION = 'ErrorCode';
/** Messages handed to the carrier. */
export const MESSAGES_SENT_METRIC = 'MessagesSent';
/**
 * Sends whose outcome was unknown (carrier timeout or reset, or a run that died mid-call), with
 * dimension Resolution: found (the carrier had it: recorded, not resent) or not-found (sent again).
 */
export const UNCERTAIN_SENDS_METRIC = 'UncertainSends';
export const UNCERTAIN_SEND_DIMENSION = 'Resolution';
/**
 * Inbound texts a limit kept from their reply or subscription, with dimension Limit (own-number,
 * short-code-sender, country-not-allowed, reply-limit, opt-in-ceiling): loops, abroad, floods.
 */
export const LIMITED_TEXTS_METRIC = 'LimitedTexts';
export const LIMIT_DIMENSION = 'Limit';
