import { newConversation, type Conversation, type Subscription } from '../../functions/domain/audience';
import { validateCatalog, type Catalog } from '../../functions/domain/catalog';
import { converse, type ConverseContext, type Outcome } from '../../functions/domain/conversation';
import { referralCodeIn } from '../../functions/domain/reward-referral';
import { applyOutcome } from '../support/conversation-fixtures';

const demoItems: Record<string, unknown>[] = require('../../catalog/demo.json');
const catalog: Catalog = validateCatalog(demoItems).catalog;

const PHONE = '+15551234567';
const REFERRER_PHONE = '+15550000001';
const SHORT_CODE = '55155';
const PROGRAM_ID = 'krusty-burger';
const JOINED_AT = '2026-11-24T15:00:00.000Z';

const OPT_IN_CONFIRMATION =
  'Welcome to Krusty Burger Rewards! Enjoy 20% off your next purchase: just show this text at the counter. ' +
  'Up to 4 msgs/wk. Msg&data rates may apply. Reply HELP for help, STOP to cancel.';
const WELCOME_BACK =
  "Krusty Burger Rewards: Welcome back! You're subscribed again. Up to 4 msgs/wk. Msg&data rates may apply. Reply HELP for help, STOP to cancel.";
const ZIP_QUESTION = "What's your 5-digit ZIP code? We'll send lunch deals at the right time for you. Reply SKIP to skip.";
const ALREADY_SUBSCRIBED =
  "Krusty Burger Rewards: you're already signed up, no need to text KRUSTY again. Reply HELP for help, STOP to cancel.";

/** What handle-inbound builds for "KRUSTY XYZ234" when XYZ234 belongs to REFERRER_PHONE. */
const CONTEXT: ConverseContext = {
  newReferralCode: 'ABCDEF',
  referrer: { phone: REFERRER_PHONE, programId: PROGRAM_ID, code: 'XYZ234' },
};

let sidCounter = 0;

function inbound(body: string, from = PHONE, receivedAt = JOINED_AT, to = SHORT_CODE) {
  sidCounter += 1;
  return { messageSid: `SM${String(sidCounter).padStart(32, '0')}`, from, to, body, receivedAt };
}


function member(phone: string, changes: Partial<Subscription> = {}): Subscription {
  return {
    phone,
    programId: PROGRAM_ID,
    status: 'subscribed',
    subscribedAt: '2026-10-01T15:00:00.000Z',
    welcomeOfferSentAt: '2026-10-01T15:00:00.000Z',
    profile: { zip: '62701', state: 'IL', timeZone: 'America/Chicago' },
    skipped: [],
    marketingSinceQuestion: 0,
    version: 3,
    ...changes,
  };
}

const conversationOf = (phone: string, subscriptions: Subscription[]): Conversation => ({ phone: { phone, version: 1 }, subscriptions });

describe('referralCodeIn', () => {
  test.each([
    ['KRUSTY 7K2Q9X', '7K2Q9X'],
    ['krusty 7k2q9x', '7K2Q9X'],
    ['  Krusty   7K2Q9X!  ', '7K2Q9X'],
    ['KRUSTY "7K2Q9X".', '7K2Q9X'],
    ['KRUSTYBURGER 7K2Q9X', '7K2Q9X'],
    ['KRUSTY 7K2Q', '7K2Q'],
    ['KRUSTY ABCDEFGHJKLM', 'ABCDEFGHJKLM'],
  ])('%j carries %j', (text, code) => {
    // Prepare
    const body = text;
    // Act
    const found = referralCodeIn(body);
    // Assess
    expect(found).toBe(code);
  });

  test.each([
    ['the keyword alone', 'KRUSTY'],
    ['the keyword with spaces around it', '  KRUSTY  '],
    ['an empty text', ''],
    ['a coupon code (prefix and dash)', 'KRUSTY KB-7K2Q9X'],
    ['a coupon code with an en dash', 'KRUSTY KB–7K2Q9X'],
    ['a code with a 0 (never issued)', 'KRUSTY 7K2Q90'],
    ['a code with an O (never issued)', 'KRUSTY 7K2QOX'],
    ['a code with a 1 (never issued)', 'KRUSTY 7K2Q1X'],
    ['a code with an I (never issued)', 'KRUSTY 7K2QIX'],
    ['three characters, too short', 'KRUSTY 7K2'],
    ['thirteen characters, too long', 'KRUSTY ABCDEFGHJKLMN'],
    ['a short word', 'KRUSTY hi'],
  ])('%s carries no code', (_case, text) => {
    // Prepare
    const body = text;
    // Act
    const found = referralCodeIn(body);
    // Assess
    expect(found).toBeUndefined();
  });

  test('"KRUSTY hello there" carries no code: only the word right after the keyword counts, and HELLO has an O', () => {
    // Prepare
    const body = 'KRUSTY hello there';
    // Act
    const found = referralCodeIn(body);
    // Assess
    expect(found).toBeUndefined();
  });

  test('"KRUSTY KB 7K2Q9X" (a coupon code typed with a space) is not taken for a referral code', () => {
    // Prepare
    const body = 'KRUSTY KB 7K2Q9X';
    // Act
    const found = referralCodeIn(body);
    // Assess
    expect(found).toBeUndefined();
  });

  test('"KRUSTY 7K2Q9X please" carries the code 7K2Q9X that follows the keyword', () => {
    // Prepare: a polite word after the code; the doc says the code is what comes after the keyword.
    const body = 'KRUSTY 7K2Q9X please';
    // Act
    const found = referralCodeIn(body);
    // Assess
    expect(found).toBe('7K2Q9X');
  });
});

