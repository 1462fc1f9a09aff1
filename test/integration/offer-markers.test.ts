import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { audienceKeys, zoneChainKey, zoneShard } from '../../functions/adapters/audience-keys';
import { DynamoAudienceIndex } from '../../functions/adapters/dynamo-audience-index';
import { DynamoCouponStore, issuingTogether } from '../../functions/adapters/dynamo-coupons';
import { SqsPageQueue, SqsOutbox } from '../../functions/adapters/sqs-queues';
import type { OutboundMessage, Subscription } from '../../functions/domain/audience';
import { validateCatalog, type Catalog } from '../../functions/domain/catalog';
import { newCoupon } from '../../functions/domain/coupons';
import { issueLunchPage, type LunchDeps } from '../../functions/domain/issue-lunch-coupons';
import type { LunchPage } from '../../functions/domain/lunch';
import type { Outbox } from '../../functions/domain/ports';
import type { SqsLocal } from '../../lib/local/sqs-local';
import { audienceItems, drainQueue, freshPhone, recordRequests, startLocalDynamo, startLocalSqs, uniqueStage, type LocalDynamo } from '../support/local-stand-ins';
import { RecordingPublisher } from '../support/recording-publisher';

/**
 * The once-a-period marker is per kind of offer, on DynamoDB Local: with several lunch offers a
 * subscriber still gets one lunch coupon a day, and a retried page re-sends the very text issued
 * before (the offer stored on the marker), even when the catalog would now choose another offer.
 */

jest.setTimeout(120_000);

const PROGRAM = 'krusty-burger';
const SHARDS = 4;
const demo: Record<string, unknown>[] = require('../../catalog/demo.json');
const LUNCH_B = { pk: `PROGRAM#${PROGRAM}`, sk: 'OFFER#lunch-b', kind: 'lunch', copy: 'Free fries with any burger at lunch today.', validDays: 1 };
const LUNCH_C = { pk: `PROGRAM#${PROGRAM}`, sk: 'OFFER#lunch-c', kind: 'lunch', copy: 'A free shake with any combo at lunch today.', validDays: 1 };
const twoLunches = validateCatalog([...demo, LUNCH_B]).catalog;
const threeLunches = validateCatalog([...demo, LUNCH_B, LUNCH_C]).catalog;
const AT = new Date('2026-11-24T15:30:00Z'); // Tuesday 10:30 in New York
const random = { bytes: (count: number) => new Uint8Array(randomBytes(count)) };

let db: LocalDynamo;
let sqs: SqsLocal;
/** DynamoDB requests sent through db.doc, by command name. */
let requests: string[] = [];

beforeAll(async () => {
  [db, sqs] = await Promise.all([startLocalDynamo(uniqueStage('it-markers')), startLocalSqs()]);
  requests = recordRequests(db.doc);
});

afterAll(async () => {
  await Promise.all([db?.stop(), sqs?.stop()]);
});

const coupons = () => new DynamoCouponStore(db.doc, db.tables.audience);
const offer = (catalog: Catalog, offerId: string) => catalog.programs[0]!.offers.find((o) => o.offerId === offerId)!;

