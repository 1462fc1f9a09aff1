import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import twilio from 'twilio';
import { newMessageSid } from '../../lib/local/text-client';
import { ACCOUNT_SID, AUTH_TOKEN, GatewayHarness, newPhone } from '../support/gateway-harness';
import { uploadFromChildProcess } from '../support/large-upload';

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

async function post(path: string, params: Record<string, string>, signature?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${harness.gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature ? { 'x-twilio-signature': signature } : {}), ...headers },
    body: form(params),
  });
}

/** The public URL with its port removed: what twilio's validateRequest would also have accepted. */
function withoutPort(url: string): string {
  const parsed = new URL(url);
  parsed.port = '';
  return parsed.toString().replace(/\/+$/, '');
}

/** The bodies of one number's inbound message log, oldest first. */
async function loggedInbound(phone: string): Promise<unknown[]> {
  const messages = await harness.items(phone, 'MSG#');
  return messages.filter((item) => item.direction === 'in').sort((a, b) => String(a.at).localeCompare(String(b.at))).map((item) => item.body);
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
    // A genuine text from the same sender, in the same FIFO group: once it is handled, a forged one would have been too.
    await harness.textAndSettle(phone, 'HELP');

    // Assess
    expect(response.status).toBe(403);
    expect(await loggedInbound(phone)).toEqual(['HELP']);
    expect(await harness.subscription(phone)).toBeUndefined();
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

  type Fields = [string, string][];
  const withBody = (fields: Fields, body: string): Fields => [...fields.filter(([name]) => name !== 'Body'), ['Body', body]];
  test.each([
    { request: 'a form without the message fields', fields: (_message: Fields): Fields => [['hello', 'world']], contentType: 'application/x-www-form-urlencoded', expected: 400 },
    { request: 'a message with From sent twice', fields: (message: Fields): Fields => [...message, ['From', '+15555550199']], contentType: 'application/x-www-form-urlencoded', expected: 400 },
    { request: 'a message of 1601 characters', fields: (message: Fields) => withBody(message, 'x'.repeat(1601)), contentType: 'application/x-www-form-urlencoded', expected: 400 },
    { request: 'a message posted as application/json', fields: (message: Fields) => message, contentType: 'application/json', expected: 415 },
    { request: 'a message posted without a content type', fields: (message: Fields) => message, contentType: '', expected: 415 },
    { request: 'a message with a charset in its content type', fields: (message: Fields) => message, contentType: 'application/x-www-form-urlencoded; charset=UTF-8', expected: 200 },
  ])('a correctly signed request that is $request gets $expected', async ({ fields, contentType, expected }) => {
    // Prepare
    const phone = newPhone();
    const form = new URLSearchParams(fields(Object.entries(inboundParams(phone, 'HELP'))));
    const signed: Record<string, string | string[]> = {};
    // A copy of getAll's list: twilio tests `instanceof Array`, and under jest Node's own arrays come from another realm.
    for (const name of new Set(form.keys())) signed[name] = form.getAll(name).length > 1 ? [...form.getAll(name)] : form.get(name)!;
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${harness.gateway.publicUrl}/sms`, signed);

    // Act
    const response = await fetch(`${harness.gateway.url}/sms`, {
      method: 'POST',
      headers: { 'x-twilio-signature': signature, ...(contentType ? { 'content-type': contentType } : {}) },
      body: new Blob([form.toString()]),
    });
    await harness.textAndSettle(phone, 'a text that really came from Twilio');

    // Assess
    expect(response.status).toBe(expected);
    expect(await loggedInbound(phone)).toEqual(expected === 200 ? ['HELP', 'a text that really came from Twilio'] : ['a text that really came from Twilio']);
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

describe('signatures are checked against exactly PUBLIC_URL + path + query', () => {
  test.each([
    { signed: 'for the URL without its port', signedFor: (publicUrl: string) => withoutPort(`${publicUrl}/sms`), path: '/sms', expected: 403 },
    { signed: 'for the path with a trailing slash', signedFor: (publicUrl: string) => `${publicUrl}/sms/`, path: '/sms', expected: 403 },
    { signed: 'without the query string', signedFor: (publicUrl: string) => `${publicUrl}/sms`, path: '/sms?campaign=spring', expected: 403 },
    { signed: 'for another query string', signedFor: (publicUrl: string) => `${publicUrl}/sms?campaign=spring`, path: '/sms?campaign=summer', expected: 403 },
    { signed: 'for exactly PUBLIC_URL + /sms', signedFor: (publicUrl: string) => `${publicUrl}/sms`, path: '/sms', expected: 200 },
    { signed: 'for exactly PUBLIC_URL + path + query', signedFor: (publicUrl: string) => `${publicUrl}/sms?campaign=spring`, path: '/sms?campaign=spring', expected: 200 },
  ])('a text signed $signed, posted to $path: $expected', async ({ signedFor, path, expected }) => {
    // Prepare
    const phone = newPhone();
    const params = inboundParams(phone, 'HELP');
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, signedFor(harness.gateway.publicUrl), params);

    // Act
    const response = await post(path, params, signature);
    await harness.textAndSettle(phone, 'a text that really came from Twilio');

    // Assess
    expect(response.status).toBe(expected);
    expect(await loggedInbound(phone)).toEqual(expected === 200 ? ['HELP', 'a text that really came from Twilio'] : ['a text that really came from Twilio']);
  });
});

describe('the local bus answers PutEvents on its own path only', () => {
  test('an unsigned POST /sms carrying x-amz-target: AWSEvents.PutEvents is a forged webhook: 403 and no order', async () => {
    // Prepare
    const phone = newPhone();
    const forged = { phone, orderId: `forged-${process.pid}`, total: 99, currency: 'USD' };
    const genuine = { phone, orderId: `genuine-${process.pid}`, total: 1, currency: 'USD' };
    const putEvents = { Entries: [{ Source: 'pos', DetailType: 'PurchaseCompleted', Detail: JSON.stringify(forged) }] };

    // Act
    const response = await fetch(`${harness.gateway.url}/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
      body: JSON.stringify(putEvents),
    });
    await harness.publish('pos', 'PurchaseCompleted', genuine);
    // A stranger's purchase waits for an opt-in (parked): the genuine one got that far, the forged one not.
    await harness.waitUntil(async () => (await harness.parkedOrders(phone)).length > 0);

    // Assess
    expect(response.status).toBe(403);
    expect(await harness.parkedOrders(phone)).toEqual([genuine.orderId]);
    expect(await harness.order(forged.orderId)).toBeUndefined();
  });
});

