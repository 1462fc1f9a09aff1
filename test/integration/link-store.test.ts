import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { audienceKeys } from '../../functions/adapters/audience-keys';
import { DynamoLinkStore } from '../../functions/adapters/dynamo-links';
import type { OutboundMessage } from '../../functions/domain/audience';
import { followLink, plannedLinks, shortenLinks, shortLinkId, shortLinkKey, type ShortLink } from '../../functions/domain/short-links';
import { freshPhone, recordRequests, startLocalDynamo, uniqueStage, type LocalDynamo } from '../support/local-stand-ins';
import { RecordingPublisher } from '../support/recording-publisher';

/** Short link records on DynamoDB Local: saved once per link, clicks counted in one request, expiry honoured before TTL deletes. */

jest.setTimeout(120_000);

const BASE = 'https://sms.example.com/l';
const settings = { base: BASE, key: shortLinkKey('it-token'), ttlDays: 90 };
const AT = new Date('2026-11-24T15:30:00Z');

let db: LocalDynamo;
let requests: string[] = [];

beforeAll(async () => {
  db = await startLocalDynamo(uniqueStage('it-links'));
  requests = recordRequests(db.doc);
});

afterAll(async () => {
  await db?.stop();
});

const store = () => new DynamoLinkStore(db.doc, db.tables.audience);
const message = (phone: string, body: string): OutboundMessage => ({
  to: phone,
  from: '55155',
  body,
  purpose: 'marketing',
  programId: 'krusty-burger',
  source: { kind: 'campaign', campaignId: 'spring-menu', variantId: 'a' },
});
const item = async (id: string) => (await db.doc.send(new GetCommand({ TableName: db.tables.audience, Key: audienceKeys.shortLink(id), ConsistentRead: true }))).Item;
const clickAt = (id: string, at: Date, events = new RecordingPublisher()) => followLink(id, { links: store(), events, clock: { now: () => at } }).then((followed) => ({ followed, events }));

describe('the link store on DynamoDB Local', () => {
  test('a text with two URLs: both links saved (TTL attribute set) with one write each; its text names them', async () => {
    // Prepare
    const phone = freshPhone();
    requests.length = 0;
    // Act
    const body = await shortenLinks('m-two', message(phone, 'Menu https://krusty.example/menu, rules https://krusty.example/rules?utm_campaign=own.'), settings, store(), AT);
    // Assess
    const ids = [...body.matchAll(/https:\/\/sms\.example\.com\/l\/(\w{8})/g)].map((m) => m[1]!);
    expect(ids).toHaveLength(2);
    expect(requests).toEqual(['UpdateItem', 'UpdateItem']);
    expect(await item(ids[0]!)).toMatchObject({
      url: 'https://krusty.example/menu?utm_source=sms&utm_medium=marketing&utm_campaign=spring-menu',
      messageId: 'm-two',
      phone,
      programId: 'krusty-burger',
      purpose: 'marketing',
      source: { kind: 'campaign', campaignId: 'spring-menu', variantId: 'a' },
      createdAt: AT.toISOString(),
      expiresAt: AT.getTime() / 1000 + 90 * 86_400,
    });
    expect((await item(ids[1]!))!.url).toBe('https://krusty.example/rules?utm_campaign=own&utm_source=sms&utm_medium=marketing');
  });

  test('a text without a URL costs no request', async () => {
    // Prepare
    requests.length = 0;
    // Act
    const body = await shortenLinks('m-none', message(freshPhone(), 'Krusty Burger: $2 off today.'), settings, store(), AT);
    // Assess
    expect(body).toBe('Krusty Burger: $2 off today.');
    expect(requests).toEqual([]);
  });

  test('clicks: the first is unique, the second is not; both redirect and publish LinkClicked with their own ids', async () => {
    // Prepare
    const phone = freshPhone();
    const body = await shortenLinks('m-click', message(phone, 'https://krusty.example/menu'), settings, store(), AT);
    const id = body.slice(-8);
    // Act
    const first = await clickAt(id, new Date(AT.getTime() + 60_000));
    const second = await clickAt(id, new Date(AT.getTime() + 120_000));
    // Assess
    const url = 'https://krusty.example/menu?utm_source=sms&utm_medium=marketing&utm_campaign=spring-menu';
    expect([first.followed, second.followed]).toEqual([
      { kind: 'redirect', url, unique: true },
      { kind: 'redirect', url, unique: false },
    ]);
    expect([...first.events.published, ...second.events.published].map((e) => [e.type, e.id, e.detail])).toEqual([
      ['LinkClicked', `click:${id}:1`, { phone, programId: 'krusty-burger', linkId: id, messageId: 'm-click', unique: true, source: { kind: 'campaign', campaignId: 'spring-menu', variantId: 'a' } }],
      ['LinkClicked', `click:${id}:2`, { phone, programId: 'krusty-burger', linkId: id, messageId: 'm-click', unique: false, source: { kind: 'campaign', campaignId: 'spring-menu', variantId: 'a' } }],
    ]);
    expect(await item(id)).toMatchObject({ clicks: 2, firstClickAt: new Date(AT.getTime() + 60_000).toISOString() });
  });

  test('saving a link again (a retried send) keeps its clicks, first click and expiry', async () => {
    // Prepare
    const phone = freshPhone();
    const text = message(phone, 'https://krusty.example/menu');
    const body = await shortenLinks('m-again', text, settings, store(), AT);
    const id = body.slice(-8);
    await clickAt(id, new Date(AT.getTime() + 60_000));
    // Act
    const again = await shortenLinks('m-again', text, settings, store(), new Date(AT.getTime() + 3_600_000));
    // Assess
    expect(again).toBe(body);
    expect(await item(id)).toMatchObject({ clicks: 1, firstClickAt: new Date(AT.getTime() + 60_000).toISOString(), createdAt: AT.toISOString(), expiresAt: AT.getTime() / 1000 + 90 * 86_400 });
  });

  test("another message's link on the same id is never overwritten: the save is refused", async () => {
    // Prepare
    const [link] = plannedLinks('m-owner', message(freshPhone(), 'https://krusty.example/a'), settings, AT) as [ShortLink];
    await store().save(link);
    // Act
    const outcome = await store().save({ ...link, messageId: 'm-intruder', url: 'https://evil.example' });
    // Assess
    expect(outcome).toBe('taken');
    expect(await item(link.id)).toMatchObject({ messageId: 'm-owner', url: link.url });
  });

  test('an expired link (still there: TTL deletion lags) and an unknown one are not found, and nothing is counted', async () => {
    // Prepare
    const phone = freshPhone();
    const body = await shortenLinks('m-old', message(phone, 'https://krusty.example/menu'), { ...settings, ttlDays: 1 }, store(), AT);
    const id = body.slice(-8);
    const unknown = shortLinkId(settings.key, 'never-sent', phone, 0);
    // Act
    const expired = await clickAt(id, new Date(AT.getTime() + 2 * 86_400_000));
    const missing = await clickAt(unknown, AT);
    // Assess
    expect(expired.followed).toEqual({ kind: 'not-found' });
    expect(missing.followed).toEqual({ kind: 'not-found' });
    expect([...expired.events.published, ...missing.events.published]).toEqual([]);
    expect((await item(id))!.clicks).toBeUndefined();
    expect(await item(unknown)).toBeUndefined();
  });

  test('a malformed id is answered without a request', async () => {
    // Prepare
    requests.length = 0;
    // Act
    const { followed } = await clickAt('../PHONE#+15551230001', AT);
    // Assess
    expect(followed).toEqual({ kind: 'not-found' });
    expect(requests).toEqual([]);
  });
});
