import { newConversation, type Conversation, type Subscription } from '../../functions/domain/audience';
import { validateCatalog, type Catalog } from '../../functions/domain/catalog';
import { converse, type Outcome } from '../../functions/domain/conversation';
import { measureSegments } from '../../functions/domain/segments';
import { applyOutcome } from '../support/conversation-fixtures';

const demoItems: Record<string, unknown>[] = require('../../catalog/demo.json');
const catalog: Catalog = validateCatalog(demoItems).catalog;

const PHONE = '+15551234567';
const SHORT_CODE = '55155';
const PROGRAM_ID = 'krusty-burger';
const BILLBOARD = 'billboard I-55 northbound';
const AT = '2026-11-24T17:00:00.000Z';
/** What the sender turns every link into (another part of the gateway shortens them at send time). */
const SHORT_LINK = 'http://127.0.0.1:3000/l/ABCDEFGH';

let sidCounter = 0;

function inbound(body: string, receivedAt = AT) {
  sidCounter += 1;
  return { messageSid: `SM${String(sidCounter).padStart(32, '0')}`, from: PHONE, to: SHORT_CODE, body, receivedAt };
}

/** The state after the texts, each a minute apart before AT. */
function after(bodies: string[], start: Conversation = newConversation(PHONE)): Conversation {
  return bodies.reduce((conversation, body, index) => {
    const at = new Date(Date.parse(AT) - (bodies.length - index) * 60_000).toISOString();
    return applyOutcome(conversation, converse(inbound(body, at), conversation, catalog));
  }, start);
}

function subscriber(changes: Partial<Subscription> = {}): Subscription {
  return {
    phone: PHONE,
    programId: PROGRAM_ID,
    status: 'subscribed',
    subscribedAt: '2026-11-01T15:00:00.000Z',
    welcomeOfferSentAt: '2026-11-01T15:00:00.000Z',
    profile: { zip: '62701', state: 'IL', timeZone: 'America/Chicago' },
    skipped: [],
    marketingSinceQuestion: 0,
    version: 4,
    ...changes,
  };
}

function conversationOf(subscription: Subscription, repliesAt: string[] = []): Conversation {
  return { phone: { phone: PHONE, version: 2, ...(repliesAt.length ? { repliesAt } : {}) }, subscriptions: [subscription] };
}

/** The demo's replyLimitPerHour (3) used up in the last hour. */
const REPLIES_USED_UP = ['2026-11-24T16:20:00.000Z', '2026-11-24T16:30:00.000Z', '2026-11-24T16:40:00.000Z'];

const eventsOf = (outcome: Outcome, type: string) => outcome.events.filter((event) => event.type === type);

describe('converse: the keyword or alias a subscriber joined with, and its placement', () => {
  test.each<[string, { keyword: string; placement?: string }]>([
    ['KRUSTY', { keyword: 'KRUSTY' }],
    ['krustyburger!', { keyword: 'KRUSTYBURGER', placement: BILLBOARD }],
    ['Krusty Burger', { keyword: 'KRUSTY' }],
    ['KRUSTYBURGER 7K2Q9X', { keyword: 'KRUSTYBURGER', placement: BILLBOARD }],
  ])('%j: the subscription, the consent ledger and SubscriberOptedIn all name %j', (body, joinedWith) => {
    // Prepare
    const conversation = newConversation(PHONE);
    // Act
    const outcome = converse(inbound(body), conversation, catalog);
    // Assess
    expect(outcome.subscriptions[0]!.joinedWith).toEqual(joinedWith);
    const { keyword, placement } = outcome.consentEvents[0]!;
    expect(outcome.consentEvents).toEqual([expect.objectContaining({ action: 'opt-in', rawText: body })]);
    expect({ keyword, placement }).toEqual({ keyword: joinedWith.keyword, placement: joinedWith.placement });
    expect(eventsOf(outcome, 'SubscriberOptedIn').map((event) => event.detail)).toEqual([{ phone: PHONE, programId: PROGRAM_ID, shortCode: SHORT_CODE, ...joinedWith }]);
  });

  test('the latest opt-in\'s keyword is kept through an opt-out and replaced by the next keyword opt-in', () => {
    // Prepare
    const joined = after(['KRUSTYBURGER']);
    // Act
    const stopped = after(['STOP'], joined);
    const rejoined = applyOutcome(stopped, converse(inbound('krusty'), stopped, catalog));
    // Assess
    expect(stopped.subscriptions[0]).toMatchObject({ status: 'opted-out', joinedWith: { keyword: 'KRUSTYBURGER', placement: BILLBOARD } });
    expect(rejoined.subscriptions[0]).toMatchObject({ status: 'subscribed', joinedWith: { keyword: 'KRUSTY' } });
    expect(rejoined.subscriptions[0]!.joinedWith).not.toHaveProperty('placement');
  });

  test('START after an opt-out names the program\'s keyword and no placement (no keyword was texted)', () => {
    // Prepare
    const stopped = after(['KRUSTYBURGER', 'STOP']);
    // Act
    const outcome = converse(inbound('START'), stopped, catalog);
    // Assess
    expect(outcome.subscriptions[0]!.joinedWith).toEqual({ keyword: 'KRUSTY' });
    expect(outcome.consentEvents).toEqual([expect.objectContaining({ action: 'opt-in', keyword: 'KRUSTY', rawText: 'START' })]);
    expect(outcome.consentEvents[0]).not.toHaveProperty('placement');
    expect(eventsOf(outcome, 'KeywordReceived')).toEqual([]);
  });
});

