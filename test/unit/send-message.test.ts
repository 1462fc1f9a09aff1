import { newConversation, newSubscription, type OutboundMessage, type Subscription } from '../../functions/domain/audience';
import { validateCatalog } from '../../functions/domain/catalog';
import { RetryLater, sendMessage } from '../../functions/domain/send-message';
import { acceptedBodies, sendingWorld, type SendingWorld } from '../support/in-memory-sending';

const catalog = validateCatalog(require('../../catalog/demo.json')).catalog;
const PHONE = '+15551230001';
/** Tuesday noon in Springfield, IL. */
const NOON_IN_ILLINOIS = new Date('2026-11-24T18:00:00Z');

function subscriber(world: SendingWorld, extra: Partial<Subscription> = {}): void {
  const conversation = newConversation(PHONE);
  conversation.subscriptions = [
    { ...newSubscription(PHONE, 'krusty-burger'), status: 'subscribed', version: 3, profile: { zip: '62701', state: 'IL', timeZone: 'America/Chicago' }, skipped: [], ...extra },
  ];
  world.conversations.set(PHONE, conversation);
}

const reply = (body = 'Thanks, got it!'): OutboundMessage => ({ to: PHONE, from: '55155', body, purpose: 'reply', programId: 'krusty-burger' });
const offer = (body = 'Lunch deal: $2 off today.'): OutboundMessage => ({ to: PHONE, from: '55155', body, purpose: 'marketing', programId: 'krusty-burger' });

/** One delivery of the queue message; a RetryLater (or any error) is what SQS would redeliver after. */
async function deliver(world: SendingWorld, id: string, message: OutboundMessage): Promise<string> {
  try {
    return await sendMessage(id, message, world.deps);
  } catch (error) {
    return error instanceof RetryLater ? 'retry' : `error: ${(error as Error).message}`;
  }
}


describe('send-message: exactly once, whatever comes back', () => {
  let world: SendingWorld;
  beforeEach(() => {
    world = sendingWorld(catalog, NOON_IN_ILLINOIS);
    subscriber(world);
  });

  test('a redelivered message that went out is not sent again', async () => {
    // Act
    const results = [await deliver(world, 'm1', reply()), await deliver(world, 'm1', reply()), await deliver(world, 'm1', reply())];
    // Assess
    expect(results).toEqual(['sent', 'duplicate', 'duplicate']);
    expect(acceptedBodies(world)).toEqual(['Thanks, got it!']);
  });

  test('the carrier says "later" (429/5xx): retried, sent once, without a lookup', async () => {
    // Prepare
    world.carrier.script = ['retry-later', 'retry-later'];
    // Act
    const results = [await deliver(world, 'm1', reply()), await deliver(world, 'm1', reply()), await deliver(world, 'm1', reply())];
    // Assess
    expect(results).toEqual(['retry', 'retry', 'sent']);
    expect(acceptedBodies(world)).toEqual(['Thanks, got it!']);
    expect(world.carrier.lookups).toBe(0);
  });

  test('the carrier took it but the answer was lost (timeout): the retry finds it there and does not resend', async () => {
    // Prepare
    world.carrier.script = ['accept-then-fail'];
    // Act
    const results = [await deliver(world, 'm1', reply()), await deliver(world, 'm1', reply())];
    // Assess
    expect(results).toEqual(['retry', 'recovered']);
    expect(acceptedBodies(world)).toEqual(['Thanks, got it!']);
    expect(world.uncertain).toEqual(['found']);
  });

  test('no answer and the carrier never took it: the retry looks, finds nothing, sends it once', async () => {
    // Prepare
    world.carrier.script = ['outcome-unknown'];
    // Act
    const results = [await deliver(world, 'm1', reply()), await deliver(world, 'm1', reply())];
    // Assess
    expect(results).toEqual(['retry', 'sent']);
    expect(acceptedBodies(world)).toEqual(['Thanks, got it!']);
    expect(world.uncertain).toEqual(['not-found']);
  });

  test('a crash between the carrier taking it and our record of the SID: the retry recovers it, never resends', async () => {
    // Prepare
    world.deliveries.failNext = 'sent';
    // Act
    const results = [await deliver(world, 'm1', reply()), await deliver(world, 'm1', reply())];
    // Assess
    expect(results).toEqual(['error: DynamoDB is down', 'recovered']);
    expect(acceptedBodies(world)).toEqual(['Thanks, got it!']);
  });

  test('a run that died mid-call: another delivery waits for its lease, then resolves the doubt', async () => {
    // Prepare: the first run claimed it and died (nothing released, nothing recorded)
    await world.deliveries.claim('m1');
    // Act
    const meanwhile = await deliver(world, 'm1', reply());
    world.deliveries.expireLeases();
    const afterLease = await deliver(world, 'm1', reply());
    // Assess
    expect([meanwhile, afterLease]).toEqual(['retry', 'sent']);
    expect(world.carrier.lookups).toBe(1);
    expect(acceptedBodies(world)).toEqual(['Thanks, got it!']);
  });

  test('a run that stalled past its claim (answered at the batch deadline, or frozen) wakes after another run sent it: it hands nothing over', async () => {
    // Prepare: the first run stalls right after claiming, while it reads the subscription
    const read = world.deps.store.subscription;
    let wake!: () => void;
    const stalled = new Promise<void>((ok) => (wake = ok));
    let reads = 0;
    world.deps.store = { ...world.deps.store, subscription: async (phone, programId) => ((reads += 1) === 1 ? stalled.then(() => read(phone, programId)) : read(phone, programId)) };
    const first = deliver(world, 'm1', reply());
    await new Promise((ok) => setImmediate(ok));
    // Act: its lease runs out, the redelivery takes over and sends; then the first run wakes
    world.deliveries.expireLeases();
    const second = await deliver(world, 'm1', reply());
    wake();
    // Assess
    expect([second, await first]).toEqual(['sent', 'retry']);
    expect(acceptedBodies(world)).toEqual(['Thanks, got it!']);
    expect(await world.deliveries.state(PHONE, 'm1')).toBe('sent');
  });

  test('the same text asked for twice (two HELPs) goes out twice: a known earlier copy is not mistaken for the lost one', async () => {
    // Prepare
    await deliver(world, 'help-1', reply('Help text'));
    world.carrier.script = ['outcome-unknown'];
    // Act
    const results = [await deliver(world, 'help-2', reply('Help text')), await deliver(world, 'help-2', reply('Help text'))];
    // Assess
    expect(results).toEqual(['retry', 'sent']);
    expect(acceptedBodies(world)).toEqual(['Help text', 'Help text']);
  });
});

