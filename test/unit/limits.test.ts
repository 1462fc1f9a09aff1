import { newConversation, type Conversation, type PhoneRecord } from '../../functions/domain/audience';
import { validateCatalog, type Catalog } from '../../functions/domain/catalog';
import { converse, type ConverseContext, type InboundText, type Outcome } from '../../functions/domain/conversation';
import { countryAllowed, optInPeriods, takeReplySlot, unanswerableSender } from '../../functions/domain/limits';
import { applyOutcome } from '../support/conversation-fixtures';

const demoItems: Record<string, unknown>[] = require('../../catalog/demo.json');
const catalog: Catalog = validateCatalog(demoItems).catalog;

const SHORT_CODE = '55155';
const PROGRAM_ID = 'krusty-burger';
const US = '+15551234567';
const UK = '+447700900123';

/** The demo catalog with the demo program's item changed (and, optionally, a second program). */
function catalogWith(programChanges: Record<string, unknown>, extra: Record<string, unknown>[] = []): Catalog {
  const items = demoItems.map((item) => (item.sk === 'PROGRAM' ? { ...item, ...programChanges } : item));
  const { catalog: edited, problems } = validateCatalog([...items, ...extra]);
  expect(problems).toEqual([]);
  return edited;
}

let sidCounter = 0;
function text(from: string, body: string, receivedAt = '2026-11-24T17:00:00.000Z', to = SHORT_CODE): InboundText {
  sidCounter += 1;
  return { messageSid: `SM${String(sidCounter).padStart(32, '0')}`, from, to, body, receivedAt };
}

/** Texts in turn from `from`, applying each outcome as the store would; returns every outcome. */
function exchange(from: string, texts: [body: string, at: string][], theCatalog = catalog, start: Conversation = newConversation(from)): Outcome[] {
  let conversation = start;
  return texts.map(([body, at]) => {
    const outcome = converse(text(from, body, at), conversation, theCatalog);
    conversation = applyOutcome(conversation, outcome);
    return outcome;
  });
}

function stateAfter(from: string, bodies: string[], theCatalog = catalog): Conversation {
  let conversation = newConversation(from);
  for (const body of bodies) conversation = applyOutcome(conversation, converse(text(from, body, '2026-11-01T12:00:00.000Z'), conversation, theCatalog));
  return conversation;
}

/**
 * Nothing but the record of the text: no reply, no consent line, no subscription, no phone update;
 * `events`: the events that still say what was texted (a keyword received), none by default.
 */
function expectNothingChanged(outcome: Outcome, events: string[] = []): void {
  expect(outcome.replies).toEqual([]);
  expect(outcome.consentEvents).toEqual([]);
  expect(outcome.subscriptions).toEqual([]);
  expect(outcome.events.map((event) => event.type)).toEqual(events);
  expect(outcome.phone).toBeUndefined();
  expect(outcome.referralCodes).toBeUndefined();
}

describe('unanswerableSender', () => {
  const longCodeCatalog = catalogWith({}, [
    { pk: 'PROGRAM#squishee', sk: 'PROGRAM', name: 'Squishee Club', shortCode: '+15550001000', keyword: 'SQUISHEE', helpContact: 'help@squishee.example', frequency: 'Up to 2 msgs/mo' },
  ]);

  test.each([
    ['55155', '55155', 'own-number', 'the short code the text was sent to'],
    ['+15550001000', '55155', 'own-number', "another program's long code"],
    ['+15550002000', '+15550002000', 'own-number', 'a long code texting itself'],
    ['611', '55155', 'short-code-sender', "a carrier's 3-digit service code"],
    ['66166', '55155', 'short-code-sender', "another company's short code"],
    ['282828', '55155', 'short-code-sender', 'a 6-digit short code'],
    ['+15551234567', '55155', undefined, 'a person'],
    ['+447700900123', '55155', undefined, 'a person abroad (a country question, not a sender one)'],
  ])('from %j to %j → %j (%s)', (from, to, expected, _why) => {
    // Prepare
    const inbound = { from, to };
    // Act
    const limit = unanswerableSender(inbound, longCodeCatalog);
    // Assess
    expect(limit).toBe(expected);
  });
});

