import { DynamoConversationStore, readingTogether } from '../../functions/adapters/dynamo-conversation-store';
import type { ConsentEvent, Conversation } from '../../functions/domain/audience';
import { validateCatalog, type Catalog } from '../../functions/domain/catalog';
import { converse, type InboundText } from '../../functions/domain/conversation';
import { parkingSpots, type Purchase } from '../../functions/domain/handle-purchase';
import { ConflictError } from '../../functions/domain/ports';
import { audienceItems, freshPhone, startLocalDynamo, uniqueStage, type LocalDynamo } from '../support/local-stand-ins';

jest.setTimeout(60_000);

const catalog: Catalog = validateCatalog(require('../../catalog/demo.json')).catalog;
const SHORT_CODE = '55155';
const PROGRAM_ID = 'krusty-burger';

let db: LocalDynamo;
let store: DynamoConversationStore;
/** The number's consent ledger, oldest first. */
const ledgerOf = (phone: string) => store.consentLedger(phone);

beforeAll(async () => {
  db = await startLocalDynamo(uniqueStage('it-store'));
  store = new DynamoConversationStore(db.doc, db.tables.audience);
});

afterAll(async () => {
  await db?.stop();
});

let sidCounter = 0;
function inbound(phone: string, body: string, receivedAt = '2025-06-02T15:00:00.000Z', messageSid?: string): InboundText {
  sidCounter += 1;
  return { messageSid: messageSid ?? `SMstore${process.pid}x${sidCounter}`, from: phone, to: SHORT_CODE, body, receivedAt };
}

/** Texts `body` the way the use case does: load, decide, commit. Returns the inbound text. */
async function textAndCommit(phone: string, body: string, receivedAt?: string): Promise<InboundText> {
  const text = inbound(phone, body, receivedAt);
  await store.commit(text, converse(text, await store.load(phone), catalog));
  return text;
}

function subscriptionOf(conversation: Conversation) {
  return conversation.subscriptions.find((s) => s.programId === PROGRAM_ID);
}

describe('committing a keyword', () => {
  test('KRUSTY leaves a subscribed subscription at version 1, waiting for the ZIP answer', async () => {
    // Prepare
    const phone = freshPhone();
    const text = inbound(phone, 'KRUSTY');
    const outcome = converse(text, await store.load(phone), catalog);

    // Act
    await store.commit(text, outcome);
    const loaded = await store.load(phone);

    // Assess
    expect(outcome.kind).toBe('opted-in');
    expect(loaded.subscriptions).toHaveLength(1);
    expect(subscriptionOf(loaded)).toMatchObject({
      phone,
      programId: PROGRAM_ID,
      status: 'subscribed',
      subscribedAt: text.receivedAt,
      welcomeOfferSentAt: text.receivedAt,
      pendingQuestion: { field: 'zip', attempts: 0 },
      version: 1,
    });
    // Keys and the item type are storage details the domain never sees.
    expect(subscriptionOf(loaded)).not.toHaveProperty('pk');
    expect(subscriptionOf(loaded)).not.toHaveProperty('type');
  });

  test('the consent ledger holds the opt-in with the raw text, keyword, short code, time and MessageSid', async () => {
    // Prepare
    const phone = freshPhone();
    const text = inbound(phone, 'krusty');

    // Act
    await store.commit(text, converse(text, await store.load(phone), catalog));
    const ledger = await ledgerOf(phone);

    // Assess
    expect(ledger).toEqual([
      expect.objectContaining({
        phone,
        programId: PROGRAM_ID,
        action: 'opt-in',
        source: 'sms',
        at: text.receivedAt,
        shortCode: SHORT_CODE,
        rawText: 'krusty',
        keyword: 'KRUSTY',
        messageSid: text.messageSid,
      }),
    ]);
  });

  test('an unknown number loads as an empty conversation at version 0', async () => {
    // Prepare
    const phone = freshPhone();

    // Act
    const loaded = await store.load(phone);

    // Assess
    expect(loaded).toEqual({ phone: { phone, version: 0 }, subscriptions: [] });
  });
});

