import { newConversation, newSubscription, type OutboundMessage, type Subscription } from '../../functions/domain/audience';
import { validateCatalog } from '../../functions/domain/catalog';
import { markTurnReplies, sendMessage, sendTurnReplies, wantsStatusCallbacks, type Settled } from '../../functions/domain/send-message';
import { acceptedBodies, sendingWorld, type SendingWorld } from '../support/in-memory-sending';

const catalog = validateCatalog(require('../../catalog/demo.json')).catalog;
const PHONE = '+15551230002';
const PROGRAM_ID = 'krusty-burger';
const NOW = new Date('2026-11-24T18:00:00Z');
/** When the KRUSTY text that produced the replies was received. */
const JOINED = '2026-11-24T17:59:58.000Z';

function subscribed(world: SendingWorld, extra: Partial<Subscription> = {}): void {
  const conversation = newConversation(PHONE);
  conversation.subscriptions = [{ ...newSubscription(PHONE, PROGRAM_ID), status: 'subscribed', subscribedAt: JOINED, version: 1, ...extra }];
  world.conversations.set(PHONE, conversation);
}

/** The KRUSTY turn's replies, marked as the conversation marks them. */
const welcome: OutboundMessage = { to: PHONE, from: '55155', body: 'Welcome to Krusty Burger Rewards!', purpose: 'opt-in-confirmation', programId: PROGRAM_ID, turn: { subscribedAt: JOINED } };
const zipQuestion: OutboundMessage = { to: PHONE, from: '55155', body: "What's your 5-digit ZIP code?", purpose: 'profile-question', programId: PROGRAM_ID, turn: { subscribedAt: JOINED } };
const help: OutboundMessage = { to: PHONE, from: '55155', body: 'Krusty Burger Rewards: help at 555-0100.', purpose: 'help', programId: PROGRAM_ID, turn: {} };
const turn = [
  { id: 'SMkrusty-0', message: welcome },
  { id: 'SMkrusty-1', message: zipQuestion },
];

const results = (settled: Settled[]) => settled.map((s) => ('result' in s ? s.result : 'retry'));

describe('a conversation turn\'s replies, sent together without reading the conversation', () => {
  let world: SendingWorld;
  beforeEach(() => {
    world = sendingWorld(catalog, NOW);
    subscribed(world);
  });

  test('the welcome and the ZIP question: one claim, one record, in order, no conversation read', async () => {
    // Act
    const settled = await sendTurnReplies(turn, world.deps);

    // Assess
    expect(results(settled)).toEqual(['sent', 'sent']);
    expect(acceptedBodies(world)).toEqual([welcome.body, zipQuestion.body]);
    expect(world.deliveries.writes).toEqual({ claim: 0, claimTogether: 1, sent: 0, sentTogether: 1 });
    expect(world.loads).toBe(0);
  });

  test('a STOP committed after the turn, before the send: the claim is refused (the STOP voided the turn), nothing is handed over, both are blocked', async () => {
    // Prepare: the STOP voided the waiting turn, then its commit ended the subscription, after the replies were queued.
    await world.deliveries.voidTurns(PHONE, [PROGRAM_ID]);
    subscribed(world, { status: 'opted-out', optedOutAt: '2026-11-24T17:59:59.000Z' });

    // Act
    const settled = await sendTurnReplies(turn, world.deps);
    const redelivered = await sendTurnReplies(turn, world.deps);

    // Assess
    expect(results(settled)).toEqual(['blocked', 'blocked']);
    expect(results(redelivered)).toEqual(['duplicate', 'duplicate']);
    expect(acceptedBodies(world)).toEqual([]);
  });

  test('STOP then START after the turn: the subscription is another one now, so the reply gets the full checks and waits for the "Welcome back"', async () => {
    // Prepare: the STOP voided the waiting turn; START opened another subscription
    await world.deliveries.voidTurns(PHONE, [PROGRAM_ID]);
    subscribed(world, { subscribedAt: '2026-11-24T17:59:59.500Z', optedOutAt: '2026-11-24T17:59:59.000Z', rejoined: { at: '2026-11-24T17:59:59.500Z', confirmationId: 'SMstart-0' } });
    world.deliveries.rows.set('SMstart-0', { status: 'pending', next: [] });

    // Act
    const settled = await sendTurnReplies([turn[1]!], world.deps);

    // Assess
    expect(results(settled)).toEqual(['deferred']);
    expect(acceptedBodies(world)).toEqual([]);
    expect(world.loads).toBe(1);
  });

  test('a HELP answer needs no consent: one claim on its turn\'s record, sent even after an opt-out (and a STOP\'s voiding), no conversation read', async () => {
    // Prepare
    await world.deliveries.voidTurns(PHONE, [PROGRAM_ID]);
    subscribed(world, { status: 'opted-out', optedOutAt: '2026-11-24T17:59:59.000Z' });

    // Act
    const result = await sendMessage('SMhelp-0', help, world.deps);

    // Assess
    expect(result).toBe('sent');
    expect(world.deliveries.writes).toEqual({ claim: 0, claimTogether: 1, sent: 0, sentTogether: 1 });
    expect(world.loads).toBe(0);
  });

  test('the carrier says "later" for the welcome: the question is not handed over before it, and both go once, in order', async () => {
    // Prepare
    world.carrier.script = ['retry-later'];

    // Act
    const first = await sendTurnReplies(turn, world.deps);
    const second = await sendTurnReplies(turn, world.deps);

    // Assess
    expect(results(first)).toEqual(['retry', 'retry']);
    expect(results(second)).toEqual(['sent', 'sent']);
    expect(acceptedBodies(world)).toEqual([welcome.body, zipQuestion.body]);
  });

  test('the record of both SIDs fails after the carrier took them: the redelivery finds them at the carrier and sends nothing again', async () => {
    // Prepare
    world.deliveries.failNext = 'sent';

    // Act
    const first = await sendTurnReplies(turn, world.deps);
    const second = await sendTurnReplies(turn, world.deps);

    // Assess
    expect(results(first)).toEqual(['retry', 'retry']);
    expect(results(second)).toEqual(['recovered', 'recovered']);
    expect(acceptedBodies(world)).toEqual([welcome.body, zipQuestion.body]);
    expect(world.uncertain).toEqual(['found', 'found']);
  });

  test('a run that died after handing the welcome over: after its lease, the welcome is found at the carrier and only the question goes', async () => {
    // Prepare: claimed together, the welcome handed over, then the run died (no record, no release).
    await world.deliveries.claimTogether(turn);
    await world.carrier.send(welcome);
    world.deliveries.expireLeases();

    // Act
    const settled = await sendTurnReplies(turn, world.deps);

    // Assess
    expect(results(settled)).toEqual(['recovered', 'sent']);
    expect(acceptedBodies(world)).toEqual([welcome.body, zipQuestion.body]);
  });

  test('the carrier says the recipient stopped (21610) at the welcome: the question gets the full checks and is blocked', async () => {
    // Prepare
    world.carrier.script = ['contact-stopped'];

    // Act
    const settled = await sendTurnReplies(turn, world.deps);

    // Assess
    expect(results(settled)).toEqual(['opted-out', 'blocked']);
    expect(acceptedBodies(world)).toEqual([]);
    expect(world.optOuts).toBe(1);
  });

  test('a redelivery of replies that went out: nothing is handed over again', async () => {
    // Prepare
    await sendTurnReplies(turn, world.deps);

    // Act
    const again = await sendTurnReplies(turn, world.deps);

    // Assess
    expect(results(again)).toEqual(['duplicate', 'duplicate']);
    expect(acceptedBodies(world)).toEqual([welcome.body, zipQuestion.body]);
  });
});

