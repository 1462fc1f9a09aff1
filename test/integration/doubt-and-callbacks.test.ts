import { DynamoConversationStore } from '../../functions/adapters/dynamo-conversation-store';
import { DynamoDeliveries } from '../../functions/adapters/dynamo-deliveries';
import { DynamoMessageLog } from '../../functions/adapters/dynamo-message-log';
import { TwilioCarrier } from '../../functions/adapters/twilio-carrier';
import { createTwilioClient } from '../../functions/adapters/twilio-client';
import { newConversation, type OutboundMessage } from '../../functions/domain/audience';
import { validateCatalog } from '../../functions/domain/catalog';
import { converse } from '../../functions/domain/conversation';
import type { Carrier } from '../../functions/domain/ports';
import { RetryLater, sendMessage, type SendMessageDeps } from '../../functions/domain/send-message';
import { startSandboxCarrier, type SandboxCarrier } from '../../lib/local/sandbox-carrier';
import { audienceItems, freshPhone, startLocalDynamo, uniqueStage, type LocalDynamo } from '../support/local-stand-ins';

/**
 * An attempt whose answer was lost is resolved by a lookup at the carrier. Twilio's status callback
 * for that very attempt can arrive at any moment, also while the retry is looking: its SID then is
 * on the message's own record, and must not be taken for another message's.
 */
jest.setTimeout(60_000);

const ACCOUNT_SID = `AC${'6'.repeat(32)}`;
const AUTH_TOKEN = 'doubt-it-token';
const catalog = validateCatalog(require('../../catalog/demo.json')).catalog;

let dynamo: LocalDynamo;
let twilio: SandboxCarrier;
let deliveries: DynamoDeliveries;
let log: DynamoMessageLog;
let store: DynamoConversationStore;

beforeAll(async () => {
  [dynamo, twilio] = await Promise.all([
    startLocalDynamo(uniqueStage('doubt')),
    startSandboxCarrier({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, statusCallbacks: false }),
  ]);
  deliveries = new DynamoDeliveries(dynamo.doc, dynamo.tables.audience);
  log = new DynamoMessageLog(dynamo.doc, dynamo.tables.audience);
  store = new DynamoConversationStore(dynamo.doc, dynamo.tables.audience);
});

afterAll(async () => {
  await Promise.all([dynamo?.stop(), twilio?.close()]);
});

/** A number that just texted KRUSTY, and the welcome it is owed. */
async function newSubscriber(): Promise<{ phone: string; welcome: OutboundMessage }> {
  const phone = freshPhone();
  const inbound = { messageSid: `SM${phone.slice(1).padStart(32, '0')}`, from: phone, to: '55155', body: 'KRUSTY', receivedAt: new Date().toISOString() };
  const decision = converse(inbound, newConversation(phone), catalog);
  await store.commit(inbound, decision);
  return { phone, welcome: decision.replies[0]! };
}

function deps(carrier: Carrier): SendMessageDeps {
  return {
    deliveries,
    store,
    catalog: { load: async () => catalog },
    scheduled: { schedule: async () => undefined },
    outbox: { enqueueEach: async () => undefined },
    carrier,
    clock: { now: () => new Date() },
    statusCallback: (id) => `https://gateway.example/sms/status?id=${id}`,
  };
}

describe('a send in doubt and the status callback of the same attempt', () => {
  test.each([
    ['before the retry claims it', 'claim'],
    ['while the retry looks it up at the carrier', 'lookup'],
  ])('the callback arriving %s: the subscriber gets the message once, and its record has the SID', async (_when, moment) => {
    // Prepare: the carrier takes the welcome and never answers
    const { phone, welcome } = await newSubscriber();
    const id = `welcome-${phone}`;
    const real = new TwilioCarrier(createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: twilio.url, timeoutMs: 300 }));
    twilio.failNext(phone, { kind: 'hang', accepted: true });
    const first = await sendMessage(id, welcome, deps(real)).catch((error: unknown) => error);
    const [taken] = twilio.outbox().filter((entry) => entry.to === phone);
    // Twilio reports on the message it took, naming our id in the callback URL, as track-delivery records it.
    const callback = () => log.recordStatus({ to: phone, sid: taken!.sid, deliveryId: id, status: 'sent', at: new Date().toISOString() });
    if (moment === 'claim') await callback();
    const lookingUp: Carrier = { send: (m, o) => real.send(m, o), recent: async (m) => (moment === 'lookup' ? await callback() : undefined, real.recent(m)) };

    // Act
    const retry = await sendMessage(id, welcome, deps(lookingUp));

    // Assess
    expect(first).toBeInstanceOf(RetryLater);
    expect(twilio.outbox().filter((entry) => entry.to === phone).map((entry) => entry.body)).toEqual([welcome.body]);
    expect(retry).toBe(moment === 'claim' ? 'duplicate' : 'recovered');
    expect(await audienceItems(dynamo, phone, `MSG#OUT#${id}`)).toEqual([expect.objectContaining({ sid: taken!.sid, status: 'sent' })]);
  });
});