describe('unicode texts', () => {
  test('KRUSTY 🍔 opts in: the welcome arrives, the domain event is published and the log keeps the emoji', async () => {
    // Prepare
    const phone = newPhone();

    // Act
    await harness.textAndSettle(phone, 'KRUSTY 🍔');

    // Assess
    expect(harness.received(phone).map((m) => m.body)).toEqual([expect.stringContaining('Welcome to Krusty Burger Rewards'), expect.stringContaining('ZIP')]);
    expect(await loggedInbound(phone)).toEqual(['KRUSTY 🍔']);
    expect((await harness.publishedEvents(phone)).map((event) => event.detailType)).toContain('SubscriberOptedIn');
  });

  test.each([
    ['emoji, a skin tone, fullwidth letters and U+FFFE', 'Hi 👋🏽 KRUSTY ＳＴＯＰ \uFFFE', 'Hi 👋🏽 KRUSTY ＳＴＯＰ \uFFFE'],
    ['U+FFFF, an RTL mark, NUL and other control characters', '\u202Bمرحبا\u202C \u0000\u0007\u001B[0m \uFFFF', '\u202Bمرحبا\u202C \u0000\u0007\u001B[0m \uFFFF'],
    ['a lone high surrogate (invalid UTF-16): replaced with U+FFFD', 'half \uD83C of a burger', 'half \uFFFD of a burger'],
    ['a lone low surrogate: replaced with U+FFFD', '\uDF54 fries', '\uFFFD fries'],
    ['1600 emoji (the longest text Twilio delivers)', '🍟'.repeat(1600), '🍟'.repeat(1600)],
    ['nothing but emoji', '🍔🍟👍🏽', '🍔🍟👍🏽'],
  ])('a subscriber\'s text with %s is accepted, logged as sent and answered', async (_case, body, logged) => {
    // Prepare
    const phone = newPhone();
    await harness.textAndSettle(phone, 'KRUSTY');

    // Act
    await harness.textAndSettle(phone, body);

    // Assess
    expect(await loggedInbound(phone)).toEqual(['KRUSTY', logged]);
    expect(harness.received(phone)).toHaveLength(3);
  });
});

