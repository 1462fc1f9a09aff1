import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { validateCatalog } from '../../functions/domain/catalog';
import { variantFor } from '../../functions/domain/campaigns';
import { demoItems, springMenu } from '../support/campaign-fixtures';
import { GatewayHarness } from '../support/gateway-harness';

jest.setTimeout(180_000);

let harness: GatewayHarness;

beforeAll(async () => {
  // Pages of two, so the zones' audiences are handed on page by page.
  process.env.CAMPAIGN_PAGE_SIZE = '2';
  harness = await GatewayHarness.start();
});

afterAll(async () => {
  await harness?.close();
  delete process.env.CAMPAIGN_PAGE_SIZE;
});

/** Subscribes a number and answers the ZIP question, on Monday afternoon. */
const subscriber = (zip: string) => harness.subscriberAt(zip, '2026-03-09T20:00:00Z');

async function putCampaign(item: Record<string, unknown>): Promise<void> {
  expect(validateCatalog([...demoItems, item]).problems).toEqual([]);
  await harness.db.send(new PutCommand({ TableName: harness.gateway.tables.catalog, Item: item }));
}

/** Tuesday 2026-03-10 (daylight time): 11:00 is 15:00 UTC in New York, 16:00 in Chicago, 17:00 in Denver. */
const springVariants = [
  { id: 'a', copy: 'Krusty Burger: the spring menu is here! {offer} Code {code}, valid until {validUntil}.', weight: 1 },
  { id: 'b', copy: 'Krusty Burger: try the new Krabby Melt. Code {code}.', weight: 1 },
];
const spring = springMenu({ sendOn: '2026-03-10', segment: { states: ['TX', 'FL'] }, variants: springVariants });
const draft = { ...springMenu({ sk: 'CAMPAIGN#not-yet', name: 'Not yet', status: 'draft', sendOn: '2026-03-10', localTime: '10:00', segment: {}, offer: undefined }), variants: [{ id: 'a', copy: 'Krusty Burger: DRAFT copy.' }] };
/** Wednesday: a picture for every live subscriber (an empty segment), no coupon. */
const photo = { pk: 'PROGRAM#krusty-burger', sk: 'CAMPAIGN#melt-photo', name: 'Melt photo', status: 'scheduled', sendOn: '2026-03-11', localTime: '11:00', variants: [{ id: 'pic', copy: 'Krusty Burger: meet the Krabby Melt.', mediaUrl: 'https://cdn.example/melt.jpg' }] };

const campaignTexts = (phone: string) => harness.received(phone).filter((message) => /spring menu|Krabby Melt|DRAFT/.test(message.body));

