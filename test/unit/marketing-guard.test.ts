import { newSubscription, type MessagePurpose, type OutboundMessage, type Profile, type Subscription } from '../../functions/domain/audience';
import { validateCatalog, type Catalog, type Program } from '../../functions/domain/catalog';
import { guardMessage, type GuardDecision } from '../../functions/domain/marketing-guard';

const demoItems: Record<string, unknown>[] = require('../../catalog/demo.json');
const catalog: Catalog = validateCatalog(demoItems).catalog;
/** maxPerDay 1, maxPerWeek 4, fallback America/New_York. */
const program: Program = catalog.programs[0]!;

const PHONE = '+15551234567';
const SHORT_CODE = '55155';
const PROGRAM_ID = 'krusty-burger';
const ILLINOIS: Profile = { zip: '62701', state: 'IL', timeZone: 'America/Chicago' };

function message(purpose: MessagePurpose): OutboundMessage {
  return { to: PHONE, from: SHORT_CODE, body: 'Krusty Burger: $2 off any Krusty Combo at lunch today.', purpose, programId: PROGRAM_ID };
}

function subscriber(profile: Profile = ILLINOIS, marketingSentAt?: string[]): Subscription {
  return {
    ...newSubscription(PHONE, PROGRAM_ID),
    status: 'subscribed',
    subscribedAt: '2026-11-01T15:00:00.000Z',
    profile,
    ...(marketingSentAt ? { marketingSentAt } : {}),
    version: 3,
  };
}

const defer = (iso: string): GuardDecision => ({ kind: 'defer', until: new Date(iso) });
const SEND: GuardDecision = { kind: 'send' };
const DROP: GuardDecision = { kind: 'drop', reason: 'frequency-cap' };

/** Wednesday 2026-11-25 03:00 CST. */
const THREE_AM_CHICAGO = '2026-11-25T09:00:00.000Z';
/** A send log over both caps at THREE_AM_CHICAGO and all of Wednesday: one at 01:00 CST Wednesday, four since Monday 00:00 CST. */
const OVER_BOTH_CAPS = ['2026-11-23T18:00:00.000Z', '2026-11-24T15:00:00.000Z', '2026-11-24T18:00:00.000Z', '2026-11-25T07:00:00.000Z'];

describe('guardMessage: conversational and transactional messages pass untouched', () => {
  test.each<MessagePurpose>(['reply', 'transactional', 'profile-question', 'opt-in-confirmation', 'opt-out-confirmation', 'help'])(
    '%s at 03:00 in Illinois is sent now',
    (purpose) => {
      // Prepare
      const at = new Date(THREE_AM_CHICAGO);
      // Act
      const decision = guardMessage(message(purpose), subscriber(), program, at);
      // Assess
      expect(decision).toEqual(SEND);
    },
  );

  test.each<MessagePurpose>(['reply', 'transactional', 'profile-question'])('%s at 03:00 beyond both caps is still sent now', (purpose) => {
    // Prepare
    const subscription = subscriber(ILLINOIS, OVER_BOTH_CAPS);
    // Act
    const decision = guardMessage(message(purpose), subscription, program, new Date(THREE_AM_CHICAGO));
    // Assess
    expect(decision).toEqual(SEND);
  });

  test.each<MessagePurpose>(['reply', 'transactional'])('%s with no subscription and no program at 03:00 is sent now', (purpose) => {
    // Prepare
    const at = new Date(THREE_AM_CHICAGO);
    // Act
    const decision = guardMessage(message(purpose), undefined, undefined, at);
    // Assess
    expect(decision).toEqual(SEND);
  });
});

