import { GatewayHarness, newPhone } from '../support/gateway-harness';
import { codeShownTo } from '../support/referral-codes';

jest.setTimeout(120_000);

let harness: GatewayHarness;

beforeAll(async () => {
  harness = await GatewayHarness.start();
  await harness.setClock('2026-11-24T17:00:00Z');
});

afterAll(async () => {
  await harness?.close();
});

async function member(): Promise<{ phone: string; code: string }> {
  const phone = newPhone();
  await harness.textAndSettle(phone, 'KRUSTY');
  // The code a subscriber sees in the share text after a happy survey (the whole way: test/e2e/purchases.test.ts).
  const code = await codeShownTo(harness.db, harness.gateway.tables.audience, phone);
  return { phone, code };
}

const rewards = (phone: string) => harness.received(phone).filter((m) => m.body.includes('your friend joined'));

describe('referrals', () => {
  test('a subscriber\'s personal code: a friend who texts KRUSTY <code> joins, and the referrer is rewarded', async () => {
    // Prepare
    const referrer = await member();
    const friend = newPhone();

    // Act
    await harness.textAndSettle(friend, `krusty ${referrer.code.toLowerCase()}`);
    await harness.settle();

    // Assess
    expect(referrer.code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    expect(harness.received(friend)[0]!.body).toContain('Welcome to Krusty Burger Rewards!');
    expect(rewards(referrer.phone)).toHaveLength(1);
    expect(rewards(referrer.phone)[0]!.body).toMatch(/^Krusty Burger: your friend joined! Thanks for spreading the word\. A free Krusty Shake on us\. Code KB-\w{6}/);
    const completed = (await harness.publishedEvents(referrer.phone)).filter((e) => e.detailType === 'ReferralCompleted');
    expect(completed).toEqual([expect.objectContaining({ detail: expect.objectContaining({ friendPhone: friend, code: referrer.code }) })]);
  });

  test('the same friend leaving and joining again with the code earns no second reward', async () => {
    // Prepare
    const referrer = await member();
    const friend = newPhone();
    await harness.textAndSettle(friend, `KRUSTY ${referrer.code}`);
    await harness.textAndSettle(friend, 'STOP');

    // Act
    await harness.textAndSettle(friend, `KRUSTY ${referrer.code}`);
    await harness.settle();

    // Assess
    expect(rewards(referrer.phone)).toHaveLength(1);
  });

  test('nobody is rewarded for referring themselves', async () => {
    // Prepare
    const self = await member();
    await harness.textAndSettle(self.phone, 'STOP');

    // Act
    await harness.textAndSettle(self.phone, `KRUSTY ${self.code}`);
    await harness.settle();

    // Assess
    expect(rewards(self.phone)).toHaveLength(0);
    expect(await harness.subscription(self.phone)).toMatchObject({ status: 'subscribed' });
  });

  test('rewards stop at the program\'s monthly cap (3 in the demo), while friends still join', async () => {
    // Prepare
    const referrer = await member();
    const friends = [newPhone(), newPhone(), newPhone(), newPhone()];

    // Act
    for (const friend of friends) await harness.textAndSettle(friend, `KRUSTY ${referrer.code}`);
    await harness.settle();

    // Assess
    expect(rewards(referrer.phone)).toHaveLength(3);
    for (const friend of friends) expect(await harness.subscription(friend)).toMatchObject({ status: 'subscribed' });
  });

  test('ten friends texting KRUSTY <code> at the same moment earn the referrer exactly the monthly cap (3), and all ten join', async () => {
    // Prepare
    const referrer = await member();
    const friends = Array.from({ length: 10 }, () => newPhone());

    // Act
    const sent = await Promise.all(friends.map((friend) => harness.text(friend, `KRUSTY ${referrer.code}`)));
    for (const friend of friends) await harness.waitForMessages(friend, 2, 60_000);
    await harness.settle();

    // Assess
    expect(sent.map((s) => s.status)).toEqual(friends.map(() => 200));
    expect(rewards(referrer.phone)).toHaveLength(3);
    expect(await harness.items(referrer.phone, 'OFFER#krusty-burger#referral-reward#')).toHaveLength(3);
    const completed = (await harness.publishedEvents(referrer.phone)).filter((e) => e.detailType === 'ReferralCompleted');
    expect(completed).toHaveLength(3);
    for (const friend of friends) expect(await harness.subscription(friend)).toMatchObject({ status: 'subscribed' });
  });

  test('an unknown code is just a word after the keyword: the friend joins, nobody else is texted', async () => {
    // Prepare
    const friend = newPhone();

    // Act
    await harness.textAndSettle(friend, 'KRUSTY ZZZZZZ');

    // Assess
    expect(harness.received(friend)[0]!.body).toContain('Welcome to Krusty Burger Rewards!');
    expect(await harness.subscription(friend)).toMatchObject({ status: 'subscribed' });
  });
});
