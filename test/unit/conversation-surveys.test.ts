import type { Conversation, Subscription } from '../../functions/domain/audience';
import { validateCatalog, type Catalog } from '../../functions/domain/catalog';
import { converse, type Outcome } from '../../functions/domain/conversation';
import { applyOutcome } from '../support/conversation-fixtures';

const demoItems: Record<string, unknown>[] = require('../../catalog/demo.json');
const catalog: Catalog = validateCatalog(demoItems).catalog;

const PHONE = '+15551234567';
const SHORT_CODE = '55155';
const PROGRAM_ID = 'krusty-burger';
const REFERRAL_CODE = '7K2Q9X';

const REVIEW_URL = 'https://g.page/r/krusty-burger-springfield/review';
const SHARE_TEXT = `I get lunch deals from Krusty Burger: text KRUSTY ${REFERRAL_CODE} to 55155 to join.`;
// The closing "." is encoded as well, so the URL never ends in what reads as a full stop.
const SHARE_URL = `https://x.com/intent/post?text=${encodeURIComponent(SHARE_TEXT.slice(0, -1))}%2E`;
const REVIEW_REQUEST = `Thanks, that made our day! Review us: ${REVIEW_URL} Friends can text KRUSTY ${REFERRAL_CODE} to 55155 to join. Share: ${SHARE_URL}`;
const FEEDBACK_REQUEST = 'Sorry we missed the mark. What could we do better? Just reply to this text.';
const FEEDBACK_THANKS = "Thank you, we've shared this with the Krusty Burger team.";
const FALLBACK = "Krusty Burger Rewards: sorry, we didn't get that. Reply HELP for help, STOP to opt out.";
const STOP_REPLY = 'You are unsubscribed from Krusty Burger Rewards and will receive no more messages. Reply START to resubscribe.';
const THANKS = 'Thanks, got it!';

const PROFILE = { zip: '62701', state: 'IL', timeZone: 'America/Chicago' };
/** The survey went out two hours after a purchase; the answers below come an hour later. */
const SURVEY_ASKED_AT = '2026-11-24T20:00:00.000Z';
const ANSWERED_AT = '2026-11-24T21:00:00.000Z';

let sidCounter = 0;

function inbound(body: string, receivedAt = ANSWERED_AT, to = SHORT_CODE) {
  sidCounter += 1;
  return { messageSid: `SM${String(sidCounter).padStart(32, '0')}`, from: PHONE, to, body, receivedAt };
}

/** A subscriber who answered the ZIP question and has a referral code; `changes` adds what is pending. */
function subscriberWith(changes: Partial<Subscription> = {}): Subscription {
  return {
    phone: PHONE,
    programId: PROGRAM_ID,
    status: 'subscribed',
    subscribedAt: '2026-11-01T15:00:00.000Z',
    welcomeOfferSentAt: '2026-11-01T15:00:00.000Z',
    profile: PROFILE,
    skipped: [],
    marketingSinceQuestion: 0,
    referralCode: REFERRAL_CODE,
    version: 4,
    ...changes,
  };
}

function conversationOf(subscription: Subscription): Conversation {
  return { phone: { phone: PHONE, version: 2 }, subscriptions: [subscription] };
}

const surveyPending = (askedAt = SURVEY_ASKED_AT) => subscriberWith({ pendingSurvey: { orderId: 'o1', askedAt } });


const bodies = (outcome: Outcome) => outcome.replies.map((r) => r.body);
const reply = (body: string) => ({ to: PHONE, from: SHORT_CODE, body, purpose: 'reply', programId: PROGRAM_ID });