describe('guardMessage: quiet hours in Illinois (federal window 08:00-21:00, America/Chicago)', () => {
  test('marketing at 21:30 CST on Tuesday waits for Wednesday 08:00 CST', () => {
    // Prepare: Tuesday 2026-11-24 21:30 CST.
    const at = new Date('2026-11-25T03:30:00.000Z');
    // Act
    const decision = guardMessage(message('marketing'), subscriber(), program, at);
    // Assess
    expect(decision).toEqual(defer('2026-11-25T14:00:00.000Z'));
    expect(decision.kind === 'defer' && decision.until.toISOString()).toBe('2026-11-25T14:00:00.000Z');
  });

  test.each([
    ['21:00 CST, the first quiet minute', '2026-11-25T03:00:00.000Z', defer('2026-11-25T14:00:00.000Z')],
    ['20:59 CST, still allowed', '2026-11-25T02:59:00.000Z', SEND],
    ['07:59 CST, not yet', '2026-11-25T13:59:00.000Z', defer('2026-11-25T14:00:00.000Z')],
    ['08:00 CST, allowed', '2026-11-25T14:00:00.000Z', SEND],
    ['03:00 CST', THREE_AM_CHICAGO, defer('2026-11-25T14:00:00.000Z')],
    ['12:00 CST', '2026-11-25T18:00:00.000Z', SEND],
  ])('marketing at %s', (_when, iso, expected) => {
    // Prepare
    const at = new Date(iso);
    // Act
    const decision = guardMessage(message('marketing'), subscriber(), program, at);
    // Assess
    expect(decision).toEqual(expected);
  });

  test('a follow-up at 21:30 CST waits for 08:00 CST too', () => {
    // Prepare: Tuesday 2026-11-24 21:30 CST.
    const at = new Date('2026-11-25T03:30:00.000Z');
    // Act
    const decision = guardMessage(message('follow-up'), subscriber(), program, at);
    // Assess
    expect(decision).toEqual(defer('2026-11-25T14:00:00.000Z'));
  });

  test('a follow-up at 03:00 CST beyond both caps is deferred, not dropped', () => {
    // Prepare
    const subscription = subscriber(ILLINOIS, OVER_BOTH_CAPS);
    // Act
    const decision = guardMessage(message('follow-up'), subscription, program, new Date(THREE_AM_CHICAGO));
    // Assess
    expect(decision).toEqual(defer('2026-11-25T14:00:00.000Z'));
  });

  test('a follow-up at noon beyond both caps is sent: caps are for marketing only', () => {
    // Prepare: Wednesday 2026-11-25 12:00 CST; one send at 01:00 today, four this week.
    const subscription = subscriber(ILLINOIS, OVER_BOTH_CAPS);
    const at = new Date('2026-11-25T18:00:00.000Z');
    // Act
    const decision = guardMessage(message('follow-up'), subscription, program, at);
    const sameAsMarketing = guardMessage(message('marketing'), subscription, program, at);
    // Assess
    expect(decision).toEqual(SEND);
    expect(sameAsMarketing).toEqual(DROP);
  });

  test('on the day summer time starts, 01:00 CST waits for 08:00 CDT', () => {
    // Prepare: Sunday 2026-03-08 01:00 CST; clocks jump at 02:00.
    const at = new Date('2026-03-08T07:00:00.000Z');
    // Act
    const decision = guardMessage(message('marketing'), subscriber(), program, at);
    // Assess
    expect(decision).toEqual(defer('2026-03-08T13:00:00.000Z'));
  });

  test('on the day summer time ends, 01:30 CST (the second one) waits for 08:00 CST', () => {
    // Prepare: Sunday 2026-11-01 01:30 CST, after the clocks fell back.
    const at = new Date('2026-11-01T07:30:00.000Z');
    // Act
    const decision = guardMessage(message('marketing'), subscriber(), program, at);
    // Assess
    expect(decision).toEqual(defer('2026-11-01T14:00:00.000Z'));
  });
});

