import { DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { audienceKeys, MESSAGE_LOG_DAYS } from '../../functions/adapters/audience-keys';
import { DynamoConversationStore } from '../../functions/adapters/dynamo-conversation-store';
import { DynamoDeliveries } from '../../functions/adapters/dynamo-deliveries';
import { DynamoMessageLog } from '../../functions/adapters/dynamo-message-log';
import { newConversation, type OutboundMessage } from '../../functions/domain/audience';
import { validateCatalog } from '../../functions/domain/catalog';
import { converse } from '../../functions/domain/conversation';
import { freshPhone, sleep, startLocalDynamo, uniqueStage, type LocalDynamo } from '../support/local-stand-ins';

jest.setTimeout(60_000);

const catalog = validateCatalog(require('../../catalog/demo.json')).catalog;

let db: LocalDynamo;
let log: DynamoMessageLog;
let deliveries: DynamoDeliveries;
/** Short, so a test can outwait it. */
const LEASE_MS = 1_000;

beforeAll(async () => {
  db = await startLocalDynamo(uniqueStage('it-outbound'));
  log = new DynamoMessageLog(db.doc, db.tables.audience);
  deliveries = new DynamoDeliveries(db.doc, db.tables.audience, LEASE_MS);
});

afterAll(async () => {
  await db?.stop();
});

let counter = 0;
function newSid(): string {
  counter += 1;
  return `SM${String(process.pid).padStart(8, '0')}${String(counter).padStart(24, '0')}`;
}
const newId = () => `it-${process.pid}-${(counter += 1)}`;

function welcome(to: string): OutboundMessage {
  return { to, from: '55155', body: 'Welcome to Krusty Burger Rewards!', purpose: 'opt-in-confirmation', programId: 'krusty-burger' };
}

async function record(phone: string, id: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db.doc.send(new GetCommand({ TableName: db.tables.audience, Key: audienceKeys.outboundMessage(phone, id), ConsistentRead: true }));
  return Item;
}

const SENT_AT = '2025-06-02T15:00:00.000Z';

describe('claiming an outbound message', () => {
  test('the first claim may send; the record keeps who, what and why, and expires 90 days on', async () => {
    // Prepare
    const phone = freshPhone();
    const id = newId();

    // Act
    const before = Date.now();
    const claim = await deliveries.claim(id, welcome(phone));

    // Assess: held for the lease, on the wall clock, as the record says
    expect(claim).toEqual({ kind: 'claimed', uncertain: false, leaseUntil: expect.any(Number) });
    const item = await record(phone, id);
    expect(claim.kind === 'claimed' && claim.leaseUntil).toBe(item?.leaseUntil);
    expect(claim.kind === 'claimed' && claim.leaseUntil - before).toBeGreaterThanOrEqual(LEASE_MS);
    expect(item).toMatchObject({ type: 'message', direction: 'out', to: phone, from: '55155', body: 'Welcome to Krusty Burger Rewards!', purpose: 'opt-in-confirmation', status: 'sending', attempts: 1 });
    expect(item!.expiresAt).toBeGreaterThan(Date.now() / 1000 + (MESSAGE_LOG_DAYS - 1) * 24 * 3600);
    const { TimeToLiveDescription } = await db.client.send(new DescribeTimeToLiveCommand({ TableName: db.tables.audience }));
    expect(TimeToLiveDescription).toMatchObject({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' });
  });

  test('a message with a SID on record is never claimed again, however it comes back', async () => {
    // Prepare
    const phone = freshPhone();
    const id = newId();
    await deliveries.claim(id, welcome(phone));
    await deliveries.sent(id, welcome(phone), { sid: newSid(), status: 'queued' }, SENT_AT);

    // Act
    const again = await deliveries.claim(id, welcome(phone));

    // Assess
    expect(again).toEqual({ kind: 'done', outcome: 'sent', next: [] });
  });

  test('while one run holds the claim, another is told it is busy; once the lease runs out, the next run must resolve the doubt', async () => {
    // Prepare
    const phone = freshPhone();
    const id = newId();
    await deliveries.claim(id, welcome(phone));

    // Act
    const meanwhile = await deliveries.claim(id, welcome(phone));
    await sleep(1_100);
    const afterLease = await deliveries.claim(id, welcome(phone));

    // Assess
    expect(meanwhile).toEqual({ kind: 'busy' });
    expect(afterLease).toEqual({ kind: 'claimed', uncertain: true, leaseUntil: expect.any(Number) });
  });

  test.each([
    ['the carrier said no (retry later)', false, { kind: 'claimed', uncertain: false, leaseUntil: expect.any(Number) }],
    ['no answer from the carrier (timeout)', true, { kind: 'claimed', uncertain: true, leaseUntil: expect.any(Number) }],
  ] as const)('released after %s: the next claim knows whether to look first', async (_case, uncertain, expected) => {
    // Prepare
    const phone = freshPhone();
    const id = newId();
    await deliveries.claim(id, welcome(phone));
    await deliveries.release(id, welcome(phone), uncertain, 'carrier');

    // Act
    const next = await deliveries.claim(id, welcome(phone));

    // Assess
    expect(next).toEqual(expected);
  });

  test('a message finished unsent (blocked, capped, rejected…) stays finished, with its reason', async () => {
    // Prepare
    const phone = freshPhone();
    const id = newId();
    await deliveries.claim(id, welcome(phone));
    await deliveries.finish(id, welcome(phone), 'rejected', '21211: invalid To number', SENT_AT);

    // Act
    const again = await deliveries.claim(id, welcome(phone));

    // Assess
    expect(again).toEqual({ kind: 'done', outcome: 'rejected', next: [] });
    expect(await record(phone, id)).toMatchObject({ status: 'rejected', reason: '21211: invalid To number' });
  });

  test('what follows a send is on its record, so a redelivery queues it again', async () => {
    // Prepare
    const phone = freshPhone();
    const id = newId();
    const question: OutboundMessage = { to: phone, from: '55155', body: 'Your birthday?', purpose: 'profile-question', programId: 'krusty-burger' };
    await deliveries.claim(id, welcome(phone));
    await deliveries.sent(id, welcome(phone), { sid: newSid(), status: 'queued' }, SENT_AT, { next: [{ id: `${id}:question`, message: question }] });

    // Act
    const again = await deliveries.claim(id, welcome(phone));

    // Assess
    expect(again).toEqual({ kind: 'done', outcome: 'sent', next: [{ id: `${id}:question`, message: question }] });
    expect(await record(phone, `${id}:question`)).toMatchObject({ status: 'pending', body: 'Your birthday?' });
  });

  test('a subscription that ended between sending and recording: the send is on record, its effects are not', async () => {
    // Prepare: a subscriber who opted out while their lunch coupon was with the carrier
    const phone = freshPhone();
    const store = new DynamoConversationStore(db.doc, db.tables.audience);
    for (const body of ['KRUSTY', 'STOP']) {
      const text = { messageSid: newSid(), from: phone, to: '55155', body, receivedAt: new Date().toISOString() };
      await store.commit(text, converse(text, await store.load(phone), catalog));
    }
    const id = newId();
    const coupon: OutboundMessage = { to: phone, from: '55155', body: 'Lunch deal', purpose: 'marketing', programId: 'krusty-burger' };
    await deliveries.claim(id, coupon);

    // Act
    await deliveries.sent(id, coupon, { sid: newSid(), status: 'queued' }, SENT_AT, {
      marketing: { programId: 'krusty-burger', sentAt: [SENT_AT], sinceQuestion: 0, rideAlong: { field: 'meal', attempts: 0, askedAt: SENT_AT } },
    });

    // Assess
    expect(await deliveries.claim(id, coupon)).toMatchObject({ kind: 'done', outcome: 'sent' });
    const [subscription] = (await store.load(phone)).subscriptions;
    expect(subscription).toMatchObject({ status: 'opted-out' });
    expect(subscription!.pendingQuestion).toBeUndefined();
  });

  test('knownSids lists every SID the number\'s records know', async () => {
    // Prepare
    const phone = freshPhone();
    const [a, b] = [newId(), newId()];
    const [sidA, sidB] = [newSid(), newSid()];
    await deliveries.claim(a, welcome(phone));
    await deliveries.sent(a, welcome(phone), { sid: sidA, status: 'queued' }, SENT_AT);
    await deliveries.claim(b, welcome(phone));
    await log.recordStatus({ to: phone, sid: sidB, deliveryId: b, status: 'delivered', at: SENT_AT });

    // Act
    const known = await deliveries.knownSids(phone);

    // Assess
    expect([...known].sort()).toEqual([sidA, sidB].sort());
  });

  test('replies committed by the conversation have no record until claimed; a restart finds the ones never sent, from the inbound log', async () => {
    // Prepare: the opt-in committed; the welcome went out, the ZIP question did not (the gateway died)
    const phone = freshPhone();
    const store = new DynamoConversationStore(db.doc, db.tables.audience);
    const text = { messageSid: newSid(), from: phone, to: '55155', body: 'KRUSTY', receivedAt: new Date().toISOString() };
    const outcome = converse(text, newConversation(phone), catalog);
    await store.commit(text, outcome);
    const [welcomeId, questionId] = [`${text.messageSid}-0`, `${text.messageSid}-1`];
    const recordsAtCommit = [await record(phone, welcomeId), await record(phone, questionId)];
    const waitingAtCommit = await deliveries.state(phone, welcomeId);
    await deliveries.claim(welcomeId, outcome.replies[0]!);
    await deliveries.sent(welcomeId, outcome.replies[0]!, { sid: newSid(), status: 'queued' }, SENT_AT);

    // Act
    const unsent = (await deliveries.unsent()).filter((entry) => entry.message.to === phone);

    // Assess
    expect(recordsAtCommit).toEqual([undefined, undefined]);
    expect(waitingAtCommit).toBe('waiting');
    expect(unsent.map((entry) => entry.id)).toEqual([questionId]);
    expect(unsent[0]!.message).toMatchObject({ to: phone, purpose: 'profile-question', programId: 'krusty-burger', body: outcome.replies[1]!.body });
  });

  test('a restart finds a claimed reply whose run died, once: by its record, not again from the inbound log', async () => {
    // Prepare
    const phone = freshPhone();
    const store = new DynamoConversationStore(db.doc, db.tables.audience);
    const text = { messageSid: newSid(), from: phone, to: '55155', body: 'KRUSTY', receivedAt: new Date().toISOString() };
    const outcome = converse(text, newConversation(phone), catalog);
    await store.commit(text, outcome);
    await deliveries.claim(`${text.messageSid}-0`, outcome.replies[0]!);

    // Act
    const unsent = (await deliveries.unsent()).filter((entry) => entry.message.to === phone);

    // Assess
    expect(unsent.map((entry) => entry.id)).toEqual([`${text.messageSid}-0`, `${text.messageSid}-1`]);
  });
});

describe('delivery status callbacks', () => {
  async function sentMessage(): Promise<{ phone: string; id: string; sid: string }> {
    const phone = freshPhone();
    const id = newId();
    const sid = newSid();
    await deliveries.claim(id, welcome(phone));
    await deliveries.sent(id, welcome(phone), { sid, status: 'queued' }, SENT_AT);
    return { phone, id, sid };
  }

  test('sent then delivered: the message ends delivered', async () => {
    // Prepare
    const { phone, id, sid } = await sentMessage();

    // Act
    await log.recordStatus({ to: phone, sid, deliveryId: id, status: 'sent', at: '2025-06-02T15:00:01.000Z' });
    await log.recordStatus({ to: phone, sid, deliveryId: id, status: 'delivered', at: '2025-06-02T15:00:02.000Z' });

    // Assess
    expect(await record(phone, id)).toMatchObject({ status: 'sent', carrierStatus: 'delivered', statusAt: '2025-06-02T15:00:02.000Z', sentAt: SENT_AT });
  });

  test('delivered arriving before sent: the late "sent" does not undo delivered', async () => {
    // Prepare
    const { phone, id, sid } = await sentMessage();
    await log.recordStatus({ to: phone, sid, deliveryId: id, status: 'delivered', at: '2025-06-02T15:00:02.000Z' });

    // Act
    await log.recordStatus({ to: phone, sid, deliveryId: id, status: 'sent', at: '2025-06-02T15:00:03.000Z' });

    // Assess
    expect(await record(phone, id)).toMatchObject({ carrierStatus: 'delivered', statusAt: '2025-06-02T15:00:02.000Z' });
  });

  test('a callback that beats the send\'s own record: the record keeps the later status', async () => {
    // Prepare
    const phone = freshPhone();
    const id = newId();
    const sid = newSid();
    await deliveries.claim(id, welcome(phone));
    await log.recordStatus({ to: phone, sid, deliveryId: id, status: 'delivered', at: '2025-06-02T15:00:02.000Z' });

    // Act
    await deliveries.sent(id, welcome(phone), { sid, status: 'queued' }, SENT_AT);

    // Assess
    expect(await record(phone, id)).toMatchObject({ carrierStatus: 'delivered', sid, body: 'Welcome to Krusty Burger Rewards!', sentAt: SENT_AT });
  });

  test('a callback for a send that ended in doubt settles it: the message is never sent again', async () => {
    // Prepare
    const phone = freshPhone();
    const id = newId();
    await deliveries.claim(id, welcome(phone));
    await deliveries.release(id, welcome(phone), true, 'timeout');

    // Act
    await log.recordStatus({ to: phone, sid: newSid(), deliveryId: id, status: 'sent', at: SENT_AT });
    const next = await deliveries.claim(id, welcome(phone));

    // Assess
    expect(next).toEqual({ kind: 'done', outcome: 'sent', next: [] });
  });

  test('a failure keeps the carrier error code', async () => {
    // Prepare
    const { phone, id, sid } = await sentMessage();

    // Act
    await log.recordStatus({ to: phone, sid, deliveryId: id, status: 'undelivered', errorCode: 30003, at: '2025-06-02T15:00:05.000Z' });

    // Assess
    expect(await record(phone, id)).toMatchObject({ carrierStatus: 'undelivered', errorCode: 30003 });
  });

  test('a callback for a message sent before ids (keyed by SID) still lands, and expires', async () => {
    // Prepare
    const phone = freshPhone();
    const sid = newSid();

    // Act
    await log.recordStatus({ to: phone, sid, status: 'delivered', at: new Date().toISOString() });

    // Assess
    const { Item } = await db.doc.send(new GetCommand({ TableName: db.tables.audience, Key: audienceKeys.message(phone, sid), ConsistentRead: true }));
    expect(Item).toMatchObject({ carrierStatus: 'delivered' });
    expect(Item!.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });
});

describe('a conversation turn\'s replies on their turn\'s record', () => {
  const JOINED = '2025-06-02T14:59:58.000Z';
  /** A KRUSTY turn's replies (the welcome and the question; from a subscriber, "already subscribed") marked as converse marks them, committed with their inbound text, so a STOP can find them. */
  async function committedTurn(phone: string): Promise<{ id: string; message: OutboundMessage }[]> {
    const messageSid = newSid();
    const store = new DynamoConversationStore(db.doc, db.tables.audience);
    const inbound = { messageSid, from: phone, to: '55155', body: 'KRUSTY', receivedAt: JOINED };
    const outcome = converse(inbound, await store.load(phone), catalog);
    const replies = outcome.replies.map((reply) => ({ ...reply, turn: { subscribedAt: JOINED } }));
    await store.commit(inbound, { ...outcome, replies });
    return replies.map((message, index) => ({ id: `${messageSid}-${index}`, message }));
  }
  const sent = (n: number) => ({ sid: `SM${'f'.repeat(31)}${n}`, status: 'queued' });

  test('claimed together once: a second claim is refused and told each reply is held; once recorded, told each went out', async () => {
    // Prepare
    const phone = freshPhone();
    const turn = await committedTurn(phone);

    // Act
    const first = await deliveries.claimTogether(turn);
    const meanwhile = await deliveries.claimTogether(turn);
    await deliveries.sentTogether(turn.map((entry, n) => ({ ...entry, sent: sent(n) })), SENT_AT);
    const after = await deliveries.claimTogether(turn);

    // Assess
    expect(first).toMatchObject({ claimed: true });
    expect(meanwhile).toEqual({ claimed: false, earlier: new Map(turn.map(({ id }) => [id, 'busy'])) });
    expect(after).toEqual({ claimed: false, earlier: new Map(turn.map(({ id }) => [id, 'sent'])) });
    expect(await deliveries.state(phone, turn[0]!.id)).toBe('sent');
    expect([...(await deliveries.knownSids(phone))]).toEqual(expect.arrayContaining([sent(0).sid, sent(1).sid]));
  });

  test('once refused, a turn stays refused: replies given back (not taken, or in doubt) and a turn claimed in parts go their own way, told how each stood', async () => {
    // Prepare: one turn given back whole (a 429), one whose welcome ended in doubt, one claimed in parts
    const [phoneA, phoneB, phoneC] = [freshPhone(), freshPhone(), freshPhone()];
    const [turnA, turnB, turnC] = [await committedTurn(phoneA), await committedTurn(phoneB), await committedTurn(phoneC)];
    await deliveries.claimTogether(turnA);
    await deliveries.claimTogether(turnB);
    await deliveries.claimTogether([turnC[0]!]);

    // Act
    for (const { id, message } of turnA) await deliveries.releaseTurnReply(id, message, false, '429');
    const givenBack = await deliveries.claimTogether(turnA);
    await deliveries.releaseTurnReply(turnB[0]!.id, turnB[0]!.message, true, 'timeout');
    await sleep(LEASE_MS + 50);
    const doubt = await deliveries.claimTogether(turnB);
    const rest = await deliveries.claimTogether([turnC[1]!]);

    // Assess: given back as not taken, or never claimed: free for their own record; the rest in doubt
    expect(givenBack).toEqual({ claimed: false, earlier: new Map() });
    expect(doubt).toEqual({ claimed: false, earlier: new Map(turnB.map(({ id }) => [id, 'in-doubt'])) });
    expect(rest).toEqual({ claimed: false, earlier: new Map() });
  });

  test('a delivery report for a reply claimed with its turn lands on its place there, and a report that beats the record keeps its later status', async () => {
    // Prepare
    const phone = freshPhone();
    const turn = await committedTurn(phone);
    await deliveries.claimTogether(turn);

    // Act: "delivered" for the welcome arrives before the sender recorded the SIDs
    await log.recordStatus({ to: phone, sid: sent(0).sid, deliveryId: turn[0]!.id, status: 'delivered', at: SENT_AT });
    await deliveries.sentTogether(turn.map((entry, n) => ({ ...entry, sent: sent(n) })), SENT_AT);
    await log.recordStatus({ to: phone, sid: sent(0).sid, deliveryId: turn[0]!.id, status: 'sent', at: SENT_AT });

    // Assess
    const { Item: item } = await db.doc.send(new GetCommand({ TableName: db.tables.audience, Key: audienceKeys.turn(phone, turn[0]!.id.replace(/-0$/, '')), ConsistentRead: true }));
    expect(item?.sends).toEqual({ '0': expect.objectContaining({ sid: sent(0).sid, carrierStatus: 'delivered' }), '1': expect.objectContaining({ sid: sent(1).sid, carrierStatus: 'queued' }) });
    expect(await record(phone, turn[0]!.id)).toBeUndefined();
  });

  test('a STOP voids the waiting turns (refused claims, nothing known of them), and not a turn whose replies were all claimed before it', async () => {
    // Prepare: one turn waiting, one claimed before the STOP, one with only its first reply sent
    const phone = freshPhone();
    const half = await committedTurn(phone);
    const [waiting, claimed] = [await committedTurn(phone), await committedTurn(phone)];
    await deliveries.claimTogether(claimed);
    await deliveries.claimTogether([half[0]!]);
    await deliveries.sentTogether([{ ...half[0]!, sent: sent(0) }], SENT_AT);

    // Act
    await deliveries.voidTurns(phone, ['krusty-burger']);

    // Assess
    expect(await deliveries.claimTogether(waiting)).toEqual({ claimed: false, earlier: new Map() });
    expect(await deliveries.claimTogether([half[1]!])).toEqual({ claimed: false, earlier: new Map() });
    expect(await deliveries.claimTogether(claimed)).toEqual({ claimed: false, earlier: new Map(claimed.map(({ id }) => [id, 'busy'])) });
  });
});