describe('which replies a turn marks for sending without a read', () => {
  const live = { ...newSubscription(PHONE, PROGRAM_ID), status: 'subscribed' as const, subscribedAt: JOINED, version: 1 };
  const plain = ({ turn: _turn, ...message }: OutboundMessage): OutboundMessage => message;

  test.each([
    ['a new opt-in: the welcome and the question, under the new subscription', [plain(welcome), plain(zipQuestion)], [live], [{ subscribedAt: JOINED }, { subscribedAt: JOINED }]],
    ['HELP, whoever asks: no consent to check', [plain(help)], [], [{}]],
    ['a reply to a number without a live subscription (a stranger\'s fallback): the sender reads the conversation', [plain(zipQuestion)], [], [undefined]],
    [
      'back after an opt-out: the "Welcome back" is marked, the question that must wait for it is not',
      [plain(welcome), plain(zipQuestion)],
      [{ ...live, rejoined: { at: JOINED, confirmationId: 'SMkrusty-0' } }],
      [{ subscribedAt: JOINED }, undefined],
    ],
  ])('%s', (_case, replies, after, expected) => {
    // Act
    const marked = markTurnReplies(replies, after, JOINED);

    // Assess
    expect(marked.map((reply) => reply.turn)).toEqual(expected);
  });
});

describe('status callbacks only where the status is used', () => {
  test.each([
    ['opt-in-confirmation', true],
    ['marketing', true],
    ['follow-up', true],
    ['help', false],
    ['reply', false],
    ['profile-question', false],
    ['transactional', false],
    ['opt-out-confirmation', false],
  ] as const)('%s asks for them: %s', async (purpose, asks) => {
    // Prepare
    const world = sendingWorld(catalog, NOW);
    subscribed(world);

    // Act
    await sendMessage(`SM${purpose}`, { to: PHONE, from: '55155', body: `a ${purpose}`, purpose, programId: PROGRAM_ID }, world.deps);

    // Assess
    expect(wantsStatusCallbacks(purpose)).toBe(asks);
    expect(world.carrier.options.map((options) => options.statusCallback !== undefined)).toEqual([asks]);
  });
});