describe('countryAllowed', () => {
  const demo = catalog.programs;
  const northAmerica = catalogWith({ allowedCountries: ['US', 'CA', 'PR'] }).programs;
  test.each([
    ['+12125551234', demo, true, 'a US number, default US'],
    ['+15551234567', demo, true, 'an unplaceable +1 number counts as US'],
    ['+16135550123', demo, false, 'a Canadian number, default US'],
    ['+16135550123', northAmerica, true, 'a Canadian number, CA allowed'],
    ['+17875550123', northAmerica, true, 'a Puerto Rico number, PR allowed'],
    ['+18765550123', northAmerica, false, 'a Jamaica number: +1 but not allowed'],
    ['+447700900123', demo, false, 'a UK number, default US'],
    ['+12125551234', [], true, 'no program on the code: US only'],
    ['+447700900123', [], false, 'no program on the code: nothing abroad'],
  ] as const)('%j → %j (%s)', (from, programs, expected, _why) => {
    // Prepare
    const sender = from;
    // Act
    const allowed = countryAllowed(sender, programs);
    // Assess
    expect(allowed).toBe(expected);
  });
});

describe('takeReplySlot', () => {
  const phone = (repliesAt?: string[]): PhoneRecord => ({ phone: US, version: 1, ...(repliesAt ? { repliesAt } : {}) });
  test.each([
    ['no reply yet', phone(), 3, ['2026-11-24T17:00:00.000Z']],
    ['two in the hour, limit 3', phone(['2026-11-24T16:10:00.000Z', '2026-11-24T16:50:00.000Z']), 3, ['2026-11-24T16:10:00.000Z', '2026-11-24T16:50:00.000Z', '2026-11-24T17:00:00.000Z']],
    ['three in the hour, limit 3', phone(['2026-11-24T16:10:00.000Z', '2026-11-24T16:20:00.000Z', '2026-11-24T16:50:00.000Z']), 3, undefined],
    ['three, one of them over an hour ago', phone(['2026-11-24T15:59:59.000Z', '2026-11-24T16:20:00.000Z', '2026-11-24T16:50:00.000Z']), 3, ['2026-11-24T16:20:00.000Z', '2026-11-24T16:50:00.000Z', '2026-11-24T17:00:00.000Z']],
    ['exactly an hour ago no longer counts', phone(['2026-11-24T16:00:00.000Z']), 1, ['2026-11-24T17:00:00.000Z']],
    ['one in the hour, limit 1', phone(['2026-11-24T16:00:00.001Z']), 1, undefined],
  ] as const)('%s → %j', (_case, record, limit, expected) => {
    // Prepare
    const at = '2026-11-24T17:00:00.000Z';
    // Act
    const taken = takeReplySlot(record, limit, at);
    // Assess
    expect(taken?.repliesAt).toEqual(expected);
  });
});

describe('optInPeriods', () => {
  test.each([
    ['2026-11-24T17:05:59.999Z', { minute: '2026-11-24T17:05', day: '2026-11-24' }],
    ['2026-12-31T23:59:00.000Z', { minute: '2026-12-31T23:59', day: '2026-12-31' }],
  ])('%s → %j', (at, expected) => {
    // Prepare
    const receivedAt = at;
    // Act
    const periods = optInPeriods(receivedAt);
    // Assess
    expect(periods).toEqual(expected);
  });
});

describe('converse: texts from short codes and from the gateway itself', () => {
  test.each([
    ['611', 'short-code-sender'],
    ['66166', 'short-code-sender'],
    [SHORT_CODE, 'own-number'],
  ] as const)('from %j: every kind of text is recorded and answered with nothing (%s)', (from, limit) => {
    for (const body of ['KRUSTY', 'HELP', 'STOP', 'START', 'YES', 'hello', 'Your balance is $0.00. Reply HELP for help.']) {
      // Prepare
      const conversation = newConversation(from);
      // Act
      const outcome = converse(text(from, body), conversation, catalog);
      // Assess
      expect({ body, kind: outcome.kind, limitedBy: outcome.limitedBy }).toEqual({ body, kind: 'ignored', limitedBy: limit });
      expectNothingChanged(outcome);
    }
  });

  test('a loop with our own number ends at once: our reply texted back is not answered', () => {
    // Prepare: what we would send a new subscriber, arriving from 55155 itself.
    const [welcome] = exchange(US, [['KRUSTY', '2026-11-24T17:00:00.000Z']]);
    // Act
    const echoed = welcome!.replies.map((reply) => converse(text(SHORT_CODE, reply.body, '2026-11-24T17:00:01.000Z'), newConversation(SHORT_CODE), catalog));
    // Assess
    expect(echoed.flatMap((outcome) => outcome.replies)).toEqual([]);
  });
});

