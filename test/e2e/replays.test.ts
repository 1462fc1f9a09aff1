import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { storedMessage } from '../../functions/adapters/dynamo-deliveries';
import { ACCOUNT_SID, AUTH_TOKEN, GatewayHarness, newPhone } from '../support/gateway-harness';

/**
 * Late replays: every handled webhook queued again after the queue's 5-minute deduplication window
 * (a Twilio retry that late, or an operator redriving a dead-letter queue), and every outbound message
 * redriven: nothing reaches a phone twice.
 */
jest.setTimeout(120_000);

let harness: GatewayHarness;

beforeAll(async () => {
  harness = await GatewayHarness.start();
});

afterAll(async () => {
  await harness?.close();
});


describe('replays after the deduplication window', () => {
  test('every handled text and every sent message queued again: 0 extra texts, 0 extra consent records', async () => {
    // Prepare: people join, answer, ask for help, stop
    await harness.setClock('2026-11-24T18:00:00Z');
    const phones = [newPhone(), newPhone(), newPhone()];
    const scripts = [['KRUSTY', '62701', 'HELP'], ['KRUSTY', 'STOP'], ['HELP', 'KRUSTY', 'SKIP', 'STOP', 'START']];
    for (const [index, phone] of phones.entries()) for (const body of scripts[index]!) await harness.textAndSettle(phone, body);
    const before = new Map(phones.map((phone) => [phone, harness.received(phone).map((m) => m.body)]));
    const ledgers = await Promise.all(phones.map((phone) => harness.consentLedger(phone)));

    // Act: every inbound text and every outbound message, once more
    for (const phone of phones) {
      for (const text of await harness.items(phone, 'MSG#SM')) {
        await harness.lateReplay('inbound', { messageSid: (text.sk as string).slice(4), from: phone, to: text.to, body: text.body, numMedia: 0, receivedAt: text.at }, phone);
      }
      for (const record of await harness.items(phone, 'MSG#OUT#')) {
        await harness.lateReplay('outbound', { id: record.deliveryId, ...storedMessage(record), queuedAt: new Date().toISOString() }, phone);
      }
    }
    await harness.settle();

    // Assess
    for (const [index, phone] of phones.entries()) {
      expect(harness.received(phone).map((m) => m.body)).toEqual(before.get(phone));
      expect(await harness.consentLedger(phone)).toEqual(ledgers[index]);
    }
    expect([...before.values()].flat().length).toBeGreaterThanOrEqual(10);
  });
});

describe('delivery reports', () => {
  test('a status callback with error 21610 (stopped at the carrier) ends the subscription and nothing more is sent', async () => {
    // Prepare
    const phone = newPhone();
    await harness.textAndSettle(phone, 'KRUSTY');
    const [welcome] = await harness.waitForMessages(phone, 2);
    const url = `${harness.gateway.publicUrl}/sms/status`;
    const params = { MessageSid: welcome!.sid, MessageStatus: 'undelivered', ErrorCode: '21610', To: phone, From: '55155', AccountSid: ACCOUNT_SID };

    // Act
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': getExpectedTwilioSignature(AUTH_TOKEN, url, params) },
      body: new URLSearchParams(params).toString(),
    });
    await harness.textAndSettle(phone, '62701');

    // Assess
    expect(response.status).toBe(204);
    expect(await harness.subscription(phone)).toMatchObject({ status: 'opted-out' });
    expect((await harness.consentLedger(phone)).map((c) => [c.action, c.source])).toEqual([['opt-in', 'sms'], ['opt-out', 'carrier']]);
    expect(harness.received(phone)).toHaveLength(2);
  });
});
