import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import twilio from 'twilio';
import { newMessageSid } from '../../lib/local/text-client';
import { ACCOUNT_SID, AUTH_TOKEN, GatewayHarness, newPhone } from '../support/gateway-harness';

jest.setTimeout(60_000);

let harness: GatewayHarness;

beforeAll(async () => {
  harness = await GatewayHarness.start();
});

afterAll(async () => {
  await harness?.close();
});

function form(params: Record<string, string>): URLSearchParams {
  return new URLSearchParams(params);
}

function inboundParams(from: string, body: string): Record<string, string> {
  return { MessageSid: newMessageSid(), AccountSid: ACCOUNT_SID, From: from, To: '55155', Body: body, NumMedia: '0' };
}

async function post(path: string, params: Record<string, string>, signature?: string): Promise<Response> {
  return fetch(`${harness.gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature ? { 'x-twilio-signature': signature } : {}) },
    body: form(params),
  });
}

describe('webhook signatures', () => {
  test.each([
    ['missing', undefined],
    ['signed with the wrong auth token', 'wrong-token'],
    ['signed for another URL', 'other-url'],
  ])('a webhook with its signature %s gets 403 and changes nothing', async (_case, kind) => {
    // Prepare
    const phone = newPhone();
    const params = inboundParams(phone, 'KRUSTY');
    const signature =
      kind === 'wrong-token'
        ? twilio.getExpectedTwilioSignature('not-the-token', `${harness.gateway.publicUrl}/sms`, params)
        : kind === 'other-url'
          ? twilio.getExpectedTwilioSignature(AUTH_TOKEN, 'https://attacker.example/sms', params)
          : undefined;

    // Act
    const response = await post('/sms', params, signature);
    await new Promise((ok) => setTimeout(ok, 1500));

    // Assess
    expect(response.status).toBe(403);
    expect(await harness.items(phone)).toEqual([]);
    expect(harness.received(phone)).toEqual([]);
  });

  test('a tampered body fails the signature it was signed with', async () => {
    // Prepare
    const phone = newPhone();
    const params = inboundParams(phone, 'HELP');
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${harness.gateway.publicUrl}/sms`, params);

    // Act
    const response = await post('/sms', { ...params, Body: 'STOP' }, signature);

    // Assess
    expect(response.status).toBe(403);
  });

  test('a correctly signed request that is not a Twilio message gets 400', async () => {
    // Prepare
    const params = { hello: 'world' };
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${harness.gateway.publicUrl}/sms`, params);

    // Act
    const response = await post('/sms', params, signature);

    // Assess
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/not a Twilio message/);
  });

  test('a forged status callback gets 403', async () => {
    // Prepare
    const params = { MessageSid: newMessageSid(), MessageStatus: 'delivered', To: newPhone(), From: '55155', AccountSid: ACCOUNT_SID };

    // Act
    const response = await post('/sms/status', params, 'forged');

    // Assess
    expect(response.status).toBe(403);
  });
});

describe('Twilio retries', () => {
  test('the same MessageSid delivered three times changes state once and replies once', async () => {
    // Prepare
    const phone = newPhone();
    const messageSid = newMessageSid();

    // Act
    const responses = await Promise.all([1, 2, 3].map(() => harness.text(phone, 'KRUSTY', { messageSid })));
    await harness.waitForMessages(phone, 2);
    await harness.textAndSettle(phone, 'KRUSTY', { messageSid });

    // Assess
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(harness.received(phone).map((m) => m.body)).toEqual([expect.stringContaining('Welcome'), expect.stringContaining('ZIP')]);
    expect(await harness.items(phone, 'CONSENT#')).toHaveLength(1);
    expect(await harness.subscription(phone)).toMatchObject({ version: 1 });
  });
});

describe('delivery reports and carrier errors', () => {
  test('status callbacks from the carrier are recorded on the message\'s record', async () => {
    // Prepare
    const phone = newPhone();
    const record = async (sid: string) => (await harness.items(phone, 'MSG#OUT#')).find((item) => item.sid === sid);

    // Act
    await harness.textAndSettle(phone, 'HELP');
    const [help] = await harness.waitForMessages(phone, 1);
    await harness.waitUntil(async () => (await record(help!.sid))?.carrierStatus === 'delivered');

    // Assess
    expect(await record(help!.sid)).toMatchObject({ direction: 'out', purpose: 'help', status: 'sent', carrierStatus: 'delivered' });
  });

  test('Twilio error 21610 (recipient opted out at the carrier) records the opt-out and stops sending', async () => {
    // Prepare
    const phone = newPhone();
    await harness.textAndSettle(phone, 'KRUSTY');
    harness.twilio.failNext(phone, { httpStatus: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });

    // Act
    await harness.textAndSettle(phone, '62701');
    await harness.textAndSettle(phone, 'KRUSTY');

    // Assess
    expect(await harness.subscription(phone)).toMatchObject({ status: 'subscribed' });
    const ledger = await harness.items(phone, 'CONSENT#');
    expect(ledger.map((event) => [event.action, event.source])).toEqual([
      ['opt-in', 'sms'],
      ['opt-out', 'carrier'],
      ['opt-in', 'sms'],
    ]);
    expect(harness.received(phone).map((m) => m.body).filter((b) => b === 'Thanks, got it!')).toEqual([]);
  });
});

describe('a marketer breaks a catalog item', () => {
  const brokenProgram = { pk: 'PROGRAM#broken', sk: 'PROGRAM', name: 'Broken', shortCode: '55155', keyword: 'STOP', helpContact: 'x@example.com', frequency: 'Up to 2 msgs/mo' };
  const brokenTemplate = { pk: 'PROGRAM#krusty-burger', sk: 'TEMPLATE#already-subscribed', body: 'You are in, {firstName}!' };

  afterEach(async () => {
    for (const item of [brokenProgram, brokenTemplate]) {
      await harness.db.send(new DeleteCommand({ TableName: harness.gateway.tables.catalog, Key: { pk: item.pk, sk: item.sk } }));
    }
  });

  test('the broken items are skipped and everything else keeps working', async () => {
    // Prepare
    const phone = newPhone();
    for (const item of [brokenProgram, brokenTemplate]) {
      await harness.db.send(new PutCommand({ TableName: harness.gateway.tables.catalog, Item: item }));
    }

    // Act
    await harness.textAndSettle(phone, 'KRUSTY');
    await harness.textAndSettle(phone, 'KRUSTY');
    await harness.textAndSettle(phone, 'STOP');

    // Assess
    const bodies = harness.received(phone).map((m) => m.body);
    expect(bodies[0]).toContain('Welcome to Krusty Burger Rewards');
    expect(bodies[2]).toMatch(/already signed up/);
    expect(bodies[3]).toBe('You are unsubscribed from Krusty Burger Rewards and will receive no more messages. Reply START to resubscribe.');
  });
});
