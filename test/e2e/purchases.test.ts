import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_TEMPLATES } from '../../functions/domain/templates';
import { GatewayHarness, newPhone } from '../support/gateway-harness';

jest.setTimeout(120_000);

let harness: GatewayHarness;

beforeAll(async () => {
  harness = await GatewayHarness.start();
});

afterAll(async () => {
  await harness?.close();
});

/** A Springfield, IL subscriber (America/Chicago), joined on a Monday afternoon. */
async function subscriber(): Promise<string> {
  const phone = newPhone();
  await harness.setClock('2026-11-23T20:00:00Z');
  await harness.textAndSettle(phone, 'KRUSTY');
  await harness.textAndSettle(phone, '62701');
  return phone;
}

/** Like subscriber(), joined at `at`, without waiting for the whole gateway to settle (for many at once). */
async function subscriberNow(at: string): Promise<string> {
  const phone = newPhone();
  await harness.setClock(at);
  await harness.textHandled(phone, 'KRUSTY');
  await harness.textHandled(phone, '62701');
  return phone;
}

let orderCounter = 0;
function purchase(phone: string, extra: Record<string, unknown> = {}) {
  orderCounter += 1;
  return { phone, orderId: `order-${process.pid}-${orderCounter}`, total: 12.5, currency: 'USD', ...extra };
}

/** Publishes the POS event and waits until the gateway recorded the order and sent what it sends. */
async function buy(detail: { orderId: string } & Record<string, unknown>): Promise<void> {
  await harness.publish('pos', 'PurchaseCompleted', detail);
  await harness.waitUntil(async () => (await harness.order(detail.orderId)) !== undefined);
  await harness.settle();
}

const bodies = (phone: string) => harness.received(phone).map((m) => m.body);
const codeIn = (body: string) => /KB-[A-HJ-NP-Z2-9]{6}/.exec(body)?.[0];

