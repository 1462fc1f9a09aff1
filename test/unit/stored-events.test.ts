import { eventsFromItem, storedEvents } from '../../functions/adapters/dynamo-conversation-store';
import type { DomainEvent } from '../../functions/domain/events';

/**
 * A turn's events on its inbound log item: kept without what the text itself gives, and published
 * again exactly as they were the first time when the text is redelivered.
 */
const inbound = { messageSid: 'SM0123456789abcdef0123456789abcdef', from: '+13125550101', receivedAt: '2026-03-09T20:00:00.000Z' };
const item = { pk: 'PHONE#+13125550101', sk: `MSG#${inbound.messageSid}`, from: inbound.from, at: inbound.receivedAt };

test.each<[string, DomainEvent]>([
  ['an event of the turn', { type: 'SubscriberOptedIn', id: `${inbound.messageSid}:SubscriberOptedIn:krusty-burger`, at: inbound.receivedAt, detail: { phone: inbound.from, programId: 'krusty-burger', shortCode: '55155', keyword: 'KRUSTYBURGER', placement: 'billboard I-55 northbound' } }],
  ['an event with another id', { type: 'ReferralCompleted', id: 'referral:+13125550199:+13125550101', at: inbound.receivedAt, detail: { phone: inbound.from, programId: 'krusty-burger' } }],
  ['an event about another number', { type: 'KeywordReceived', id: `${inbound.messageSid}:KeywordReceived:krusty-burger`, at: inbound.receivedAt, detail: { phone: '+13125550199', programId: 'krusty-burger', keyword: 'KRUSTY', subscribed: false } }],
])('%s comes back as it was published', (_name, event) => {
  // Act
  const stored = storedEvents([event], inbound);
  const back = eventsFromItem({ ...item, events: stored });

  // Assess
  expect(back).toEqual([event]);
});

test("a turn's own event is stored without its id, time and sender", () => {
  const [stored] = storedEvents([{ type: 'HelpRequested', id: `${inbound.messageSid}:HelpRequested:krusty-burger`, at: inbound.receivedAt, detail: { phone: inbound.from, programId: 'krusty-burger', stranger: true } }], inbound);
  expect(stored).toEqual({ type: 'HelpRequested', detail: { programId: 'krusty-burger', stranger: true } });
});
