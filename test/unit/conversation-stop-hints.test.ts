import { newConversation, type Conversation } from '../../functions/domain/audience';
import { validateCatalog, type Catalog } from '../../functions/domain/catalog';
import { converse, STOP_HINTS_PER_DAY, type Outcome } from '../../functions/domain/conversation';
import { applyOutcome } from '../support/conversation-fixtures';

const demoItems: Record<string, unknown>[] = require('../../catalog/demo.json');
const catalog: Catalog = validateCatalog(demoItems).catalog;

const PHONE = '+15551234567';
const SHORT_CODE = '55155';
const FALLBACK = "Krusty Burger Rewards: sorry, we didn't get that. Reply HELP for help, STOP to opt out.";
const STOP_REPLY = 'You are unsubscribed from Krusty Burger Rewards and will receive no more messages. Reply START to resubscribe.';

let sidCounter = 0;

function inbound(body: string, receivedAt: string) {
  sidCounter += 1;
  return { messageSid: `SM${String(sidCounter).padStart(32, '0')}`, from: PHONE, to: SHORT_CODE, body, receivedAt };
}

/** Sends the texts in turn; returns the state after them and every outcome. */
function textIn(texts: [string, string][], start: Conversation = newConversation(PHONE), theCatalog: Catalog = catalog) {
  let conversation = start;
  const outcomes: Outcome[] = [];
  for (const [body, at] of texts) {
    const outcome = converse(inbound(body, at), conversation, theCatalog);
    outcomes.push(outcome);
    conversation = applyOutcome(conversation, outcome);
  }
  return { conversation, outcomes };
}

/** Joined and answered the ZIP on 2025-06-02: nothing pending, so chatter gets the fallback. */
const subscriber = () =>
  textIn([
    ['KRUSTY', '2025-06-02T09:00:00.000Z'],
    ['62701', '2025-06-02T09:01:00.000Z'],
  ]).conversation;

const replyCounts = (outcomes: Outcome[]) => outcomes.map((outcome) => outcome.replies.length);

