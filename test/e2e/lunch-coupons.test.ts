import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GatewayHarness } from '../support/gateway-harness';

jest.setTimeout(120_000);

let harness: GatewayHarness;

beforeAll(async () => {
  // Small pages and two shards a zone, so an audience of five already needs the page hand-off.
  process.env.LUNCH_PAGE_SIZE = '2';
  process.env.LUNCH_ZONE_SHARDS = '2';
  harness = await GatewayHarness.start();
});

afterAll(async () => {
  await harness?.close();
  delete process.env.LUNCH_PAGE_SIZE;
  delete process.env.LUNCH_ZONE_SHARDS;
});

const subscriberAt = (zip: string, at: string) => harness.subscriberAt(zip, at);

const coupons = (phone: string) => harness.received(phone).filter((m) => /Code KB-[A-HJ-NP-Z2-9]{6}\b/.test(m.body));

describe('lunch coupons, 1-2 hours before lunch in each subscriber\'s own time zone', () => {
  const chicago: string[] = [];
  const newYork: string[] = [];
  const denver: string[] = [];

  beforeAll(async () => {
    // Monday afternoon: everyone joins and gives a ZIP.
    chicago.push(await subscriberAt('62701', '2026-11-23T20:00:00Z'));
    newYork.push(await subscriberAt('10001', '2026-11-23T20:00:00Z'));
    for (let i = 0; i < 5; i += 1) denver.push(await subscriberAt('80202', '2026-11-23T20:00:00Z'));
  });

  test('at 10:30 in New York (9:30 in Chicago) only New York gets today\'s coupon', async () => {
    // Prepare: Tuesday 15:30 UTC
    await harness.setClock('2026-11-24T15:30:00Z');

    // Act
    await harness.fireSchedule('lunch-coupons');

    // Assess
    expect(coupons(newYork[0]!)).toHaveLength(1);
    expect(coupons(newYork[0]!)[0]!.body).toMatch(/^Krusty Burger: \$2 off any Krusty Combo at lunch today\. Code KB-\w{6}, valid until Nov 25\. Reply STOP to opt out\.$/);
    expect(coupons(chicago[0]!)).toHaveLength(0);
  });

  test('an hour later Chicago gets it, and New York, still in its window earlier, gets no second one', async () => {
    // Prepare
    await harness.setClock('2026-11-24T15:45:00Z');
    await harness.fireSchedule('lunch-coupons');
    await harness.setClock('2026-11-24T16:30:00Z');

    // Act
    await harness.fireSchedule('lunch-coupons');
    await harness.setClock('2026-11-24T16:45:00Z');
    await harness.fireSchedule('lunch-coupons');

    // Assess
    expect(coupons(newYork[0]!)).toHaveLength(1);
    expect(coupons(chicago[0]!)).toHaveLength(1);
    // Each zone's wave was handed out once that day, not walked again at every tick of its window.
    const waves = await harness.db.send(
      new QueryCommand({ TableName: harness.gateway.tables.audience, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'LUNCHWAVE#krusty-burger#America/New_York' } }),
    );
    expect(waves.Items?.map((item) => [item.sk, item.startedAt])).toEqual([['2026-11-24', expect.stringMatching(/^2026-11-24T15:30:0/)]]);
  });

  test('an audience larger than one page is handed on page by page, and everyone gets exactly one', async () => {
    // Prepare: 10:30 in Denver
    await harness.setClock('2026-11-24T17:30:00Z');

    // Act
    await harness.fireSchedule('lunch-coupons');

    // Assess
    expect(denver.map((phone) => coupons(phone).length)).toEqual([1, 1, 1, 1, 1]);
    const codes = denver.map((phone) => /KB-\w{6}/.exec(coupons(phone)[0]!.body)![0]);
    expect(new Set(codes).size).toBe(5);
  });

  test('no lunch coupon on a day the offer does not allow (the demo offer runs Mon-Fri)', async () => {
    // Prepare: Saturday, 10:30 in Chicago
    await harness.setClock('2026-11-28T16:30:00Z');

    // Act
    await harness.fireSchedule('lunch-coupons');

    // Assess
    expect(coupons(chicago[0]!)).toHaveLength(1);
  });

  test('on their birthday a subscriber gets the birthday offer instead, once', async () => {
    // Prepare: Chicago's subscriber was born on Dec 1 (a Tuesday in 2026)
    await harness.db.send(
      new UpdateCommand({
        TableName: harness.gateway.tables.audience,
        Key: { pk: `PHONE#${chicago[0]}`, sk: 'STATE#PROGRAM#krusty-burger' },
        UpdateExpression: 'SET profile.birthday = :birthday',
        ExpressionAttributeValues: { ':birthday': '12-01' },
      }),
    );
    await harness.setClock('2026-12-01T16:15:00Z');

    // Act
    await harness.fireSchedule('lunch-coupons');
    await harness.setClock('2026-12-01T16:45:00Z');
    await harness.fireSchedule('lunch-coupons');

    // Assess
    const birthday = coupons(chicago[0]!).filter((m) => m.body.includes('Happy birthday'));
    expect(birthday).toHaveLength(1);
    expect(coupons(chicago[0]!)).toHaveLength(2);
    // Worth sending all day, but never tomorrow (midnight in Chicago); the lunch coupon only until lunch.
    const records = await harness.items(chicago[0]!, 'MSG#OUT#coupon-');
    expect(records.map((r) => [String(r.body).includes('Happy birthday') ? 'birthday' : 'lunch', r.notAfter]).sort()).toEqual([
      ['birthday', '2026-12-02T06:00:00.000Z'],
      ['lunch', '2026-11-24T18:00:00.000Z'],
    ]);
  });

  test('nothing reaches a subscriber who opted out', async () => {
    // Prepare
    await harness.setClock('2026-11-30T20:00:00Z');
    await harness.textAndSettle(newYork[0]!, 'STOP');
    await harness.setClock('2026-12-01T15:30:00Z');

    // Act
    await harness.fireSchedule('lunch-coupons');

    // Assess
    expect(coupons(newYork[0]!)).toHaveLength(1);
    expect(harness.received(newYork[0]!).at(-1)!.body).toMatch(/^You are unsubscribed/);
  });
});