describe('guardMessage: marketing frequency caps (1 a calendar day, 4 a calendar week, Monday to Sunday, on the subscriber\'s clock)', () => {
  // Wednesday 2026-11-25 12:00 CST: well inside the window.
  const NOON = new Date('2026-11-25T18:00:00.000Z');

  test('with nothing sent yet it is sent', () => {
    // Prepare
    const subscription = subscriber(ILLINOIS, []);
    // Act
    const decision = guardMessage(message('marketing'), subscription, program, NOON);
    // Assess
    expect(decision).toEqual(SEND);
  });

  test('with no send log at all it is sent', () => {
    // Prepare
    const subscription = subscriber();
    // Act
    const decision = guardMessage(message('marketing'), subscription, program, NOON);
    // Assess
    expect(decision).toEqual(SEND);
  });

  test('with the one a day already used (3 h ago) it is dropped', () => {
    // Prepare
    const subscription = subscriber(ILLINOIS, ['2026-11-25T15:00:00.000Z']);
    // Act
    const decision = guardMessage(message('marketing'), subscription, program, NOON);
    // Assess
    expect(decision).toEqual(DROP);
  });

  test('one sent yesterday at noon: today is a new day, it is sent', () => {
    // Prepare
    const subscription = subscriber(ILLINOIS, ['2026-11-24T18:00:00.000Z']);
    // Act
    const decision = guardMessage(message('marketing'), subscription, program, NOON);
    // Assess
    expect(decision).toEqual(SEND);
  });

  test.each([
    ['yesterday at 23:59 CST (12 h ago) was yesterday: it is sent', '2026-11-25T05:59:00.000Z', SEND],
    ['today at 00:00 CST counts: it is dropped', '2026-11-25T06:00:00.000Z', DROP],
  ])('one sent %s', (_case, sentAt, expected) => {
    // Prepare
    const subscription = subscriber(ILLINOIS, [sentAt]);
    // Act
    const decision = guardMessage(message('marketing'), subscription, program, NOON);
    // Assess
    expect(decision).toEqual(expected);
  });

  test('four this calendar week (since Monday 00:00 CST), none today: the weekly cap drops it', () => {
    // Prepare
    const subscription = subscriber(ILLINOIS, ['2026-11-23T06:00:00.000Z', '2026-11-23T18:00:00.000Z', '2026-11-24T12:00:00.000Z', '2026-11-24T18:00:00.000Z']);
    // Act
    const decision = guardMessage(message('marketing'), subscription, program, NOON);
    // Assess
    expect(decision).toEqual(DROP);
  });

  test('three this week and one late on Sunday (last week): it is sent', () => {
    // Prepare
    const subscription = subscriber(ILLINOIS, ['2026-11-23T05:59:00.000Z', '2026-11-23T18:00:00.000Z', '2026-11-24T12:00:00.000Z', '2026-11-24T18:00:00.000Z']);
    // Act
    const decision = guardMessage(message('marketing'), subscription, program, NOON);
    // Assess
    expect(decision).toEqual(SEND);
  });

  test('over the cap at night: quiet hours come first, so it is deferred (and judged again then)', () => {
    // Prepare
    const subscription = subscriber(ILLINOIS, OVER_BOTH_CAPS);
    // Act
    const decision = guardMessage(message('marketing'), subscription, program, new Date(THREE_AM_CHICAGO));
    // Assess
    expect(decision).toEqual(defer('2026-11-25T14:00:00.000Z'));
  });

  test('a program allowing 2 a day sends the second one', () => {
    // Prepare
    const generous: Program = { ...program, maxPerDay: 2 };
    const subscription = subscriber(ILLINOIS, ['2026-11-25T15:00:00.000Z']);
    // Act
    const decision = guardMessage(message('marketing'), subscription, generous, NOON);
    // Assess
    expect(decision).toEqual(SEND);
  });
});

