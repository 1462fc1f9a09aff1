import type { Context, SQSBatchResponse } from 'aws-lambda';
import { DynamoConversationStore } from '../../functions/adapters/dynamo-conversation-store';
import { DynamoDeliveries } from '../../functions/adapters/dynamo-deliveries';
import { SqsOutbox } from '../../functions/adapters/sqs-queues';
import { validateCatalog } from '../../functions/domain/catalog';
import { converse } from '../../functions/domain/conversation';
import { newConversation, type OutboundMessage } from '../../functions/domain/audience';
import { pollOnce, type SqsHandler } from '../../lib/local/queue-poller';
import { writeCatalogItems } from '../../lib/catalog-admin';
import { lambdaContext, sqsEvent } from '../../lib/local/lambda-events';
import { markTurnReplies } from '../../functions/domain/send-message';
import { countDynamoRequests } from '../../bench/dynamo-counter';
import { setClock } from '../../functions/shared/clock';
import { startSandboxCarrier, type SandboxCarrier } from '../../lib/local/sandbox-carrier';
import type { SqsLocal } from '../../lib/local/sqs-local';
import {
  audienceItems,
  createQueueWithDlq,
  freshPhone,
  sleep,
  startLocalDynamo,
  startLocalSqs,
  uniqueStage,
  type LocalDynamo,
  type QueueWithDlq,
} from '../support/local-stand-ins';

jest.setTimeout(60_000);

const ACCOUNT_SID = `AC${'2'.repeat(32)}`;
const AUTH_TOKEN = 'send-sms-it-token';
const catalog = validateCatalog(require('../../catalog/demo.json')).catalog;

let dynamo: LocalDynamo;
let sqs: SqsLocal;
let carrier: SandboxCarrier;
let queue: QueueWithDlq;
let handler: SqsHandler;
let releaseDue: (event: unknown, context: Context) => Promise<{ released: number }>;
let store: DynamoConversationStore;

beforeAll(async () => {
  [dynamo, sqs, carrier] = await Promise.all([
    startLocalDynamo(uniqueStage('send')),
    startLocalSqs(),
    startSandboxCarrier({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, statusCallbacks: false }),
  ]);
  queue = await createQueueWithDlq(sqs.client, `it-send-${process.pid}`, { fifo: true, visibilityTimeoutSeconds: 1, maxReceiveCount: 3 });
  // The real send-sms handler, wired through the environment exactly as in Lambda.
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AUDIENCE_TABLE: dynamo.tables.audience,
    CATALOG_TABLE: dynamo.tables.catalog,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_API_URL: carrier.url,
    OUTBOUND_QUEUE_URL: queue.url,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    CATALOG_CACHE_SECONDS: '0',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  await writeCatalogItems(dynamo.doc, dynamo.tables.catalog, require('../../catalog/demo.json'));
  handler = (await import('../../functions/handlers/send-sms')).handler as unknown as SqsHandler;
  releaseDue = (await import('../../functions/handlers/send-follow-ups')).handler as unknown as (event: unknown, context: Context) => Promise<{ released: number }>;
  store = new DynamoConversationStore(dynamo.doc, dynamo.tables.audience);
});

afterAll(async () => {
  setClock(null);
  await Promise.all([dynamo?.stop(), sqs?.stop(), carrier?.close()]);
});

/** A subscribed number, as converse leaves it after KRUSTY. */
async function subscriber(): Promise<string> {
  const phone = freshPhone();
  const inbound = { messageSid: `SM${phone.slice(1).padStart(32, '0')}`, from: phone, to: '55155', body: 'KRUSTY', receivedAt: new Date().toISOString() };
  await store.commit(inbound, converse(inbound, newConversation(phone), catalog));
  return phone;
}

async function enqueue(message: OutboundMessage, causedBy: string): Promise<void> {
  await new SqsOutbox(sqs.client, queue.url, () => new Date()).enqueue([message], causedBy);
}

async function poll(): Promise<{ received: number; response?: SQSBatchResponse | void }> {
  let response: SQSBatchResponse | void = undefined;
  const received = await pollOnce({
    client: sqs.client,
    queueUrl: queue.url,
    queueArn: queue.arn,
    batchSize: 10,
    functionName: 'sendSms',
    timeoutSeconds: 20,
    handler: async (event, context) => (response = await handler(event, context)),
  });
  return { received, response };
}

const reply = (to: string, body: string): OutboundMessage => ({ to, from: '55155', body, purpose: 'reply', programId: 'krusty-burger' });

