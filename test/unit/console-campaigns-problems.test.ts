import { newSubscription, type Subscription } from '../../functions/domain/audience';
import { validateCatalog } from '../../functions/domain/catalog';
import { campaignsView } from '../../functions/domain/console-campaigns';
import { deadLetterReason, problemsView, type PeekedMessage, type QueueFacts } from '../../functions/domain/console-problems';
import type { CampaignRow } from '../../functions/domain/funnel-report';
import { demoItems, springMenu } from '../support/campaign-fixtures';

const AT = new Date('2026-03-09T12:00:00Z');

let numbers = 0;
function subscriber(profile: Subscription['profile'], extra: Partial<Subscription> = {}): Subscription {
  numbers += 1;
  return { ...newSubscription(`+1312555${String(numbers).padStart(4, '0')}`, 'krusty-burger'), status: 'subscribed', subscribedAt: '2026-03-01T15:00:00.000Z', version: 2, profile, ...extra };
}
const chicago = { zip: '62701', state: 'IL', timeZone: 'America/Chicago' };
const newYork = { zip: '10001', state: 'NY', timeZone: 'America/New_York' };

const row = (campaignId: string, variant: string, sent: number): CampaignRow => ({
  programId: 'krusty-burger', campaignId, variant, queued: sent, sent, delivered: sent, failed: 0, clicked: 0, uniqueClicks: 0, redeemed: 1, orders: 1, revenue: 12.5, optOuts: 0,
});

describe('the campaigns as the console shows them', () => {
  test('each campaign with its plan (audience per zone and variant, exclusions) and its results per variant', () => {
    // Prepare
    const { catalog, problems } = validateCatalog([...demoItems, springMenu(), springMenu({ sk: 'CAMPAIGN#old-news', sendOn: '2026-02-01', status: 'scheduled' })]);
    const audience = [subscriber(chicago), subscriber(chicago), subscriber(newYork), subscriber(chicago, { status: 'opted-out' })];

    // Act
    const view = campaignsView(catalog, problems, () => audience, [row('old-news', 'a', 3), row('old-news', 'b', 1)], { senderMps: 100, at: AT });

    // Assess
    expect(view.campaigns.map((c) => [c.campaignId, c.stage])).toEqual([['spring-menu', 'scheduled'], ['old-news', 'finished']]);
    const spring = view.campaigns[0]!;
    expect(spring.plan).toMatchObject({ audience: 2, subscribers: 4, excluded: { 'opted out': 1, 'outside the segment': 1 } });
    expect(spring.plan.zones.map((z) => [z.zone, z.recipients])).toEqual([['America/Chicago', 2]]);
    expect(spring.plan.variants.reduce((sum, v) => sum + v.recipients, 0)).toBe(2);
    expect(spring.results).toEqual([]);
    expect(view.campaigns[1]!.results.map((r) => [r.variant, r.sent])).toEqual([['a', 3], ['b', 1]]);
  });

  test('a broken campaign item is reported by key, field and reason, other problems are not', () => {
    // Prepare
    const { catalog, problems } = validateCatalog([...demoItems, springMenu({ offer: 'OFFER#nope' }), { pk: 'PROGRAM#krusty-burger', sk: 'OFFER#x', kind: 'nope', copy: 'x' }]);

    // Act
    const view = campaignsView(catalog, problems, () => [], [], { senderMps: 100, at: AT });

    // Assess
    expect(view.campaigns).toEqual([]);
    expect(view.problems).toEqual([{ key: 'PROGRAM#krusty-burger / CAMPAIGN#spring-menu', field: 'offer', reason: 'no valid offer OFFER#nope in PROGRAM#krusty-burger' }]);
  });
});

const peeked = (body: unknown, extra: Partial<PeekedMessage> = {}): PeekedMessage => ({
  id: `m-${Math.random().toString(36).slice(2)}`,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  attributes: {},
  sentAt: '2026-03-09T12:00:00.000Z',
  receiveCount: 1,
  ...extra,
});
const outbound: QueueFacts = { queue: 'outbound', deadLetterQueue: 'sms-gateway-local-outbound-dlq.fifo', consumer: 'sendSms', maxReceiveCount: 20 };
const empty = { approximateCount: 0, messages: [] };

describe('problems as the console shows them', () => {
  test.each([
    {
      what: 'a dead-lettered text: which function failed it how often, and how to send it back',
      message: peeked({ id: 'abc-1', to: '+13125550199', body: 'Lunch today!' }),
      facts: outbound,
      reason: 'sendSms failed it 20 times on outbound, so SQS moved it here (each failure is in that function\'s log; `npm run dlq -- redrive outbound` sends it back)',
    },
    {
      what: 'a queue nobody consumes',
      message: peeked({ zone: 'America/Chicago' }),
      facts: { queue: 'lunchPages', deadLetterQueue: 'dlq', maxReceiveCount: 3 },
      reason: 'it was received 3 times on lunchPages, so SQS moved it here (`npm run dlq -- redrive lunchPages` sends it back)',
    },
    {
      what: 'a message that carries its own reason',
      message: peeked({ reason: 'detail.total: expected number', event: {} }),
      facts: { queue: 'rejectedEvents', deadLetterQueue: 'dlq', maxReceiveCount: 5 },
      reason: 'detail.total: expected number (left on rejectedEvents for 5 receives, then moved here)',
    },
  ])('says why: $what', ({ message, facts, reason }) => {
    // Act + Assess
    expect(deadLetterReason(message, facts)).toBe(reason);
  });

  test('rejected events from the queue and its dead-letter queue together, oldest first, with reasons and numbers masked', () => {
    // Prepare
    const late = peeked({ reason: 'orderId: Required', event: { source: 'pos', detail: { phone: '+13125550123', total: 'twelve' } } }, { sentAt: '2026-03-09T13:00:00.000Z' });
    const early = peeked('not json at all', { attributes: { reason: 'event is not JSON' }, sentAt: '2026-03-09T11:00:00.000Z' });

    // Act
    const view = problemsView({ queue: { approximateCount: 1, messages: [late] }, deadLetters: { approximateCount: 1, messages: [early] } }, []);

    // Assess
    expect(view.rejectedEvents.approximateCount).toBe(2);
    expect(view.rejectedEvents.events).toEqual([
      { id: early.id, sentAt: early.sentAt, reason: 'event is not JSON', event: 'not json at all', where: 'dead-letter queue' },
      { id: late.id, sentAt: late.sentAt, reason: 'orderId: Required', event: { source: 'pos', detail: { phone: '+1******0123', total: 'twelve' } }, where: 'queue' },
    ]);
  });

  test('dead letters per queue, bodies masked', () => {
    // Prepare
    const text = peeked({ id: 'abc-1', to: '+13125550199', body: 'Lunch today!' }, { receiveCount: 21 });

    // Act
    const view = problemsView({ queue: empty, deadLetters: empty }, [{ facts: outbound, look: { approximateCount: 1, messages: [text] } }]);

    // Assess
    expect(view.deadLetters).toEqual([
      {
        queue: 'outbound',
        deadLetterQueue: 'sms-gateway-local-outbound-dlq.fifo',
        approximateCount: 1,
        messages: [{ id: text.id, sentAt: text.sentAt, receiveCount: 21, reason: expect.stringMatching(/^sendSms failed it 20 times/), body: '{"id":"abc-1","to":"+1******0199","body":"Lunch today!"}' }],
      },
    ]);
  });
});
