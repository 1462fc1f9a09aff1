import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { validateCatalog } from '../../functions/domain/catalog';
import { LINK_ID_ALPHABET } from '../../functions/domain/short-links';
import { demoItems } from '../support/campaign-fixtures';
import { GatewayHarness } from '../support/gateway-harness';

/**
 * Short links through the local gateway: a campaign whose copy has URLs reaches the carrier with
 * `{linkBase}/{id}` in their place, even when the first carrier call hangs after taking the text
 * (the retry finds it by its body, so the body must be the same); tapping a link redirects to the
 * URL with UTM tags, counts the click (the first one unique) and publishes LinkClicked.
 */

jest.setTimeout(180_000);

let harness: GatewayHarness;

beforeAll(async () => {
  // A hanging carrier call is given up after 0.8 s, and the message comes back within 2 s.
  Object.assign(process.env, { CARRIER_TIMEOUT_MS: '800', RETRY_MAX_DELAY_SECONDS: '2', SEND_CLAIM_SECONDS: '5' });
  harness = await GatewayHarness.start();
});

afterAll(async () => {
  await harness?.close();
});

const MELT = 'https://krusty.example/melt?utm_campaign=melt-launch#menu';
const RULES = 'https://krusty.example/rules';
/** Tuesday 2026-03-10 at 11:00 local, for everyone (no segment), no coupon. */
const campaign = {
  pk: 'PROGRAM#krusty-burger',
  sk: 'CAMPAIGN#melt-links',
  name: 'Melt links',
  status: 'scheduled',
  sendOn: '2026-03-10',
  localTime: '11:00',
  variants: [{ id: 'a', copy: `Krusty Burger: the Krabby Melt is here ${MELT} - rules: ${RULES}.` }],
};

const link = (base: string) => new RegExp(`${base.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/([${LINK_ID_ALPHABET}]{8})`, 'g');
const follow = (url: string) => fetch(url, { redirect: 'manual' });
const linkRecord = async (id: string) =>
  (await harness.db.send(new GetCommand({ TableName: harness.gateway.tables.audience, Key: { pk: `LINK#${id}`, sk: 'LINK' }, ConsistentRead: true }))).Item;

describe('a campaign text with two URLs', () => {
  let phone: string;
  let text: string;
  let ids: string[];

  beforeAll(async () => {
    phone = await harness.subscriberAt('62701', '2026-03-09T20:00:00Z');
    expect(validateCatalog([...demoItems, campaign]).problems).toEqual([]);
    await harness.db.send(new PutCommand({ TableName: harness.gateway.tables.catalog, Item: campaign }));
  });

  test('reaches the carrier once with a short link in place of each URL, though the first call hung after the carrier took it', async () => {
    // Prepare: the carrier takes the campaign text and never answers
    const before = harness.received(phone).length;
    harness.twilio.failNext(phone, { kind: 'hang', accepted: true });
    await harness.setClock('2026-03-10T16:05:00Z'); // 11:05 in Springfield (Chicago time)

    // Act
    await harness.fireSchedule('campaigns');

    // Assess
    const campaignTexts = harness.received(phone).slice(before);
    expect(campaignTexts).toHaveLength(1);
    text = campaignTexts[0]!.body;
    ids = [...text.matchAll(link(harness.gateway.linkBase))].map((match) => match[1]!);
    expect(text).toBe(`Krusty Burger: the Krabby Melt is here ${harness.gateway.linkBase}/${ids[0]} - rules: ${harness.gateway.linkBase}/${ids[1]}.${text.split(`${ids[1]}.`)[1]}`);
    expect(text).not.toContain('krusty.example');
    expect(new Set(ids).size).toBe(2);
    expect(harness.gateway.linkBase).toBe(`${harness.gateway.url}/l`);
    // The hung attempt was looked up at the carrier (same body) and settled, not sent again.
    expect(harness.twilio.attempts().filter((attempt) => attempt.to === phone && attempt.body === text).map((attempt) => attempt.fault)).toEqual(['hang']);
    expect(await harness.unsettledOutbound()).toBe(0);
    expect(await linkRecord(ids[0]!)).toMatchObject({ phone, programId: 'krusty-burger', purpose: 'marketing', expiresAt: expect.any(Number) });
  });

  test('a tap redirects (302) to the URL with the UTM tags it lacked; the marketer\'s own utm_campaign stays', async () => {
    // Act
    const melt = await follow(`${harness.gateway.linkBase}/${ids[0]}`);
    const rules = await follow(`${harness.gateway.linkBase}/${ids[1]}`);

    // Assess
    expect(melt.status).toBe(302);
    expect(melt.headers.get('location')).toBe('https://krusty.example/melt?utm_campaign=melt-launch&utm_source=sms&utm_medium=marketing#menu');
    expect(rules.status).toBe(302);
    // utm_campaign: the message's campaign id where its source names one, else the program.
    expect(rules.headers.get('location')).toMatch(/^https:\/\/krusty\.example\/rules\?utm_source=sms&utm_medium=marketing&utm_campaign=(melt-links|krusty-burger)$/);
  });

  test('a second tap still redirects; the link counts 2 clicks, 1 unique, and LinkClicked says so each time', async () => {
    // Act
    const again = await follow(`${harness.gateway.linkBase}/${ids[0]}`);

    // Assess
    expect(again.status).toBe(302);
    expect(await linkRecord(ids[0]!)).toMatchObject({ clicks: 2, firstClickAt: expect.any(String) });
    const clicks = (await harness.publishedEvents(phone)).filter((event) => event.detailType === 'LinkClicked');
    expect(clicks.map((event) => [event.detail.linkId, event.detail.unique, event.detail.eventId])).toEqual([
      [ids[0], true, `click:${ids[0]}:1`],
      [ids[1], true, `click:${ids[1]}:1`],
      [ids[0], false, `click:${ids[0]}:2`],
    ]);
    expect(clicks[0]!.detail).toMatchObject({ phone, programId: 'krusty-burger', messageId: expect.any(String) });
  });

  test.each([
    ['an unknown id', 'Zz23456Y'],
    ['a malformed id', 'not-a-link'],
    ['an id with a character no link has', 'AbCd0fGh'],
  ])('%s gets a small 404 page, never an error', async (_case, id) => {
    // Act
    const response = await follow(`${harness.gateway.linkBase}/${id}`);

    // Assess
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('Link not found');
    expect(await linkRecord(id)).toBeUndefined();
  });
});
