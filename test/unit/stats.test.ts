import type { StatsEvent } from '../../functions/domain/stats';
import { counter, optOutCountsAgainst, parseCounter, statsUpdate } from '../../functions/domain/stats';
import { funnelReport, reportPeriod, type ProgramCounts } from '../../functions/domain/funnel-report';

/**
 * The funnel's counter arithmetic: what each domain event adds (table-driven), and how the report
 * arranges the sums for a marketer.
 */

const PROGRAM = 'krusty-burger';
const PHONE = '+13125550101';
const AT = '2026-03-14T16:05:00.000Z';
const event = (type: StatsEvent['type'], detail: StatsEvent['detail']): StatsEvent => ({ type, id: `${type}-1`, at: AT, detail: { phone: PHONE, programId: PROGRAM, ...detail } });
const spring = { kind: 'campaign', campaignId: 'spring-menu', variantId: 'b', offerId: 'spring' };

describe('statsUpdate: what each event adds', () => {
  test.each<[string, StatsEvent, Record<string, number>, Record<string, number> | undefined]>([
    ['a keyword text, by keyword and placement', event('KeywordReceived', { keyword: 'BURGER', placement: 'billboard I-55', subscribed: false }), { keywordTexts: 1, 'keywordTexts|keyword=BURGER': 1, 'keywordTexts|placement=billboard I-55': 1 }, undefined],
    ['HELP from a stranger', event('HelpRequested', { stranger: true }), { helpRequests: 1, helpFromStrangers: 1 }, undefined],
    ['HELP from a subscriber', event('HelpRequested', { stranger: false }), { helpRequests: 1 }, undefined],
    ['an opt-in without a placement', event('SubscriberOptedIn', { keyword: 'KRUSTY' }), { optIns: 1, 'optIns|placement=(none)': 1, 'optIns|keyword=KRUSTY': 1, live: 1 }, undefined],
    ['an opt-out by text', event('SubscriberOptedOut', {}), { optOuts: 1, 'optOuts|source=sms': 1, live: -1 }, undefined],
    ['an opt-out by the carrier', event('SubscriberOptedOut', { optOutSource: 'carrier' }), { optOuts: 1, 'optOuts|source=carrier': 1, live: -1 }, undefined],
    ['a profile answer', event('ProfileAnswered', { field: 'zip' }), { profileAnswers: 1, 'profileAnswers|field=zip': 1 }, undefined],
    ['a first click on a campaign link', event('LinkClicked', { unique: true, source: spring }), { clicks: 1, 'clicks|source=campaign': 1, uniqueClicks: 1, 'uniqueClicks|source=campaign': 1 }, { 'clicks|variant=b': 1, 'uniqueClicks|variant=b': 1 }],
    ['a second click on a review link', event('LinkClicked', { unique: false, source: { kind: 'review-request' } }), { clicks: 1, 'clicks|source=review-request': 1 }, undefined],
    ['a lunch coupon issued', event('CouponIssued', { kind: 'lunch', source: { kind: 'lunch', offerId: 'lunch' } }), { couponsIssued: 1, 'couponsIssued|source=lunch': 1 }, undefined],
    ['a campaign coupon redeemed', event('CouponRedeemed', { source: spring, total: 20 }), { couponsRedeemed: 1, 'couponsRedeemed|source=campaign': 1 }, { 'redeemed|variant=b': 1 }],
    ['a first order without a coupon', event('PurchaseRecorded', { total: 12.5, orderNumber: 1 }), { orders: 1, revenue: 12.5 }, undefined],
    [
      'a second order with a campaign coupon, from a billboard subscriber',
      event('PurchaseRecorded', { total: 20, orderNumber: 2, placement: 'billboard I-55', attributedTo: { code: 'KB-7K2Q9X', source: spring } }),
      { orders: 1, revenue: 20, repeatPurchasers: 1, attributedOrders: 1, attributedRevenue: 20, 'attributedRevenue|source=campaign': 20, 'attributedRevenue|placement=billboard I-55': 20 },
      { 'revenue|variant=b': 20, 'orders|variant=b': 1 },
    ],
    ['a third order', event('PurchaseRecorded', { total: 5, orderNumber: 3 }), { orders: 1, revenue: 5 }, undefined],
    ['a 5-star survey', event('SurveyAnswered', { rating: 5 }), { surveyHappy: 1 }, undefined],
    ['a 2-star survey', event('SurveyAnswered', { rating: 2 }), { surveyUnhappy: 1 }, undefined],
    ['the feedback after a 2 (not a second survey)', event('SurveyAnswered', { rating: 2, feedback: 'cold fries' }), { feedbackAnswers: 1 }, undefined],
    ['a referral', event('ReferralCompleted', {}), { referrals: 1 }, undefined],
    ['SHARE', event('ShareRequested', {}), { shareRequests: 1 }, undefined],
    ['a campaign text queued', event('CampaignSent', { campaignId: 'spring-menu', variant: 'b' }), {}, { 'queued|variant=b': 1 }],
    ['a campaign text sent', event('MessageOutcome', { outcome: 'sent', purpose: 'marketing', source: spring }), { 'messages|outcome=sent': 1, 'sent|purpose=marketing': 1 }, { 'sent|variant=b': 1 }],
    ['a campaign text delivered', event('MessageOutcome', { outcome: 'delivered', purpose: 'marketing', source: spring }), { 'messages|outcome=delivered': 1 }, { 'delivered|variant=b': 1 }],
    ['a text dropped by the caps', event('MessageOutcome', { outcome: 'capped', purpose: 'marketing' }), { 'messages|outcome=capped': 1 }, undefined],
    ['a text deferred by quiet hours', event('MessageOutcome', { outcome: 'deferred', purpose: 'follow-up' }), { 'messages|outcome=deferred': 1 }, undefined],
    ['a text refused because the recipient stopped at the carrier', event('MessageOutcome', { outcome: 'opted-out', purpose: 'marketing' }), { 'messages|outcome=opted-out': 1, optOuts: 1, 'optOuts|source=carrier': 1, live: -1 }, undefined],
  ])('%s', (_name, input, day, campaign) => {
    // Act
    const update = statsUpdate(input);

    // Assess
    expect(update?.programId).toBe(PROGRAM);
    expect(update?.day).toEqual(day);
    expect(update?.campaign?.counts).toEqual(campaign);
  });

  test('an event of no program counts nowhere', () => {
    expect(statsUpdate({ type: 'HelpRequested', id: 'h', at: AT, detail: { phone: PHONE } })).toBeUndefined();
  });

  test('a campaign text sent is remembered for opt-outs within 24 hours; an opt-out asks for it', () => {
    // Act
    const sent = statsUpdate(event('MessageOutcome', { outcome: 'sent', purpose: 'marketing', source: spring }));
    const optOut = statsUpdate(event('SubscriberOptedOut', {}));

    // Assess
    expect(sent?.campaignSent).toEqual({ phone: PHONE, campaignId: 'spring-menu', variantId: 'b', at: AT });
    expect(optOut?.optedOut).toEqual({ phone: PHONE, at: AT });
    expect(optOutCountsAgainst(AT, '2026-03-15T16:05:00.000Z')).toBe(true);
    expect(optOutCountsAgainst(AT, '2026-03-15T16:05:00.001Z')).toBe(false);
    expect(optOutCountsAgainst(AT, '2026-03-14T16:04:59.000Z')).toBe(false);
  });

  test('counter names keep their separators out of dimension values and parse back', () => {
    const name = counter('optIns', 'placement', 'bus stop | 5th=Main');
    expect(name).toBe('optIns|placement=bus stop / 5th/Main');
    expect(parseCounter(name)).toEqual({ measure: 'optIns', dimension: 'placement', value: 'bus stop / 5th/Main' });
    expect(parseCounter('orders')).toEqual({ measure: 'orders' });
  });
});

