import type { Message } from '@aws-sdk/client-sqs';
import { DynamoCatalogSource } from '../../functions/adapters/dynamo-catalog';
import { DynamoConversationStore } from '../../functions/adapters/dynamo-conversation-store';
import { DynamoDeliveries } from '../../functions/adapters/dynamo-deliveries';
import { converse, type InboundText } from '../../functions/domain/conversation';
import { handleInbound, type HandleInboundDeps } from '../../functions/domain/handle-inbound';
import { outboundQueueMessage, type OutboundQueueMessage } from '../../functions/schemas/queue-messages';
import { logger } from '../../functions/shared/logger';
import { readCatalogFile, writeCatalogItems, DEMO_CATALOG_FILE, type CatalogItem } from '../../lib/catalog-admin';
import type { SqsLocal } from '../../lib/local/sqs-local';
import { ensureTables, localTableName } from '../../lib/local/tables';
import { inboundDeps } from '../support/inbound-deps';
import { RecordingPublisher } from '../support/recording-publisher';
import { codeShownTo } from '../support/referral-codes';
import {
  audienceItems,
  drainQueue,
  freshPhone,
  startLocalDynamo,
  startLocalSqs,
  uniqueStage,
  type LocalDynamo,
} from '../support/local-stand-ins';

jest.setTimeout(60_000);

const SHORT_CODE = '55155';
const PROGRAM_ID = 'krusty-burger';
const demoItems = readCatalogFile(DEMO_CATALOG_FILE);

let db: LocalDynamo;
let sqs: SqsLocal;
let store: DynamoConversationStore;
/** The number's consent ledger, oldest first. */
const ledgerOf = (phone: string) => store.consentLedger(phone);
let deps: HandleInboundDeps;
const publisher = new RecordingPublisher();
/** Messages already taken off the outbound queue that belong to other tests' numbers. */
const received: Message[] = [];

beforeAll(async () => {
  // Broken catalog items are logged on purpose below; keep the test output readable.
  logger.setLogLevel('SILENT');
  [db, sqs] = await Promise.all([startLocalDynamo(uniqueStage('it-inbound')), startLocalSqs()]);
  await writeCatalogItems(db.doc, db.tables.catalog, demoItems);
  store = new DynamoConversationStore(db.doc, db.tables.audience);
  deps = { ...inboundDeps(db, sqs, publisher), store };
});

afterAll(async () => {
  await Promise.all([db?.stop(), sqs?.stop()]);
});

let sidCounter = 0;
function inbound(phone: string, body: string): InboundText {
  sidCounter += 1;
  return {
    messageSid: `SMinbound${process.pid}x${sidCounter}`,
    from: phone,
    to: SHORT_CODE,
    body,
    receivedAt: new Date(Date.UTC(2025, 5, 2, 15, 0, sidCounter)).toISOString(),
  };
}

/** Everything on the outbound queue for one number, in the order the queue hands it out. */
async function outboundFor(phone: string): Promise<{ message: Message; body: OutboundQueueMessage }[]> {
  received.push(...(await drainQueue(sqs.client, sqs.queues.outbound.url)));
  return received
    .filter((message) => message.Attributes?.MessageGroupId === phone)
    .map((message) => ({ message, body: outboundQueueMessage.parse(JSON.parse(message.Body!)) }));
}

/**
 * A catalog table of its own (same DynamoDB Local, another stage) holding the demo items with `edits`
 * applied: an edit with the key of a demo item replaces it, as a marketer's edit in the console would.
 */
async function catalogWith(edits: CatalogItem[]): Promise<DynamoCatalogSource> {
  const stage = uniqueStage(`it-cat${sidCounter++}`);
  await ensureTables(db.client, stage);
  const key = (item: CatalogItem) => `${String(item.pk)}|${String(item.sk)}`;
  const edited = new Set(edits.map(key));
  await writeCatalogItems(db.doc, localTableName('catalog', stage), [...demoItems.filter((item) => !edited.has(key(item))), ...edits]);
  return new DynamoCatalogSource(db.doc, localTableName('catalog', stage), 0);
}