describe('send-sms against the carrier', () => {
  test('a 429 from the carrier leaves the message on the queue, and it is sent after the visibility timeout', async () => {
    // Prepare
    const phone = await subscriber();
    carrier.failNext(phone, { httpStatus: 429, code: 20429, message: 'Too Many Requests' });
    await enqueue(reply(phone, 'Thanks, got it!'), 'it-429');

    // Act
    const first = await poll();
    const sentAfterFirst = carrier.outbox().filter((m) => m.to === phone).length;
    await sleep(1200);
    const second = await poll();

    // Assess
    expect(first.received).toBe(1);
    expect(sentAfterFirst).toBe(0);
    expect(second.response?.batchItemFailures).toEqual([]);
    expect(carrier.outbox().filter((m) => m.to === phone).map((m) => m.body)).toEqual(['Thanks, got it!']);
  });

  test('a 4xx validation error is recorded as rejected and not retried', async () => {
    // Prepare
    const phone = await subscriber();
    carrier.failNext(phone, { httpStatus: 400, code: 21211, message: "The 'To' number is not a valid phone number." });
    await enqueue(reply(phone, 'Thanks, got it!'), 'it-400');

    // Act
    const first = await poll();
    await sleep(1200);
    const second = await poll();

    // Assess
    expect(first.response?.batchItemFailures).toEqual([]);
    expect(second.received).toBe(0);
    expect(carrier.outbox().filter((m) => m.to === phone)).toEqual([]);
    const rejected = (await audienceItems(dynamo, phone, 'MSG#')).filter((item) => item.status === 'rejected');
    expect(rejected).toEqual([expect.objectContaining({ body: 'Thanks, got it!', reason: expect.stringContaining('21211') })]);
  });

  test('messages queued before an opt-out never leave, but the opt-out confirmation does', async () => {
    // Prepare
    const phone = await subscriber();
    await enqueue(reply(phone, 'A reply queued before STOP'), 'it-before-stop');
    const conversation = await store.load(phone);
    const stop = { messageSid: `SM${'f'.repeat(20)}${phone.slice(-12)}`, from: phone, to: '55155', body: 'STOP', receivedAt: new Date().toISOString() };
    const outcome = converse(stop, conversation, catalog);
    await store.commit(stop, outcome);
    await enqueue(outcome.replies[0]!, 'it-stop');

    // Act
    while ((await poll()).received > 0);

    // Assess
    expect(carrier.outbox().filter((m) => m.to === phone).map((m) => m.body)).toEqual([
      'You are unsubscribed from Krusty Burger Rewards and will receive no more messages. Reply START to resubscribe.',
    ]);
  });

  test('a malformed queue message is dropped once, not retried into a loop', async () => {
    // Prepare
    const { SendMessageCommand } = await import('@aws-sdk/client-sqs');
    await sqs.client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"to": 42', MessageGroupId: 'garbage', MessageDeduplicationId: 'garbage-1' }));

    // Act
    const first = await poll();
    await sleep(1200);
    const second = await poll();

    // Assess
    expect(first.received).toBe(1);
    expect(first.response?.batchItemFailures).toEqual([]);
    expect(second.received).toBe(0);
  });
});

/** A subscriber in Springfield, IL (America/Chicago), as converse leaves them after KRUSTY and a ZIP. */
async function subscriberInIllinois(at: Date): Promise<string> {
  const phone = freshPhone();
  for (const [index, body] of ['KRUSTY', '62701'].entries()) {
    const text = { messageSid: `SM${String(index)}${phone.slice(1).padStart(31, '0')}`, from: phone, to: '55155', body, receivedAt: at.toISOString() };
    await store.commit(text, converse(text, await store.load(phone), catalog));
  }
  return phone;
}

const lunchCoupon = (to: string, body = 'Lunch is on its way: $2 off any Krusty Combo today only.'): OutboundMessage => ({
  to,
  from: '55155',
  body,
  purpose: 'marketing',
  programId: 'krusty-burger',
});

const sentTo = (phone: string) => carrier.outbox().filter((m) => m.to === phone).map((m) => m.body);

async function drain(): Promise<void> {
  while ((await poll()).received > 0);
}

describe('guard rails on marketing messages', () => {
  afterEach(() => setClock(null));

  test('a marketing message that would land in quiet hours is deferred to 8 am local time, not dropped', async () => {
    // Prepare: 21:30 in Illinois (03:30 UTC), after the 9 pm federal limit
    const evening = new Date('2026-11-25T03:30:00Z');
    setClock(evening);
    const phone = await subscriberInIllinois(evening);
    await enqueue(lunchCoupon(phone), `it-quiet-${phone}`);

    // Act
    await drain();
    const sentAtNight = sentTo(phone);
    setClock(new Date('2026-11-25T13:59:00Z'));
    const releasedEarly = await releaseDue({}, lambdaContext('sendFollowUps', 60));
    setClock(new Date('2026-11-25T14:00:30Z'));
    const released = await releaseDue({}, lambdaContext('sendFollowUps', 60));
    await drain();

    // Assess
    expect(sentAtNight).toEqual([]);
    expect(releasedEarly.released).toBe(0);
    expect(released.released).toBeGreaterThanOrEqual(1);
    expect(sentTo(phone)).toEqual(['Lunch is on its way: $2 off any Krusty Combo today only.']);
  });

  test('marketing beyond the program\'s daily cap is dropped and recorded', async () => {
    // Prepare: midday in Illinois
    const noon = new Date('2026-11-26T17:00:00Z');
    setClock(noon);
    const phone = await subscriberInIllinois(noon);
    await enqueue(lunchCoupon(phone, 'First offer'), `it-cap-1-${phone}`);
    await enqueue(lunchCoupon(phone, 'Second offer'), `it-cap-2-${phone}`);

    // Act
    await drain();

    // Assess
    expect(sentTo(phone)).toEqual(['First offer']);
    const capped = (await audienceItems(dynamo, phone, 'MSG#')).filter((item) => item.status === 'capped');
    expect(capped).toEqual([expect.objectContaining({ body: 'Second offer', reason: 'frequency-cap' })]);
  });

  test('after every few marketing messages the next profile question rides along', async () => {
    // Prepare: the demo program asks the next question after 3 marketing messages (cap: 1 a day, 3 a week)
    const phone = await subscriberInIllinois(new Date('2026-11-23T17:00:00Z'));

    // Act: one offer a day, three days running
    for (const [day, hour] of [['2026-11-23', 16], ['2026-11-24', 17], ['2026-11-25', 18]] as const) {
      setClock(new Date(`${day}T${hour}:00:00Z`));
      await enqueue(lunchCoupon(phone, `Offer of ${day}`), `it-ride-${day}-${phone}`);
      await drain();
    }

    // Assess
    expect(sentTo(phone)).toEqual([
      'Offer of 2026-11-23',
      'Offer of 2026-11-24',
      'Offer of 2026-11-25',
      "What's your favorite Krusty meal? Reply 1 Burger, 2 Chicken, 3 Salad, 4 Fries. Reply SKIP to skip.",
    ]);
    expect(await store.load(phone)).toMatchObject({ subscriptions: [expect.objectContaining({ pendingQuestion: expect.objectContaining({ field: 'meal' }), marketingSinceQuestion: 0 })] });
  });
});