describe('guardMessage: no known time zone (program fallback America/New_York, strictest window)', () => {
  test('Wednesday 18:30 EST waits for Thursday 09:00 EST: the everywhere window on weekdays is 09:00-18:00', () => {
    // Prepare: Wednesday 2026-11-25 18:30 EST.
    const at = new Date('2026-11-25T23:30:00.000Z');
    // Act
    const decision = guardMessage(message('marketing'), subscriber({}), program, at);
    // Assess
    expect(decision).toEqual(defer('2026-11-26T14:00:00.000Z'));
  });

  test.each([
    ['Wednesday 08:30 EST waits for 09:00 EST', '2026-11-25T13:30:00.000Z', defer('2026-11-25T14:00:00.000Z')],
    ['Wednesday 17:59 EST is sent', '2026-11-25T22:59:00.000Z', SEND],
    ['Wednesday 18:00 EST waits for Thursday 09:00', '2026-11-25T23:00:00.000Z', defer('2026-11-26T14:00:00.000Z')],
    ['Saturday 09:30 EST waits for 10:00 EST', '2026-11-28T14:30:00.000Z', defer('2026-11-28T15:00:00.000Z')],
    ['Saturday 17:30 EST waits for Sunday 12:00 EST', '2026-11-28T22:30:00.000Z', defer('2026-11-29T17:00:00.000Z')],
    ['Sunday 11:00 EST waits for 12:00 EST', '2026-11-29T16:00:00.000Z', defer('2026-11-29T17:00:00.000Z')],
    ['Sunday 17:30 EST waits for Monday 09:00 EST', '2026-11-29T22:30:00.000Z', defer('2026-11-30T14:00:00.000Z')],
  ])('marketing: %s', (_when, iso, expected) => {
    // Prepare
    const at = new Date(iso);
    // Act
    const decision = guardMessage(message('marketing'), subscriber({}), program, at);
    // Assess
    expect(decision).toEqual(expected);
  });

  test('no subscription at all is judged the same way', () => {
    // Prepare: Wednesday 2026-11-25 18:30 EST.
    const at = new Date('2026-11-25T23:30:00.000Z');
    // Act
    const decision = guardMessage(message('follow-up'), undefined, program, at);
    // Assess
    expect(decision).toEqual(defer('2026-11-26T14:00:00.000Z'));
  });

  test('a program with fallback America/Los_Angeles uses Pacific time', () => {
    // Prepare: Wednesday 2026-11-25 18:30 EST is 15:30 PST.
    const pacific: Program = { ...program, timeZoneFallback: 'America/Los_Angeles' };
    const at = new Date('2026-11-25T23:30:00.000Z');
    // Act
    const decision = guardMessage(message('marketing'), subscriber({}), pacific, at);
    // Assess
    expect(decision).toEqual(SEND);
  });

  test('a zone luxon does not know falls back to the program zone, with the state’s window', () => {
    // Prepare: Tuesday 2026-11-24 21:30 CST is 22:30 EST; IL has the federal window.
    const at = new Date('2026-11-25T03:30:00.000Z');
    // Act
    const decision = guardMessage(message('marketing'), subscriber({ state: 'IL', timeZone: 'Mars/Olympus' }), program, at);
    // Assess: 08:00 EST Wednesday.
    expect(decision).toEqual(defer('2026-11-25T13:00:00.000Z'));
  });

  test('a message without a program is sent: there is no program whose rules apply', () => {
    // Prepare
    const at = new Date(THREE_AM_CHICAGO);
    // Act
    const decision = guardMessage(message('marketing'), subscriber(), undefined, at);
    // Assess
    expect(decision).toEqual(SEND);
  });
});

describe('guardMessage: stricter states', () => {
  test.each([
    ['Texas, Sunday 11:00 CST, waits for 12:00', { zip: '75201', state: 'TX', timeZone: 'America/Chicago' }, '2026-11-29T17:00:00.000Z', defer('2026-11-29T18:00:00.000Z')],
    ['Florida, Tuesday 20:30 EST, waits for Wednesday 08:00', { zip: '33101', state: 'FL', timeZone: 'America/New_York' }, '2026-11-25T01:30:00.000Z', defer('2026-11-25T13:00:00.000Z')],
    ['Rhode Island, Tuesday 18:00 EST, waits for Wednesday 09:00', { zip: '02903', state: 'RI', timeZone: 'America/New_York' }, '2026-11-24T23:00:00.000Z', defer('2026-11-25T14:00:00.000Z')],
    ['Illinois, Tuesday 20:30 CST, is sent', ILLINOIS, '2026-11-25T02:30:00.000Z', SEND],
  ])('%s', (_case, profile, iso, expected) => {
    // Prepare
    const at = new Date(iso);
    // Act
    const decision = guardMessage(message('marketing'), subscriber(profile), program, at);
    // Assess
    expect(decision).toEqual(expected);
  });
});
