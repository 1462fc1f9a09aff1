import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { validateCatalog } from '../../functions/domain/catalog';
import { variantFor } from '../../functions/domain/campaigns';
import { demoItems, springMenu } from '../support/campaign-fixtures';
import { GatewayHarness, newPhone } from '../support/gateway-harness';

/**
 * The funnel report as a marketer reads it after a replayed day: two opt-ins through two keywords
 * (one a billboard's), a stranger's HELP, lunch coupons, a purchase with one, a survey, taps on the
 * review and share links, a friend joining with the referral code; then a campaign whose coupon is
 * redeemed. Each step lands in its row of GET /local/report (what `npm run report -- --json` prints),
 * with the revenue attributed to the coupon's source, the buyer's placement and the campaign's variant,
 * and a redelivered event counts nothing.
 */

jest.setTimeout(180_000);

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await GatewayHarness.start();
});
afterAll(async () => {
  await harness?.close();
});

const BILLBOARD = 'billboard I-55 northbound';
const DAY = '?from=2026-03-09&to=2026-03-10';
const codeIn = (body: string) => /KB-[A-HJ-NP-Z2-9]{6}/.exec(body)?.[0];
const program = async (query: string) => (await harness.report(query)).programs.find((p) => p.programId === 'krusty-burger')!;

/** Taps a short link as a phone's browser would: the redirect's target, not followed. */
async function tap(link: string): Promise<string> {
  const response = await fetch(link, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return response.headers.get('location')!;
}

const people = { alice: newPhone(), bob: newPhone(), stranger: newPhone(), friend: newPhone() };
let bobsCoupon: string;
let order = 0;
const purchase = (phone: string, total: number, couponCodes: string[]) => {
  order += 1;
  const orderId = `funnel-${Date.now()}-${order}`;
  return harness.publish('pos', 'PurchaseCompleted', { phone, orderId, total, currency: 'USD', couponCodes }).then(() => orderId);
};

describe('a day replayed, each step in its row', () => {
  test('awareness and consideration: keyword texts and opt-ins per keyword and placement, HELP from a stranger, profile answers', async () => {
    // Act: Monday 16:00 in New York; Alice answers a poster (KRUSTY), Bob the billboard (its alias).
    await harness.setClock('2026-03-09T20:00:00Z');
    await harness.textAndSettle(people.alice, 'KRUSTY');
    await harness.textAndSettle(people.alice, '10001');
    await harness.textAndSettle(people.bob, 'krustyburger');
    await harness.textAndSettle(people.bob, '10001');
    await harness.textAndSettle(people.stranger, 'HELP');

    // Assess
    const funnel = await program(DAY);
    expect(funnel.awareness).toEqual({ keywordTexts: 2, byKeyword: { KRUSTY: 1, KRUSTYBURGER: 1 }, byPlacement: { [BILLBOARD]: 1, '(none)': 1 }, helpRequests: 1, helpFromStrangers: 1 });
    expect(funnel.consideration).toMatchObject({ optIns: 2, optInsByPlacement: { [BILLBOARD]: 1, '(none)': 1 }, profileAnswers: { total: 2, by: { zip: 2 } } });
    expect(funnel.retention.liveSubscribers).toBe(2);
  });

  test('purchase: lunch coupons issued, one redeemed, and its order attributed to lunch and to the billboard', async () => {
    // Prepare: Tuesday 10:30 in New York, lunch coupons go out.
    await harness.setClock('2026-03-10T14:30:00Z');
    await harness.fireSchedule('lunch-coupons');
    bobsCoupon = codeIn(harness.received(people.bob).find((message) => /at lunch today/.test(message.body))!.body)!;
    expect(bobsCoupon).toBeDefined();

    // Act: Bob buys lunch with it at 12:30.
    await harness.setClock('2026-03-10T16:30:00Z');
    await purchase(people.bob, 18.5, [bobsCoupon]);
    await harness.settle();

    // Assess
    const funnel = await program(DAY);
    expect(funnel.purchase).toMatchObject({
      couponsIssued: { by: { lunch: 2 } },
      couponsRedeemed: { total: 1, by: { lunch: 1 } },
      orders: 1,
      revenue: 18.5,
      attributed: { orders: 1, revenue: 18.5, bySource: { lunch: 18.5 }, byPlacement: { [BILLBOARD]: 18.5 } },
    });
    expect(await harness.subscription(people.bob)).toMatchObject({ orders: 1, revenue: 18.5, joinedWith: { keyword: 'KRUSTYBURGER', placement: BILLBOARD } });
  });

  test('advocacy: the survey, taps on the review and share links (unique and total), and a friend joining with the code', async () => {
    // Prepare: the survey goes out two hours after the purchase.
    await harness.setClock('2026-03-10T18:31:00Z');
    await harness.fireSchedule('follow-ups');
    expect(harness.received(people.bob).some((message) => /how was your visit/.test(message.body))).toBe(true);

    // Act
    await harness.textAndSettle(people.bob, '5');
    const review = harness.received(people.bob).find((message) => /made our day/.test(message.body))!.body;
    const [reviewLink, shareLink] = [...review.matchAll(new RegExp(`${harness.gateway.linkBase}/\\w{8}`, 'g'))].map((match) => match[0]);
    const target = await tap(reviewLink!);
    await tap(reviewLink!);
    await tap(shareLink!);
    const code = /text KRUSTY ([A-Z0-9]{6}) to 55155/.exec(review)![1]!;
    await harness.textAndSettle(people.friend, `KRUSTY ${code}`);

    // Assess
    expect(target).toMatch(/^https:\/\/g\.page\/r\/krusty-burger-springfield\/review\?utm_source=sms&utm_medium=reply&utm_campaign=review-request$/);
    const funnel = await program(DAY);
    expect(funnel.consideration.clicks).toEqual({ total: 3, unique: 2, bySource: { 'review-request': 3 } });
    expect(funnel.advocacy).toMatchObject({ surveysHappy: 1, surveysUnhappy: 0, reviewShareClicks: 3, referralsCompleted: 1 });
    expect(funnel.awareness.keywordTexts).toBe(3);
    expect(funnel.consideration.optIns).toBe(3);
    expect(funnel.retention.liveSubscribers).toBe(3);
    expect(funnel.retention.messages.sent).toBeGreaterThanOrEqual(12);
  });

  test('a redelivered event counts nothing: the purchase published again under its own id leaves orders and revenue as they were', async () => {
    // Prepare
    const before = await program(DAY);
    const [recorded] = (await harness.publishedEvents(people.bob)).filter((event) => event.detailType === 'PurchaseRecorded');

    // Act: the bus delivers the very same event again.
    await harness.publish('sms-gateway', 'PurchaseRecorded', recorded!.detail);

    // Assess
    const after = await program(DAY);
    expect(after.purchase).toEqual(before.purchase);
    expect(after.retention.repeatPurchasers).toBe(0);
  });

  test('npm run report --from/--to: a period before the day shows nothing of it, and a bad date is a 400', async () => {
    const before = await program('?from=2026-03-01&to=2026-03-08');
    expect(before.consideration.optIns).toBe(0);
    expect(before.retention.liveSubscribers).toBe(0);
    const response = await fetch(`${harness.gateway.url}/local/report?from=yesterday`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'from must be a date such as 2026-03-14, got "yesterday"' });
  });
});