describe('converse: KeywordReceived on every keyword text', () => {
  test.each([
    ['a new number texting the keyword', [] as string[], 'KRUSTY', { keyword: 'KRUSTY', subscribed: false }, 'opted-in'],
    ['a new number texting the billboard alias', [] as string[], 'krustyburger', { keyword: 'KRUSTYBURGER', placement: BILLBOARD, subscribed: false }, 'opted-in'],
    ['a subscriber texting the keyword again', ['KRUSTY'], 'KRUSTY', { keyword: 'KRUSTY', subscribed: true }, 'already-subscribed'],
    ['a subscriber texting the alias', ['KRUSTY'], 'KrustyBurger', { keyword: 'KRUSTYBURGER', placement: BILLBOARD, subscribed: true }, 'already-subscribed'],
    ['an opted-out number rejoining with the alias', ['KRUSTY', 'STOP'], 'KRUSTYBURGER', { keyword: 'KRUSTYBURGER', placement: BILLBOARD, subscribed: false }, 'opted-in'],
  ])('%s: detail %j (%s)', (_case, history, body, detail, kind) => {
    // Prepare
    const conversation = after(history);
    const text = inbound(body);
    // Act
    const outcome = converse(text, conversation, catalog);
    // Assess
    expect(outcome.kind).toBe(kind);
    expect(eventsOf(outcome, 'KeywordReceived')).toEqual([
      { type: 'KeywordReceived', id: `${text.messageSid}:KeywordReceived:${PROGRAM_ID}`, at: AT, detail: { phone: PHONE, programId: PROGRAM_ID, ...detail } },
    ]);
  });

  test('a subscriber beyond the reply limit gets no "already subscribed", and the keyword is still reported received', () => {
    // Prepare
    const conversation = conversationOf(subscriber(), REPLIES_USED_UP);
    // Act
    const outcome = converse(inbound('KRUSTY'), conversation, catalog);
    // Assess
    expect(outcome).toMatchObject({ kind: 'ignored', limitedBy: 'reply-limit', replies: [] });
    expect(eventsOf(outcome, 'KeywordReceived').map((event) => event.detail)).toEqual([{ phone: PHONE, programId: PROGRAM_ID, keyword: 'KRUSTY', subscribed: true }]);
  });

  test.each(['HELP', 'STOP', '62701', 'SHARE'])('%j is no keyword text: no KeywordReceived', (body) => {
    // Prepare
    const conversation = after(['KRUSTY']);
    // Act
    const outcome = converse(inbound(body), conversation, catalog);
    // Assess
    expect(eventsOf(outcome, 'KeywordReceived')).toEqual([]);
  });
});

