import http from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { createTwilioClient, type TwilioMessaging } from '../../functions/adapters/twilio-client';
import { startSandboxCarrier, SandboxCarrier } from '../../lib/local/sandbox-carrier';

const accountSid = 'AC' + '0'.repeat(31) + '1';
const authToken = 'sandbox-auth-token';
const to = '+15551230001';

interface ReceivedCallback { signature: string; params: Record<string, string> }

/** Stands in for our status-callback webhook; resolves once `count` callbacks arrived. */
async function startCallbackReceiver(count: number) {
  const received: ReceivedCallback[] = [];
  let done!: () => void;
  const all = new Promise<void>((resolve) => { done = resolve; });
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; }).on('end', () => {
      received.push({ signature: String(req.headers['x-twilio-signature']), params: Object.fromEntries(new URLSearchParams(raw)) });
      res.writeHead(204).end();
      if (received.length === count) done();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/status?tenant=t1`;
  return { url, received, all, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('sandbox carrier through the real twilio client', () => {
  let carrier: SandboxCarrier;
  let client: TwilioMessaging;

  beforeAll(async () => {
    carrier = await startSandboxCarrier({ accountSid, authToken, port: 0 });
    client = createTwilioClient({ accountSid, authToken, apiUrl: carrier.url });
  });
  afterEach(() => carrier.clear());
  afterAll(() => carrier.close());

  test('an SMS is accepted and lands in the outbox', async () => {
    // Prepare
    const message = { to, from: '55155', body: 'hi' };

    // Act
    const sent = await client.messages.create(message);

    // Assess
    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sent).toMatchObject({ accountSid, to, from: '55155', body: 'hi', status: 'queued', numSegments: '1', apiVersion: '2010-04-01' });
    expect(sent.dateCreated).toBeInstanceOf(Date);
    expect(carrier.outbox()).toEqual([expect.objectContaining({ sid: sent.sid, to, from: '55155', body: 'hi', mediaUrl: [] })]);
  });

  test('an MMS keeps every media URL', async () => {
    // Prepare
    const mediaUrl = ['https://cdn.example.com/a.png', 'https://cdn.example.com/b.png'];

    // Act
    const sent = await client.messages.create({ to, from: '55155', body: 'look', mediaUrl });

    // Assess
    expect(sent.numMedia).toBe('2');
    expect(carrier.outbox()[0]).toMatchObject({ sid: sent.sid, body: 'look', mediaUrl });
  });

  test('a wrong auth token is rejected as Twilio does', async () => {
    // Prepare
    const intruder = createTwilioClient({ accountSid, authToken: 'wrong', apiUrl: carrier.url });

    // Act
    const attempt = intruder.messages.create({ to, from: '55155', body: 'hi' });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(twilio.RestException);
    await expect(attempt).rejects.toMatchObject({ status: 401, code: 20003 });
    expect(carrier.outbox()).toEqual([]);
  });

  test('a message without body or media is a 400', async () => {
    // Prepare
    const message = { to, from: '55155' };

    // Act
    const attempt = client.messages.create(message);

    // Assess
    await expect(attempt).rejects.toMatchObject({ status: 400, code: 21602 });
  });

  test('a configured failure is returned once, then sends succeed again', async () => {
    // Prepare
    carrier.failNext(to, { httpStatus: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });

    // Act
    const failed = client.messages.create({ to, from: '55155', body: 'hi' });

    // Assess
    await expect(failed).rejects.toMatchObject({ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    expect(carrier.outbox()).toEqual([]);
    await expect(client.messages.create({ to, from: '55155', body: 'again' })).resolves.toMatchObject({ body: 'again' });
  });

  test('a 429 is surfaced, not retried by the client', async () => {
    // Prepare: one failure only, so a hidden SDK retry would turn this into a success
    carrier.failNext(to, { httpStatus: 429, code: 20429, message: 'Too Many Requests' });

    // Act
    const attempt = client.messages.create({ to, from: '55155', body: 'hi' });

    // Assess
    await expect(attempt).rejects.toMatchObject({ status: 429, code: 20429 });
    expect(carrier.outbox()).toEqual([]);
  });
});

describe('status callbacks', () => {
  let carrier: SandboxCarrier;
  let receiver: Awaited<ReturnType<typeof startCallbackReceiver>>;

  afterEach(async () => {
    await carrier?.close();
    await receiver?.close();
  });

  test('sent and delivered are posted with a valid Twilio signature', async () => {
    // Prepare
    carrier = await startSandboxCarrier({ accountSid, authToken, port: 0 });
    receiver = await startCallbackReceiver(2);
    const client = createTwilioClient({ accountSid, authToken, apiUrl: carrier.url });

    // Act
    const sent = await client.messages.create({ to, from: '55155', body: 'hi', statusCallback: receiver.url });
    await receiver.all;

    // Assess
    expect(receiver.received.map((c) => c.params.MessageStatus)).toEqual(['sent', 'delivered']);
    for (const { signature, params } of receiver.received) {
      expect(params).toMatchObject({ MessageSid: sent.sid, AccountSid: accountSid, From: '55155', To: to, ApiVersion: '2010-04-01' });
      expect(twilio.validateRequest(authToken, signature, receiver.url, params)).toBe(true);
      expect(twilio.validateRequest('other-token', signature, receiver.url, params)).toBe(false);
    }
    expect(carrier.outbox()[0].status).toBe('delivered');
  });

  test('callbacks can be switched off and a dead receiver never breaks a send', async () => {
    // Prepare
    carrier = await startSandboxCarrier({ accountSid, authToken, port: 0, statusCallbacks: false });
    const quiet = createTwilioClient({ accountSid, authToken, apiUrl: carrier.url });
    const noisy = await startSandboxCarrier({ accountSid, authToken, port: 0 });
    const client = createTwilioClient({ accountSid, authToken, apiUrl: noisy.url });

    // Act
    await quiet.messages.create({ to, from: '55155', body: 'hi', statusCallback: 'http://127.0.0.1:1/nowhere' });
    const sent = await client.messages.create({ to, from: '55155', body: 'hi', statusCallback: 'http://127.0.0.1:1/nowhere' });
    while (noisy.outbox()[0].status !== 'delivered') await new Promise((r) => setTimeout(r, 10));
    await noisy.close();

    // Assess
    expect(carrier.outbox()[0].status).toBe('queued');
    expect(noisy.outbox()).toEqual([expect.objectContaining({ sid: sent.sid, status: 'delivered' })]);
  });
});