describe('exactly once per MessageSid', () => {
  test('committing the same inbound text twice is refused the second time, answered with the first, and changes nothing', async () => {
    // Prepare
    const phone = freshPhone();
    const text = inbound(phone, 'KRUSTY');
    const outcome = converse(text, await store.load(phone), catalog);
    await store.commit(text, outcome);
    const before = await audienceItems(db, phone);

    // Act
    const second = store.commit(text, outcome);

    // Assess
    await expect(second).resolves.toEqual({ committed: false, earlier: expect.objectContaining({ kind: 'opted-in', replies: outcome.replies }) });
    expect(await audienceItems(db, phone)).toEqual(before);
    expect(subscriptionOf(await store.load(phone))).toMatchObject({ status: 'subscribed', version: 1 });
    expect(await ledgerOf(phone)).toHaveLength(1);
  });

  test('a redelivered MessageSid that would change state (STOP) is refused whole: no opt-out, no ledger line', async () => {
    // Prepare
    const phone = freshPhone();
    const first = await textAndCommit(phone, 'KRUSTY');
    // Same MessageSid, fresh state: only the message item can make the transaction fail.
    const replay = { ...inbound(phone, 'STOP', '2025-06-02T15:05:00.000Z'), messageSid: first.messageSid };
    const outcome = converse(replay, await store.load(phone), catalog);

    // Act
    const commit = store.commit(replay, outcome);

    // Assess
    expect(outcome.kind).toBe('opted-out');
    await expect(commit).resolves.toEqual({ committed: false, earlier: expect.objectContaining({ kind: 'opted-in' }) });
    expect(subscriptionOf(await store.load(phone))).toMatchObject({ status: 'subscribed', version: 1 });
    expect((await ledgerOf(phone)).map((item) => item.action)).toEqual(['opt-in']);
    const inboundLog = await audienceItems(db, phone, `MSG#${first.messageSid}`);
    expect(inboundLog).toEqual([expect.objectContaining({ body: 'KRUSTY', outcome: 'opted-in' })]);
  });
});

describe('optimistic locking', () => {
  test('two texts decided from the same loaded version: the second commit throws ConflictError and leaves no trace', async () => {
    // Prepare
    const phone = freshPhone();
    await textAndCommit(phone, 'KRUSTY');
    const loaded = await store.load(phone);
    const stop = inbound(phone, 'STOP', '2025-06-02T15:10:00.000Z');
    const zip = inbound(phone, '62701', '2025-06-02T15:10:01.000Z');
    const stopOutcome = converse(stop, loaded, catalog);
    const zipOutcome = converse(zip, loaded, catalog);
    await store.commit(stop, stopOutcome);

    // Act
    const stale = store.commit(zip, zipOutcome);

    // Assess
    expect(zipOutcome.kind).toBe('answered');
    await expect(stale).rejects.toThrow(ConflictError);
    const after = subscriptionOf(await store.load(phone));
    expect(after).toMatchObject({ status: 'opted-out', version: 2, profile: {} });
    expect(after).not.toHaveProperty('pendingQuestion');
    // The refused text left no inbound log item, so a retry decides it again from fresh state.
    expect(await audienceItems(db, phone, `MSG#${zip.messageSid}`)).toEqual([]);
  });

  test('two racing commits from the same version: exactly one wins', async () => {
    // Prepare
    const phone = freshPhone();
    await textAndCommit(phone, 'KRUSTY');
    const loaded = await store.load(phone);
    const texts = [inbound(phone, '62701'), inbound(phone, 'SKIP')];
    const outcomes = texts.map((text) => converse(text, loaded, catalog));

    // Act
    const results = await Promise.allSettled(texts.map((text, index) => store.commit(text, outcomes[index]!)));

    // Assess
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(ConflictError);
    expect(subscriptionOf(await store.load(phone))).toMatchObject({ version: 2 });
  });

  test('a fresh number texting the keyword twice at once subscribes once', async () => {
    // Prepare
    const phone = freshPhone();
    const empty = await store.load(phone);
    const texts = [inbound(phone, 'KRUSTY'), inbound(phone, 'KRUSTYBURGER')];
    const outcomes = texts.map((text) => converse(text, empty, catalog));

    // Act
    const results = await Promise.allSettled(texts.map((text, index) => store.commit(text, outcomes[index]!)));

    // Assess
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(subscriptionOf(await store.load(phone))).toMatchObject({ status: 'subscribed', version: 1 });
    expect(await ledgerOf(phone)).toHaveLength(1);
  });
});