describe('a campaign to two states across three time zones, at each recipient\'s own 11:00', () => {
  const people: Record<string, string> = {};

  beforeAll(async () => {
    people.miami = await subscriber('33101'); // FL, New York time
    people.pensacola = await subscriber('32501'); // FL, Chicago time
    people.houston = await subscriber('77002'); // TX, Chicago time
    people.elPaso = await subscriber('79901'); // TX, Denver time
    people.springfield = await subscriber('62701'); // IL: outside the segment
    people.stopped = await subscriber('33101');
    await harness.textAndSettle(people.stopped, 'STOP');
    people.capped = await subscriber('77002');
    // Already had today's one marketing text (the demo program allows one a day).
    const capped = (await harness.subscription(people.capped))!;
    await harness.db.send(
      new UpdateCommand({ TableName: harness.gateway.tables.audience, Key: { pk: capped.pk, sk: capped.sk }, UpdateExpression: 'SET marketingSentAt = :sent', ExpressionAttributeValues: { ':sent': ['2026-03-10T14:30:00.000Z'] } }),
    );
    await putCampaign(spring);
    await putCampaign(draft);
    await putCampaign(photo);
  });

  test('11:05 in New York: Miami gets it; Chicago and Denver time do not yet; the draft sends nothing', async () => {
    // Prepare
    await harness.setClock('2026-03-10T15:05:00Z');

    // Act
    await harness.fireSchedule('campaigns');

    // Assess
    expect(campaignTexts(people.miami!)).toHaveLength(1);
    for (const name of ['pensacola', 'houston', 'elPaso', 'springfield']) expect(campaignTexts(people[name]!)).toEqual([]);
  });

  test('11:05 in Chicago, then in Denver: each gets it at their own 11:00, and later ticks send nobody a second', async () => {
    // Act
    await harness.setClock('2026-03-10T16:05:00Z');
    await harness.fireSchedule('campaigns');
    const atChicago = ['pensacola', 'houston', 'elPaso'].map((name) => campaignTexts(people[name]!).length);
    await harness.setClock('2026-03-10T17:05:00Z');
    await harness.fireSchedule('campaigns');
    await harness.setClock('2026-03-10T17:20:00Z');
    await harness.fireSchedule('campaigns');

    // Assess
    expect(atChicago).toEqual([1, 1, 0]);
    for (const name of ['miami', 'pensacola', 'houston', 'elPaso']) expect(campaignTexts(people[name]!)).toHaveLength(1);
  });

  test('outside the segment, opted out, capped: nothing; nobody got the draft', async () => {
    // Assess
    for (const name of ['springfield', 'stopped', 'capped']) expect(campaignTexts(people[name]!)).toEqual([]);
    for (const phone of Object.values(people)) expect(harness.received(phone).filter((message) => /DRAFT/.test(message.body))).toEqual([]);
  });

  test('each recipient has their own variant and a unique single-use code, and CampaignSent on the bus', async () => {
    // Assess
    const recipients = ['miami', 'pensacola', 'houston', 'elPaso'].map((name) => people[name]!);
    const codes = new Set<string>();
    for (const phone of recipients) {
      const [text] = campaignTexts(phone);
      const variant = variantFor({ campaignId: 'spring-menu', variants: springVariants }, phone);
      expect(text!.body).toMatch(variant.id === 'a' ? /^Krusty Burger: the spring menu is here! \$2 off any Krusty Combo at lunch today\. Code KB-\w{6}, valid until Mar 11\./ : /^Krusty Burger: try the new Krabby Melt\. Code KB-\w{6}\./);
      const code = /KB-\w{6}/.exec(text!.body)![0];
      codes.add(code);
      expect(await harness.coupon(code)).toMatchObject({ phone, offerId: 'lunch', status: 'issued' });
      const events = await harness.publishedEvents(phone);
      expect(events.filter((event) => event.detailType === 'CampaignSent').map((event) => event.detail)).toEqual([
        expect.objectContaining({ campaignId: 'spring-menu', variant: variant.id, code }),
      ]);
    }
    expect(codes.size).toBe(recipients.length);
  });

  test('each zone\'s wave was handed out once', async () => {
    // Assess
    const { Items = [] } = await harness.db.send(
      new QueryCommand({ TableName: harness.gateway.tables.audience, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'CAMPAIGNWAVE#krusty-burger#spring-menu' } }),
    );
    const started = Object.fromEntries(Items.map((item) => [item.sk, (item.startedAt as string).slice(0, 16)]));
    expect(started).toMatchObject({ 'America/New_York': '2026-03-10T15:05', 'America/Chicago': '2026-03-10T16:05', 'America/Denver': '2026-03-10T17:05' });
  });

  test('an MMS campaign with an empty segment reaches every live subscriber with its MediaUrl, the opted out excepted', async () => {
    // Act: Wednesday, 11:05 in Denver (every zone of the audience due)
    await harness.setClock('2026-03-11T17:05:00Z');
    await harness.fireSchedule('campaigns');

    // Assess
    for (const name of ['miami', 'pensacola', 'houston', 'elPaso', 'springfield', 'capped']) {
      const pictures = harness.received(people[name]!).filter((message) => /meet the Krabby Melt/.test(message.body));
      expect(pictures).toEqual([expect.objectContaining({ mediaUrl: ['https://cdn.example/melt.jpg'] })]);
    }
    expect(harness.received(people.stopped!).filter((message) => /Krabby Melt/.test(message.body))).toEqual([]);
  });
});