describe('a conversation turn\'s replies in one batch (as Lambda hands a FIFO group over)', () => {
  /** Commits a text the way converse does (an opt-out voids waiting turns first; replies marked for the sender) and returns the replies as queued. */
  async function turn(phone: string, body: string, receivedAt: string) {
    const inbound = { messageSid: `SMturn${phone.slice(-7)}${receivedAt.slice(17, 19)}`, from: phone, to: '55155', body, receivedAt };
    const conversation = await store.load(phone);
    const outcome = converse(inbound, conversation, catalog);
    const replies = markTurnReplies(outcome.replies, [...outcome.subscriptions, ...conversation.subscriptions], receivedAt);
    const stopped = outcome.consentEvents.filter((event) => event.action === 'opt-out').map((event) => event.programId);
    if (stopped.length > 0) await new DynamoDeliveries(dynamo.doc, dynamo.tables.audience).voidTurns(phone, stopped);
    await store.commit(inbound, { ...outcome, replies });
    return replies.map((message, index) => ({ id: `${inbound.messageSid}-${index}`, message }));
  }

  /** One SQS event holding these messages, all in the recipient's group, in order. */
  function batchOf(entries: { id: string; message: OutboundMessage }[]) {
    return sqsEvent(
      entries.map(({ id, message }, index) => ({
        MessageId: `${id}-record`,
        ReceiptHandle: `${id}-receipt-${index}`,
        Body: JSON.stringify({ id, queuedAt: new Date().toISOString(), ...message }),
        Attributes: { MessageGroupId: message.to, MessageDeduplicationId: id },
      })),
      queue.arn,
    );
  }

  const sentTo = (phone: string) => carrier.outbox().filter((m) => m.to === phone).map((m) => m.body);

  test('the welcome and the ZIP question: sent in order with one claim and one record on their turn\'s record, and no read of the conversation', async () => {
    // Prepare
    setClock(null);
    const phone = freshPhone();
    const replies = await turn(phone, 'KRUSTY', new Date().toISOString());
    const counter = countDynamoRequests();
    counter.reset();

    // Act
    const response = await handler(batchOf(replies), lambdaContext('sendSms', 20));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(sentTo(phone)).toEqual([expect.stringContaining('Welcome'), expect.stringContaining('ZIP')]);
    expect(Object.fromEntries([...counter.byOperation()].map(([operation, n]) => [operation.split(' ')[0], n]))).toEqual({ PutItem: 1, UpdateItem: 1 });
    expect(counter.capacity().write).toBe(2);
    const [record] = await audienceItems(dynamo, phone, 'MSG#TURN#');
    expect(Object.values(record!.sends as Record<string, { sid?: string }>).map((send) => send.sid)).toEqual(carrier.outbox().filter((m) => m.to === phone).map((m) => m.sid));
  });

  test('a STOP committed between the turn and the send stops both replies: nothing reaches the phone, both are recorded blocked', async () => {
    // Prepare
    setClock(null);
    const phone = freshPhone();
    const joined = new Date(Date.now() - 2_000).toISOString();
    const replies = await turn(phone, 'KRUSTY', joined);
    await turn(phone, 'STOP', new Date(Date.now() - 1_000).toISOString());

    // Act
    const response = await handler(batchOf(replies), lambdaContext('sendSms', 20));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(sentTo(phone)).toEqual([]);
    const records = await audienceItems(dynamo, phone, 'MSG#OUT#');
    expect(records.filter((item) => replies.some(({ id }) => item.deliveryId === id)).map((item) => item.status)).toEqual(['blocked', 'blocked']);
  });
});