describe('a campaign in the campaign table', () => {
  test("its coupon redeemed shows the revenue on its variant and the buyer's placement; an opt-out within a day counts against it", async () => {
    // Prepare: Thursday 11:00 in New York, a campaign to New York with a coupon each.
    const campaign = springMenu({ sk: 'CAMPAIGN#funnel-thursday', sendOn: '2026-03-12', segment: { states: ['NY'] } });
    const validated = validateCatalog([...demoItems, campaign]);
    expect(validated.problems).toEqual([]);
    const planned = validated.catalog.programs[0]!.campaigns.find((c) => c.campaignId === 'funnel-thursday')!;
    await harness.db.send(new PutCommand({ TableName: harness.gateway.tables.catalog, Item: campaign }));
    await harness.setClock('2026-03-12T15:05:00Z');

    // Act
    await harness.fireSchedule('campaigns');
    const code = codeIn(harness.received(people.bob).find((message) => /spring menu|Krabby Melt/.test(message.body))!.body)!;
    await harness.setClock('2026-03-12T17:00:00Z');
    await purchase(people.bob, 30, [code]);
    await harness.settle();
    await harness.textAndSettle(people.alice, 'STOP');

    // Assess
    const report = await harness.report('?from=2026-03-12&to=2026-03-12');
    const rows = report.campaigns.filter((row) => row.campaignId === 'funnel-thursday');
    const row = (phone: string) => rows.find((r) => r.variant === variantFor(planned, phone).id)!;
    // Alice and Bob gave a New York ZIP; the friend gave none, so no state: outside the segment.
    expect(rows.reduce((sum, r) => sum + r.sent, 0)).toBe(2);
    expect(row(people.bob)).toMatchObject({ redeemed: 1, orders: 1, revenue: 30 });
    expect(row(people.alice).optOuts).toBe(1);
    const funnel = report.programs.find((p) => p.programId === 'krusty-burger')!;
    expect(funnel.purchase.attributed).toMatchObject({ revenue: 30, bySource: { campaign: 30 }, byPlacement: { [BILLBOARD]: 30 } });
    expect(funnel.retention).toMatchObject({ repeatPurchasers: 1, optOuts: 1 });
  });
});
