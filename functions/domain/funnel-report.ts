/**
 * The funnel report: the customer loop per program (awareness → consideration → purchase →
 * retention → advocacy) and the campaign table, from the counters the stats writer keeps
 * (stats.ts). Pure: the store sums the counters; this arranges them for people.
 */
import { localDate } from './local-time';
import { parseCounter, type Counts } from './stats';

const LOCAL_DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** A day the calendar has (Date.parse takes 2026-02-31 for March 3rd). */
function isCalendarDay(day: string): boolean {
  const parsed = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed) && new Date(parsed).toISOString().slice(0, 10) === day;
}

/**
 * The report's period from what was asked: `from` and `to` are local days (inclusive); by default the
 * 30 days up to today, "today" being the latest local date anywhere (UTC+14), so no program's today is
 * left out. An error names what is wrong.
 */
export function reportPeriod(asked: { from?: string; to?: string }, now: Date): { from: string; to: string } | { error: string } {
  for (const [name, value] of Object.entries(asked)) {
    if (value !== undefined && (!LOCAL_DAY.test(value) || !isCalendarDay(value))) return { error: `${name} must be a date such as 2026-03-14, got "${value}"` };
  }
  const to = asked.to ?? localDate(now, 'Pacific/Kiritimati');
  const from = asked.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY_MS).toISOString().slice(0, 10);
  return from > to ? { error: `from (${from}) is after to (${to})` } : { from, to };
}

/** A measure broken down by one dimension: its total and each value's share. */
export interface Breakdown {
  total: number;
  by: Record<string, number>;
}

export interface ProgramFunnel {
  programId: string;
  name: string;
  awareness: { keywordTexts: number; byKeyword: Record<string, number>; byPlacement: Record<string, number>; helpRequests: number; helpFromStrangers: number };
  consideration: { optIns: number; optInsByPlacement: Record<string, number>; optInsByKeyword: Record<string, number>; profileAnswers: Breakdown; clicks: { total: number; unique: number; bySource: Record<string, number> } };
  purchase: {
    couponsIssued: Breakdown;
    couponsRedeemed: Breakdown;
    orders: number;
    revenue: number;
    attributed: { orders: number; revenue: number; bySource: Record<string, number>; byPlacement: Record<string, number> };
  };
  retention: {
    liveSubscribers: number;
    repeatPurchasers: number;
    optOuts: number;
    optOutsBySource: Record<string, number>;
    /** Opt-outs per subscriber the period had (live at its start plus its opt-ins), as a fraction. */
    optOutRate: number;
    messages: Record<'sent' | 'delivered' | 'failed' | 'capped' | 'deferred' | 'expired' | 'blocked' | 'rejected' | 'opted-out', number>;
    sentByPurpose: Record<string, number>;
  };
  advocacy: { surveysHappy: number; surveysUnhappy: number; feedbackAnswers: number; reviewShareClicks: number; shareRequests: number; referralsCompleted: number; sweepstakesEntries: number };
}

export interface CampaignRow {
  programId: string;
  campaignId: string;
  variant: string;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  clicked: number;
  uniqueClicks: number;
  redeemed: number;
  orders: number;
  revenue: number;
  /** Opt-outs within 24 hours of the campaign's text. */
  optOuts: number;
}

export interface FunnelReport {
  from: string;
  to: string;
  programs: ProgramFunnel[];
  campaigns: CampaignRow[];
}

/** What the store gives per program: counters summed over the period, `live` summed over all time up to its end and before its start. */
export interface ProgramCounts {
  programId: string;
  name: string;
  period: Counts;
  liveAtEnd: number;
  liveAtStart: number;
  campaigns: { campaignId: string; counts: Counts }[];
}

const round = (value: number) => Math.round(value * 100) / 100;

/** The values of `measure` by `dimensionName`. */
function by(counts: Counts, measure: string, dimensionName: string): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [name, value] of Object.entries(counts)) {
    const parsed = parseCounter(name);
    if (parsed.measure === measure && parsed.dimension === dimensionName && value !== 0) result[parsed.value!] = round(value);
  }
  return result;
}

const total = (counts: Counts, measure: string) => round(counts[measure] ?? 0);

