/**
 * The funnel's counters, kept as things happen: each domain event adds to a few counters of its
 * program's day (in the program's zone) and, for a campaign's texts, coupons and clicks, to the
 * campaign's own counters by variant. Pure: the stats writer applies what this returns, once per
 * event id, and the report (funnel-report.ts) reads the sums back.
 *
 * A counter's name is its measure, then its dimension when it has one: `optIns`, `optIns|placement=I-55`.
 */
import type { DomainEventType, MessageOutcome, MessageSource } from './events';

/** An event as the stats writer reads it off the bus. */
export interface StatsEvent {
  type: DomainEventType;
  id: string;
  at: string;
  detail: {
    phone?: string;
    programId?: string;
    keyword?: string;
    placement?: string;
    subscribed?: boolean;
    stranger?: boolean;
    field?: string;
    unique?: boolean;
    source?: MessageSource;
    kind?: string;
    total?: number;
    orderNumber?: number;
    attributedTo?: { code: string; source: MessageSource };
    rating?: number;
    feedback?: string;
    campaignId?: string;
    variant?: string;
    outcome?: MessageOutcome;
    purpose?: string;
    /** Who ended a subscription (SubscriberOptedOut): the subscriber by text, or the carrier. */
    optOutSource?: 'sms' | 'carrier' | string;
  };
}

export type Counts = Record<string, number>;

/** How long after a campaign text an opt-out is counted against the campaign. */
export const CAMPAIGN_OPT_OUT_HOURS = 24;

/** What one event adds. */
export interface StatsUpdate {
  programId: string;
  /** Added to the program's counters of the event's local day. */
  day: Counts;
  /** Added to a campaign's counters (by variant). */
  campaign?: { campaignId: string; counts: Counts };
  /** A campaign text reached this subscriber: an opt-out within CAMPAIGN_OPT_OUT_HOURS counts against it. */
  campaignSent?: { phone: string; campaignId: string; variantId: string; at: string };
  /** An opt-out: counted against the campaign text the subscriber got within CAMPAIGN_OPT_OUT_HOURS, if any. */
  optedOut?: { phone: string; at: string };
}

/** The dimension value for a counter name ("(none)" when absent); the separators kept out of it. */
function dimension(value: string | undefined): string {
  return (value ?? '(none)').replace(/[|=]/g, '/').slice(0, 100);
}

export function counter(measure: string, dimensionName?: string, value?: string): string {
  return dimensionName === undefined ? measure : `${measure}|${dimensionName}=${dimension(value)}`;
}

/** Parses a counter name back: measure, dimension name and value (absent for a plain total). */
export function parseCounter(name: string): { measure: string; dimension?: string; value?: string } {
  const [measure, rest] = name.split('|', 2) as [string, string | undefined];
  if (rest === undefined) return { measure };
  const at = rest.indexOf('=');
  return { measure, dimension: rest.slice(0, at), value: rest.slice(at + 1) };
}

function add(counts: Counts, name: string, by = 1): void {
  counts[name] = (counts[name] ?? 0) + by;
}

/** A campaign's variant counters from a source, when it is a campaign's. */
function campaignOf(source: MessageSource | undefined, counts: Counts): StatsUpdate['campaign'] {
  if (source?.kind !== 'campaign' || !source.campaignId) return undefined;
  return { campaignId: source.campaignId, counts };
}

const variantCounter = (measure: string, source: MessageSource | undefined) => counter(measure, 'variant', source?.variantId);