describe('one coupon of a kind per period, whichever offer of the kind', () => {
  test('a second lunch offer on the same day is refused with the first one\'s offer, code and dates, in one request', async () => {
    // Prepare
    const phone = freshPhone();
    const first = newCoupon({ code: `KB-${randomCode()}`, phone, programId: PROGRAM, offer: offer(twoLunches, 'lunch'), issuedAt: AT });
    await coupons().issue(first, '2026-11-24', { notified: true });
    requests.length = 0;

    // Act
    const other = newCoupon({ code: `KB-${randomCode()}`, phone, programId: PROGRAM, offer: offer(twoLunches, 'lunch-b'), issuedAt: new Date(AT.getTime() + 60_000) });
    const again = await coupons().issue(other, '2026-11-24', { notified: true });
    const nextDay = await coupons().issue({ ...other, code: `KB-${randomCode()}` }, '2026-11-25', { notified: true });

    // Assess
    expect(again).toEqual({ outcome: 'exists', coupon: first, notified: true });
    expect(requests).toEqual(['TransactWriteItems', 'TransactWriteItems']);
    expect(nextDay).toEqual({ outcome: 'issued' });
    expect(await coupons().find(other.code)).toBeUndefined();
    const markers = await audienceItems(db, phone, 'OFFER#');
    expect(markers.map((m) => [m.sk, m.offerId])).toEqual([
      [`OFFER#${PROGRAM}#lunch#2026-11-24`, 'lunch'],
      [`OFFER#${PROGRAM}#lunch#2026-11-25`, 'lunch-b'],
    ]);
  });

  test('a marker written before markers carried the offer (its key named the offer, here the same as the kind) still counts, as that offer', async () => {
    // Prepare: the old shape: no offerId, the key's segment was the offerId "lunch"
    const phone = freshPhone();
    const old = newCoupon({ code: `KB-${randomCode()}`, phone, programId: PROGRAM, offer: offer(twoLunches, 'lunch'), issuedAt: AT });
    const { kind: _kind, ...oldCoupon } = old;
    await db.doc.send(new PutCommand({ TableName: db.tables.audience, Item: { ...audienceKeys.coupon(old.code), type: 'coupon', ...oldCoupon } }));
    await db.doc.send(
      new PutCommand({
        TableName: db.tables.audience,
        Item: { ...audienceKeys.offerMarker(phone, PROGRAM, 'lunch', '2026-11-24'), type: 'offer-marker', code: old.code, issuedAt: old.issuedAt, validUntil: old.validUntil, notified: true },
      }),
    );

    // Act
    const again = await coupons().issue(newCoupon({ code: `KB-${randomCode()}`, phone, programId: PROGRAM, offer: offer(twoLunches, 'lunch-b'), issuedAt: AT }), '2026-11-24', { notified: true });

    // Assess
    expect(again).toEqual({ outcome: 'exists', coupon: { ...old, offerId: 'lunch' }, notified: true });
  });
});

describe('markers written before markers were per kind, under a key naming another offerId than the kind', () => {
  test('a one-off grant (a referral reward for a friend) finds it and issues nothing new; marking its text queued marks that marker', async () => {
    // Prepare: the demo's referral reward (offerId "referral", kind "referral-reward") given for a friend before the change
    const phone = freshPhone();
    const friend = freshPhone();
    const reward = offer(twoLunches, 'referral');
    const old = newCoupon({ code: `KB-${randomCode()}`, phone, programId: PROGRAM, offer: reward, issuedAt: AT });
    const oldKey = audienceKeys.offerMarker(phone, PROGRAM, 'referral', friend);
    await db.doc.send(new PutCommand({ TableName: db.tables.audience, Item: { ...oldKey, type: 'offer-marker', code: old.code, issuedAt: old.issuedAt, validUntil: old.validUntil, notified: false } }));
    requests.length = 0;

    // Act
    const again = await coupons().issue(newCoupon({ code: `KB-${randomCode()}`, phone, programId: PROGRAM, offer: reward, issuedAt: AT }), friend, { checkOldMarker: true });
    await coupons().markNotified(again.outcome === 'exists' ? again.coupon : old, friend);

    // Assess
    expect(again).toEqual({ outcome: 'exists', coupon: old, notified: false });
    expect(requests[0]).toBe('TransactWriteItems');
    const markers = await audienceItems(db, phone, 'OFFER#');
    expect(markers).toEqual([expect.objectContaining({ ...oldKey, code: old.code, notified: true })]);
  });

  test('the lunch wave does not look there (its day\'s old markers are the one-day window the README describes)', async () => {
    // Prepare
    const phone = freshPhone();
    const lunchB = offer(twoLunches, 'lunch-b');
    await db.doc.send(new PutCommand({ TableName: db.tables.audience, Item: { ...audienceKeys.offerMarker(phone, PROGRAM, 'lunch-b', '2026-11-24'), type: 'offer-marker', code: 'KB-OLDOLD', issuedAt: AT.toISOString(), validUntil: '2026-11-25T15:30:00.000Z', notified: true } }));

    // Act
    const issued = await coupons().issue(newCoupon({ code: `KB-${randomCode()}`, phone, programId: PROGRAM, offer: lunchB, issuedAt: AT }), '2026-11-24', { notified: true });

    // Assess
    expect(issued).toEqual({ outcome: 'issued' });
  });
});