describe('texting the keyword', () => {
  test('KRUSTY queues the welcome, then the ZIP question, grouped by the phone', async () => {
    // Prepare
    const phone = freshPhone();
    const text = inbound(phone, 'KRUSTY');

    // Act
    const handled = await handleInbound(text, deps);
    const queued = await outboundFor(phone);

    // Assess
    expect(handled).toMatchObject({ duplicate: false, outcome: { kind: 'opted-in' } });
    expect(queued.map(({ body }) => body.purpose)).toEqual(['opt-in-confirmation', 'profile-question']);
    const [welcome, question] = queued.map(({ body }) => body);
    expect(welcome).toMatchObject({ to: phone, from: SHORT_CODE, programId: PROGRAM_ID, id: `${text.messageSid}-0` });
    expect(welcome!.body).toContain('Welcome to Krusty Burger Rewards!');
    expect(welcome!.body).toContain('20% off your next purchase');
    expect(welcome!.body).toContain('Reply HELP for help, STOP to cancel.');
    expect(question).toMatchObject({ to: phone, from: SHORT_CODE, id: `${text.messageSid}-1` });
    expect(question!.body).toContain("What's your 5-digit ZIP code?");
    for (const { message } of queued) {
      expect(message.Attributes?.MessageGroupId).toBe(phone);
    }
  });

  test('the subscription and the consent proof are stored with the replies', async () => {
    // Prepare
    const phone = freshPhone();
    const text = inbound(phone, 'krusty');

    // Act
    await handleInbound(text, deps);

    // Assess
    const conversation = await store.load(phone);
    expect(conversation.subscriptions).toEqual([
      expect.objectContaining({ programId: PROGRAM_ID, status: 'subscribed', version: 1, pendingQuestion: expect.objectContaining({ field: 'zip' }) }),
    ]);
    expect(await ledgerOf(phone)).toEqual([
      expect.objectContaining({ action: 'opt-in', keyword: 'KRUSTY', rawText: 'krusty', messageSid: text.messageSid }),
    ]);
    const [logged] = await audienceItems(db, phone, `MSG#${text.messageSid}`);
    expect((logged!.replies as { purpose: string }[]).map((r) => r.purpose)).toEqual(['opt-in-confirmation', 'profile-question']);
  });

  test('the thanks for the ZIP answer is queued after the welcome and the question, in order', async () => {
    // Prepare
    const phone = freshPhone();
    await handleInbound(inbound(phone, 'KRUSTY'), deps);

    // Act
    const answered = await handleInbound(inbound(phone, '62701'), deps);

    // Assess
    expect(answered).toMatchObject({ duplicate: false, outcome: { kind: 'answered' } });
    const queued = await outboundFor(phone);
    expect(queued.map(({ body }) => body.purpose)).toEqual(['opt-in-confirmation', 'profile-question', 'reply']);
    expect(queued[2]!.body.body).toBe('Thanks, got it!');
    const subscription = (await store.load(phone)).subscriptions[0];
    expect(subscription).toMatchObject({ profile: { zip: '62701', state: 'IL', timeZone: 'America/Chicago' }, version: 2 });
    expect(subscription).not.toHaveProperty('pendingQuestion');
  });
});

describe('what a new number\'s keyword costs', () => {
  /** The audience table requests (by command) `act` makes through the deps' client. */
  async function audienceRequests(act: () => Promise<unknown>): Promise<string[]> {
    const requests: string[] = [];
    db.doc.middlewareStack.add(
      (next, context) => async (args) => {
        if ((args.input as { TableName?: string }).TableName !== db.tables.catalog) requests.push((context.commandName ?? '').replace(/Command$/, ''));
        return next(args);
      },
      { step: 'initialize', name: 'countAudienceRequests' },
    );
    try {
      await act();
    } finally {
      db.doc.middlewareStack.remove('countAudienceRequests');
    }
    return requests;
  }

  test('KRUSTY: the conversation Query (parked purchases come with it), the opt-in ceiling and the commit', async () => {
    // Prepare
    const phone = freshPhone();
    const text = inbound(phone, 'KRUSTY');

    // Act
    const requests = await audienceRequests(() => handleInbound(text, deps));

    // Assess
    expect(requests).toEqual(['Query', 'UpdateItem', 'TransactWriteItems']);
  });
});