describe('committing a MessageSid again: the commit itself tells a redelivery', () => {
  test('answers with the replies stored the first time, in order, and writes nothing', async () => {
    // Prepare
    const phone = freshPhone();
    const text = inbound(phone, 'KRUSTY');
    const first = converse(text, await store.load(phone), catalog);
    await store.commit(text, first);
    // The redelivery is decided again from the state the first delivery left: "already subscribed".
    const again = converse(text, await store.load(phone), catalog);

    // Act
    const result = await store.commit(text, again);

    // Assess
    expect(again.kind).toBe('already-subscribed');
    expect(result).toEqual({ committed: false, earlier: { kind: 'opted-in', replies: first.replies, events: first.events } });
    expect(first.replies.map((r) => r.purpose)).toEqual(['opt-in-confirmation', 'profile-question']);
    expect((await store.load(phone)).phone.version).toBe(0);
    expect(subscriptionOf(await store.load(phone))).toMatchObject({ version: 1 });
  });

  test('a first commit says so', async () => {
    // Prepare
    const phone = freshPhone();
    const text = inbound(phone, 'KRUSTY');

    // Act
    const result = await store.commit(text, converse(text, await store.load(phone), catalog));

    // Assess
    expect(result).toEqual({ committed: true });
  });

  test('a text handled without a reply (one item: a plain conditional Put) answers with an empty list', async () => {
    // Prepare
    const phone = freshPhone();
    await textAndCommit(phone, 'KRUSTY');
    await textAndCommit(phone, 'STOP', '2025-06-02T15:01:00.000Z');
    // A repeated STOP changes nothing and earns no reply: its commit is the inbound log item alone.
    const again = await textAndCommit(phone, 'STOP', '2025-06-02T15:02:00.000Z');
    const outcome = converse(again, await store.load(phone), catalog);

    // Act
    const result = await store.commit(again, outcome);

    // Assess
    expect(outcome).toMatchObject({ kind: 'ignored', replies: [], subscriptions: [] });
    expect(result).toEqual({ committed: false, earlier: { kind: 'ignored', replies: [], events: [] } });
  });

  test('is scoped to the sender: another number with the same MessageSid commits', async () => {
    // Prepare
    const phone = freshPhone();
    const other = freshPhone();
    const text = await textAndCommit(phone, 'KRUSTY');
    const same = { ...text, from: other };

    // Act
    const result = await store.commit(same, converse(same, await store.load(other), catalog));

    // Assess
    expect(result).toEqual({ committed: true });
    expect(subscriptionOf(await store.load(other))).toMatchObject({ status: 'subscribed' });
  });
});

describe('carrier-reported opt-outs', () => {
  function carrierOptOut(phone: string, at: string): ConsentEvent {
    return {
      phone,
      programId: PROGRAM_ID,
      action: 'opt-out',
      at,
      source: 'carrier',
      shortCode: SHORT_CODE,
      rawText: 'carrier error 21610: recipient has opted out',
    };
  }

  test('recordOptOuts ends the subscription, drops the pending question and appends a carrier ledger line', async () => {
    // Prepare
    const phone = freshPhone();
    await textAndCommit(phone, 'KRUSTY');
    const at = '2025-06-03T09:00:00.000Z';

    // Act
    await store.recordOptOuts([carrierOptOut(phone, at)]);

    // Assess
    const subscription = subscriptionOf(await store.load(phone));
    expect(subscription).toMatchObject({ status: 'opted-out', optedOutAt: at, version: 2 });
    expect(subscription).not.toHaveProperty('pendingQuestion');
    const ledger = await ledgerOf(phone);
    expect(ledger.map((item) => [item.action, item.source])).toEqual([
      ['opt-in', 'sms'],
      ['opt-out', 'carrier'],
    ]);
    expect(ledger[1]).toMatchObject({ at, phone, programId: PROGRAM_ID, rawText: expect.stringContaining('21610') });
  });

  test('a text decided before the carrier opt-out can no longer be committed over it', async () => {
    // Prepare
    const phone = freshPhone();
    await textAndCommit(phone, 'KRUSTY');
    const beforeOptOut = await store.load(phone);
    const zip = inbound(phone, '62701', '2025-06-03T09:00:01.000Z');
    const outcome = converse(zip, beforeOptOut, catalog);
    await store.recordOptOuts([carrierOptOut(phone, '2025-06-03T09:00:00.000Z')]);

    // Act
    const commit = store.commit(zip, outcome);

    // Assess
    await expect(commit).rejects.toThrow(ConflictError);
    expect(subscriptionOf(await store.load(phone))).toMatchObject({ status: 'opted-out', version: 2 });
  });

  test('no events is a no-op', async () => {
    // Prepare
    const phone = freshPhone();
    await textAndCommit(phone, 'KRUSTY');
    const before = await audienceItems(db, phone);

    // Act
    await store.recordOptOuts([]);

    // Assess
    expect(await audienceItems(db, phone)).toEqual(before);
  });
});

describe('reading one program\'s subscription', () => {
  test('several numbers read side by side get each their own subscription as the conversation shows it, and none for a stranger, in one request', async () => {
    // Prepare: two subscribers (one opted out since), one stranger
    const [a, b, stranger] = [freshPhone(), freshPhone(), freshPhone()];
    await textAndCommit(a, 'KRUSTY');
    await textAndCommit(b, 'KRUSTY');
    await textAndCommit(b, 'STOP', '2025-06-02T15:05:00.000Z');
    const asked: string[] = [];
    db.doc.middlewareStack.add((next, context) => async (args) => (asked.push(context.commandName ?? ''), next(args)), { step: 'initialize', name: 'askedReads' });

    // Act
    const reader = readingTogether(store);
    const [forA, forB, forStranger, forAAgain] = await Promise.all([
      reader.subscription(a, PROGRAM_ID),
      reader.subscription(b, PROGRAM_ID),
      reader.subscription(stranger, PROGRAM_ID),
      reader.subscription(a, PROGRAM_ID),
    ]);
    db.doc.middlewareStack.remove('askedReads');

    // Assess
    expect(forA).toEqual(subscriptionOf(await store.load(a)));
    expect(forA).toMatchObject({ phone: a, status: 'subscribed' });
    expect(forB).toMatchObject({ phone: b, status: 'opted-out' });
    expect(forStranger).toBeUndefined();
    expect(forAAgain).toEqual(forA);
    expect(asked).toEqual(['BatchGetItemCommand']);
  });
});