/** The outbound queue as issuing uses it, remembering what it was asked to queue (the FIFO queue drops a repeat silently). */
class RememberingOutbox implements Outbox {
  readonly asked: { id: string; message: OutboundMessage }[] = [];
  constructor(private readonly queue: Outbox) {}
  enqueue(messages: OutboundMessage[], causedBy: string): Promise<void> {
    return this.queue.enqueue(messages, causedBy);
  }
  enqueueEach(entries: { id: string; message: OutboundMessage }[]): Promise<void> {
    this.asked.push(...entries);
    return this.queue.enqueueEach(entries);
  }
}

describe('a lunch page with two lunch offers, through the real adapters', () => {
  test('one coupon each, both offers in use; a retry after the catalog changed re-sends the very same texts and issues nothing', async () => {
    // Prepare: 40 subscribers of one zone and shard
    const zone = 'America/Indiana/Vevay';
    const shard = 1;
    const phones: string[] = [];
    while (phones.length < 40) {
      const phone = freshPhone();
      if (zoneShard(phone, SHARDS) === shard) phones.push(phone);
    }
    await file(phones.map((phone) => subscription(phone, zone)));
    const page: LunchPage = { programId: PROGRAM, zone, shard, localDate: '2026-11-24', lunchAt: '2026-11-24T17:00:00.000Z' };
    const deps = (catalog: Catalog, outbox: Outbox): LunchDeps => ({
      catalog: { load: async () => catalog },
      audience: new DynamoAudienceIndex(db.doc, db.tables.audience),
      coupons: issuingTogether(coupons()),
      random,
      outbox,
      events: new RecordingPublisher(),
      pages: new SqsPageQueue(sqs.client, sqs.queues.lunchPages.url, 'lunch page'),
      clock: { now: () => AT },
      pageSize: 100,
    });
    const queue = new SqsOutbox(sqs.client, sqs.queues.outbound.url, () => AT);
    const firstRun = new RememberingOutbox(queue);
    const retryRun = new RememberingOutbox(queue);

    // Act: the page, then the same page again after a marketer added a third lunch offer (which moves most subscribers' choice)
    const first = await issueLunchPage(page, deps(twoLunches, firstRun));
    const queued = await drainQueue(sqs.client, sqs.queues.outbound.url, { waitSeconds: 0 });
    const retry = await issueLunchPage(page, deps(threeLunches, retryRun));
    const queuedAgain = await drainQueue(sqs.client, sqs.queues.outbound.url, { waitSeconds: 0 });

    // Assess
    expect(first).toEqual({ issued: 40, requeued: 0, handedOn: false });
    expect(retry).toEqual({ issued: 0, requeued: 40, handedOn: false });
    expect(queued).toHaveLength(40);
    expect(queuedAgain).toEqual([]);
    const bodies = (outbox: RememberingOutbox) => Object.fromEntries(outbox.asked.map(({ id, message }) => [message.to, `${id} ${message.body}`]));
    expect(bodies(retryRun)).toEqual(bodies(firstRun));
    const copies = firstRun.asked.map(({ message }) => (message.body.includes('Free fries') ? 'lunch-b' : 'lunch'));
    expect(new Set(copies)).toEqual(new Set(['lunch', 'lunch-b']));
    for (const phone of phones) expect(await audienceItems(db, phone, 'OFFER#')).toHaveLength(1);
  });
});

function subscription(phone: string, zone: string): Subscription {
  return { phone, programId: PROGRAM, status: 'subscribed', profile: { timeZone: zone, zip: '47043', state: 'IN' }, skipped: [], marketingSinceQuestion: 0, version: 1 };
}

async function file(subscriptions: Subscription[]): Promise<void> {
  for (let start = 0; start < subscriptions.length; start += 25) {
    await db.doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [db.tables.audience]: subscriptions.slice(start, start + 25).map((s) => ({
            PutRequest: { Item: { ...audienceKeys.subscription(s.phone, s.programId), type: 'subscription', ...s, zoneKey: zoneChainKey(s.programId, s.profile.timeZone!, zoneShard(s.phone, SHARDS)) } },
          })),
        },
      }),
    );
  }
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
function randomCode(): string {
  return Array.from(randomBytes(6), (byte) => CODE_ALPHABET[byte % CODE_ALPHABET.length]).join('');
}