describe('a purchase', () => {
  test('thanks the customer and gives the post-purchase coupon, once per orderId', async () => {
    // Prepare
    const phone = await subscriber();
    await harness.setClock('2026-11-24T18:00:00Z');
    const order = purchase(phone);

    // Act
    await buy(order);
    await harness.publish('pos', 'PurchaseCompleted', order);
    await new Promise((ok) => setTimeout(ok, 1000));
    await harness.settle();

    // Assess
    const after = bodies(phone).slice(3);
    expect(after).toEqual(['Thanks for visiting Krusty Burger! Order total $12.50.', expect.stringMatching(/^Krusty Burger: Thanks for coming in! Free fries with your next meal\. Code KB-\w{6}, valid until Dec 8\./)]);
  });

  test('is remembered on the subscription as the last purchase (what campaign segments read), never moved back by a late event', async () => {
    // Prepare
    const phone = await subscriber();
    await harness.setClock('2026-11-24T18:00:00Z');

    // Act: a purchase, then an older one the POS reports late
    await buy(purchase(phone, { purchasedAt: '2026-11-24T17:45:00.000Z' }));
    await buy(purchase(phone, { purchasedAt: '2026-11-20T12:00:00.000Z' }));

    // Assess
    expect(await harness.subscription(phone)).toMatchObject({ lastPurchaseAt: '2026-11-24T17:45:00.000Z' });
  });

  test('with a receipt image and a yes to receipts by text, the thanks is an MMS receipt', async () => {
    // Prepare
    const phone = await subscriber();
    await harness.db.send(
      new UpdateCommand({
        TableName: harness.gateway.tables.audience,
        Key: { pk: `PHONE#${phone}`, sk: 'STATE#PROGRAM#krusty-burger' },
        UpdateExpression: 'SET profile.receipts = :yes',
        ExpressionAttributeValues: { ':yes': 'yes' },
      }),
    );
    await harness.setClock('2026-11-24T18:00:00Z');

    // Act
    await buy(purchase(phone, { receiptImageUrl: 'https://pos.example/receipts/123.png' }));

    // Assess
    const receipt = harness.received(phone)[3]!;
    expect(receipt.body).toBe('Your Krusty Burger receipt for $12.50.');
    expect(receipt.mediaUrl).toEqual(['https://pos.example/receipts/123.png']);
  });

  test('redeems the coupons it used; a second redemption of a code is refused and recorded', async () => {
    // Prepare: Tuesday's lunch coupon (valid that day), used at lunch
    const phone = await subscriber();
    await harness.setClock('2026-11-24T16:30:00Z');
    await harness.fireSchedule('lunch-coupons');
    const code = codeIn(bodies(phone).at(-1)!)!;
    await harness.setClock('2026-11-24T18:15:00Z');
    const first = purchase(phone, { couponCodes: [code.toLowerCase()] });
    const second = purchase(phone, { couponCodes: [code, 'KB-ZZZZZZ'] });
    const expired = purchase(phone);

    // Act
    await buy(first);
    await buy(second);
    await harness.setClock('2026-11-25T18:00:00Z');
    await buy({ ...expired, couponCodes: [code] });

    // Assess
    expect(await harness.coupon(code)).toMatchObject({ status: 'redeemed', orderId: first.orderId });
    expect(await harness.order(first.orderId)).toMatchObject({ redemptions: [{ code, result: 'redeemed' }] });
    expect(await harness.order(second.orderId)).toMatchObject({
      redemptions: [
        { code, result: 'already-redeemed' },
        { code: 'KB-ZZZZZZ', result: 'unknown' },
      ],
    });
    expect(await harness.order(expired.orderId)).toMatchObject({ redemptions: [{ code, result: 'already-redeemed' }] });
    const redeemed = (await harness.publishedEvents(phone)).filter((e) => e.detailType === 'CouponRedeemed');
    expect(redeemed).toHaveLength(1);
  });

  test('from an unknown or opted-out number sends nothing, and nothing later once the wait for an opt-in is over', async () => {
    // Prepare
    const stranger = newPhone();
    const optedOut = await subscriber();
    await harness.textAndSettle(optedOut, 'STOP');
    await harness.setClock('2026-11-24T18:00:00Z');
    const orders = [purchase(stranger), purchase(optedOut)];

    // Act
    for (const order of orders) await harness.publish('pos', 'PurchaseCompleted', order);
    await harness.waitUntil(async () => (await harness.parkedOrders(stranger)).length === 1 && (await harness.parkedOrders(optedOut)).length === 1);
    await harness.settle();
    const whileWaiting = [bodies(stranger), bodies(optedOut).at(-1)];
    await harness.setClock('2026-11-24T18:20:00Z');
    await harness.textAndSettle(stranger, 'KRUSTY');

    // Assess
    expect(whileWaiting).toEqual([[], expect.stringMatching(/^You are unsubscribed/)]);
    expect(bodies(stranger)).toEqual([expect.stringContaining('Welcome'), expect.stringContaining('ZIP')]);
    expect(await harness.order(orders[0]!.orderId)).toMatchObject({ phone: stranger, redemptions: [] });
  });

  test('a purchase that overtakes the opt-in (keyword texted at the till) is followed up once the opt-in lands', async () => {
    // Prepare
    const phone = newPhone();
    await harness.setClock('2026-11-24T18:00:00Z');
    const order = purchase(phone);

    // Act
    await harness.publish('pos', 'PurchaseCompleted', order);
    await harness.waitUntil(async () => (await harness.parkedOrders(phone)).length === 1);
    await harness.textAndSettle(phone, 'KRUSTY');
    await harness.waitUntil(async () => (await harness.order(order.orderId)) !== undefined);
    await harness.settle();

    // Assess
    expect(bodies(phone)).toEqual([
      expect.stringContaining('Welcome'),
      expect.stringContaining('ZIP'),
      'Thanks for visiting Krusty Burger! Order total $12.50.',
      expect.stringMatching(/^Krusty Burger: Thanks for coming in! Free fries/),
    ]);
    expect(await harness.parkedOrders(phone)).toEqual([]);
  });

  test('twenty buyers whose POS repeats each order three times at once are thanked once each', async () => {
    // Prepare
    const phones = await Promise.all(Array.from({ length: 20 }, () => subscriberNow('2026-11-24T18:00:00Z')));
    const orders = phones.map((phone) => purchase(phone));

    // Act
    await Promise.all(orders.flatMap((order) => [1, 2, 3].map(() => harness.publish('pos', 'PurchaseCompleted', order))));
    await harness.waitUntil(async () => (await Promise.all(orders.map((order) => harness.order(order.orderId)))).every(Boolean), 60_000);
    await harness.settle();

    // Assess
    const twice = phones.filter((phone) => bodies(phone).filter((body) => body.startsWith('Thanks for visiting')).length !== 1);
    const coupons = phones.map((phone) => bodies(phone).filter((body) => body.includes('Free fries')).length);
    expect(twice).toEqual([]);
    expect(coupons).toEqual(phones.map(() => 1));
  });

  test('no post-purchase coupon is issued on a day the frequency cap would drop its text', async () => {
    // Prepare: the day's lunch coupon already used the demo's one marketing message a day (Thursday:
    // a day whose lunch wave no earlier test started, so this subscriber is in it)
    const phone = await subscriber();
    await harness.setClock('2026-11-26T16:30:00Z');
    await harness.fireSchedule('lunch-coupons');
    await harness.setClock('2026-11-26T18:15:00Z');

    // Act
    await buy(purchase(phone));

    // Assess
    expect(bodies(phone).slice(4)).toEqual(['Thanks for visiting Krusty Burger! Order total $12.50.']);
    const issued = (await harness.publishedEvents(phone)).filter((e) => e.detailType === 'CouponIssued').map((e) => e.detail.kind);
    expect(issued).toContain('lunch');
    expect(issued).not.toContain('post-purchase');
  });

  test('an invalid event goes to the rejected-events queue with the reason and sends nothing', async () => {
    // Prepare
    const phone = await subscriber();
    const sentBefore = harness.received(phone).length;

    // Act
    await harness.publish('pos', 'PurchaseCompleted', { phone, total: 'twelve', currency: 'usd' });
    await harness.waitUntil(async () => (await harness.peek('rejectedEvents')).length > 0);

    // Assess
    const [rejected] = await harness.peek('rejectedEvents');
    const { reason, event } = JSON.parse(rejected!) as { reason: string; event: { detail: unknown } };
    expect(reason).toMatch(/orderId: .*; total: .*; currency: must be an ISO 4217 code/);
    expect(event.detail).toMatchObject({ total: 'twelve' });
    expect(harness.received(phone)).toHaveLength(sentBefore);
  });
});