describe('parked purchases at the subscription key', () => {
  const AT = new Date('2025-06-02T15:00:00.000Z');
  const UNTIL = '2025-06-02T15:15:00.000Z';
  let orders = 0;
  function purchaseBy(phone: string): Purchase {
    orders += 1;
    return { phone, programId: PROGRAM_ID, orderId: `store-order-${process.pid}-${orders}`, total: 9.5, currency: 'USD' };
  }

  /** Parks a purchase the way handle-purchase does: under the key as just loaded. */
  async function park(phone: string): Promise<{ purchase: Purchase; parked: boolean }> {
    const purchase = purchaseBy(phone);
    const parked = await store.park(phone, parkingSpots({ purchase, until: UNTIL }, await store.load(phone), catalog, AT));
    return { purchase, parked };
  }

  test.each([
    ['nothing is stored at the key yet', async (_phone: string) => {}],
    ['a placeholder holds a purchase parked before', async (phone: string) => void (await park(phone))],
    ['an opted-out subscription holds it', async (phone: string) => void (await textAndCommit(phone, 'KRUSTY'), await textAndCommit(phone, 'STOP'))],
  ])('%s: an opt-in decided before a purchase parks cannot be committed, and decided again it takes the purchase over', async (_case, before) => {
    // Prepare
    const phone = freshPhone();
    await before(phone);
    const keyword = inbound(phone, 'KRUSTY', '2025-06-02T15:01:00.000Z');
    const stale = converse(keyword, await store.load(phone), catalog);
    const { purchase, parked } = await park(phone);

    // Act
    const commit = store.commit(keyword, stale);

    // Assess
    expect(parked).toBe(true);
    await expect(commit).rejects.toThrow(ConflictError);
    expect(await audienceItems(db, phone, `MSG#${keyword.messageSid}`)).toEqual([]);
    const decidedAgain = converse(keyword, await store.load(phone), catalog);
    expect(decidedAgain.parked?.map((p) => p.purchase.orderId)).toContain(purchase.orderId);
    await store.commit(keyword, decidedAgain);
    const after = await store.load(phone);
    expect(after.placeholders).toBeUndefined();
    expect(subscriptionOf(after)).toMatchObject({ status: 'subscribed' });
    expect(subscriptionOf(after)).not.toHaveProperty('parked');
    const [logged] = await audienceItems(db, phone, `MSG#${keyword.messageSid}`);
    expect(logged!.parked).toEqual(decidedAgain.parked);
  });

  test('a placeholder is no subscription: its own type, no zoneKey, expiring a day after the wait, loaded apart', async () => {
    // Prepare
    const phone = freshPhone();

    // Act
    const { purchase } = await park(phone);

    // Assess
    const [item] = await audienceItems(db, phone, 'STATE#');
    expect(item).toEqual({
      pk: `PHONE#${phone}`,
      sk: `STATE#PROGRAM#${PROGRAM_ID}`,
      type: 'parked-purchases',
      phone,
      programId: PROGRAM_ID,
      parked: [{ purchase, until: UNTIL }],
      version: 1,
      expiresAt: Date.parse(UNTIL) / 1000 + 24 * 3600,
    });
    expect(await store.load(phone)).toEqual({ phone: { phone, version: 0 }, subscriptions: [], placeholders: [{ programId: PROGRAM_ID, parked: [{ purchase, until: UNTIL }], version: 1 }] });
  });

  test('a purchase decided before the opt-in committed does not park over the subscription', async () => {
    // Prepare
    const phone = freshPhone();
    const purchase = purchaseBy(phone);
    const spots = parkingSpots({ purchase, until: UNTIL }, await store.load(phone), catalog, AT);
    await textAndCommit(phone, 'KRUSTY');

    // Act
    const parked = await store.park(phone, spots);

    // Assess
    expect(parked).toBe(false);
    const [item] = await audienceItems(db, phone, 'STATE#PROGRAM#');
    expect(item).toMatchObject({ type: 'subscription', status: 'subscribed', version: 1, zoneKey: expect.any(String) });
    expect(item).not.toHaveProperty('parked');
  });
});
