import { newConversation, type Conversation, type Subscription } from '../../functions/domain/audience';
import { validateCatalog, type Catalog } from '../../functions/domain/catalog';
import { converse, type Outcome } from '../../functions/domain/conversation';
import { applyOutcome } from '../support/conversation-fixtures';

const demoItems: Record<string, unknown>[] = require('../../catalog/demo.json');
const catalog: Catalog = validateCatalog(demoItems).catalog;

const PHONE = '+15551234567';
const SHORT_CODE = '55155';
const PROGRAM_ID = 'krusty-burger';

const OPT_IN_CONFIRMATION =
  'Welcome to Krusty Burger Rewards! Enjoy 20% off your next purchase: just show this text at the counter. ' +
  'Up to 4 msgs/wk. Msg&data rates may apply. Reply HELP for help, STOP to cancel.';
const WELCOME_OFFER = 'Enjoy 20% off your next purchase: just show this text at the counter.';
const WELCOME_BACK =
  "Krusty Burger Rewards: Welcome back! You're subscribed again. Up to 4 msgs/wk. Msg&data rates may apply. Reply HELP for help, STOP to cancel.";
const ZIP_QUESTION = "What's your 5-digit ZIP code? We'll send lunch deals at the right time for you. Reply SKIP to skip.";
const MEAL_CHOICES = "What's your favorite Krusty meal? Reply 1 Burger, 2 Chicken, 3 Salad, 4 Fries.";
const ALREADY_SUBSCRIBED =
  "Krusty Burger Rewards: you're already signed up, no need to text KRUSTY again. Reply HELP for help, STOP to cancel.";
const HELP_REPLY =
  'Krusty Burger Rewards: Help at support@krustyburger.example or 1-800-555-0199. Up to 4 msgs/wk. Msg&data rates may apply. Reply STOP to cancel.';
const STOP_REPLY = 'You are unsubscribed from Krusty Burger Rewards and will receive no more messages. Reply START to resubscribe.';
const THANKS = 'Thanks, got it!';
const SKIPPED = "No problem, we'll skip that one.";

let sidCounter = 0;

function inbound(body: string, receivedAt = '2025-06-02T15:00:00.000Z', to = SHORT_CODE) {
  sidCounter += 1;
  return { messageSid: `SM${String(sidCounter).padStart(32, '0')}`, from: PHONE, to, body, receivedAt };
}


/** Sends the texts in turn from the given state; returns the state after them and the last outcome. */
function textIn(
  bodies: (string | [string, string] | [string, string, string])[],
  start: Conversation = newConversation(PHONE),
  theCatalog: Catalog = catalog,
): { conversation: Conversation; outcome: Outcome } {
  let conversation = start;
  let outcome: Outcome | undefined;
  for (const entry of bodies) {
    const [body, at, to] = typeof entry === 'string' ? [entry] : entry;
    outcome = converse(inbound(body, at, to), conversation, theCatalog);
    conversation = applyOutcome(conversation, outcome);
  }
  return { conversation, outcome: outcome! };
}

function subscription(conversation: Conversation, programId = PROGRAM_ID): Subscription | undefined {
  return conversation.subscriptions.find((s) => s.programId === programId);
}

const bodies = (outcome: Outcome) => outcome.replies.map((r) => r.body);