describe('a lunch coupon is worth nothing after lunch', () => {
  test('a coupon the carrier could not take before lunch is dropped as expired, never sent; one sent in time may wait at the carrier only until lunch', async () => {
    // Prepare: two subscribers in Phoenix (lunch 12:00 MST = 19:00Z); the carrier is busy for one of them all day
    const late = await subscriberAt('85001', '2026-12-02T20:00:00Z');
    const onTime = await subscriberAt('85004', '2026-12-02T20:00:00Z');
    harness.twilio.failNext(late, { httpStatus: 429, code: 20429, message: 'Too Many Requests' }, 1_000);
    await harness.setClock('2026-12-03T17:30:00Z');

    // Act: the wave at 10:30; the busy number is still being retried when lunch comes
    const fired = await fetch(`${harness.gateway.url}/local/schedules/lunch-coupons`, { method: 'POST' });
    expect(fired.ok).toBe(true);
    await harness.waitUntil(async () => coupons(onTime).length === 1 && harness.twilio.attempts().some((a) => a.to === late), 30_000);
    await harness.setClock('2026-12-03T19:00:00Z');
    const record = async () => (await harness.items(late, 'MSG#OUT#coupon-'))[0];
    await harness.waitUntil(async () => (await record())?.status === 'expired', 90_000);
    await harness.settle();

    // Assess
    expect(coupons(late)).toEqual([]);
    expect(await record()).toMatchObject({ status: 'expired', reason: 'too late: not after 2026-12-03T19:00:00.000Z' });
    const validity = harness.received(onTime).find((m) => /Code KB-/.test(m.body))!.validityPeriod!;
    expect(validity).toBeGreaterThan(5_300);
    expect(validity).toBeLessThanOrEqual(5_400);
  });
});

describe('an offer with an image', () => {
  test('its coupon text reaches the carrier as an MMS, with the image as MediaUrl', async () => {
    // Prepare: a marketer gives the lunch offer an image; one subscriber in Anchorage (lunch 12:00 AKST = 21:00Z)
    const key = { pk: 'PROGRAM#krusty-burger', sk: 'OFFER#lunch' };
    const { Item: lunch } = await harness.db.send(new GetCommand({ TableName: harness.gateway.tables.catalog, Key: key }));
    await harness.db.send(new PutCommand({ TableName: harness.gateway.tables.catalog, Item: { ...lunch, mediaUrl: 'https://cdn.example/combo.jpg' } }));
    const phone = await subscriberAt('99501', '2026-12-02T20:00:00Z');
    await harness.setClock('2026-12-03T19:30:00Z');

    // Act
    await harness.fireSchedule('lunch-coupons');
    await harness.db.send(new PutCommand({ TableName: harness.gateway.tables.catalog, Item: lunch }));

    // Assess
    expect(coupons(phone)).toEqual([expect.objectContaining({ mediaUrl: ['https://cdn.example/combo.jpg'], body: expect.stringMatching(/^Krusty Burger: \$2 off any Krusty Combo at lunch today\. Code KB-/) })]);
  });
});