describe('converse: numbers from countries no program allows', () => {
  test.each(['KRUSTY', 'krusty ABC234', 'HELP', 'START', 'YES', 'hello', '62701'])('%j from a UK number: no reply, no subscription', (body) => {
    // Prepare
    const conversation = newConversation(UK);
    // Act
    const outcome = converse(text(UK, body), conversation, catalog);
    // Assess
    expect(outcome).toMatchObject({ kind: 'ignored', limitedBy: 'country-not-allowed' });
    expectNothingChanged(outcome);
  });

  test('STOP from a UK number that never subscribed is recorded as an opt-out, without a confirmation text', () => {
    // Prepare
    const conversation = newConversation(UK);
    // Act
    const outcome = converse(text(UK, 'STOP'), conversation, catalog);
    // Assess
    expect(outcome).toMatchObject({ kind: 'opted-out', limitedBy: 'country-not-allowed', replies: [] });
    expect(outcome.consentEvents).toEqual([expect.objectContaining({ phone: UK, programId: PROGRAM_ID, action: 'opt-out' })]);
    expect(outcome.subscriptions).toEqual([expect.objectContaining({ status: 'opted-out' })]);
  });

  test('STOP from a UK subscriber of a program that no longer allows GB is honoured and confirmed', () => {
    // Prepare: joined while the program allowed GB; the marketer has since narrowed it to the US.
    const allowingGb = catalogWith({ allowedCountries: ['US', 'GB'] });
    const subscribed = stateAfter(UK, ['KRUSTY'], allowingGb);
    // Act
    const outcome = converse(text(UK, 'STOP'), subscribed, catalog);
    // Assess
    expect(subscribed.subscriptions).toEqual([expect.objectContaining({ status: 'subscribed' })]);
    expect(outcome.kind).toBe('opted-out');
    expect(outcome.limitedBy).toBeUndefined();
    expect(outcome.replies.map((reply) => reply.purpose)).toEqual(['opt-out-confirmation']);
    expect(outcome.subscriptions).toEqual([expect.objectContaining({ status: 'opted-out' })]);
  });

  test.each([
    ['US, GB', UK, 'opted-in'],
    ['US, CA', '+16135550123', 'opted-in'],
    ['US', '+16135550123', 'ignored'],
  ])('a program allowing %j: KRUSTY from %j → %j', (allowedCountries, from, expected) => {
    // Prepare
    const theCatalog = catalogWith({ allowedCountries });
    // Act
    const outcome = converse(text(from, 'KRUSTY'), newConversation(from), theCatalog);
    // Assess
    expect(outcome.kind).toBe(expected);
  });

  test('a country allowed by any program on the short code is answered', () => {
    // Prepare: the demo program is US-only; a second program on 55155 allows GB.
    const theCatalog = catalogWith({}, [
      { pk: 'PROGRAM#squishee', sk: 'PROGRAM', name: 'Squishee Club', shortCode: SHORT_CODE, keyword: 'SQUISHEE', helpContact: 'help@squishee.example', frequency: 'Up to 2 msgs/mo', allowedCountries: 'GB' },
    ]);
    // Act
    const outcome = converse(text(UK, 'SQUISHEE'), newConversation(UK), theCatalog);
    // Assess
    expect(outcome.kind).toBe('opted-in');
  });
});