describe('converse: joining with the keyword', () => {
  test.each([
    ['KRUSTY', 'KRUSTY', undefined],
    ['krusty', 'KRUSTY', undefined],
    ['Krusty!', 'KRUSTY', undefined],
    ['krustyburger', 'KRUSTYBURGER', 'billboard I-55 northbound'],
    ['KRUSTY ABC123', 'KRUSTY', undefined],
  ])(
    '%j from a new number opts in, confirms with the welcome offer, then asks for the ZIP (joined with %s, placement %s)',
    (body, keyword, placement) => {
      // Prepare
      const conversation = newConversation(PHONE);
      const text = inbound(body, '2025-06-02T15:00:00.000Z');
      // Act
      const outcome = converse(text, conversation, catalog);
      // Assess
      expect(outcome.kind).toBe('opted-in');
      expect(outcome.replies).toEqual([
        { to: PHONE, from: SHORT_CODE, body: OPT_IN_CONFIRMATION, purpose: 'opt-in-confirmation', programId: PROGRAM_ID },
        { to: PHONE, from: SHORT_CODE, body: ZIP_QUESTION, purpose: 'profile-question', programId: PROGRAM_ID },
      ]);
      expect(outcome.replies[0]!.body).toContain(WELCOME_OFFER);
      expect(outcome.consentEvents).toEqual([
        {
          phone: PHONE,
          programId: PROGRAM_ID,
          action: 'opt-in',
          at: '2025-06-02T15:00:00.000Z',
          source: 'sms',
          shortCode: SHORT_CODE,
          rawText: body,
          keyword,
          ...(placement ? { placement } : {}),
          messageSid: text.messageSid,
        },
      ]);
      expect(outcome.subscriptions).toEqual([
        {
          phone: PHONE,
          programId: PROGRAM_ID,
          status: 'subscribed',
          subscribedAt: '2025-06-02T15:00:00.000Z',
          joinedWith: { keyword, ...(placement ? { placement } : {}) },
          welcomeOfferSentAt: '2025-06-02T15:00:00.000Z',
          profile: {},
          skipped: [],
          pendingQuestion: { field: 'zip', attempts: 0, askedAt: '2025-06-02T15:00:00.000Z' },
          marketingSinceQuestion: 0,
          version: 0,
        },
      ]);
    },
  );

  test.each(['KRUSTY', 'krustyburger'])('%j again while subscribed says so once, with no consent event and no second offer', (body) => {
    // Prepare
    const { conversation } = textIn(['KRUSTY']);
    // Act
    const outcome = converse(inbound(body), conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('already-subscribed');
    expect(outcome.replies).toEqual([
      { to: PHONE, from: SHORT_CODE, body: ALREADY_SUBSCRIBED, purpose: 'reply', programId: PROGRAM_ID },
    ]);
    expect(bodies(outcome).join(' ')).not.toContain(WELCOME_OFFER);
    expect(outcome.consentEvents).toEqual([]);
    expect(outcome.subscriptions).toEqual([]);
  });
});

describe('converse: answering the ZIP question', () => {
  test.each([
    ['62701', { zip: '62701', state: 'IL', timeZone: 'America/Chicago' }],
    ['my zip is 62701', { zip: '62701', state: 'IL', timeZone: 'America/Chicago' }],
    ['62701-1234', { zip: '62701', zip4: '1234', state: 'IL', timeZone: 'America/Chicago' }],
    ['10001', { zip: '10001', state: 'NY', timeZone: 'America/New_York' }],
  ])('%j is stored with state and time zone, thanked, and nothing stays pending', (body, profile) => {
    // Prepare
    const { conversation } = textIn(['KRUSTY']);
    // Act
    const outcome = converse(inbound(body), conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('answered');
    expect(outcome.replies).toEqual([{ to: PHONE, from: SHORT_CODE, body: THANKS, purpose: 'reply', programId: PROGRAM_ID }]);
    expect(outcome.consentEvents).toEqual([]);
    expect(outcome.subscriptions).toHaveLength(1);
    expect(outcome.subscriptions[0]!.profile).toEqual(profile);
    expect(outcome.subscriptions[0]!.pendingQuestion).toBeUndefined();
    expect(outcome.subscriptions[0]!.status).toBe('subscribed');
  });

  test('an invalid ZIP is asked again twice with the example, then skipped on the third', () => {
    // Prepare
    let { conversation } = textIn(['KRUSTY']);
    const answers = ['abc', '1234', '00000'];
    const seen: { kind: string; replies: string[]; attempts?: number; skipped: string[] }[] = [];
    // Act
    for (const answer of answers) {
      const outcome = converse(inbound(answer), conversation, catalog);
      conversation = applyOutcome(conversation, outcome);
      const current = subscription(conversation)!;
      seen.push({ kind: outcome.kind, replies: bodies(outcome), attempts: current.pendingQuestion?.attempts, skipped: current.skipped });
    }
    // Assess
    expect(seen.map((s) => s.kind)).toEqual(['answered', 'answered', 'answered']);
    for (const reask of seen.slice(0, 2)) {
      expect(reask.replies).toHaveLength(1);
      expect(reask.replies[0]).toContain("Sorry, that didn't look right.");
      expect(reask.replies[0]).toContain("What's your 5-digit ZIP code?");
      expect(reask.replies[0]).toContain('62701');
      expect(reask.replies[0]).toContain('SKIP');
    }
    expect(seen.map((s) => s.attempts)).toEqual([1, 2, undefined]);
    expect(seen[2]!.replies).toEqual([SKIPPED]);
    expect(seen[2]!.skipped).toEqual(['zip']);
    expect(subscription(conversation)!.profile).toEqual({});
    expect(subscription(conversation)!.status).toBe('subscribed');
  });

  test('a re-ask of the demo ZIP question says "Reply SKIP to skip" only once', () => {
    // Prepare: the demo prompt already ends with "Reply SKIP to skip."
    const { conversation } = textIn(['KRUSTY']);
    // Act
    const outcome = converse(inbound('abc'), conversation, catalog);
    // Assess
    const reask = outcome.replies[0]!.body;
    expect(reask.match(/Reply SKIP to skip/g)).toHaveLength(1);
  });

  test.each(['SKIP', 'skip', 'Skip.', ' skip! '])('%j skips the ZIP question', (body) => {
    // Prepare
    const { conversation } = textIn(['KRUSTY']);
    // Act
    const outcome = converse(inbound(body), conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('answered');
    expect(outcome.replies).toEqual([{ to: PHONE, from: SHORT_CODE, body: SKIPPED, purpose: 'reply', programId: PROGRAM_ID }]);
    expect(outcome.subscriptions[0]!.skipped).toEqual(['zip']);
    expect(outcome.subscriptions[0]!.pendingQuestion).toBeUndefined();
    expect(outcome.subscriptions[0]!.profile).toEqual({});
  });
});

describe('converse: HELP', () => {
  test.each([
    ['a stranger', [] as string[]],
    ['a subscriber', ['KRUSTY']],
    ['someone who opted out', ['KRUSTY', 'STOP']],
  ])('HELP from %s gets the help reply and changes nothing', (_who, history) => {
    // Prepare
    const { conversation } = textIn(history);
    // Act
    const outcome = converse(inbound('HELP'), conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('help');
    expect(outcome.replies).toEqual([{ to: PHONE, from: SHORT_CODE, body: HELP_REPLY, purpose: 'help', programId: PROGRAM_ID }]);
    expect(outcome.consentEvents).toEqual([]);
    expect(outcome.subscriptions).toEqual([]);
  });
});

describe('converse: STOP', () => {
  test.each(['STOP', 'stop.', 'Unsubscribe', 'STOP KRUSTY', 'stop texting me', 'wrong number'])(
    '%j from a subscriber opts out with exactly one confirmation',
    (body) => {
      // Prepare
      const { conversation } = textIn(['KRUSTY']);
      const text = inbound(body, '2025-06-03T10:00:00.000Z');
      // Act
      const outcome = converse(text, conversation, catalog);
      // Assess
      expect(outcome.kind).toBe('opted-out');
      expect(outcome.replies).toEqual([{ to: PHONE, from: SHORT_CODE, body: STOP_REPLY, purpose: 'opt-out-confirmation' }]);
      expect(outcome.consentEvents).toEqual([
        {
          phone: PHONE,
          programId: PROGRAM_ID,
          action: 'opt-out',
          at: '2025-06-03T10:00:00.000Z',
          source: 'sms',
          shortCode: SHORT_CODE,
          rawText: body,
          keyword: 'KRUSTY',
          messageSid: text.messageSid,
        },
      ]);
      expect(outcome.subscriptions).toHaveLength(1);
      expect(outcome.subscriptions[0]).toMatchObject({ status: 'opted-out', optedOutAt: '2025-06-03T10:00:00.000Z' });
      expect(outcome.subscriptions[0]!.pendingQuestion).toBeUndefined();
    },
  );

  test('STOP while a profile question is pending opts out instead of answering it', () => {
    // Prepare
    const { conversation } = textIn(['KRUSTY']);
    // Act
    const outcome = converse(inbound('STOP'), conversation, catalog);
    // Assess
    expect(bodies(outcome)).toEqual([STOP_REPLY]);
    expect(outcome.subscriptions[0]!.skipped).toEqual([]);
    expect(outcome.subscriptions[0]!.pendingQuestion).toBeUndefined();
  });

  test.each([
    ['STOP again', 'STOP'],
    ['"hello"', 'hello'],
    ['a ZIP answer', '62701'],
    ['"stop texting me"', 'stop texting me'],
  ])('%s after STOP gets no reply and changes nothing', (_case, body) => {
    // Prepare
    const { conversation } = textIn(['KRUSTY', 'STOP']);
    // Act
    const outcome = converse(inbound(body), conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('ignored');
    expect(outcome.replies).toEqual([]);
    expect(outcome.consentEvents).toEqual([]);
    expect(outcome.subscriptions).toEqual([]);
  });

  test('STOP from a number that never joined still gets the one confirmation', () => {
    // Prepare
    const conversation = newConversation(PHONE);
    // Act
    const outcome = converse(inbound('STOP'), conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('opted-out');
    expect(bodies(outcome)).toEqual([STOP_REPLY]);
    expect(outcome.consentEvents.map((e) => e.action)).toEqual(['opt-out']);
  });
});

describe('converse: opting back in', () => {
  test.each(['START', 'unstop', 'YES', 'KRUSTY'])(
    '%j after STOP re-subscribes with a welcome-back confirmation (what is queued ahead of it waits for it) and no second welcome offer',
    (body) => {
      // Prepare: joined, answered the ZIP, then stopped.
      const { conversation } = textIn([
        ['KRUSTY', '2025-06-02T15:00:00.000Z'],
        ['62701', '2025-06-02T15:01:00.000Z'],
        ['STOP', '2025-06-03T10:00:00.000Z'],
      ]);
      // Act
      const text = inbound(body, '2025-06-04T10:00:00.000Z');
      const outcome = converse(text, conversation, catalog);
      // Assess
      expect(outcome.kind).toBe('opted-in');
      expect(outcome.replies).toEqual([
        { to: PHONE, from: SHORT_CODE, body: WELCOME_BACK, purpose: 'opt-in-confirmation', programId: PROGRAM_ID },
        { to: PHONE, from: SHORT_CODE, body: expect.stringContaining(MEAL_CHOICES), purpose: 'profile-question', programId: PROGRAM_ID },
      ]);
      expect(bodies(outcome).join(' ')).not.toContain(WELCOME_OFFER);
      expect(outcome.consentEvents).toEqual([expect.objectContaining({ action: 'opt-in', rawText: body, keyword: 'KRUSTY' })]);
      expect(outcome.subscriptions[0]).toMatchObject({
        status: 'subscribed',
        subscribedAt: '2025-06-04T10:00:00.000Z',
        welcomeOfferSentAt: '2025-06-02T15:00:00.000Z',
        profile: { zip: '62701', state: 'IL', timeZone: 'America/Chicago' },
        pendingQuestion: { field: 'meal', attempts: 0, askedAt: '2025-06-04T10:00:00.000Z' },
        rejoined: { at: '2025-06-04T10:00:00.000Z', confirmationId: `${text.messageSid}-0` },
      });
    },
  );

  test('YES from a number that never opted out is not an opt-in: it is told how to join', () => {
    // Prepare
    const conversation = newConversation(PHONE);
    // Act
    const outcome = converse(inbound('YES'), conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('fallback');
    expect(outcome.consentEvents).toEqual([]);
    expect(outcome.subscriptions).toEqual([]);
    expect(outcome.replies).toHaveLength(1);
    expect(outcome.replies[0]!.body).toContain('Text KRUSTY to join');
    expect(outcome.replies[0]!.body).not.toContain(WELCOME_OFFER);
  });
});

describe('converse: fallback replies', () => {
  // Joined and answered the ZIP: nothing pending, so chatter gets the fallback.
  const subscriber = () => textIn([['KRUSTY', '2025-06-02T09:00:00.000Z'], ['62701', '2025-06-02T09:01:00.000Z']]).conversation;

  test('"hello" from a subscriber gets the fallback once and records the day', () => {
    // Prepare
    const conversation = subscriber();
    // Act
    const outcome = converse(inbound('hello', '2025-06-02T15:00:00.000Z'), conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('fallback');
    expect(outcome.replies).toEqual([
      { to: PHONE, from: SHORT_CODE, body: expect.stringContaining('Krusty Burger Rewards'), purpose: 'reply', programId: PROGRAM_ID },
    ]);
    expect(outcome.replies[0]!.body).toMatch(/\bHELP\b/);
    expect(outcome.replies[0]!.body).toMatch(/\bSTOP\b/);
    expect(outcome.replies[0]!.body).not.toContain('Text KRUSTY to join');
    expect(outcome.phone).toEqual({ phone: PHONE, lastFallbackOn: '2025-06-02', version: 0 });
    expect(outcome.subscriptions).toEqual([]);
    expect(outcome.consentEvents).toEqual([]);
  });

  test.each([
    ['later the same UTC day', '2025-06-02T23:59:59.000Z', 0],
    ['the next UTC day', '2025-06-03T00:00:01.000Z', 1],
    ['a week later', '2025-06-09T12:00:00.000Z', 1],
  ])('a second "hello" %s gets %i fallback replies', (_when, at, expectedReplies) => {
    // Prepare
    const { conversation, outcome: first } = textIn([['hello', '2025-06-02T15:00:00.000Z']], subscriber());
    // Act
    const outcome = converse(inbound('hello', at), conversation, catalog);
    // Assess
    expect(outcome.replies).toHaveLength(expectedReplies);
    expect(outcome.kind).toBe(expectedReplies === 0 ? 'ignored' : 'fallback');
    expect(bodies(outcome)).toEqual(bodies(first).slice(0, expectedReplies));
  });
});

describe('converse: an unknown short code', () => {
  test.each(['KRUSTY', 'HELP', 'STOP', 'START', 'hello', '62701'])('%j sent to 99999 gets no reply and changes nothing', (body) => {
    // Prepare
    const { conversation } = textIn(['KRUSTY']);
    // Act
    const outcome = converse(inbound(body, '2025-06-02T16:00:00.000Z', '99999'), conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('ignored');
    expect(outcome.replies).toEqual([]);
    expect(outcome.consentEvents).toEqual([]);
    expect(outcome.subscriptions).toEqual([]);
  });
});

describe('converse: two programs on one short code', () => {
  const twoPrograms = validateCatalog([
    ...demoItems,
    {
      pk: 'PROGRAM#squishee',
      sk: 'PROGRAM',
      name: 'Squishee Club',
      shortCode: SHORT_CODE,
      keyword: 'SQUISHEE',
      aliases: [],
      helpContact: 'help@squishee.example',
      frequency: 'Up to 2 msgs/mo',
    },
  ]).catalog;
  const inBoth = () => textIn(['KRUSTY', 'SKIP', 'SQUISHEE'], newConversation(PHONE), twoPrograms).conversation;

  test('"STOP KRUSTY" opts out of the demo program only', () => {
    // Prepare
    const conversation = inBoth();
    // Act
    const outcome = converse(inbound('STOP KRUSTY'), conversation, twoPrograms);
    // Assess
    expect(outcome.kind).toBe('opted-out');
    expect(bodies(outcome)).toEqual([STOP_REPLY]);
    expect(outcome.consentEvents.map((e) => [e.programId, e.action])).toEqual([[PROGRAM_ID, 'opt-out']]);
    const after = applyOutcome(conversation, outcome);
    expect(subscription(after, PROGRAM_ID)!.status).toBe('opted-out');
    expect(subscription(after, 'squishee')!.status).toBe('subscribed');
  });

  test('STOP opts out of both with one confirmation naming both', () => {
    // Prepare
    const conversation = inBoth();
    // Act
    const outcome = converse(inbound('STOP'), conversation, twoPrograms);
    // Assess
    expect(outcome.kind).toBe('opted-out');
    expect(bodies(outcome)).toEqual([
      'You are unsubscribed from Krusty Burger Rewards and Squishee Club and will receive no more messages. Reply START to resubscribe.',
    ]);
    expect(outcome.consentEvents.map((e) => e.programId).sort()).toEqual([PROGRAM_ID, 'squishee']);
    expect(outcome.subscriptions.every((s) => s.status === 'opted-out')).toBe(true);
  });
});

describe('converse: programs on different short codes', () => {
  const twoCodes = validateCatalog([
    ...demoItems,
    {
      pk: 'PROGRAM#squishee',
      sk: 'PROGRAM',
      name: 'Squishee Club',
      shortCode: '66166',
      keyword: 'SQUISHEE',
      helpContact: 'help@squishee.example',
      frequency: 'Up to 2 msgs/mo',
    },
  ]).catalog;

  test('YES to 55155 after opting out only on 66166 does not join the demo program', () => {
    // Prepare: joined and left Squishee Club on 66166; never joined anything on 55155.
    const { conversation } = textIn(
      [
        ['SQUISHEE', '2025-06-01T10:00:00.000Z', '66166'],
        ['STOP', '2025-06-01T11:00:00.000Z', '66166'],
      ],
      newConversation(PHONE),
      twoCodes,
    );
    // Act
    const outcome = converse(inbound('YES', '2025-06-02T10:00:00.000Z', SHORT_CODE), conversation, twoCodes);
    // Assess: there is no opt-out on 55155 to undo, so YES is no consent to join Krusty Burger Rewards.
    expect(subscription(conversation, 'squishee')!.status).toBe('opted-out');
    expect(outcome.kind).not.toBe('opted-in');
    expect(outcome.consentEvents).toEqual([]);
    expect(outcome.subscriptions.filter((s) => s.status === 'subscribed')).toEqual([]);
  });
});

describe('converse: STOP when the program item is broken in the catalog', () => {
  test('a live subscription whose program is missing from the catalog still ends, with one confirmation', () => {
    // Prepare
    const { conversation } = textIn(['KRUSTY']);
    const catalogWithoutProgram: Catalog = { programs: [] };

    // Act
    const outcome = converse(inbound('STOP'), conversation, catalogWithoutProgram);

    // Assess
    expect(outcome.kind).toBe('opted-out');
    expect(outcome.replies).toHaveLength(1);
    expect(outcome.replies[0]!.purpose).toBe('opt-out-confirmation');
    expect(outcome.subscriptions).toEqual([expect.objectContaining({ programId: PROGRAM_ID, status: 'opted-out' })]);
    expect(outcome.consentEvents).toEqual([expect.objectContaining({ programId: PROGRAM_ID, action: 'opt-out', rawText: 'STOP' })]);
  });
});