describe('follow-ups after a purchase', () => {
  test('the satisfaction question comes hours later; 4-5 gets a review and share request', async () => {
    // Prepare
    const phone = await subscriber();
    await harness.setClock('2026-11-24T18:00:00Z');
    await buy(purchase(phone));

    // Act
    await harness.setClock('2026-11-24T19:30:00Z');
    await harness.fireSchedule('follow-ups');
    const beforeDue = bodies(phone).length;
    await harness.setClock('2026-11-24T20:01:00Z');
    await harness.fireSchedule('follow-ups');
    await harness.textAndSettle(phone, '5');

    // Assess
    expect(beforeDue).toBe(5);
    const [question, thanks] = bodies(phone).slice(5);
    const code = (await harness.subscription(phone))!.referralCode as string;
    expect(question).toBe('Krusty Burger: how was your visit? Reply 1-5 (5 = loved it).');
    // Its URLs reach the phone as short links, each standing for the review page and the share intent;
    // the plain code is there for a friend to text.
    expect(thanks).toMatch(new RegExp(`^Thanks, that made our day! Review us: ${harness.gateway.linkBase}/\\w{8} Friends can text KRUSTY ${code} to 55155 to join\\. Share: ${harness.gateway.linkBase}/\\w{8}$`));
    expect(await harness.unshortened(thanks!)).toBe(
      `Thanks, that made our day! Review us: https://g.page/r/krusty-burger-springfield/review Friends can text KRUSTY ${code} to 55155 to join. Share: https://x.com/intent/post?text=${encodeURIComponent(
        `I get lunch deals from Krusty Burger: text KRUSTY ${code} to 55155 to join`,
      )}%2E`,
    );
    const answered = (await harness.publishedEvents(phone)).filter((e) => e.detailType === 'SurveyAnswered');
    expect(answered.map((e) => e.detail.rating)).toEqual([5]);
  });

  test('the code in the share text is given out right then, and a friend who texts it joins and rewards the subscriber', async () => {
    // Prepare: a subscriber who has no code yet answers the survey with a 5
    const phone = await subscriber();
    const codeBefore = (await harness.subscription(phone))!.referralCode;
    await harness.setClock('2026-11-24T18:00:00Z');
    await buy(purchase(phone));
    await harness.setClock('2026-11-24T20:01:00Z');
    await harness.fireSchedule('follow-ups');
    await harness.textAndSettle(phone, '5');
    // The subscriber taps the share link and lands on the share intent with the text to post.
    const shareLink = bodies(phone).at(-1)!.split(' ').at(-1)!.replace(/\.$/, '');
    const tapped = await fetch(shareLink, { redirect: 'manual' });
    const shared = new URL(tapped.headers.get('location')!).searchParams.get('text')!;
    const code = /KRUSTY ([A-HJ-NP-Z2-9]{6}) to 55155/.exec(shared)?.[1];
    const friend = newPhone();

    // Act
    await harness.textAndSettle(friend, `KRUSTY ${code}`);
    await harness.settle();

    // Assess
    expect(codeBefore).toBeUndefined();
    expect(code).toBe((await harness.subscription(phone))!.referralCode);
    expect(harness.received(friend)[0]!.body).toContain('Welcome to Krusty Burger Rewards!');
    expect(bodies(phone).filter((body) => body.includes('your friend joined'))).toHaveLength(1);
  });

  test('1-3 gets an apology and a request for feedback, whose answer is stored and published', async () => {
    // Prepare
    const phone = await subscriber();
    await harness.setClock('2026-11-24T18:00:00Z');
    await buy(purchase(phone));
    await harness.setClock('2026-11-24T20:01:00Z');
    await harness.fireSchedule('follow-ups');

    // Act
    await harness.textAndSettle(phone, '2');
    await harness.textAndSettle(phone, 'The fries were cold');

    // Assess
    expect(bodies(phone).slice(6)).toEqual([
      'Sorry we missed the mark. What could we do better? Just reply to this text.',
      "Thank you, we've shared this with the Krusty Burger team.",
    ]);
    const answered = (await harness.publishedEvents(phone)).filter((e) => e.detailType === 'SurveyAnswered');
    expect(answered.map((e) => [e.detail.rating, e.detail.feedback])).toEqual([
      [2, undefined],
      [2, 'The fries were cold'],
    ]);
  });

  test('no answer means nothing more, until the cross-sell offer days later', async () => {
    // Prepare
    const phone = await subscriber();
    await harness.setClock('2026-11-24T18:00:00Z');
    await buy(purchase(phone));
    await harness.setClock('2026-11-24T20:01:00Z');
    await harness.fireSchedule('follow-ups');

    // Act
    await harness.setClock('2026-11-25T20:00:00Z');
    await harness.fireSchedule('follow-ups');
    const dayAfter = bodies(phone).length;
    await harness.setClock('2026-11-27T18:01:00Z');
    await harness.fireSchedule('follow-ups');

    // Assess
    expect(dayAfter).toBe(6);
    expect(bodies(phone).slice(6)).toEqual([expect.stringMatching(/^Krusty Burger: Tried our Krusty Shake yet\? 50% off one this week\. Code KB-\w{6}/)]);
  });
});