describe('converse: a happy survey answer (4-5)', () => {
  test('"5" is answered with the review request, the survey is cleared and SurveyAnswered is published', () => {
    // Prepare
    const conversation = conversationOf(surveyPending());
    const text = inbound('5');
    // Act
    const outcome = converse(text, conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('answered');
    expect(outcome.replies).toEqual([{ ...reply(REVIEW_REQUEST), source: { kind: 'review-request' } }]);
    expect(outcome.events).toEqual([
      {
        type: 'SurveyAnswered',
        id: `${text.messageSid}:SurveyAnswered:${PROGRAM_ID}`,
        at: ANSWERED_AT,
        detail: { phone: PHONE, programId: PROGRAM_ID, orderId: 'o1', rating: 5 },
      },
    ]);
    expect(outcome.subscriptions).toEqual([subscriberWith()]);
    expect(outcome.subscriptions[0]!.pendingSurvey).toBeUndefined();
    expect(outcome.subscriptions[0]!.pendingFeedback).toBeUndefined();
    expect(outcome.consentEvents).toEqual([]);
    expect(outcome.referralCodes).toBeUndefined();
    expect(outcome.phone).toBeUndefined();
  });

  test('the share link is an x.com intent whose decoded text carries the subscriber’s referral code', () => {
    // Prepare
    const conversation = conversationOf(surveyPending());
    // Act
    const outcome = converse(inbound('5'), conversation, catalog);
    // Assess
    const link = /https:\/\/x\.com\/intent\/post\?text=\S+/.exec(outcome.replies[0]!.body)?.[0];
    expect(link).toBe(SHARE_URL);
    const url = new URL(link!);
    expect(url.origin + url.pathname).toBe('https://x.com/intent/post');
    expect(url.searchParams.get('text')).toBe(SHARE_TEXT);
    expect(decodeURIComponent(link!.slice('https://x.com/intent/post?text='.length))).toContain(`KRUSTY ${REFERRAL_CODE} to 55155`);
    expect(outcome.replies[0]!.body).toContain(REVIEW_URL);
  });

  test.each([
    ['4', 4],
    [' 5 ', 5],
    ['5!', 5],
    ['4.', 4],
  ])('%j is a happy rating of %i', (body, rating) => {
    // Prepare
    const conversation = conversationOf(surveyPending());
    // Act
    const outcome = converse(inbound(body), conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('answered');
    expect(bodies(outcome)).toEqual([REVIEW_REQUEST]);
    expect(outcome.events.map((e) => e.detail)).toEqual([{ phone: PHONE, programId: PROGRAM_ID, orderId: 'o1', rating }]);
    expect(outcome.subscriptions).toEqual([subscriberWith()]);
  });

  test('the first happy answer of a subscriber without a code gives them one, in the share text and on the subscription', () => {
    // Prepare
    const conversation = conversationOf(subscriberWith({ referralCode: undefined, pendingSurvey: { orderId: 'o1', askedAt: SURVEY_ASKED_AT } }));
    // Act
    const outcome = converse(inbound('5'), conversation, catalog, { newReferralCode: 'ABCDEF' });
    // Assess
    const text = 'I get lunch deals from Krusty Burger: text KRUSTY ABCDEF to 55155 to join.';
    expect(bodies(outcome)).toEqual([`Thanks, that made our day! Review us: ${REVIEW_URL} Friends can text KRUSTY ABCDEF to 55155 to join. Share: https://x.com/intent/post?text=${encodeURIComponent(text.slice(0, -1))}%2E`]);
    expect(outcome.referralCodes).toEqual([{ code: 'ABCDEF', phone: PHONE, programId: PROGRAM_ID }]);
    expect(outcome.subscriptions[0]!.referralCode).toBe('ABCDEF');
  });

  test.each([
    ['a subscriber who has a code keeps it: "5" gives no other', '5', REFERRAL_CODE],
    ['an unhappy answer shows no code, so none is given out', '2', undefined],
  ])('%s', (_case, body, code) => {
    // Prepare
    const conversation = conversationOf(subscriberWith({ referralCode: code, pendingSurvey: { orderId: 'o1', askedAt: SURVEY_ASKED_AT } }));
    // Act
    const outcome = converse(inbound(body), conversation, catalog, { newReferralCode: 'ABCDEF' });
    // Assess
    expect(outcome.referralCodes).toBeUndefined();
    expect(outcome.subscriptions[0]!.referralCode).toBe(code);
  });

  test('a subscriber without a referral code gets a share text without one', () => {
    // Prepare
    const conversation = conversationOf(subscriberWith({ referralCode: undefined, pendingSurvey: { orderId: 'o1', askedAt: SURVEY_ASKED_AT } }));
    // Act
    const outcome = converse(inbound('5'), conversation, catalog);
    // Assess
    const text = 'I get lunch deals from Krusty Burger: text KRUSTY to 55155 to join.';
    expect(bodies(outcome)).toEqual([`Thanks, that made our day! Review us: ${REVIEW_URL} Friends can text KRUSTY to 55155 to join. Share: https://x.com/intent/post?text=${encodeURIComponent(text.slice(0, -1))}%2E`]);
  });
});

describe('converse: an unhappy survey answer (1-3) and the feedback that follows', () => {
  test('"2" asks for feedback and waits for it', () => {
    // Prepare
    const conversation = conversationOf(surveyPending());
    const text = inbound('2');
    // Act
    const outcome = converse(text, conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('answered');
    expect(outcome.replies).toEqual([reply(FEEDBACK_REQUEST)]);
    expect(outcome.events).toEqual([
      {
        type: 'SurveyAnswered',
        id: `${text.messageSid}:SurveyAnswered:${PROGRAM_ID}`,
        at: ANSWERED_AT,
        detail: { phone: PHONE, programId: PROGRAM_ID, orderId: 'o1', rating: 2 },
      },
    ]);
    expect(outcome.subscriptions).toEqual([subscriberWith({ pendingFeedback: { orderId: 'o1', rating: 2, askedAt: ANSWERED_AT } })]);
    expect(outcome.subscriptions[0]!.pendingSurvey).toBeUndefined();
  });

  test.each([
    ['1', 1],
    ['3', 3],
  ])('%j asks for feedback too', (body, rating) => {
    // Prepare
    const conversation = conversationOf(surveyPending());
    // Act
    const outcome = converse(inbound(body), conversation, catalog);
    // Assess
    expect(bodies(outcome)).toEqual([FEEDBACK_REQUEST]);
    expect(outcome.subscriptions[0]!.pendingFeedback).toEqual({ orderId: 'o1', rating, askedAt: ANSWERED_AT });
  });

  test('then free text is thanked and published as the survey’s feedback', () => {
    // Prepare
    const afterRating = applyOutcome(conversationOf(surveyPending()), converse(inbound('2'), conversationOf(surveyPending()), catalog));
    const text = inbound('  The fries were cold and the shake was warm.  ', '2026-11-24T21:05:00.000Z');
    // Act
    const outcome = converse(text, afterRating, catalog);
    // Assess
    expect(outcome.kind).toBe('answered');
    expect(outcome.replies).toEqual([reply(FEEDBACK_THANKS)]);
    expect(outcome.events).toEqual([
      {
        type: 'SurveyAnswered',
        id: `${text.messageSid}:SurveyAnswered:${PROGRAM_ID}`,
        at: '2026-11-24T21:05:00.000Z',
        detail: { phone: PHONE, programId: PROGRAM_ID, orderId: 'o1', rating: 2, feedback: 'The fries were cold and the shake was warm.' },
      },
    ]);
    expect(outcome.subscriptions).toEqual([subscriberWith({ version: 5 })]);
    expect(outcome.subscriptions[0]!.pendingFeedback).toBeUndefined();
  });

  test('a third text after the feedback is just chatter: the fallback', () => {
    // Prepare
    let conversation = conversationOf(surveyPending());
    for (const [body, at] of [['2', ANSWERED_AT], ['The fries were cold', '2026-11-24T21:05:00.000Z']] as const) {
      conversation = applyOutcome(conversation, converse(inbound(body, at), conversation, catalog));
    }
    // Act
    const outcome = converse(inbound('and the shake too', '2026-11-24T21:06:00.000Z'), conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('fallback');
    expect(bodies(outcome)).toEqual([FALLBACK]);
    expect(outcome.events).toEqual([]);
  });

  test('feedback longer than 1000 characters is cut to 1000', () => {
    // Prepare
    const conversation = conversationOf(subscriberWith({ pendingFeedback: { orderId: 'o1', rating: 1, askedAt: ANSWERED_AT } }));
    // Act
    const outcome = converse(inbound('x'.repeat(1500), '2026-11-24T21:05:00.000Z'), conversation, catalog);
    // Assess
    expect(outcome.events[0]!.detail.feedback).toBe('x'.repeat(1000));
  });

  test('feedback asked more than 48 h ago is no longer waited for: the text gets the fallback', () => {
    // Prepare
    const conversation = conversationOf(subscriberWith({ pendingFeedback: { orderId: 'o1', rating: 2, askedAt: '2026-11-22T20:59:59.999Z' } }));
    // Act
    const outcome = converse(inbound('The fries were cold'), conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('fallback');
    expect(bodies(outcome)).toEqual([FALLBACK]);
    expect(outcome.events).toEqual([]);
    expect(outcome.subscriptions).toEqual([]);
  });
});

describe('converse: how long a survey waits', () => {
  test('a survey asked exactly 48 h ago is still answered', () => {
    // Prepare
    const conversation = conversationOf(surveyPending('2026-11-22T21:00:00.000Z'));
    // Act
    const outcome = converse(inbound('5'), conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('answered');
    expect(bodies(outcome)).toEqual([REVIEW_REQUEST]);
  });

  test('a survey asked 48 h and 1 ms ago is not: "5" gets the fallback and the survey is left alone', () => {
    // Prepare
    const conversation = conversationOf(surveyPending('2026-11-22T20:59:59.999Z'));
    // Act
    const outcome = converse(inbound('5'), conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('fallback');
    expect(outcome.replies).toEqual([reply(FALLBACK)]);
    expect(outcome.events).toEqual([]);
    expect(outcome.subscriptions).toEqual([]);
    expect(outcome.phone).toEqual({ phone: PHONE, lastFallbackOn: '2026-11-24', version: 2 });
  });

  test('a stale survey with a pending meal question: "3" answers the question', () => {
    // Prepare
    const conversation = conversationOf(
      subscriberWith({
        pendingSurvey: { orderId: 'o1', askedAt: '2026-11-20T20:00:00.000Z' },
        pendingQuestion: { field: 'meal', attempts: 0, askedAt: '2026-11-10T20:00:00.000Z' },
      }),
    );
    // Act
    const outcome = converse(inbound('3'), conversation, catalog);
    // Assess
    expect(bodies(outcome)).toEqual([THANKS]);
    expect(outcome.subscriptions[0]!.profile).toEqual({ ...PROFILE, meal: 'Salad' });
    expect(outcome.events.map((e) => e.type)).toEqual(['ProfileAnswered']);
  });

  test.each(['hello', '6', '0', '45', 'five'])('%j is no rating: the fallback, the survey still waits', (body) => {
    // Prepare
    const conversation = conversationOf(surveyPending());
    // Act
    const outcome = converse(inbound(body), conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('fallback');
    expect(bodies(outcome)).toEqual([FALLBACK]);
    expect(outcome.events).toEqual([]);
    expect(outcome.subscriptions).toEqual([]);
  });
});

describe('converse: a survey and a profile question both waiting', () => {
  test('the meal question asked after the survey: "3" answers the question (Salad), the survey still waits', () => {
    // Prepare
    const subscription = subscriberWith({
      pendingSurvey: { orderId: 'o1', askedAt: SURVEY_ASKED_AT },
      pendingQuestion: { field: 'meal', attempts: 0, askedAt: '2026-11-24T20:30:00.000Z' },
    });
    const text = inbound('3');
    // Act
    const outcome = converse(text, conversationOf(subscription), catalog);
    // Assess
    expect(outcome.kind).toBe('answered');
    expect(outcome.replies).toEqual([reply(THANKS)]);
    expect(outcome.subscriptions).toEqual([
      subscriberWith({ profile: { ...PROFILE, meal: 'Salad' }, pendingSurvey: { orderId: 'o1', askedAt: SURVEY_ASKED_AT } }),
    ]);
    expect(outcome.subscriptions[0]!.pendingQuestion).toBeUndefined();
    expect(outcome.events).toEqual([
      {
        type: 'ProfileAnswered',
        id: `${text.messageSid}:ProfileAnswered:${PROGRAM_ID}`,
        at: ANSWERED_AT,
        detail: { phone: PHONE, programId: PROGRAM_ID, field: 'meal', profile: { ...PROFILE, meal: 'Salad' } },
      },
    ]);
  });

  test('the meal question asked before the survey: "3" answers the survey, the question still waits', () => {
    // Prepare
    const question = { field: 'meal' as const, attempts: 0, askedAt: '2026-11-24T19:30:00.000Z' };
    const subscription = subscriberWith({ pendingSurvey: { orderId: 'o1', askedAt: SURVEY_ASKED_AT }, pendingQuestion: question });
    // Act
    const outcome = converse(inbound('3'), conversationOf(subscription), catalog);
    // Assess
    expect(outcome.kind).toBe('answered');
    expect(outcome.replies).toEqual([reply(FEEDBACK_REQUEST)]);
    expect(outcome.subscriptions).toEqual([
      subscriberWith({ pendingQuestion: question, pendingFeedback: { orderId: 'o1', rating: 3, askedAt: ANSWERED_AT } }),
    ]);
    expect(outcome.subscriptions[0]!.profile.meal).toBeUndefined();
    expect(outcome.events.map((e) => [e.type, e.detail.rating])).toEqual([['SurveyAnswered', 3]]);
  });

  test('the meal question asked before the survey: "Salad" is no rating, so it answers the question', () => {
    // Prepare
    const subscription = subscriberWith({
      pendingSurvey: { orderId: 'o1', askedAt: SURVEY_ASKED_AT },
      pendingQuestion: { field: 'meal', attempts: 0, askedAt: '2026-11-24T19:30:00.000Z' },
    });
    // Act
    const outcome = converse(inbound('Salad'), conversationOf(subscription), catalog);
    // Assess
    expect(bodies(outcome)).toEqual([THANKS]);
    expect(outcome.subscriptions[0]!.profile.meal).toBe('Salad');
    expect(outcome.subscriptions[0]!.pendingSurvey).toEqual({ orderId: 'o1', askedAt: SURVEY_ASKED_AT });
  });
});

describe('converse: compliance words while a survey waits', () => {
  test('"STOP" opts out instead of answering the survey', () => {
    // Prepare
    const conversation = conversationOf(surveyPending());
    const text = inbound('STOP');
    // Act
    const outcome = converse(text, conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('opted-out');
    expect(outcome.replies).toEqual([{ to: PHONE, from: SHORT_CODE, body: STOP_REPLY, purpose: 'opt-out-confirmation' }]);
    expect(outcome.events.map((e) => e.type)).toEqual(['SubscriberOptedOut']);
    expect(outcome.consentEvents).toEqual([
      {
        phone: PHONE,
        programId: PROGRAM_ID,
        action: 'opt-out',
        at: ANSWERED_AT,
        source: 'sms',
        shortCode: SHORT_CODE,
        rawText: 'STOP',
        keyword: 'KRUSTY',
        messageSid: text.messageSid,
      },
    ]);
    expect(outcome.subscriptions).toHaveLength(1);
    expect(outcome.subscriptions[0]).toMatchObject({ status: 'opted-out', optedOutAt: ANSWERED_AT });
  });

  test('"STOP" opts out instead of being taken as feedback', () => {
    // Prepare
    const conversation = conversationOf(subscriberWith({ pendingFeedback: { orderId: 'o1', rating: 2, askedAt: ANSWERED_AT } }));
    // Act
    const outcome = converse(inbound('STOP', '2026-11-24T21:05:00.000Z'), conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('opted-out');
    expect(bodies(outcome)).toEqual([STOP_REPLY]);
    expect(outcome.events.map((e) => e.type)).toEqual(['SubscriberOptedOut']);
  });

  test('"5" after STOP is ignored: an opted-out subscriber’s survey no longer waits', () => {
    // Prepare
    const conversation = conversationOf(surveyPending());
    const stopped = applyOutcome(conversation, converse(inbound('STOP'), conversation, catalog));
    // Act
    const outcome = converse(inbound('5', '2026-11-24T21:01:00.000Z'), stopped, catalog);
    // Assess
    expect(outcome.kind).toBe('ignored');
    expect(outcome.replies).toEqual([]);
    expect(outcome.events).toEqual([]);
    expect(outcome.subscriptions).toEqual([]);
  });

  test('"HELP" gets the help reply and the survey still waits for the "5" after it', () => {
    // Prepare
    const conversation = conversationOf(surveyPending());
    // Act
    const help = converse(inbound('HELP'), conversation, catalog);
    const rating = converse(inbound('5', '2026-11-24T21:01:00.000Z'), applyOutcome(conversation, help), catalog);
    // Assess
    expect(help.kind).toBe('help');
    expect(help.subscriptions).toEqual([]);
    expect(rating.kind).toBe('answered');
    expect(bodies(rating)).toEqual([REVIEW_REQUEST]);
  });
});

describe('converse: ratings as people type them', () => {
  test.each([
    ['5 stars', 5],
    ['4/5', 4],
    ['3 out of 5', 3],
    ['1!', 1],
  ])('"%s" answers the survey with %i', (text, rating) => {
    // Prepare
    const conversation = conversationOf(surveyPending());
    // Act
    const outcome = converse(inbound(text), conversation, catalog);
    // Assess
    expect(outcome.events).toEqual([expect.objectContaining({ type: 'SurveyAnswered', detail: expect.objectContaining({ rating }) })]);
  });
});