describe('funnelReport: the sums arranged for a marketer', () => {
  const program: ProgramCounts = {
    programId: PROGRAM,
    name: 'Krusty Burger Rewards',
    period: {
      keywordTexts: 5,
      'keywordTexts|keyword=KRUSTY': 3,
      'keywordTexts|keyword=BURGER': 2,
      optIns: 4,
      'optIns|placement=billboard I-55': 2,
      'optIns|placement=(none)': 2,
      optOuts: 1,
      'optOuts|source=sms': 1,
      'messages|outcome=sent': 9,
      'messages|outcome=capped': 2,
      'messages|outcome=deferred': 1,
      clicks: 3,
      uniqueClicks: 2,
      'clicks|source=review-request': 2,
      'clicks|source=lunch': 1,
      orders: 3,
      revenue: 41.25,
      attributedRevenue: 20,
      'attributedRevenue|placement=billboard I-55': 20,
      live: 3,
    },
    liveAtStart: 6,
    liveAtEnd: 9,
    campaigns: [{ campaignId: 'spring-menu', counts: { 'sent|variant=a': 2, 'sent|variant=b': 1, 'revenue|variant=b': 20, 'redeemed|variant=b': 1, 'optOuts|variant=a': 1 } }],
  };

  test('each stage, the opt-out rate over the subscribers the period had, and a row per campaign variant', () => {
    // Act
    const report = funnelReport('2026-03-01', '2026-03-14', [program]);

    // Assess
    const [funnel] = report.programs;
    expect(funnel!.awareness).toMatchObject({ keywordTexts: 5, byKeyword: { KRUSTY: 3, BURGER: 2 } });
    expect(funnel!.consideration).toMatchObject({ optIns: 4, optInsByPlacement: { 'billboard I-55': 2, '(none)': 2 }, clicks: { total: 3, unique: 2 } });
    expect(funnel!.purchase).toMatchObject({ orders: 3, revenue: 41.25, attributed: { revenue: 20, byPlacement: { 'billboard I-55': 20 } } });
    expect(funnel!.retention).toMatchObject({ liveSubscribers: 9, optOuts: 1, optOutRate: 0.1, messages: { sent: 9, capped: 2, deferred: 1, delivered: 0 } });
    expect(funnel!.advocacy.reviewShareClicks).toBe(2);
    expect(report.campaigns).toEqual([
      expect.objectContaining({ campaignId: 'spring-menu', variant: 'a', sent: 2, revenue: 0, optOuts: 1 }),
      expect.objectContaining({ campaignId: 'spring-menu', variant: 'b', sent: 1, redeemed: 1, revenue: 20, optOuts: 0 }),
    ]);
  });

  test.each([
    [{}, '2026-03-14T16:05:00Z', { from: '2026-02-14', to: '2026-03-15' }],
    [{ to: '2026-03-10' }, '2026-03-14T16:05:00Z', { from: '2026-02-09', to: '2026-03-10' }],
    [{ from: '2026-03-01', to: '2026-03-01' }, '2026-03-14T16:05:00Z', { from: '2026-03-01', to: '2026-03-01' }],
    [{ from: '2026-03-14', to: '2026-03-01' }, '2026-03-14T16:05:00Z', { error: 'from (2026-03-14) is after to (2026-03-01)' }],
    [{ from: 'last week' }, '2026-03-14T16:05:00Z', { error: 'from must be a date such as 2026-03-14, got "last week"' }],
    [{ to: '2026-02-31' }, '2026-03-14T16:05:00Z', { error: 'to must be a date such as 2026-03-14, got "2026-02-31"' }],
  ])('period %j at %s → %j', (asked, now, expected) => {
    expect(reportPeriod(asked, new Date(now))).toEqual(expected);
  });
});