describe('converse: joining with a referral code', () => {
  test('a new number texting "KRUSTY XYZ234" joins and completes the referral; its own code waits until it is first shown', () => {
    // Prepare
    const conversation = newConversation(PHONE);
    const text = inbound('KRUSTY XYZ234');
    // Act
    const outcome = converse(text, conversation, catalog, CONTEXT);
    // Assess
    expect(outcome.kind).toBe('opted-in');
    expect(outcome.referral).toEqual({ referrerPhone: REFERRER_PHONE, friendPhone: PHONE, programId: PROGRAM_ID, code: 'XYZ234' });
    expect(outcome.referralCodes).toBeUndefined();
    expect(outcome.subscriptions).toEqual([
      {
        phone: PHONE,
        programId: PROGRAM_ID,
        status: 'subscribed',
        subscribedAt: JOINED_AT,
        welcomeOfferSentAt: JOINED_AT,
        profile: {},
        skipped: [],
        pendingQuestion: { field: 'zip', attempts: 0, askedAt: JOINED_AT },
        marketingSinceQuestion: 0,
        joinedWith: { keyword: 'KRUSTY' },
        version: 0,
      },
    ]);
    expect(outcome.replies.map((r) => [r.body, r.purpose])).toEqual([
      [OPT_IN_CONFIRMATION, 'opt-in-confirmation'],
      [ZIP_QUESTION, 'profile-question'],
    ]);
    expect(outcome.events.map((e) => e.type)).toEqual(['KeywordReceived', 'SubscriberOptedIn']);
    expect(outcome.consentEvents).toEqual([
      {
        phone: PHONE,
        programId: PROGRAM_ID,
        action: 'opt-in',
        at: JOINED_AT,
        source: 'sms',
        shortCode: SHORT_CODE,
        rawText: 'KRUSTY XYZ234',
        keyword: 'KRUSTY',
        messageSid: text.messageSid,
      },
    ]);
  });

  test('a new number texting plain "KRUSTY" joins with no code yet (no code item to write) and completes no referral', () => {
    // Prepare
    const conversation = newConversation(PHONE);
    // Act
    const outcome = converse(inbound('KRUSTY'), conversation, catalog, { newReferralCode: 'ABCDEF' });
    // Assess
    expect(outcome.kind).toBe('opted-in');
    expect(outcome.referral).toBeUndefined();
    expect(outcome.referralCodes).toBeUndefined();
    expect(outcome.subscriptions[0]!.referralCode).toBeUndefined();
  });

  test('without any context nobody gets a code and there is no referral', () => {
    // Prepare
    const conversation = newConversation(PHONE);
    // Act
    const outcome = converse(inbound('KRUSTY XYZ234'), conversation, catalog);
    // Assess
    expect(outcome.kind).toBe('opted-in');
    expect(outcome.referral).toBeUndefined();
    expect(outcome.referralCodes).toBeUndefined();
    expect(outcome.subscriptions[0]!.referralCode).toBeUndefined();
  });

  test('the referrer texting their own code from their own phone (no subscription loaded) completes no referral', () => {
    // Prepare
    const conversation = newConversation(REFERRER_PHONE);
    // Act
    const outcome = converse(inbound('KRUSTY XYZ234', REFERRER_PHONE), conversation, catalog, CONTEXT);
    // Assess
    expect(outcome.kind).toBe('opted-in');
    expect(outcome.referral).toBeUndefined();
    expect(outcome.referralCodes).toBeUndefined();
  });

  test('the referrer who opted out rejoining with their own code keeps that code and completes no referral', () => {
    // Prepare
    const conversation = conversationOf(REFERRER_PHONE, [
      member(REFERRER_PHONE, { status: 'opted-out', optedOutAt: '2026-11-01T15:00:00.000Z', referralCode: 'XYZ234' }),
    ]);
    // Act
    const outcome = converse(inbound('KRUSTY XYZ234', REFERRER_PHONE), conversation, catalog, CONTEXT);
    // Assess
    expect(outcome.kind).toBe('opted-in');
    expect(outcome.replies[0]!.body).toBe(WELCOME_BACK);
    expect(outcome.referral).toBeUndefined();
    expect(outcome.referralCodes).toBeUndefined();
    expect(outcome.subscriptions).toHaveLength(1);
    expect(outcome.subscriptions[0]).toMatchObject({ status: 'subscribed', subscribedAt: JOINED_AT, referralCode: 'XYZ234' });
  });

  test('the referrer, already subscribed, texting their own code is told so: no referral, no new code', () => {
    // Prepare
    const conversation = conversationOf(REFERRER_PHONE, [member(REFERRER_PHONE, { referralCode: 'XYZ234' })]);
    // Act
    const outcome = converse(inbound('KRUSTY XYZ234', REFERRER_PHONE), conversation, catalog, CONTEXT);
    // Assess
    expect(outcome.kind).toBe('already-subscribed');
    expect(outcome.referral).toBeUndefined();
    expect(outcome.referralCodes).toBeUndefined();
    expect(outcome.subscriptions).toEqual([]);
  });

  test('an already-subscribed number texting "KRUSTY XYZ234" completes no referral and gets no new code', () => {
    // Prepare
    const conversation = conversationOf(PHONE, [member(PHONE, { referralCode: 'MNPQRS' })]);
    // Act
    const outcome = converse(inbound('KRUSTY XYZ234'), conversation, catalog, CONTEXT);
    // Assess
    expect(outcome.kind).toBe('already-subscribed');
    expect(outcome.replies.map((r) => r.body)).toEqual([ALREADY_SUBSCRIBED]);
    expect(outcome.referral).toBeUndefined();
    expect(outcome.referralCodes).toBeUndefined();
    expect(outcome.subscriptions).toEqual([]);
    expect(outcome.consentEvents).toEqual([]);
    expect(outcome.events.map((e) => [e.type, e.detail.subscribed])).toEqual([['KeywordReceived', true]]);
  });

  test('an already-subscribed number that never had a code gets none from "KRUSTY XYZ234" either', () => {
    // Prepare: subscribed before referral codes existed.
    const conversation = conversationOf(PHONE, [member(PHONE)]);
    // Act
    const outcome = converse(inbound('KRUSTY XYZ234'), conversation, catalog, CONTEXT);
    // Assess
    expect(outcome.kind).toBe('already-subscribed');
    expect(outcome.referral).toBeUndefined();
    expect(outcome.referralCodes).toBeUndefined();
    expect(outcome.subscriptions).toEqual([]);
  });

  test('a subscriber who opted out without ever seeing a code rejoins without one', () => {
    // Prepare
    const conversation = conversationOf(PHONE, [member(PHONE, { status: 'opted-out', optedOutAt: '2026-11-01T15:00:00.000Z' })]);
    // Act
    const outcome = converse(inbound('KRUSTY'), conversation, catalog, { newReferralCode: 'ABCDEF' });
    // Assess
    expect(outcome.kind).toBe('opted-in');
    expect(outcome.referralCodes).toBeUndefined();
    expect(outcome.subscriptions[0]!.referralCode).toBeUndefined();
  });

  test('a code that belongs to another program completes no referral; the new member still joins', () => {
    // Prepare
    const context: ConverseContext = { newReferralCode: 'ABCDEF', referrer: { phone: REFERRER_PHONE, programId: 'squishee', code: 'XYZ234' } };
    // Act
    const outcome = converse(inbound('KRUSTY XYZ234'), newConversation(PHONE), catalog, context);
    // Assess
    expect(outcome.kind).toBe('opted-in');
    expect(outcome.referral).toBeUndefined();
    expect(outcome.subscriptions[0]).toMatchObject({ status: 'subscribed', programId: PROGRAM_ID });
  });

  test('STOP carrying a code completes no referral and gives no code', () => {
    // Prepare
    const conversation = conversationOf(PHONE, [member(PHONE, { referralCode: 'MNPQRS' })]);
    // Act
    const outcome = converse(inbound('STOP XYZ234'), conversation, catalog, CONTEXT);
    // Assess
    expect(outcome.kind).toBe('opted-out');
    expect(outcome.referral).toBeUndefined();
    expect(outcome.referralCodes).toBeUndefined();
  });
});

