import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { audienceKeys, zoneChainKey, zoneShard } from '../../functions/adapters/audience-keys';
import { DynamoAudienceIndex } from '../../functions/adapters/dynamo-audience-index';
import { DynamoCouponStore, issuingTogether } from '../../functions/adapters/dynamo-coupons';
import { SqsPageQueue, SqsOutbox } from '../../functions/adapters/sqs-queues';
import type { Subscription } from '../../functions/domain/audience';
import { validateCatalog } from '../../functions/domain/catalog';
import { newCoupon } from '../../functions/domain/coupons';
import { issueLunchPage, type LunchDeps } from '../../functions/domain/issue-lunch-coupons';
import type { LunchPage } from '../../functions/domain/lunch';
import type { CouponStore } from '../../functions/domain/ports';
import { outboundQueueMessage } from '../../functions/schemas/queue-messages';
import { ensureTables, localTableName } from '../../lib/local/tables';
import type { SqsLocal } from '../../lib/local/sqs-local';
import { drainQueue, freshPhone, recordRequests, startLocalDynamo, startLocalSqs, uniqueStage, type LocalDynamo } from '../support/local-stand-ins';
import { RecordingPublisher } from '../support/recording-publisher';

jest.setTimeout(120_000);

const catalog = validateCatalog(require('../../catalog/demo.json')).catalog;
const PROGRAM = 'krusty-burger';
const SHARDS = 4;

let db: LocalDynamo;
let sqs: SqsLocal;
/** DynamoDB requests sent through db.doc, by command name. */
let requests: string[] = [];

beforeAll(async () => {
  [db, sqs] = await Promise.all([startLocalDynamo(uniqueStage('it-lunch')), startLocalSqs()]);
  requests = recordRequests(db.doc);
});

afterAll(async () => {
  await Promise.all([db?.stop(), sqs?.stop()]);
});

function subscription(phone: string, zone: string, overrides: Partial<Subscription> = {}): Subscription {
  return { phone, programId: PROGRAM, status: 'subscribed', profile: { timeZone: zone, zip: '10001' }, skipped: [], marketingSinceQuestion: 2, version: 3, ...overrides };
}

/** Files subscriptions the way the conversation store does; `legacy` ones under the zone key from before shards. */
async function file(subscriptions: Subscription[], legacy = false): Promise<void> {
  for (let start = 0; start < subscriptions.length; start += 25) {
    await db.doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [db.tables.audience]: subscriptions.slice(start, start + 25).map((s) => ({
            PutRequest: {
              Item: {
                ...audienceKeys.subscription(s.phone, s.programId),
                type: 'subscription',
                ...s,
                zoneKey: legacy ? zoneChainKey(s.programId, s.profile.timeZone!) : zoneChainKey(s.programId, s.profile.timeZone!, zoneShard(s.phone, SHARDS)),
              },
            },
          })),
        },
      }),
    );
  }
}

/** Every chain of a zone walked to its end, `limit` at a time. */
async function walk(index: DynamoAudienceIndex, zone: string, limit: number): Promise<{ chain?: number; pages: Subscription[][] }[]> {
  const walked = [];
  for (const shard of [undefined, ...Array.from({ length: SHARDS }, (_, s) => s)]) {
    const pages: Subscription[][] = [];
    let after: string | undefined;
    do {
      const page = await index.subscribersInZone({ programId: PROGRAM, zone, shard }, limit, after);
      pages.push(page.subscriptions);
      after = page.next;
    } while (after);
    walked.push({ chain: shard, pages });
  }
  return walked;
}