describe('converse: HelpRequested', () => {
  test.each([
    ['a number that never texted', [] as string[], true],
    ['a number whose only record is a STOP (never subscribed)', ['STOP'], true],
    ['a subscriber', ['KRUSTY'], false],
    ['a former subscriber who opted out', ['KRUSTY', 'STOP'], false],
  ])('HELP from %s: stranger %s', (_case, history, stranger) => {
    // Prepare
    const conversation = after(history);
    const text = inbound('help');
    // Act
    const outcome = converse(text, conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('help');
    expect(eventsOf(outcome, 'HelpRequested')).toEqual([
      { type: 'HelpRequested', id: `${text.messageSid}:HelpRequested:${PROGRAM_ID}`, at: AT, detail: { phone: PHONE, programId: PROGRAM_ID, stranger } },
    ]);
  });

  test('HELP beyond the reply limit gets no answer, and the request is still reported', () => {
    // Prepare
    const conversation = conversationOf(subscriber(), REPLIES_USED_UP);
    // Act
    const outcome = converse(inbound('HELP'), conversation, catalog);
    // Assess
    expect(outcome).toMatchObject({ kind: 'ignored', limitedBy: 'reply-limit', replies: [] });
    expect(eventsOf(outcome, 'HelpRequested').map((event) => event.detail)).toEqual([{ phone: PHONE, programId: PROGRAM_ID, stranger: false }]);
  });
});

/** The share text inside the click-to-post link, with the subscriber's code. */
const shareUrl = (code: string) =>
  `https://x.com/intent/post?text=${encodeURIComponent(`I get lunch deals from Krusty Burger: text KRUSTY ${code} to 55155 to join`)}%2E`;
const invitation = (code: string) => `Tell a friend: text KRUSTY ${code} to 55155 to join Krusty Burger deals. Or share: ${shareUrl(code)}`;

describe('converse: SHARE, INVITE and REFER', () => {
  test.each(['SHARE', 'share', 'Invite!', 'refer.', ' REFER? '])('%j from a subscriber with a code: their invitation, with the plain KRUSTY <code>', (body) => {
    // Prepare
    const conversation = conversationOf(subscriber({ referralCode: '7K2Q9X' }));
    const text = inbound(body);
    // Act
    const outcome = converse(text, conversation, catalog, { newReferralCode: 'ABCDEF' });
    // Assess
    expect(outcome.kind).toBe('shared');
    expect(outcome.replies).toEqual([{ to: PHONE, from: SHORT_CODE, body: invitation('7K2Q9X'), purpose: 'reply', programId: PROGRAM_ID, source: { kind: 'share' } }]);
    expect(outcome.referralCodes).toBeUndefined();
    expect(outcome.subscriptions).toEqual([]);
    expect(outcome.events).toEqual([{ type: 'ShareRequested', id: `${text.messageSid}:ShareRequested:${PROGRAM_ID}`, at: AT, detail: { phone: PHONE, programId: PROGRAM_ID } }]);
    expect(outcome.phone?.repliesAt).toEqual([AT]);
  });

  test('a subscriber without a code is given one, in the invitation and on the subscription', () => {
    // Prepare
    const conversation = conversationOf(subscriber());
    // Act
    const outcome = converse(inbound('SHARE'), conversation, catalog, { newReferralCode: 'ABCDEF' });
    // Assess
    expect(outcome.replies.map((reply) => reply.body)).toEqual([invitation('ABCDEF')]);
    expect(outcome.referralCodes).toEqual([{ code: 'ABCDEF', phone: PHONE, programId: PROGRAM_ID }]);
    expect(outcome.subscriptions).toEqual([subscriber({ referralCode: 'ABCDEF' })]);
  });

  test('the invitation fits one GSM-7 segment once its link is a short link', () => {
    // Prepare
    const conversation = conversationOf(subscriber({ referralCode: '7K2Q9X' }));
    // Act
    const outcome = converse(inbound('SHARE'), conversation, catalog);
    // Assess
    const sent = outcome.replies[0]!.body.replace(/https?:\/\/\S+/g, SHORT_LINK);
    expect(sent).toContain('text KRUSTY 7K2Q9X to 55155');
    expect(measureSegments(sent)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  test('beyond the reply limit: no invitation and no code given, the request is still reported', () => {
    // Prepare
    const conversation = conversationOf(subscriber(), REPLIES_USED_UP);
    // Act
    const outcome = converse(inbound('SHARE'), conversation, catalog, { newReferralCode: 'ABCDEF' });
    // Assess
    expect(outcome).toMatchObject({ kind: 'ignored', limitedBy: 'reply-limit', replies: [], subscriptions: [] });
    expect(outcome.referralCodes).toBeUndefined();
    expect(outcome.events.map((event) => event.type)).toEqual(['ShareRequested']);
  });

  test('a number that never joined gets the stranger\'s answer on how to join (once a day), no code and no ShareRequested', () => {
    // Prepare
    const conversation = newConversation(PHONE);
    // Act
    const first = converse(inbound('SHARE'), conversation, catalog, { newReferralCode: 'ABCDEF' });
    const again = converse(inbound('INVITE'), applyOutcome(conversation, first), catalog, { newReferralCode: 'ABCDEF' });
    // Assess
    expect(first.replies.map((reply) => reply.body)).toEqual(['Text KRUSTY to join Krusty Burger Rewards. Reply HELP for help.']);
    expect(first.referralCodes).toBeUndefined();
    expect(first.events).toEqual([]);
    expect(again.replies).toEqual([]);
  });

  test('a number that opted out gets nothing and is not subscribed again', () => {
    // Prepare
    const conversation = after(['KRUSTY', 'STOP']);
    // Act
    const outcome = converse(inbound('SHARE'), conversation, catalog, { newReferralCode: 'ABCDEF' });
    // Assess
    expect(outcome.replies).toEqual([]);
    expect(outcome.subscriptions).toEqual([]);
    expect(outcome.consentEvents).toEqual([]);
    expect(outcome.events).toEqual([]);
  });
});

describe('converse: the review and share text after a happy survey', () => {
  test('shows the plain KRUSTY <code> and fits one GSM-7 segment once its two links are short links', () => {
    // Prepare
    const conversation = conversationOf(subscriber({ referralCode: '7K2Q9X', pendingSurvey: { orderId: 'o1', askedAt: '2026-11-24T15:00:00.000Z' } }));
    // Act
    const outcome = converse(inbound('5'), conversation, catalog);
    // Assess
    const body = outcome.replies[0]!.body;
    expect(body.match(/https?:\/\/\S+/g)).toHaveLength(2);
    const sent = body.replace(/https?:\/\/\S+/g, SHORT_LINK);
    expect(sent).toContain('text KRUSTY 7K2Q9X to 55155');
    expect(measureSegments(sent)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(outcome.replies[0]!.source).toEqual({ kind: 'review-request' });
  });
});