/** What one domain event adds to the counters; undefined when it counts nowhere (no program). */
export function statsUpdate(event: StatsEvent): StatsUpdate | undefined {
  const { detail } = event;
  const programId = detail.programId;
  if (!programId) return undefined;
  const day: Counts = {};
  const update: StatsUpdate = { programId, day };
  switch (event.type) {
    case 'KeywordReceived':
      add(day, 'keywordTexts');
      add(day, counter('keywordTexts', 'keyword', detail.keyword));
      add(day, counter('keywordTexts', 'placement', detail.placement));
      break;
    case 'HelpRequested':
      add(day, 'helpRequests');
      if (detail.stranger) add(day, 'helpFromStrangers');
      break;
    case 'SubscriberOptedIn':
      add(day, 'optIns');
      add(day, counter('optIns', 'placement', detail.placement));
      add(day, counter('optIns', 'keyword', detail.keyword));
      add(day, 'live');
      break;
    case 'SubscriberOptedOut':
      add(day, 'optOuts');
      add(day, counter('optOuts', 'source', detail.optOutSource === 'carrier' ? 'carrier' : 'sms'));
      add(day, 'live', -1);
      if (detail.phone) update.optedOut = { phone: detail.phone, at: event.at };
      break;
    case 'ProfileAnswered':
      add(day, 'profileAnswers');
      add(day, counter('profileAnswers', 'field', detail.field));
      break;
    case 'LinkClicked': {
      add(day, 'clicks');
      add(day, counter('clicks', 'source', detail.source?.kind));
      if (detail.unique) {
        add(day, 'uniqueClicks');
        add(day, counter('uniqueClicks', 'source', detail.source?.kind));
      }
      const counts: Counts = { [variantCounter('clicks', detail.source)]: 1, ...(detail.unique ? { [variantCounter('uniqueClicks', detail.source)]: 1 } : {}) };
      const campaign = campaignOf(detail.source, counts);
      if (campaign) update.campaign = campaign;
      break;
    }
    case 'CouponIssued': {
      const kind = detail.source?.kind ?? detail.kind;
      add(day, 'couponsIssued');
      add(day, counter('couponsIssued', 'source', kind));
      break;
    }
    case 'CouponRedeemed': {
      add(day, 'couponsRedeemed');
      add(day, counter('couponsRedeemed', 'source', detail.source?.kind));
      const campaign = campaignOf(detail.source, { [variantCounter('redeemed', detail.source)]: 1 });
      if (campaign) update.campaign = campaign;
      break;
    }
    case 'PurchaseRecorded': {
      const total = detail.total ?? 0;
      add(day, 'orders');
      add(day, 'revenue', total);
      if (detail.orderNumber === 2) add(day, 'repeatPurchasers');
      const attributed = detail.attributedTo?.source;
      if (attributed) {
        add(day, 'attributedOrders');
        add(day, 'attributedRevenue', total);
        add(day, counter('attributedRevenue', 'source', attributed.kind), total);
        add(day, counter('attributedRevenue', 'placement', detail.placement), total);
        const campaign = campaignOf(attributed, { [variantCounter('revenue', attributed)]: total, [variantCounter('orders', attributed)]: 1 });
        if (campaign) update.campaign = campaign;
      }
      break;
    }
    case 'SurveyAnswered':
      // The free-text answer after a low rating carries that rating again: counted once, by the rating.
      if (detail.feedback !== undefined) {
        add(day, 'feedbackAnswers');
        break;
      }
      add(day, (detail.rating ?? 0) >= 4 ? 'surveyHappy' : 'surveyUnhappy');
      break;
    case 'ReferralCompleted':
      add(day, 'referrals');
      break;
    case 'ShareRequested':
      add(day, 'shareRequests');
      break;
    case 'CampaignSent':
      if (detail.campaignId) update.campaign = { campaignId: detail.campaignId, counts: { [counter('queued', 'variant', detail.variant)]: 1 } };
      break;
    case 'MessageOutcome': {
      const outcome = detail.outcome;
      if (!outcome) return undefined;
      add(day, counter('messages', 'outcome', outcome));
      if (outcome === 'sent') add(day, counter('sent', 'purpose', detail.purpose));
      // Refused at the carrier because the recipient stopped there: an opt-out the carrier made.
      if (outcome === 'opted-out') {
        add(day, 'optOuts');
        add(day, counter('optOuts', 'source', 'carrier'));
        add(day, 'live', -1);
      }
      if (outcome === 'sent' || outcome === 'delivered' || outcome === 'failed') {
        const campaign = campaignOf(detail.source, { [variantCounter(outcome, detail.source)]: 1 });
        if (campaign) update.campaign = campaign;
        if (campaign && outcome === 'sent' && detail.phone) {
          update.campaignSent = { phone: detail.phone, campaignId: campaign.campaignId, variantId: detail.source?.variantId ?? '(none)', at: event.at };
        }
      }
      break;
    }
    case 'SweepstakesEntered':
      add(day, 'sweepstakesEntries');
      break;
    case 'SweepstakesWon':
      add(day, 'sweepstakesWinners');
      break;
  }
  return update;
}

/** Whether an opt-out at `optedOutAt` falls within CAMPAIGN_OPT_OUT_HOURS after a campaign text sent at `sentAt`. */
export function optOutCountsAgainst(sentAt: string, optedOutAt: string): boolean {
  const after = Date.parse(optedOutAt) - Date.parse(sentAt);
  return after >= 0 && after <= CAMPAIGN_OPT_OUT_HOURS * 3_600_000;
}