describe('the byZone index: keys only, sharded zone keys', () => {
  test('every live subscription of a zone is walked exactly once across its shard chains and the pre-shard chain, and comes back whole', async () => {
    // Prepare: a zone of its own; 30 sharded subscriptions, 3 filed before shards, one with a birthday and a cap log
    const zone = 'America/Boise';
    const sharded = Array.from({ length: 30 }, () => subscription(freshPhone(), zone));
    const legacy = Array.from({ length: 3 }, () => subscription(freshPhone(), zone, { profile: { timeZone: zone, birthday: '11-24' }, marketingSentAt: ['2026-11-23T15:30:00.000Z'] }));
    await file(sharded);
    await file(legacy, true);
    const index = new DynamoAudienceIndex(db.doc, db.tables.audience);

    // Act
    const chains = await walk(index, zone, 4);

    // Assess
    const seen = chains.flatMap(({ pages }) => pages.flat());
    expect(seen.map((s) => s.phone).sort()).toEqual([...sharded, ...legacy].map((s) => s.phone).sort());
    expect(chains[0]!.pages.flat()).toEqual(legacy);
    expect(chains.slice(1).filter(({ pages }) => pages.flat().length > 0).length).toBeGreaterThan(1);
    expect(seen.find((s) => s.phone === sharded[0]!.phone)).toEqual(sharded[0]);
  });

  test('the index projects keys only, so rewriting a subscription (a marketing send) never rewrites it', async () => {
    // Prepare
    const zone = 'America/Yakutat';
    const [one] = [subscription(freshPhone(), zone, { marketingSentAt: ['2026-11-23T15:30:00.000Z'] })];
    await file([one!]);

    // Act
    const table = await db.client.send(new DescribeTableCommand({ TableName: db.tables.audience }));
    const { Items } = await db.doc.send(
      new QueryCommand({ TableName: db.tables.audience, IndexName: 'byZone', KeyConditionExpression: 'zoneKey = :z', ExpressionAttributeValues: { ':z': zoneChainKey(PROGRAM, zone, zoneShard(one!.phone, SHARDS)) } }),
    );

    // Assess
    expect(table.Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.Projection?.ProjectionType])).toEqual([['byZone', 'KEYS_ONLY']]);
    expect(Items).toEqual([{ ...audienceKeys.subscription(one!.phone, PROGRAM), phone: one!.phone, zoneKey: zoneChainKey(PROGRAM, zone, zoneShard(one!.phone, SHARDS)) }]);
  });

  test('a local data directory whose byZone index projects every attribute gets it rebuilt keys-only, its subscriptions still found', async () => {
    // Prepare: the audience table as it was created before the index was keys-only
    const stage = uniqueStage('it-lunch-old');
    const name = localTableName('audience', stage);
    await db.client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ['pk', 'sk', 'zoneKey', 'phone'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        GlobalSecondaryIndexes: [
          { IndexName: 'byZone', KeySchema: [{ AttributeName: 'zoneKey', KeyType: 'HASH' }, { AttributeName: 'phone', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
        ],
      }),
    );
    const old = subscription(freshPhone(), 'America/Chicago');
    await db.doc.send(new BatchWriteCommand({ RequestItems: { [name]: [{ PutRequest: { Item: { ...audienceKeys.subscription(old.phone, PROGRAM), type: 'subscription', ...old, zoneKey: zoneChainKey(PROGRAM, 'America/Chicago') } } }] } }));

    // Act
    await ensureTables(db.client, stage);

    // Assess
    const table = await db.client.send(new DescribeTableCommand({ TableName: name }));
    expect(table.Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.Projection?.ProjectionType])).toEqual([['byZone', 'KEYS_ONLY']]);
    const page = await new DynamoAudienceIndex(db.doc, name).subscribersInZone({ programId: PROGRAM, zone: 'America/Chicago' }, 10);
    expect(page.subscriptions).toEqual([old]);
    await db.client.send(new DeleteTableCommand({ TableName: name }));
  });
});