describe('send-message: consent and guard rails at the last moment', () => {
  let world: SendingWorld;
  beforeEach(() => {
    world = sendingWorld(catalog, NOON_IN_ILLINOIS);
  });

  test('21610 from the carrier: every live subscription ends, and the next message is never handed over', async () => {
    // Prepare
    subscriber(world);
    world.carrier.script = ['contact-stopped'];
    // Act
    const results = [await deliver(world, 'm1', reply()), await deliver(world, 'm2', reply('Another'))];
    // Assess
    expect(results).toEqual(['opted-out', 'blocked']);
    expect(world.optOuts).toBe(1);
    expect(acceptedBodies(world)).toEqual([]);
  });

  test('a message to someone who opted out is blocked, recorded, and stays blocked on redelivery', async () => {
    // Prepare
    subscriber(world, { status: 'opted-out' });
    // Act
    const results = [await deliver(world, 'm1', reply()), await deliver(world, 'm1', reply())];
    // Assess
    expect(results).toEqual(['blocked', 'duplicate']);
    expect(world.deliveries.rows.get('m1')).toMatchObject({ status: 'blocked' });
  });

  test('marketing at 10 pm local time waits for the morning under its own id', async () => {
    // Prepare
    world = sendingWorld(catalog, new Date('2026-11-25T04:00:00Z'));
    subscriber(world);
    // Act
    const result = await deliver(world, 'm1', offer());
    // Assess
    expect(result).toBe('deferred');
    expect(world.scheduled).toEqual([expect.objectContaining({ id: 'm1:quiet-hours', dueAt: '2026-11-25T14:00:00.000Z' })]);
  });

  test.each([
    ['a minute after lunch', '2026-11-24T18:01:00Z', 'expired', undefined],
    ['at lunch time exactly', '2026-11-24T18:00:00Z', 'expired', undefined],
    ['90 minutes before lunch', '2026-11-24T16:30:00Z', 'sent', 5_400],
    ['half a second before lunch', '2026-11-24T17:59:59.500Z', 'sent', 1],
  ])('"lunch today" (not after noon in Illinois) %s: %s', async (_when, now, result, validitySeconds) => {
    // Prepare
    world = sendingWorld(catalog, new Date(now));
    subscriber(world);
    // Act
    const outcome = await deliver(world, 'lunch-1', { ...offer(), notAfter: NOON_IN_ILLINOIS.toISOString() });
    // Assess
    expect(outcome).toBe(result);
    expect(acceptedBodies(world)).toHaveLength(result === 'sent' ? 1 : 0);
    expect(world.carrier.options.map((o) => o.validitySeconds)).toEqual(result === 'sent' ? [validitySeconds] : []);
    if (result === 'expired') expect(world.deliveries.rows.get('lunch-1')).toMatchObject({ status: 'expired', reason: 'too late: not after 2026-11-24T18:00:00.000Z' });
  });

  test('quiet hours never carry a time-bound offer past its moment: at 10 pm, "today only" is dropped, a week-long offer waits for the morning', async () => {
    // Prepare: 10 pm in Illinois
    world = sendingWorld(catalog, new Date('2026-11-25T04:00:00Z'));
    subscriber(world);
    const endOfToday = '2026-11-25T06:00:00.000Z';
    // Act
    const results = [
      await deliver(world, 'today', { ...offer(), notAfter: endOfToday }),
      await deliver(world, 'week', { ...offer('This week: free fries.'), notAfter: '2026-11-30T06:00:00.000Z' }),
    ];
    // Assess
    expect(results).toEqual(['expired', 'deferred']);
    expect(world.deliveries.rows.get('today')).toMatchObject({ status: 'expired', reason: expect.stringMatching(/^quiet hours until 2026-11-25T14:00:00.000Z, past its moment/) });
    expect(world.scheduled.map((send) => send.id)).toEqual(['week:quiet-hours']);
    expect(world.scheduled[0]!.message.notAfter).toBe('2026-11-30T06:00:00.000Z');
  });

  test('when the next profile question is due it rides along as its own message, and a redelivery queues it again', async () => {
    // Prepare: two marketing messages since the ZIP, the demo asks again after three
    subscriber(world, { marketingSinceQuestion: 2 });
    // Act
    const first = await deliver(world, 'lunch-1', offer());
    const again = await deliver(world, 'lunch-1', offer());
    // Assess
    expect([first, again]).toEqual(['sent', 'duplicate']);
    expect(world.queued.map((entry) => entry.id)).toEqual(['lunch-1:question', 'lunch-1:question']);
    expect(world.queued[0]!.message).toMatchObject({ purpose: 'profile-question', body: expect.stringContaining('favorite Krusty meal') });
    expect(world.deliveries.effects[0]!.marketing).toMatchObject({ sinceQuestion: 0, rideAlong: { field: 'meal', attempts: 0 } });
  });

  test.each([
    ['given back to the queue (a pending record)', true],
    ['committed with the START and never claimed yet (no record at all)', false],
  ])('back after an opt-out, the "Welcome back" %s: a follow-up judged before it went out waits for it under its own id; HELP and the confirmation do not wait', async (_case, hasRecord) => {
    // Prepare: START was handled 10 s ago; its "Welcome back" (SMstart-0) is still queued behind the survey
    subscriber(world, { rejoined: { at: '2026-11-24T17:59:50.000Z', confirmationId: 'SMstart-0' } });
    if (hasRecord) world.deliveries.rows.set('SMstart-0', { status: 'pending', next: [] });
    const survey: OutboundMessage = { to: PHONE, from: '55155', body: 'How was your visit? Reply 1-5.', purpose: 'follow-up', programId: 'krusty-burger', survey: { orderId: 'o1' } };
    const welcomeBack: OutboundMessage = { to: PHONE, from: '55155', body: 'Welcome back!', purpose: 'opt-in-confirmation', programId: 'krusty-burger' };
    const help: OutboundMessage = { to: PHONE, from: '55155', body: 'Help at …', purpose: 'help', programId: 'krusty-burger' };
    // Act
    const results = [await deliver(world, 'survey', survey), await deliver(world, 'help', help), await deliver(world, 'SMstart-0', welcomeBack)];
    const released = await deliver(world, 'survey:after-opt-in', survey);
    // Assess
    expect(results).toEqual(['deferred', 'sent', 'sent']);
    expect(world.scheduled).toEqual([{ id: 'survey:after-opt-in', dueAt: '2026-11-24T18:04:50.000Z', reason: 'opt-in-confirmation', message: survey }]);
    expect(released).toBe('sent');
    expect(acceptedBodies(world)).toEqual(['Help at …', 'Welcome back!', 'How was your visit? Reply 1-5.']);
  });

  test('the wait for a "Welcome back" is bounded: five minutes after the opt-in, one the carrier never took holds nothing back', async () => {
    // Prepare
    subscriber(world, { rejoined: { at: '2026-11-24T17:55:00.000Z', confirmationId: 'SMstart-0' } });
    world.deliveries.rows.set('SMstart-0', { status: 'unknown', next: [] });
    // Act
    const result = await deliver(world, 'thanks', reply('Thanks for visiting!'));
    // Assess
    expect(result).toBe('sent');
  });

  test('a marketing message that found no consent never asks a question', async () => {
    // Prepare
    subscriber(world, { status: 'opted-out', marketingSinceQuestion: 2 });
    // Act
    const result = await deliver(world, 'lunch-1', offer());
    // Assess
    expect(result).toBe('blocked');
    expect(world.queued).toEqual([]);
  });
});
