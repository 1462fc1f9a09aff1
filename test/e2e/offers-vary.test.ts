import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GatewayHarness } from '../support/gateway-harness';

/**
 * Offers vary through the local gateway: each subscriber gets the lunch offer for where they live,
 * a different one on consecutive days, and a profile question's reward once for answering it.
 */

jest.setTimeout(120_000);

let harness: GatewayHarness;
const PK = 'PROGRAM#krusty-burger';

beforeAll(async () => {
  harness = await GatewayHarness.start();
  // A marketer's catalog beside the demo's general lunch offer (Mon-Fri): one offer per state, two for Denver ZIPs, and a reward for the birthday.
  const items = [
    { pk: PK, sk: 'OFFER#lunch-il', kind: 'lunch', copy: 'Illinois lunch: a free Italian beef slider with any combo.', validDays: 1, states: 'IL' },
    { pk: PK, sk: 'OFFER#lunch-ny', kind: 'lunch', copy: 'New York lunch: a free knish with any combo.', validDays: 1, states: ['NY'] },
    { pk: PK, sk: 'OFFER#lunch-denver-a', kind: 'lunch', copy: 'Denver lunch A: free green chili fries.', validDays: 1, zipPrefixes: '802' },
    { pk: PK, sk: 'OFFER#lunch-denver-b', kind: 'lunch', copy: 'Denver lunch B: a free Rocky Mountain shake.', validDays: 1, zipPrefixes: '802' },
    { pk: PK, sk: 'OFFER#free-shake', kind: 'profile-reward', copy: 'A free Krusty Shake, for your birthday answer.', validDays: 14 },
    { pk: PK, sk: 'QUESTION#birthday', order: 3, prompt: "When's your birthday (month and day)? Tell us and get a free shake.", example: '7/14 or July 14', reward: 'OFFER#free-shake' },
  ];
  for (const Item of items) await harness.db.send(new PutCommand({ TableName: harness.gateway.tables.catalog, Item }));
});

afterAll(async () => {
  await harness?.close();
});

const subscriberAt = (zip: string, at: string) => harness.subscriberAt(zip, at);

const coupons = (phone: string) => harness.received(phone).filter((m) => /Code KB-[A-HJ-NP-Z2-9]{6}\b/.test(m.body));

describe('lunch offers for where subscribers live', () => {
  test('two subscribers in different states each get their state\'s lunch offer', async () => {
    // Prepare: both join on Monday
    const springfield = await subscriberAt('62701', '2026-11-23T20:00:00Z');
    const manhattan = await subscriberAt('10001', '2026-11-23T20:00:00Z');

    // Act: Tuesday, 10:30 in New York, then 10:30 in Chicago
    await harness.setClock('2026-11-24T15:30:00Z');
    await harness.fireSchedule('lunch-coupons');
    await harness.setClock('2026-11-24T16:30:00Z');
    await harness.fireSchedule('lunch-coupons');

    // Assess
    expect(coupons(springfield).map((m) => m.body)).toEqual([expect.stringMatching(/^Krusty Burger: Illinois lunch: a free Italian beef slider with any combo\. Code KB-\w{6}, valid until Nov 25\./)]);
    expect(coupons(manhattan).map((m) => m.body)).toEqual([expect.stringMatching(/^Krusty Burger: New York lunch: a free knish with any combo\. Code KB-\w{6}, valid until Nov 25\./)]);
  });

  test('a subscriber gets a different lunch offer on two consecutive days, one a day', async () => {
    // Prepare
    const denver = await subscriberAt('80202', '2026-11-23T20:00:00Z');

    // Act: Tuesday and Wednesday at 10:30 in Denver, each wave fired twice
    for (const day of ['2026-11-24', '2026-11-25']) {
      await harness.setClock(`${day}T17:30:00Z`);
      await harness.fireSchedule('lunch-coupons');
      await harness.setClock(`${day}T17:45:00Z`);
      await harness.fireSchedule('lunch-coupons');
    }

    // Assess
    const offers = coupons(denver).map((m) => /Denver lunch ([AB])/.exec(m.body)?.[1]);
    expect(offers).toHaveLength(2);
    expect(new Set(offers)).toEqual(new Set(['A', 'B']));
    const markers = await harness.items(denver, 'OFFER#');
    expect(markers.map((m) => [m.sk, m.offerId]).sort()).toEqual([
      ['OFFER#krusty-burger#lunch#2026-11-24', `lunch-denver-${offers[0]!.toLowerCase()}`],
      ['OFFER#krusty-burger#lunch#2026-11-25', `lunch-denver-${offers[1]!.toLowerCase()}`],
    ]);
  });
});

describe('a profile question with a reward', () => {
  test('answering the birthday question earns the reward coupon once; the answer redelivered later earns no second one', async () => {
    // Prepare: a subscriber whose birthday question is waiting (as a marketing message's ride-along leaves it)
    const phone = await subscriberAt('62701', '2026-11-23T20:00:00Z');
    await harness.db.send(
      new UpdateCommand({
        TableName: harness.gateway.tables.audience,
        Key: { pk: `PHONE#${phone}`, sk: 'STATE#PROGRAM#krusty-burger' },
        UpdateExpression: 'SET pendingQuestion = :question',
        ExpressionAttributeValues: { ':question': { field: 'birthday', attempts: 0, askedAt: '2026-11-23T20:05:00.000Z' } },
      }),
    );
    await harness.setClock('2026-11-23T20:10:00Z');

    // Act
    await harness.textAndSettle(phone, 'July 14');
    const afterAnswer = harness.received(phone).map((m) => m.body);
    const handled = (await harness.items(phone, 'MSG#SM')).find((item) => item.body === 'July 14')!;
    await harness.lateReplay('inbound', { messageSid: (handled.sk as string).slice(4), from: phone, to: handled.to, body: handled.body, numMedia: 0, receivedAt: handled.at }, phone);
    await harness.settle();

    // Assess
    expect(afterAnswer.slice(-2)).toEqual(['Thanks, got it!', expect.stringMatching(/^Krusty Burger: A free Krusty Shake, for your birthday answer\. Code KB-\w{6}, valid until Dec 7\. Reply STOP to opt out\.$/)]);
    expect(harness.received(phone).map((m) => m.body)).toEqual(afterAnswer);
    expect(coupons(phone)).toHaveLength(1);
    const markers = await harness.items(phone, 'OFFER#');
    expect(markers.map((m) => [m.sk, m.offerId])).toEqual([['OFFER#krusty-burger#profile-reward#profile:birthday', 'free-shake']]);
    expect((await harness.subscription(phone))?.profile).toMatchObject({ birthday: '07-14', state: 'IL' });
  });
});