describe('issuing a page through the real adapters', () => {
  const coupons = () => new DynamoCouponStore(db.doc, db.tables.audience);
  const random = { bytes: (count: number) => new Uint8Array(randomBytes(count)) };

  test('a coupon issued before is found from the failed conditional write alone: one request, the same code and dates', async () => {
    // Prepare
    const phone = freshPhone();
    const offer = catalog.programs[0]!.offers.find((o) => o.kind === 'lunch')!;
    const first = newCoupon({ code: 'KB-ONCE22', phone, programId: PROGRAM, offer, issuedAt: new Date('2026-11-24T15:30:00Z') });
    await coupons().issue(first, '2026-11-24', { notified: true });
    requests.length = 0;

    // Act
    const again = await coupons().issue({ ...first, code: 'KB-TWCE33', issuedAt: '2026-11-24T15:39:00.000Z' }, '2026-11-24', { notified: true });

    // Assess
    expect(again).toEqual({ outcome: 'exists', coupon: first, notified: true });
    expect(requests).toEqual(['TransactWriteItems']);
  });

  /** A page of 60 subscribers of a zone of its own (all in one shard chain's reach), issued, then issued again. */
  async function issueTwice(zone: string, shard: number, store: () => CouponStore) {
    const phones: string[] = [];
    while (phones.length < 60) {
      const phone = freshPhone();
      if (zoneShard(phone, SHARDS) === shard) phones.push(phone);
    }
    await file(phones.map((phone) => subscription(phone, zone)));
    const page: LunchPage = { programId: PROGRAM, zone, shard, localDate: '2026-11-24', lunchAt: '2026-11-24T18:00:00.000Z' };
    // One coupon store per invocation, as the handler makes one.
    const deps = (): LunchDeps => ({
      catalog: { load: async () => catalog },
      audience: new DynamoAudienceIndex(db.doc, db.tables.audience),
      coupons: store(),
      random,
      outbox: new SqsOutbox(sqs.client, sqs.queues.outbound.url, () => new Date('2026-11-24T15:30:00Z')),
      events: new RecordingPublisher(),
      pages: new SqsPageQueue<LunchPage>(sqs.client, sqs.queues.lunchPages.url, 'lunch page'),
      clock: { now: () => new Date('2026-11-24T15:30:00Z') },
      pageSize: 100,
      concurrency: 16,
    });
    requests.length = 0;
    const first = await issueLunchPage(page, deps());
    const firstRequests = requests.splice(0);
    const texts = (await drainQueue(sqs.client, sqs.queues.outbound.url, { waitSeconds: 0 })).map((m) => outboundQueueMessage.parse(JSON.parse(m.Body!)));
    const retry = await issueLunchPage(page, deps());
    const retryTexts = await drainQueue(sqs.client, sqs.queues.outbound.url, { waitSeconds: 0 });
    return { phones, first, firstRequests, texts, retry, retryTexts };
  }

  test.each([
    ['one transaction a subscriber', 'America/Menominee', 1, () => coupons(), 60, 60],
    ['the workers\' writes side by side in one transaction', 'America/Kentucky/Monticello', 2, () => issuingTogether(coupons()), 4, 12],
  ])('a page of 60, %s: one coupon and one text each; run again, the same texts and no new coupon', async (_how, zone, shard, store, fewest, most) => {
    // Act
    const { phones, first, firstRequests, texts, retry, retryTexts } = await issueTwice(zone, shard, store);

    // Assess
    expect(first).toEqual({ issued: 60, requeued: 0, handedOn: false });
    expect(retry).toEqual({ issued: 0, requeued: 60, handedOn: false });
    expect(texts.map((b) => b.to).sort()).toEqual([...phones].sort());
    expect(new Set(texts.map((b) => b.id)).size).toBe(60);
    // The retry's texts carry the same deduplication ids: the FIFO queue drops them.
    expect(retryTexts).toEqual([]);
    // One Query and one BatchGetItem for the page, then the coupons' conditional writes.
    expect(firstRequests.filter((r) => r !== 'TransactWriteItems').sort()).toEqual(['BatchGetItem', 'Query']);
    const transactions = firstRequests.filter((r) => r === 'TransactWriteItems').length;
    expect(transactions).toBeGreaterThanOrEqual(fewest);
    expect(transactions).toBeLessThanOrEqual(most);
  });

  test('coupons issued side by side go as one transaction: one issued before and one whose code is taken are answered as alone, the others issued', async () => {
    // Prepare: four subscribers; the first already has today's coupon, the second draws a code someone holds
    const offer = catalog.programs[0]!.offers.find((o) => o.kind === 'lunch')!;
    const at = new Date('2026-11-24T15:30:00Z');
    const phones = [freshPhone(), freshPhone(), freshPhone(), freshPhone()];
    const coupon = (phone: string, code: string) => newCoupon({ code, phone, programId: PROGRAM, offer, issuedAt: at });
    const earlier = coupon(phones[0]!, `KB-${randomCode()}`);
    const holder = coupon(freshPhone(), `KB-${randomCode()}`);
    await coupons().issue(earlier, '2026-11-24', { notified: true });
    await coupons().issue(holder, '2026-11-24');
    const asked = [coupon(phones[0]!, `KB-${randomCode()}`), coupon(phones[1]!, holder.code), coupon(phones[2]!, `KB-${randomCode()}`), coupon(phones[3]!, `KB-${randomCode()}`)];
    requests.length = 0;

    // Act
    const store = issuingTogether(coupons());
    const results = await Promise.all(asked.map((c) => store.issue(c, '2026-11-24', { notified: true })));
    const made = requests.splice(0);

    // Assess: as four single issues would answer, in fewer requests (the refused transaction, then the rest together)
    expect(results).toEqual([{ outcome: 'exists', coupon: earlier, notified: true }, { outcome: 'code-taken' }, { outcome: 'issued' }, { outcome: 'issued' }]);
    expect(await coupons().find(asked[2]!.code)).toMatchObject({ phone: phones[2], code: asked[2]!.code });
    expect(await coupons().find(asked[3]!.code)).toMatchObject({ phone: phones[3], code: asked[3]!.code });
    expect(await coupons().find(holder.code)).toMatchObject({ phone: holder.phone });
    expect(made).toEqual(['TransactWriteItems', 'TransactWriteItems']);
  });
});

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** A code in the coupon alphabet, fresh for this run. */
function randomCode(): string {
  return Array.from(randomBytes(6), (byte) => CODE_ALPHABET[byte % CODE_ALPHABET.length]).join('');
}