describe('a STOP right after the keyword, before its replies went out', () => {
  test('the STOP voids the waiting welcome and question: claiming them together is refused, so each is read against the ended subscription', async () => {
    // Prepare: KRUSTY committed, its replies queued and not yet claimed
    const phone = freshPhone();
    const krusty = inbound(phone, 'KRUSTY');
    await handleInbound(krusty, deps);
    const replies = (await outboundFor(phone)).map(({ body: { id, queuedAt: _queuedAt, ...message } }) => ({ id, message }));

    // Act
    await handleInbound(inbound(phone, 'STOP'), deps);
    const claimed = await new DynamoDeliveries(db.doc, db.tables.audience).claimTogether(replies.slice(0, 2));

    // Assess
    expect(replies.slice(0, 2).map(({ message }) => message.purpose)).toEqual(['opt-in-confirmation', 'profile-question']);
    expect(claimed).toEqual({ claimed: false, earlier: new Map() });
    expect((await ledgerOf(phone)).map((event) => event.action)).toEqual(['opt-in', 'opt-out']);
  });
});

describe('the same inbound text delivered again', () => {
  test('three deliveries change state once and queue the two replies once', async () => {
    // Prepare
    const phone = freshPhone();
    const text = inbound(phone, 'KRUSTY');

    // Act
    const results = [];
    for (let delivery = 0; delivery < 3; delivery += 1) results.push(await handleInbound(text, deps));

    // Assess
    expect(results.map((r) => r.duplicate)).toEqual([false, true, true]);
    expect((await store.load(phone)).subscriptions).toEqual([expect.objectContaining({ status: 'subscribed', version: 1 })]);
    expect(await ledgerOf(phone)).toHaveLength(1);
    const queued = await outboundFor(phone);
    expect(queued.map(({ body }) => body.purpose)).toEqual(['opt-in-confirmation', 'profile-question']);
    // Events are re-published on a redelivery (at least once) under the same id, for consumers to drop.
    const optIns = publisher.published.filter((event) => event.detail.phone === phone && event.type === 'SubscriberOptedIn');
    expect(optIns.map((event) => event.type)).toEqual(['SubscriberOptedIn', 'SubscriberOptedIn', 'SubscriberOptedIn']);
    expect(new Set(optIns.map((event) => event.id)).size).toBe(1);
  });

  test('a redelivery after a crash between commit and enqueue still queues the stored replies', async () => {
    // Prepare: the first attempt committed its outcome, then died before reaching the queue.
    const phone = freshPhone();
    const text = inbound(phone, 'KRUSTY');
    await store.commit(text, converse(text, await store.load(phone), await deps.catalog.load()));

    // Act
    const handled = await handleInbound(text, deps);

    // Assess
    expect(handled).toEqual({ duplicate: true });
    const queued = await outboundFor(phone);
    expect(queued.map(({ body }) => body.purpose)).toEqual(['opt-in-confirmation', 'profile-question']);
    expect(queued[0]!.body.body).toContain('Welcome to Krusty Burger Rewards!');
    expect((await store.load(phone)).subscriptions).toEqual([expect.objectContaining({ version: 1 })]);
  });
});

describe('referral codes are looked up only after a keyword', () => {
  /** The use case with a store that notes every referral code it is asked about. */
  function countingLookups(): { deps: HandleInboundDeps; asked: string[] } {
    const asked: string[] = [];
    const counting = Object.assign(Object.create(store) as DynamoConversationStore, {
      referralOwner: (code: string) => {
        asked.push(code);
        return store.referralOwner(code);
      },
    });
    return { deps: { ...deps, store: counting }, asked };
  }

  test.each([
    ['two words of chatter', 'hi there'],
    ['a ZIP answer with a word after it', '62701 thanks'],
    ['HELP with a word after it', 'HELP please'],
  ])('%s ("%s"): no look-up', async (_case, body) => {
    // Prepare
    const phone = freshPhone();
    await handleInbound(inbound(phone, 'KRUSTY'), deps);
    const { deps: counted, asked } = countingLookups();

    // Act
    await handleInbound(inbound(phone, body), counted);

    // Assess
    expect(asked).toEqual([]);
  });

  test('KRUSTY <code>: the code is looked up and the friend joins on the referrer\'s recommendation', async () => {
    // Prepare
    const referrer = freshPhone();
    await handleInbound(inbound(referrer, 'KRUSTY'), deps);
    const code = await codeShownTo(db.doc, db.tables.audience, referrer);
    const { deps: counted, asked } = countingLookups();

    // Act
    const joined = await handleInbound(inbound(freshPhone(), `KRUSTY ${code}`), counted);

    // Assess
    expect(asked).toEqual([code]);
    expect(joined).toMatchObject({ duplicate: false, outcome: { kind: 'opted-in', referral: { referrerPhone: referrer, code } } });
  });
});