function programFunnel(program: ProgramCounts): ProgramFunnel {
  const c = program.period;
  const outcomes = by(c, 'messages', 'outcome');
  const optIns = total(c, 'optIns');
  const optOuts = total(c, 'optOuts');
  const base = program.liveAtStart + optIns;
  return {
    programId: program.programId,
    name: program.name,
    awareness: {
      keywordTexts: total(c, 'keywordTexts'),
      byKeyword: by(c, 'keywordTexts', 'keyword'),
      byPlacement: by(c, 'keywordTexts', 'placement'),
      helpRequests: total(c, 'helpRequests'),
      helpFromStrangers: total(c, 'helpFromStrangers'),
    },
    consideration: {
      optIns,
      optInsByPlacement: by(c, 'optIns', 'placement'),
      optInsByKeyword: by(c, 'optIns', 'keyword'),
      profileAnswers: { total: total(c, 'profileAnswers'), by: by(c, 'profileAnswers', 'field') },
      clicks: { total: total(c, 'clicks'), unique: total(c, 'uniqueClicks'), bySource: by(c, 'clicks', 'source') },
    },
    purchase: {
      couponsIssued: { total: total(c, 'couponsIssued'), by: by(c, 'couponsIssued', 'source') },
      couponsRedeemed: { total: total(c, 'couponsRedeemed'), by: by(c, 'couponsRedeemed', 'source') },
      orders: total(c, 'orders'),
      revenue: total(c, 'revenue'),
      attributed: {
        orders: total(c, 'attributedOrders'),
        revenue: total(c, 'attributedRevenue'),
        bySource: by(c, 'attributedRevenue', 'source'),
        byPlacement: by(c, 'attributedRevenue', 'placement'),
      },
    },
    retention: {
      liveSubscribers: Math.max(0, program.liveAtEnd),
      repeatPurchasers: total(c, 'repeatPurchasers'),
      optOuts,
      optOutsBySource: by(c, 'optOuts', 'source'),
      optOutRate: base > 0 ? Math.round((optOuts / base) * 10_000) / 10_000 : 0,
      messages: {
        sent: outcomes.sent ?? 0,
        delivered: outcomes.delivered ?? 0,
        failed: outcomes.failed ?? 0,
        capped: outcomes.capped ?? 0,
        deferred: outcomes.deferred ?? 0,
        expired: outcomes.expired ?? 0,
        blocked: outcomes.blocked ?? 0,
        rejected: outcomes.rejected ?? 0,
        'opted-out': outcomes['opted-out'] ?? 0,
      },
      sentByPurpose: by(c, 'sent', 'purpose'),
    },
    advocacy: {
      surveysHappy: total(c, 'surveyHappy'),
      surveysUnhappy: total(c, 'surveyUnhappy'),
      feedbackAnswers: total(c, 'feedbackAnswers'),
      reviewShareClicks: by(c, 'clicks', 'source')['review-request'] ?? 0,
      shareRequests: total(c, 'shareRequests'),
      referralsCompleted: total(c, 'referrals'),
      sweepstakesEntries: total(c, 'sweepstakesEntries'),
    },
  };
}

const CAMPAIGN_MEASURES = ['queued', 'sent', 'delivered', 'failed', 'clicks', 'uniqueClicks', 'redeemed', 'orders', 'revenue', 'optOuts'] as const;

function campaignRows(program: ProgramCounts): CampaignRow[] {
  const rows: CampaignRow[] = [];
  for (const { campaignId, counts } of program.campaigns) {
    const variants = new Set<string>();
    for (const name of Object.keys(counts)) {
      const parsed = parseCounter(name);
      if (parsed.dimension === 'variant') variants.add(parsed.value!);
    }
    for (const variant of [...variants].sort()) {
      const value = (measure: (typeof CAMPAIGN_MEASURES)[number]) => round(counts[`${measure}|variant=${variant}`] ?? 0);
      rows.push({
        programId: program.programId,
        campaignId,
        variant,
        queued: value('queued'),
        sent: value('sent'),
        delivered: value('delivered'),
        failed: value('failed'),
        clicked: value('clicks'),
        uniqueClicks: value('uniqueClicks'),
        redeemed: value('redeemed'),
        orders: value('orders'),
        revenue: value('revenue'),
        optOuts: value('optOuts'),
      });
    }
  }
  return rows.sort((a, b) => `${a.programId} ${a.campaignId} ${a.variant}`.localeCompare(`${b.programId} ${b.campaignId} ${b.variant}`));
}

export function funnelReport(from: string, to: string, programs: ProgramCounts[]): FunnelReport {
  const sorted = [...programs].sort((a, b) => a.programId.localeCompare(b.programId));
  return { from, to, programs: sorted.map(programFunnel), campaigns: sorted.flatMap(campaignRows) };
}
