/**
 * Lunch issuing per subscriber, beside a raw baseline of the same writes on the same stand-ins in
 * the same run. Issuing: one zone's audience walked chain by chain through the real adapters
 * (byZone Query + BatchGetItem per page, one TransactWriteItems per subscriber, SendMessageBatch of
 * ten, the next page handed on through SQS) on DynamoDB Local and fauxqs. Baseline: the same
 * TransactWriteItems (marker + coupon, both conditional) at the same concurrency and the same
 * SendMessageBatch calls, nothing else. Domain events go to an in-memory publisher (EventBridge
 * has no stand-in here), in both.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageBatchCommand, DeleteMessageBatchCommand, PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audienceKeys, zoneShard, zoneShards } from '../functions/adapters/audience-keys';
import { DynamoAudienceIndex } from '../functions/adapters/dynamo-audience-index';
import { DynamoCouponStore, issuingTogether } from '../functions/adapters/dynamo-coupons';
import { sqsMessageBody } from '../functions/adapters/sqs-body';
import { SqsPageQueue, SqsOutbox } from '../functions/adapters/sqs-queues';
import { validateCatalog } from '../functions/domain/catalog';
import { ISSUE_CONCURRENCY } from '../functions/domain/issue-coupon';
import { issueLunchPage, type LunchDeps } from '../functions/domain/issue-lunch-coupons';
import type { LunchPage } from '../functions/domain/lunch';
import { lunchPageMessage } from '../functions/schemas/lunch-page';
import { startDynamoDbLocal } from '../lib/local/dynamodb-local';
import { startSqsLocal } from '../lib/local/sqs-local';
import { ensureTables, localTableName } from '../lib/local/tables';
import { formatTable, ms, type Cell } from './table';

export interface LunchIssuingFigures {
  /** Subscribers in the zone, per round. */
  subscribers: number;
  pageSize: number;
  concurrency: number;
  shards: number;
  rounds: number;
  /** Pages issued (each paired with a baseline run for as many subscribers). */
  pages: number;
  /** Wall time per subscriber over all pages, ms. */
  issuingMsPerSubscriber: number;
  baselineMsPerSubscriber: number;
  /** Issuing time / baseline time, over all pages. */
  ratio: number;
  /** The median of the per-page ratios: less swayed by one page that met a busy machine. */
  medianPageRatio: number;
  /** DynamoDB requests per coupon issued (page Query and BatchGetItem included), and by operation. */
  dynamoRequestsPerCoupon: number;
  dynamoByOperation: Record<string, number>;
  /** SQS requests per coupon (SendMessageBatch of texts, page hand-offs). */
  sqsRequestsPerCoupon: number;
}

const PROGRAM = 'krusty-burger';
const LOCAL_DATE = '2026-11-24';
const AT = new Date('2026-11-24T15:30:00Z');
const catalog = validateCatalog(require('../catalog/demo.json')).catalog;
const lunch = catalog.programs.find((p) => p.programId === PROGRAM)!.offers.find((o) => o.kind === 'lunch')!;
/** One zone per round, so every round starts from an audience nobody was issued yet. */
const ZONES = ['America/Chicago', 'America/Denver', 'America/Los_Angeles', 'America/Phoenix', 'America/Boise', 'America/Detroit', 'America/Anchorage'];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Runs `work` over `items` with at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