describe('guard rails, replayed on the local clock', () => {
  test('a coupon that would land at 9:30 pm waits for 8 am local time; the receipt does not wait', async () => {
    // Prepare: 21:30 in Illinois
    const phone = await subscriber();
    await harness.setClock('2026-11-25T03:30:00Z');

    // Act
    await buy(purchase(phone));
    const atNight = bodies(phone).slice(3);
    await harness.setClock('2026-11-25T13:59:00Z');
    await harness.fireSchedule('follow-ups');
    const beforeEight = bodies(phone).slice(3);
    await harness.setClock('2026-11-25T14:00:30Z');
    await harness.fireSchedule('follow-ups');

    // Assess
    expect(atNight).toEqual(['Thanks for visiting Krusty Burger! Order total $12.50.']);
    expect(beforeEight).toEqual(atNight);
    expect(bodies(phone).slice(3)).toEqual([atNight[0], expect.stringMatching(/^Krusty Burger: Thanks for coming in! Free fries/), 'Krusty Burger: how was your visit? Reply 1-5 (5 = loved it).']);
  });

  test('a follow-up scheduled before a STOP never goes out', async () => {
    // Prepare
    const phone = await subscriber();
    await harness.setClock('2026-11-24T18:00:00Z');
    await buy(purchase(phone));
    await harness.textAndSettle(phone, 'STOP');

    // Act
    await harness.setClock('2026-11-24T20:01:00Z');
    await harness.fireSchedule('follow-ups');
    await harness.setClock('2026-11-27T18:01:00Z');
    await harness.fireSchedule('follow-ups');

    // Assess
    expect(bodies(phone).at(-1)).toMatch(/^You are unsubscribed/);
    expect(bodies(phone).filter((body) => body.includes('how was your visit') || body.includes('Krusty Shake'))).toEqual([]);
  });
});

describe('templates with an image', () => {
  test('a marketer gives the welcome and the thank-you an image: both reach the carrier as MMS with it', async () => {
    // Prepare
    const templates = [
      { pk: 'PROGRAM#krusty-burger', sk: 'TEMPLATE#welcome', body: DEFAULT_TEMPLATES.welcome, mediaUrl: 'https://cdn.example/welcome.jpg' },
      { pk: 'PROGRAM#krusty-burger', sk: 'TEMPLATE#thank-you', body: DEFAULT_TEMPLATES['thank-you'], mediaUrl: 'https://cdn.example/thanks.jpg' },
    ];
    for (const item of templates) await harness.db.send(new PutCommand({ TableName: harness.gateway.tables.catalog, Item: item }));
    try {
      // Act
      const phone = await subscriber();
      await buy(purchase(phone));

      // Assess
      const [welcome] = harness.received(phone);
      expect(welcome).toMatchObject({ mediaUrl: ['https://cdn.example/welcome.jpg'], body: expect.stringMatching(/^Krusty Burger Rewards: You're in! Enjoy 20% off/) });
      expect(harness.received(phone).filter((m) => m.body.startsWith('Thanks for visiting'))).toEqual([expect.objectContaining({ mediaUrl: ['https://cdn.example/thanks.jpg'] })]);
    } finally {
      for (const { pk, sk } of templates) await harness.db.send(new DeleteCommand({ TableName: harness.gateway.tables.catalog, Key: { pk, sk } }));
    }
  });
});
