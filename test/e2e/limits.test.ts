import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { GatewayHarness, newPhone, SHORT_CODE } from '../support/gateway-harness';
import { codeShownTo } from '../support/referral-codes';

jest.setTimeout(120_000);

/** The ceiling this file's gateway runs with, set the way an operator sets it locally. */
const OPT_INS_PER_MINUTE = 5;
/** The demo program's HELP / "already subscribed" replies per number per hour. */
const REPLY_LIMIT = 3;

let harness: GatewayHarness;

beforeAll(async () => {
  process.env.OPT_INS_PER_MINUTE = String(OPT_INS_PER_MINUTE);
  // Errors only: the last test reads what a failing text puts in the logs.
  harness = await GatewayHarness.start({ logLevel: 'ERROR' });
  await harness.setClock('2026-11-24T17:00:00Z');
});

afterAll(async () => {
  await harness?.close();
});

/** Sends texts all at once, as a loop or a script would, and waits until the gateway has handled each one. */
async function burst(texts: { from: string; body: string }[]): Promise<void> {
  const sent = await Promise.all(texts.map(({ from, body }) => harness.text(from, body)));
  expect(sent.map((s) => s.status)).toEqual(texts.map(() => 200));
  await harness.waitUntil(async () => {
    const logged = await Promise.all(sent.map(async (s, i) => (await harness.items(texts[i]!.from, `MSG#${s.messageSid}`)).length));
    return logged.every((count) => count > 0);
  }, 60_000);
  await harness.settle();
}

describe('loops and abuse', () => {
  test(`50 HELP texts from one number get ${REPLY_LIMIT} replies (the hourly limit); all 50 are recorded`, async () => {
    // Prepare
    const phone = newPhone();

    // Act
    await burst(Array.from({ length: 50 }, () => ({ from: phone, body: 'HELP' })));

    // Assess
    const replies = harness.received(phone);
    expect(replies).toHaveLength(REPLY_LIMIT);
    for (const reply of replies) expect(reply.body).toContain('Help at support@krustyburger.example');
    const logged = (await harness.items(phone, 'MSG#')).filter((item) => item.direction === 'in');
    expect(logged).toHaveLength(50);
    expect(logged.filter((item) => item.limitedBy === 'reply-limit')).toHaveLength(50 - REPLY_LIMIT);
  });

  test(`50 KRUSTY texts from a subscriber get ${REPLY_LIMIT} "already subscribed" replies`, async () => {
    // Prepare
    const phone = newPhone();
    await harness.textAndSettle(phone, 'KRUSTY');
    const welcomed = harness.received(phone).length;

    // Act
    await burst(Array.from({ length: 50 }, () => ({ from: phone, body: 'KRUSTY' })));

    // Assess
    expect(welcomed).toBe(2);
    const replies = harness.received(phone).slice(welcomed);
    expect(replies).toHaveLength(REPLY_LIMIT);
    for (const reply of replies) expect(reply.body).toContain('already signed up');
  });

  test.each([
    ['611', "a carrier's service code"],
    [SHORT_CODE, 'the gateway\'s own short code'],
    ['+447700900123', 'a UK number (the demo program allows only the US)'],
  ])('texts from %s (%s) get no reply and subscribe nobody', async (from) => {
    // Prepare
    const sentBefore = harness.twilio.outbox().length;

    // Act
    for (const body of ['KRUSTY', 'HELP', 'hello']) await harness.textAndSettle(from, body);

    // Assess
    expect(harness.received(from)).toEqual([]);
    expect(harness.twilio.outbox()).toHaveLength(sentBefore);
    expect(await harness.subscription(from)).toBeUndefined();
    const logged = (await harness.items(from, 'MSG#')).filter((item) => item.direction === 'in');
    expect(logged.length).toBeGreaterThanOrEqual(3);
    expect(logged.every((item) => item.outcome === 'ignored' && typeof item.limitedBy === 'string')).toBe(true);
  });

  test(`12 new numbers texting KRUSTY within a minute: ${OPT_INS_PER_MINUTE} join (OPT_INS_PER_MINUTE), the rest get no subscription and no reply`, async () => {
    // Prepare: a minute of its own.
    await harness.setClock('2026-11-24T18:00:00Z');
    const phones = Array.from({ length: 12 }, () => newPhone());

    // Act
    await burst(phones.map((from) => ({ from, body: 'KRUSTY' })));

    // Assess
    const welcomed = phones.filter((phone) => harness.received(phone).length > 0);
    expect(welcomed).toHaveLength(OPT_INS_PER_MINUTE);
    for (const phone of welcomed) expect(harness.received(phone)).toHaveLength(2);
    for (const phone of phones.filter((p) => !welcomed.includes(p))) {
      expect(await harness.subscription(phone)).toBeUndefined();
      expect(await harness.items(phone, 'MSG#')).toEqual([expect.objectContaining({ outcome: 'ignored', limitedBy: 'opt-in-ceiling' })]);
    }
  });

  // Last in the file: the failing text stays on the inbound queue (retried, then dead-lettered).
  test("a text that fails is logged with no whole phone number", async () => {
    // Prepare: a referrer whose reward marker for the friend has lost its coupon, so the friend's text fails.
    await harness.setClock('2026-11-24T19:00:00Z');
    const referrer = newPhone();
    await harness.textAndSettle(referrer, 'KRUSTY');
    const code = await codeShownTo(harness.db, harness.gateway.tables.audience, referrer);
    const friend = newPhone();
    await harness.db.send(
      new PutCommand({
        TableName: harness.gateway.tables.audience,
        Item: { pk: `PHONE#${referrer}`, sk: `OFFER#krusty-burger#referral#${friend}`, type: 'offer-marker', code: 'KB-GONE22', notified: true },
      }),
    );
    const output: string[] = [];
    const writeOut = process.stdout.write.bind(process.stdout);
    const writeErr = process.stderr.write.bind(process.stderr);
    const capture = ((chunk: string | Uint8Array) => (output.push(String(chunk)), true)) as typeof process.stdout.write;
    const printed = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void output.push(args.map(String).join(' ')));
    process.stdout.write = capture;
    process.stderr.write = capture;

    try {
      // Act
      await harness.text(friend, `KRUSTY ${code}`);
      await harness.waitUntil(async () => output.join('').includes('has no coupon'), 30_000);
    } finally {
      process.stdout.write = writeOut;
      process.stderr.write = writeErr;
      printed.mockRestore();
    }

    // Assess
    const everything = output.join('\n');
    expect(everything).toContain('Could not handle inbound text');
    expect(everything).toContain('has no coupon');
    expect(everything).toContain(friend.slice(-4));
    expect(everything).not.toContain(friend);
    expect(everything).not.toContain(referrer);
  });
});