describe('converse: HELP and "already subscribed" replies per number per hour', () => {
  const minutes = (count: number, from = '2026-11-24T17:00:00.000Z') =>
    Array.from({ length: count }, (_, i) => new Date(new Date(from).getTime() + i * 60_000).toISOString());

  test.each([
    ['HELP from a stranger', [], 'HELP', 'help'],
    ['HELP from a subscriber', ['KRUSTY'], 'HELP', 'help'],
    ['HELP from someone who opted out', ['KRUSTY', 'STOP'], 'HELP', 'help'],
    ['KRUSTY from a subscriber', ['KRUSTY'], 'KRUSTY', 'already-subscribed'],
  ] as const)('%s: 10 in ten minutes get 3 replies (the default limit), the rest are recorded', (_case, history, body, kind) => {
    // Prepare
    const start = stateAfter(US, [...history]);
    // Act
    const outcomes = exchange(US, minutes(10).map((at) => [body, at]), catalog, start);
    // Assess
    expect(outcomes.map((o) => o.kind)).toEqual([kind, kind, kind, ...Array(7).fill('ignored')]);
    expect(outcomes.map((o) => o.replies.length)).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    for (const limited of outcomes.slice(3)) {
      expect(limited.limitedBy).toBe('reply-limit');
      expect(limited.consentEvents).toEqual([]);
      expect(limited.subscriptions).toEqual([]);
    }
  });

  test('HELP and "already subscribed" share the count, and the hour slides', () => {
    // Prepare
    const start = stateAfter(US, ['KRUSTY']);
    const texts: [string, string][] = [
      ['HELP', '2026-11-24T17:00:00.000Z'],
      ['KRUSTY', '2026-11-24T17:10:00.000Z'],
      ['HELP', '2026-11-24T17:20:00.000Z'],
      ['KRUSTY', '2026-11-24T17:30:00.000Z'],
      ['HELP', '2026-11-24T17:59:59.000Z'],
      ['HELP', '2026-11-24T18:00:00.000Z'],
      ['HELP', '2026-11-24T18:00:01.000Z'],
    ];
    // Act
    const outcomes = exchange(US, texts, catalog, start);
    // Assess: the 17:00 reply leaves the window at 18:00, exactly one more gets through.
    expect(outcomes.map((o) => o.replies.length)).toEqual([1, 1, 1, 0, 0, 1, 0]);
  });

  test.each([
    [1, [1, 0, 0, 0, 0]],
    [5, [1, 1, 1, 1, 1]],
  ])('a program with replyLimitPerHour %i answers %j', (replyLimitPerHour, expected) => {
    // Prepare
    const theCatalog = catalogWith({ replyLimitPerHour });
    // Act
    const outcomes = exchange(US, minutes(5).map((at) => ['HELP', at]), theCatalog);
    // Assess
    expect(outcomes.map((o) => o.replies.length)).toEqual(expected);
  });

  test('STOP is never limited: after many HELPs it still opts out with its confirmation', () => {
    // Prepare
    const start = stateAfter(US, ['KRUSTY', 'HELP', 'HELP', 'HELP', 'HELP']);
    // Act
    const outcome = converse(text(US, 'STOP', '2026-11-01T12:00:01.000Z'), start, catalog);
    // Assess
    expect(outcome.kind).toBe('opted-out');
    expect(outcome.replies.map((reply) => reply.purpose)).toEqual(['opt-out-confirmation']);
  });
});

describe('converse: the opt-in ceiling reached', () => {
  const full: ConverseContext = { optInCeilingReached: true, newReferralCode: 'ABC234' };

  test.each([
    ['KRUSTY from a new number', [] as string[], 'KRUSTY', ['KeywordReceived']],
    ['KRUSTY <code> from a new number', [] as string[], 'KRUSTY XYZ789', ['KeywordReceived']],
    ['START from someone who opted out', ['KRUSTY', 'STOP'], 'START', []],
    ['KRUSTY from someone who opted out', ['KRUSTY', 'STOP'], 'KRUSTY', ['KeywordReceived']],
  ])('%s: no subscription, no reply (a keyword is still reported received)', (_case, history, body, events) => {
    // Prepare
    const start = stateAfter(US, history);
    const referrer = { phone: '+15550009999', programId: PROGRAM_ID, code: 'XYZ789' };
    // Act
    const outcome = converse(text(US, body), start, catalog, { ...full, referrer });
    // Assess
    expect(outcome).toMatchObject({ kind: 'ignored', limitedBy: 'opt-in-ceiling' });
    expectNothingChanged(outcome, events);
    expect(outcome.referral).toBeUndefined();
  });

  test.each([
    ['HELP', [] as string[], 'help'],
    ['STOP', ['KRUSTY'], 'opted-out'],
    ['KRUSTY from a subscriber', ['KRUSTY'], 'already-subscribed'],
    ['62701 (an answer)', ['KRUSTY'], 'answered'],
  ])('%s is not an opt-in and is handled as usual', (body, history, expected) => {
    // Prepare
    const start = stateAfter(US, history);
    // Act
    const outcome = converse(text(US, body.split(' ')[0]!), start, catalog, full);
    // Assess
    expect(outcome.kind).toBe(expected);
    expect(outcome.replies.length).toBeGreaterThan(0);
  });
});