describe('converse: one text rejoining two programs', () => {
  const twoPrograms = validateCatalog([
    ...demoItems,
    {
      pk: 'PROGRAM#squishee',
      sk: 'PROGRAM',
      name: 'Squishee Club',
      shortCode: SHORT_CODE,
      keyword: 'SQUISHEE',
      helpContact: 'help@squishee.example',
      frequency: 'Up to 2 msgs/mo',
    },
  ]).catalog;

  test('START after a stranger’s STOP never gives one referral code to two subscriptions', () => {
    // Prepare: STOP from a number that never joined leaves an opted-out record for both programs, without codes.
    const start = newConversation(PHONE);
    const stopped = applyOutcome(start, converse(inbound('STOP'), start, twoPrograms, { newReferralCode: 'GHJKLM' }));
    // Act
    const outcome = converse(inbound('START', PHONE, '2026-11-24T16:00:00.000Z'), stopped, twoPrograms, { newReferralCode: 'ABCDEF' });
    // Assess
    expect(outcome.kind).toBe('opted-in');
    expect(outcome.subscriptions.map((s) => s.status)).toEqual(['subscribed', 'subscribed']);
    const given = (outcome.referralCodes ?? []).map((r) => r.code);
    expect(given).toEqual([...new Set(given)]);
    const carried = outcome.subscriptions.map((s) => s.referralCode).filter((code) => code !== undefined);
    expect(carried).toEqual([...new Set(carried)]);
  });
});