export async function measureLunchIssuing(options: { subscribers?: number; rounds?: number; pageSize?: number; concurrency?: number } = {}): Promise<LunchIssuingFigures> {
  const subscribers = options.subscribers ?? 500;
  const rounds = Math.min(options.rounds ?? 1, ZONES.length - 1);
  const pageSize = options.pageSize ?? 100;
  const concurrency = options.concurrency ?? ISSUE_CONCURRENCY;
  const shards = zoneShards();
  const dataDir = mkdtempSync(join(tmpdir(), 'sms-gateway-bench-lunch-'));
  const stage = 'bench-lunch';
  const [dynamoLocal, sqs] = await Promise.all([startDynamoDbLocal(dataDir), startSqsLocal()]);
  const client = new DynamoDBClient({ endpoint: dynamoLocal.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true } });
  const counts = new Map<string, number>();
  let counting = false;
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (counting) counts.set(context.commandName ?? '?', (counts.get(context.commandName ?? '?') ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchLunchCounter' },
  );
  let sqsCalls = 0;
  sqs.client.middlewareStack.add(
    (next) => async (args) => {
      if (counting) sqsCalls += 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchLunchSqsCounter' },
  );
  try {
    await ensureTables(client, stage);
    const table = localTableName('audience', stage);
    let phoneCounter = 0;
    const phones = (count: number) => Array.from({ length: count }, () => `+1555${String(2_000_000 + (phoneCounter += 1)).padStart(7, '0')}`);

    const seed = async (zone: string, numbers: string[]) => {
      const items = numbers.map((phone) => ({
        ...audienceKeys.subscription(phone, PROGRAM),
        type: 'subscription',
        phone,
        programId: PROGRAM,
        status: 'subscribed',
        subscribedAt: '2026-11-01T15:00:00.000Z',
        profile: { zip: '60601', state: 'IL', timeZone: zone },
        skipped: [],
        marketingSinceQuestion: 1,
        marketingSentAt: ['2026-11-23T15:31:00.000Z'],
        referralCode: `R${phone.slice(-6)}`,
        version: 3,
        zoneKey: audienceKeys.zoneKey(PROGRAM, zone, phone),
      }));
      for (let start = 0; start < items.length; start += 25) {
        const chunk = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
        await doc.send(new BatchWriteCommand({ RequestItems: { [table]: chunk } }));
      }
    };

    /** Empties the outbound queue between rounds (what was queued is checked by the tests, not here). */
    const drainOutbound = async () => {
      await sqs.client.send(new PurgeQueueCommand({ QueueUrl: sqs.queues.outbound.url }));
    };

    const deps: LunchDeps = {
      catalog: { load: async () => catalog },
      audience: new DynamoAudienceIndex(doc, table),
      coupons: new DynamoCouponStore(doc, table),
      random: { bytes: (count) => new Uint8Array(randomBytes(count)) },
      outbox: new SqsOutbox(sqs.client, sqs.queues.outbound.url, () => AT),
      events: { publish: async () => undefined },
      pages: new SqsPageQueue<LunchPage>(sqs.client, sqs.queues.lunchPages.url, 'lunch page'),
      clock: { now: () => AT },
      pageSize,
      concurrency,
    };

    /** One page of issuing, timed as one invocation's work; the page it handed on, fetched untimed (the next invocation's trigger). */
    const issuePage = async (page: LunchPage): Promise<{ ms: number; issued: number; next?: LunchPage }> => {
      const started = performance.now();
      // As the handler does: one coupon store per invocation, issuing its workers' coupons together.
      const result = await issueLunchPage(page, { ...deps, coupons: issuingTogether(new DynamoCouponStore(doc, table)) });
      const ms = performance.now() - started;
      if (!result.handedOn) return { ms, issued: result.issued };
      const wasCounting = counting;
      counting = false;
      const { Messages = [] } = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: sqs.queues.lunchPages.url, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }));
      if (Messages.length !== 1) throw new Error('a handed-on lunch page never reached its queue');
      await sqs.client.send(new DeleteMessageBatchCommand({ QueueUrl: sqs.queues.lunchPages.url, Entries: [{ Id: '0', ReceiptHandle: Messages[0]!.ReceiptHandle! }] }));
      counting = wasCounting;
      return { ms, issued: result.issued, next: lunchPageMessage.parse(JSON.parse(Messages[0]!.Body!)) as LunchPage };
    };

    /** The same writes and queue calls, raw: these subscribers at the same concurrency, texts ten per batch as they are ready. */
    const baseline = async (numbers: string[]): Promise<number> => {
      const started = performance.now();
      const sends: Promise<unknown>[] = [];
      let ready: { Id: string; MessageBody: string; MessageGroupId: string; MessageDeduplicationId: string }[] = [];
      const flush = () => {
        if (ready.length === 0) return;
        sends.push(sqs.client.send(new SendMessageBatchCommand({ QueueUrl: sqs.queues.outbound.url, Entries: ready })));
        ready = [];
      };
      await pool(numbers, concurrency, async (phone) => {
        const code = `BL-${randomBytes(5).toString('hex')}`;
        const coupon = { code, phone, programId: PROGRAM, offerId: lunch.offerId, issuedAt: AT.toISOString(), validUntil: '2026-11-25T15:30:00.000Z', status: 'issued' };
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: { ...audienceKeys.offerMarker(phone, PROGRAM, lunch.offerId, LOCAL_DATE), type: 'offer-marker', code, issuedAt: coupon.issuedAt, validUntil: coupon.validUntil, notified: true, expiresAt: 1 },
                  ConditionExpression: 'attribute_not_exists(pk)',
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              { Put: { TableName: table, Item: { ...audienceKeys.coupon(code), type: 'coupon', ...coupon, expiresAt: 1 }, ConditionExpression: 'attribute_not_exists(pk)' } },
            ],
          }),
        );
        const body = { id: `coupon-${code}`, queuedAt: AT.toISOString(), to: phone, from: '55155', body: `Krusty Burger: $2 off any Krusty Combo at lunch today. Code ${code}, valid until Nov 25. Reply STOP to opt out.`, purpose: 'marketing', programId: PROGRAM, notAfter: '2026-11-24T18:00:00.000Z' };
        ready.push({ Id: String(ready.length), MessageBody: sqsMessageBody(body), MessageGroupId: phone, MessageDeduplicationId: body.id });
        if (ready.length >= 10) flush();
      });
      flush();
      await Promise.all(sends);
      return performance.now() - started;
    };

    /**
     * Every chain of the zone (one per shard, plus the pre-shard one), page after page; beside each
     * page, the raw baseline for as many subscribers, alternately before and after it, so each pair
     * runs on the same stand-ins under the same load (this machine may be busy with other work).
     */
    const measureZone = async (zone: string, audience: string[]) => {
      const pending = new Map<number | undefined, number>([[undefined, 0]]);
      for (let shard = 0; shard < shards; shard += 1) pending.set(shard, 0);
      for (const phone of audience) pending.set(zoneShard(phone, shards), pending.get(zoneShard(phone, shards))! + 1);
      const pairs: { issuingMs: number; baselineMs: number; subscribers: number }[] = [];
      const first: LunchPage = { programId: PROGRAM, zone, localDate: LOCAL_DATE, lunchAt: '2026-11-24T18:00:00.000Z' };
      const todo: LunchPage[] = [...pending.keys()].map((shard) => (shard === undefined ? first : { ...first, shard }));
      while (todo.length > 0) {
        const page = todo.shift()!;
        const size = Math.min(pageSize, pending.get(page.shard)!);
        pending.set(page.shard, pending.get(page.shard)! - size);
        const raw = phones(size);
        const before = pairs.length % 2 === 0 && size > 0 ? await baseline(raw) : undefined;
        counting = true;
        const issued = await issuePage(page);
        counting = false;
        if (issued.issued !== size) throw new Error(`a page of ${size} subscribers issued ${issued.issued} coupons`);
        const after = before === undefined && size > 0 ? await baseline(raw) : undefined;
        if (size > 0) pairs.push({ issuingMs: issued.ms, baselineMs: (before ?? after)!, subscribers: size });
        if (issued.next) todo.push(issued.next);
      }
      return pairs;
    };

    const seedZone = async (zone: string, count: number) => {
      const audience = phones(count);
      await seed(zone, audience);
      return audience;
    };

    // Warm-up (JIT of DynamoDB Local and of this process), not measured.
    await measureZone(ZONES.at(-1)!, await seedZone(ZONES.at(-1)!, Math.min(100, subscribers)));
    counts.clear();
    sqsCalls = 0;
    await drainOutbound();

    const pairs: { issuingMs: number; baselineMs: number; subscribers: number }[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const zone = ZONES[round]!;
      pairs.push(...(await measureZone(zone, await seedZone(zone, subscribers))));
      await drainOutbound();
    }
    const issued = pairs.reduce((sum, pair) => sum + pair.subscribers, 0);
    const issuingMs = pairs.reduce((sum, pair) => sum + pair.issuingMs, 0);
    const baselineMs = pairs.reduce((sum, pair) => sum + pair.baselineMs, 0);
    const dynamoTotal = [...counts.values()].reduce((sum, n) => sum + n, 0);
    return {
      subscribers,
      pageSize,
      concurrency,
      shards,
      rounds,
      pages: pairs.length,
      issuingMsPerSubscriber: issuingMs / issued,
      baselineMsPerSubscriber: baselineMs / issued,
      ratio: issuingMs / baselineMs,
      medianPageRatio: median(pairs.map((pair) => pair.issuingMs / pair.baselineMs)),
      dynamoRequestsPerCoupon: dynamoTotal / issued,
      dynamoByOperation: Object.fromEntries([...counts].map(([name, n]) => [name.replace(/Command$/, ''), n / issued])),
      sqsRequestsPerCoupon: sqsCalls / issued,
    };
  } finally {
    doc.destroy();
    await Promise.allSettled([dynamoLocal.stop(), sqs.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The figures as the bench prints them. */
export function lunchIssuingTable(f: LunchIssuingFigures): string {
  const title = `6. Lunch issuing, ${f.subscribers} subscribers in one zone (${f.shards} shard chains, pages of ${f.pageSize}, ${f.concurrency} at once), DynamoDB Local + fauxqs, ${f.pages} pages each beside the raw baseline`;
  const rows: Cell[][] = [
    ['(baseline) the same items, one TransactWriteItems a subscriber, and SendMessageBatch, raw', ms(f.baselineMsPerSubscriber), '1.00×', '1.00'],
    ['issue-lunch-coupons (Query + BatchGetItem a page, the workers\' writes side by side in one transaction)', ms(f.issuingMsPerSubscriber), `${f.ratio.toFixed(2)}× (median page ${f.medianPageRatio.toFixed(2)}×)`, f.dynamoRequestsPerCoupon.toFixed(3)],
  ];
  return formatTable(title, ['run', 'per subscriber', '× baseline', 'DynamoDB req/coupon'], rows);
}

if (require.main === module) {
  measureLunchIssuing()
    .then((figures) => console.log(`${lunchIssuingTable(figures)}\n\n${JSON.stringify(figures, null, 2)}`))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => process.exit());
}