describe('body size limits', () => {
  const MB = 1024 * 1024;

  test.each(['content-length', 'chunked'] as const)('a 25 MB upload (%s) gets 413 and the gateway does not buffer it', async (encoding) => {
    // Prepare
    await uploadFromChildProcess(`${harness.gateway.url}/sms`, 2 * MB, encoding);
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);

    // Act
    const result = await uploadFromChildProcess(`${harness.gateway.url}/sms`, 25 * MB, encoding).finally(() => clearInterval(sampler));

    // Assess
    expect(result).toMatchObject({ status: 413 });
    // Buffering it would add at least 25 MB; the in-process gateway's own pollers and timers move
    // RSS by a few MB meanwhile, so the bar sits well between the two.
    expect((peak - before) / MB).toBeLessThan(16);
  });

  test('a signed webhook over 64 KB gets 413 and is not queued', async () => {
    // Prepare
    const phone = newPhone();
    const params = { ...inboundParams(phone, 'KRUSTY'), Padding: 'x'.repeat(100 * 1024) };
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${harness.gateway.publicUrl}/sms`, params);

    // Act
    const response = await post('/sms', params, signature);
    await harness.textAndSettle(phone, 'HELP');

    // Assess
    expect(response.status).toBe(413);
    expect(await loggedInbound(phone)).toEqual(['HELP']);
  });

  test('local routes refuse bodies over 1 MB too', async () => {
    // Act
    const response = await fetch(`${harness.gateway.url}/local/events`, { method: 'POST', body: JSON.stringify({ source: 'pos', detailType: 'PurchaseCompleted', detail: { padding: 'x'.repeat(2 * MB) } }) });

    // Assess
    expect(response.status).toBe(413);
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
    expect(await harness.consentLedger(phone)).toHaveLength(1);
    expect(await harness.subscription(phone)).toMatchObject({ version: 1 });
  });
});

describe('delivery reports and carrier errors', () => {
  test('status callbacks from the carrier are recorded where the message stands, for a message whose status is used (the opt-in confirmation)', async () => {
    // Prepare
    const phone = newPhone();
    const state = async (sid: string) => (await harness.messageStates(phone)).find((s) => s.sid === sid);

    // Act
    await harness.textAndSettle(phone, 'KRUSTY');
    const [welcome, question] = await harness.waitForMessages(phone, 2);
    await harness.waitUntil(async () => (await state(welcome!.sid))?.carrierStatus === 'delivered');

    // Assess: the welcome (the turn's first reply) delivered; the question asks for no reports
    expect(await state(welcome!.sid)).toMatchObject({ id: expect.stringMatching(/-0$/), status: 'sent', carrierStatus: 'delivered' });
    expect(await state(question!.sid)).toMatchObject({ id: expect.stringMatching(/-1$/), status: 'sent' });
    expect((await state(question!.sid))?.carrierStatus).not.toBe('delivered');
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
    const ledger = await harness.consentLedger(phone);
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