describe('converse: a subscriber who mentions stopping without opting out', () => {
  test('"Please stop" is an opt-out: the confirmation, never the fallback', () => {
    // Prepare
    const conversation = subscriber();
    // Act
    const { outcomes } = textIn([['Please stop', '2025-06-02T15:00:00.000Z']], conversation);
    // Assess
    expect(outcomes[0]!.kind).toBe('opted-out');
    expect(outcomes[0]!.replies.map((r) => r.body)).toEqual([STOP_REPLY]);
  });

  test('after the day\'s fallback, a stop-like text still gets the fallback that says how to opt out', () => {
    // Prepare
    const { conversation } = textIn([['hello', '2025-06-02T15:00:00.000Z']], subscriber());
    // Act
    const { outcomes } = textIn([["I can't stop eating your fries", '2025-06-02T15:05:00.000Z']], conversation);
    // Assess
    expect(outcomes[0]!.kind).toBe('fallback');
    expect(outcomes[0]!.replies).toEqual([{ to: PHONE, from: SHORT_CODE, body: FALLBACK, purpose: 'reply', programId: 'krusty-burger' }]);
    expect(outcomes[0]!.phone).toMatchObject({ lastFallbackOn: '2025-06-02', stopHintsOn: '2025-06-02', stopHintsThatDay: 1 });
    expect(outcomes[0]!.consentEvents).toEqual([]);
    expect(outcomes[0]!.subscriptions).toEqual([]);
  });

  test.each([
    [
      `after an ordinary fallback: ${STOP_HINTS_PER_DAY} more, then silence`,
      ['hello', 'stop by later?', 'cancel my order', 'the bus stop on 5th', "can't stop won't stop"],
      [1, 1, 1, 1, 0],
    ],
    [
      'a stop-like text as the first fallback counts among the three',
      ['stop by later?', 'cancel my order', 'the bus stop on 5th', "can't stop won't stop", 'hello'],
      [1, 1, 1, 0, 0],
    ],
    ['ordinary chatter still gets one a day', ['hello', 'anyone there?', 'hellooo'], [1, 0, 0]],
  ])('in one UTC day, %s', (_case, texts, expected) => {
    // Prepare
    const conversation = subscriber();
    const day = texts.map((body, i): [string, string] => [body, `2025-06-02T15:0${i}:00.000Z`]);
    // Act
    const { outcomes } = textIn(day, conversation);
    // Assess
    expect(replyCounts(outcomes)).toEqual(expected);
    expect(outcomes.flatMap((o) => o.replies.map((r) => r.body))).toEqual(expected.filter((c) => c > 0).map(() => FALLBACK));
  });

  test('the stop-like allowance starts again the next UTC day', () => {
    // Prepare
    const spent = ['hello', 'stop by?', 'stop by?', 'stop by?', 'stop by?'].map((body, i): [string, string] => [body, `2025-06-02T20:0${i}:00.000Z`]);
    const { conversation, outcomes: before } = textIn(spent, subscriber());
    // Act
    const { outcomes } = textIn(
      [
        ['hello', '2025-06-03T00:00:01.000Z'],
        ['stop by?', '2025-06-03T00:00:02.000Z'],
      ],
      conversation,
    );
    // Assess
    expect(replyCounts(before)).toEqual([1, 1, 1, 1, 0]);
    expect(replyCounts(outcomes)).toEqual([1, 1]);
    expect(outcomes[1]!.phone).toMatchObject({ stopHintsOn: '2025-06-03', stopHintsThatDay: 1 });
  });

  test('a stop-like text is not taken as the answer to a waiting profile question: the fallback, and the question still waits', () => {
    // Prepare: joined, the ZIP question waits.
    const { conversation } = textIn([['KRUSTY', '2025-06-02T09:00:00.000Z']]);
    // Act
    const { outcomes, conversation: after } = textIn(
      [
        ['stop by later?', '2025-06-02T09:05:00.000Z'],
        ['62701', '2025-06-02T09:06:00.000Z'],
      ],
      conversation,
    );
    // Assess
    expect(outcomes[0]!.kind).toBe('fallback');
    expect(outcomes[0]!.replies.map((r) => r.body)).toEqual([FALLBACK]);
    expect(outcomes[1]!.kind).toBe('answered');
    expect(outcomes[1]!.replies.map((r) => r.body)).toEqual(['Thanks, got it!']);
    expect(after.subscriptions[0]!.profile).toMatchObject({ zip: '62701' });
  });

  test('a fallback copy without STOP gets the opt-out hint appended', () => {
    // Prepare
    const items = [...demoItems, { pk: 'PROGRAM#krusty-burger', sk: 'TEMPLATE#fallback', body: "{programName}: sorry, we didn't get that" }];
    const customised = validateCatalog(items).catalog;
    const { conversation } = textIn([['KRUSTY', '2025-06-02T09:00:00.000Z'], ['SKIP', '2025-06-02T09:01:00.000Z']], undefined, customised);
    // Act
    const { outcomes } = textIn([['stop by later?', '2025-06-02T15:00:00.000Z']], conversation, customised);
    // Assess
    expect(outcomes[0]!.replies.map((r) => r.body)).toEqual(["Krusty Burger Rewards: sorry, we didn't get that. Reply STOP to opt out."]);
  });
});

describe('converse: stop-like texts from non-subscribers', () => {
  test('a stranger gets the one fallback a day, stop-like or not', () => {
    // Prepare
    const conversation = newConversation(PHONE);
    // Act
    const { outcomes } = textIn(
      [
        ['hello', '2025-06-02T15:00:00.000Z'],
        ['stop by later?', '2025-06-02T15:01:00.000Z'],
      ],
      conversation,
    );
    // Assess
    expect(replyCounts(outcomes)).toEqual([1, 0]);
    expect(outcomes[0]!.replies[0]!.body).toContain('Text KRUSTY to join');
  });

  test('an opted-out number gets nothing at all', () => {
    // Prepare
    const { conversation } = textIn([['STOP', '2025-06-02T15:00:00.000Z']], subscriber());
    // Act
    const { outcomes } = textIn(
      [
        ['stop by later?', '2025-06-02T15:01:00.000Z'],
        ["I can't stop eating your fries", '2025-06-02T15:02:00.000Z'],
      ],
      conversation,
    );
    // Assess
    expect(replyCounts(outcomes)).toEqual([0, 0]);
    expect(outcomes.map((o) => o.kind)).toEqual(['ignored', 'ignored']);
  });
});