describe('a broken catalog item', () => {
  const brokenItems: [string, CatalogItem][] = [
    ['a welcome template with an unknown placeholder', { pk: 'PROGRAM#krusty-burger', sk: 'TEMPLATE#welcome', body: 'Hi {nope}! {offer}' }],
    [
      'a second program on the short code whose keyword is STOP',
      { pk: 'PROGRAM#stop-club', sk: 'PROGRAM', name: 'Stop Club', shortCode: SHORT_CODE, keyword: 'STOP', helpContact: 'help@stop.example', frequency: 'Up to 2 msgs/mo' },
    ],
    ['an offer of an unknown kind', { pk: 'PROGRAM#krusty-burger', sk: 'OFFER#xmas', kind: 'christmas', copy: 'Ho ho ho' }],
    ['a question item for a field that does not exist', { pk: 'PROGRAM#krusty-burger', sk: 'QUESTION#shoe-size', order: 0, prompt: '?', example: '9' }],
    ['an item with an unknown sort key', { pk: 'PROGRAM#krusty-burger', sk: 'COUPON#1', copy: 'free' }],
  ];

  test.each(brokenItems)('%s: KRUSTY still subscribes and queues the welcome and the ZIP question', async (_case, broken) => {
    // Prepare
    const phone = freshPhone();
    const catalog = await catalogWith([broken]);
    const problems = (await catalog.validate()).problems;

    // Act
    const handled = await handleInbound(inbound(phone, 'KRUSTY'), { ...deps, catalog });

    // Assess
    expect(problems.length).toBeGreaterThan(0);
    expect(handled).toMatchObject({ duplicate: false, outcome: { kind: 'opted-in' } });
    const queued = await outboundFor(phone);
    expect(queued.map(({ body }) => body.purpose)).toEqual(['opt-in-confirmation', 'profile-question']);
    expect(queued[0]!.body.body).toContain('Krusty Burger Rewards');
    expect(queued[0]!.body.body).toContain('20% off your next purchase');
    expect(queued[0]!.body.body).not.toContain('{');
    expect(queued[1]!.body.body).toContain('ZIP code');
    expect((await store.load(phone)).subscriptions).toEqual([expect.objectContaining({ programId: PROGRAM_ID, status: 'subscribed' })]);
  });

  test('a new program claiming KRUSTY on the same short code makes the keyword answer for neither program', async () => {
    // Prepare: a marketer adds a program whose id sorts before krusty-burger and reuses its keyword.
    const phone = freshPhone();
    const catalog = await catalogWith([
      { pk: 'PROGRAM#apu-squishee', sk: 'PROGRAM', name: 'Squishee Club', shortCode: SHORT_CODE, keyword: 'KRUSTY', helpContact: 'help@kwik.example', frequency: 'Up to 4 msgs/mo' },
    ]);

    // Act
    const handled = await handleInbound(inbound(phone, 'KRUSTY'), { ...deps, catalog });
    const problems = (await catalog.validate()).problems;

    // Assess: nobody is opted into a program they may not have meant; both items are reported.
    expect(handled).toMatchObject({ duplicate: false, outcome: { kind: 'fallback' } });
    expect((await store.load(phone)).subscriptions).toEqual([]);
    expect(problems).toEqual([
      expect.objectContaining({ key: 'PROGRAM#apu-squishee / PROGRAM', field: 'keyword' }),
      expect.objectContaining({ key: 'PROGRAM#krusty-burger / PROGRAM', field: 'keyword' }),
    ]);
  });
});
