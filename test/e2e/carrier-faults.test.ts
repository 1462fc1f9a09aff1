import { GatewayHarness, newPhone } from '../support/gateway-harness';
import { duplicates, faultPlan } from '../support/faults';

/**
 * The fault suite: a carrier that fails like a real one (429, 500, 503, hangs and resets before and
 * after taking the message, 21610 for numbers that stopped at the carrier) while a hundred people
 * join, answer a question, buy something, and some text STOP. What a subscriber would notice is
 * counted, and each count must be 0: texts lost, texts received twice, texts after an opt-out.
 */
jest.setTimeout(600_000);

const SUBSCRIBERS = 100;
const STOPPERS = 10;
const STOPPED_AT_CARRIER = 5;

let harness: GatewayHarness;

beforeAll(async () => {
  // Short enough to run in CI: carrier calls give up after 0.8 s, retries come back within 2 s.
  Object.assign(process.env, { CARRIER_TIMEOUT_MS: '800', RETRY_MAX_DELAY_SECONDS: '2', SEND_CLAIM_SECONDS: '5' });
  harness = await GatewayHarness.start();
});

afterAll(async () => {
  await harness?.close();
});

const JOINED = [expect.stringContaining('Welcome'), expect.stringContaining('ZIP'), expect.stringContaining('Thanks')];
const BOUGHT = ['Thanks for visiting Krusty Burger! Order total $12.50.', expect.stringMatching(/^Krusty Burger: Thanks for coming in! Free fries .* Code KB-\w{6}/)];
const STOPPED = ['You are unsubscribed from Krusty Burger Rewards and will receive no more messages. Reply START to resubscribe.'];

let orders = 0;

/** One person's day: join, answer the ZIP question, then STOP or buy lunch. */
async function journey(phone: string, stops: boolean): Promise<void> {
  await harness.textHandled(phone, 'KRUSTY', 180_000);
  await harness.textHandled(phone, '62701', 180_000);
  // People text STOP after reading what they got (a STOP before a queued reply blocks that reply: tested elsewhere).
  if (stops) await harness.waitForMessages(phone, JOINED.length, 300_000).then(() => harness.textHandled(phone, 'STOP', 180_000));
  orders += 1;
  const orderId = `fault-order-${process.pid}-${orders}`;
  await harness.publish('pos', 'PurchaseCompleted', { phone, orderId, total: 12.5, currency: 'USD' });
  // Followed up (an order on record), or, after a STOP, waiting for an opt-in that never comes (parked).
  await harness.waitUntil(async () => (await harness.order(orderId)) !== undefined || (await harness.parkedOrders(phone)).includes(orderId), 120_000);
}

describe.each([
  [0.2, 20_261_204],
  [0.45, 45_261_204],
])('a carrier failing %p of requests (seed %p)', (rate, seed) => {
  test(`${SUBSCRIBERS} subscribers with purchases: 0 texts lost, 0 duplicates, 0 texts after an opt-out`, async () => {
    // Prepare
    harness.twilio.clear();
    await harness.setClock('2026-11-24T17:30:00Z');
    const phones = Array.from({ length: SUBSCRIBERS }, () => newPhone());
    const stoppers = new Set(phones.slice(0, STOPPERS));
    const stoppedAtCarrier = new Set(phones.slice(STOPPERS, STOPPERS + STOPPED_AT_CARRIER));
    harness.twilio.setFaults(faultPlan({ rate, seed, stoppedAtCarrier }));

    // Act
    // A journey that stalls is reported with everything the gateway and the carrier know about it.
    const stalled: Record<string, string> = {};
    await Promise.all(phones.map((phone) => journey(phone, stoppers.has(phone)).catch((error: Error) => void (stalled[phone] = error.message))));
    const unsettled = await harness
      .waitUntil(async () => (await harness.unsettledOutbound()) === 0, 300_000)
      .then(() => harness.settle())
      .then(() => [] as string[], async () => [...new Set((await harness.unsettledRecords()).map((record) => record.to))]);

    // Assess
    const attempts = harness.twilio.attempts();
    const faults = attempts.filter((attempt) => attempt.fault && !stoppedAtCarrier.has(attempt.to)).length;
    let lost = 0;
    let duplicated = 0;
    let afterOptOut = 0;
    let stoppedAttempts = 0;
    const wrong: Record<string, string[]> = {};
    for (const phone of phones) {
      const got = harness.received(phone).map((m) => m.body);
      duplicated += duplicates(got).length;
      if (stoppedAtCarrier.has(phone)) {
        // The carrier refuses them (21610): nothing reaches the phone, and once the opt-out is
        // recorded nothing else is handed over (a refusal whose answer came too late counts as doubt
        // and is asked again, which only the carrier sees).
        afterOptOut += got.length;
        stoppedAttempts += attempts.filter((a) => a.to === phone).length;
        continue;
      }
      const expected = stoppers.has(phone) ? [...JOINED, ...STOPPED] : [...JOINED, ...BOUGHT];
      if (stoppers.has(phone)) afterOptOut += Math.max(0, got.length - got.indexOf(STOPPED[0]!) - 1);
      lost += Math.max(0, expected.length - new Set(got).size);
      try {
        expect(got).toEqual(expected);
      } catch {
        wrong[phone] = got;
      }
    }
    console.log(`carrier faults at ${rate * 100}%: ${attempts.length} requests, ${faults} faults; lost ${lost}, duplicated ${duplicated}, after opt-out ${afterOptOut}`);
    const evidence = async (phone: string) => ({
      stalled: stalled[phone],
      received: wrong[phone],
      records: (await harness.items(phone, 'MSG#OUT#')).map(({ sk, status, sid, body, attempts: tries, createdAt, leaseUntil }) => ({ sk, status, sid, body: String(body).slice(0, 24), tries, createdAt, leaseUntil })),
      carrier: attempts.filter((a) => a.to === phone).map((a) => `${a.time} ${a.fault ?? 'ok'}${a.accepted ? ' accepted' : ''} ${a.body.slice(0, 24)}`),
    });
    const unexplained = [...new Set([...Object.keys(stalled), ...Object.keys(wrong), ...unsettled])];
    const report = Object.fromEntries(await Promise.all(unexplained.map(async (phone) => [phone, await evidence(phone)] as const)));
    if (unexplained.length > 0) console.log(JSON.stringify({ deadLetters: await harness.deadLetters('outbound'), report }, null, 1));
    expect(faults).toBeGreaterThan(attempts.length * rate * 0.5);
    expect({ lost, duplicated, afterOptOut }).toEqual({ lost: 0, duplicated: 0, afterOptOut: 0 });
    // Only the welcome (and, under load, a few re-asks of it) was ever put to the carrier for them.
    expect(stoppedAttempts).toBeLessThanOrEqual(STOPPED_AT_CARRIER * 3);
    expect({ stalled: Object.keys(stalled), unsettled, deadLetters: await harness.deadLetters('outbound') }).toEqual({ stalled: [], unsettled: [], deadLetters: 0 });
    expect(wrong).toEqual({});
    harness.twilio.setFaults(undefined);
  });
});
