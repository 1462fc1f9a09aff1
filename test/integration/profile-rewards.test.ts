import { DynamoCouponStore } from '../../functions/adapters/dynamo-coupons';
import type { Coupon } from '../../functions/domain/coupons';
import type { InboundText } from '../../functions/domain/conversation';
import { handleInbound, type HandleInboundDeps } from '../../functions/domain/handle-inbound';
import type { CouponStore, IssueResult, Outbox } from '../../functions/domain/ports';
import { outboundQueueMessage } from '../../functions/schemas/queue-messages';
import { readCatalogFile, writeCatalogItems, DEMO_CATALOG_FILE } from '../../lib/catalog-admin';
import type { SqsLocal } from '../../lib/local/sqs-local';
import { inboundDeps } from '../support/inbound-deps';
import { audienceItems, drainQueue, freshPhone, startLocalDynamo, startLocalSqs, uniqueStage, type LocalDynamo } from '../support/local-stand-ins';
import { RecordingPublisher } from '../support/recording-publisher';

/**
 * A profile answer's reward is exact under crashes, like every coupon: the answer's commit records the
 * reward on the inbound log item; a crash before or after the coupon is written, or before its text is
 * queued, is retried by the redelivered text, which issues one coupon and queues its text once.
 */

jest.setTimeout(60_000);

const PROGRAM = 'krusty-burger';
const demo = readCatalogFile(DEMO_CATALOG_FILE);
const items = [
  ...demo.map((item) => (item.sk === 'QUESTION#zip' ? { ...item, prompt: 'Your 5-digit ZIP? Tell us and get a free shake.', reward: 'OFFER#free-shake' } : item)),
  { pk: `PROGRAM#${PROGRAM}`, sk: 'OFFER#free-shake', kind: 'profile-reward', copy: 'A free Krusty Shake, thanks for telling us.', validDays: 14 },
];

let db: LocalDynamo;
let sqs: SqsLocal;

beforeAll(async () => {
  [db, sqs] = await Promise.all([startLocalDynamo(uniqueStage('it-rewards')), startLocalSqs()]);
  await writeCatalogItems(db.doc, db.tables.catalog, items);
});

afterAll(async () => {
  await Promise.all([db?.stop(), sqs?.stop()]);
});

let sid = 0;
function inbound(phone: string, body: string): InboundText {
  sid += 1;
  return { messageSid: `SMreward${process.pid}x${sid}`, from: phone, to: '55155', body, receivedAt: new Date(Date.UTC(2026, 10, 23, 20, 0, sid)).toISOString() };
}

/** A coupon store that fails its first issue, before or after the write took effect. */
class CrashingCoupons implements CouponStore {
  private crashed = false;
  constructor(
    private readonly real: CouponStore,
    private readonly when: 'before' | 'after',
  ) {}
  async issue(coupon: Coupon, period: string, options?: { notified?: boolean }): Promise<IssueResult> {
    if (!this.crashed && this.when === 'before') {
      this.crashed = true;
      throw new Error('DynamoDB unavailable');
    }
    const result = await this.real.issue(coupon, period, options);
    if (!this.crashed) {
      this.crashed = true;
      throw new Error('connection reset after the write');
    }
    return result;
  }
  markNotified = (coupon: Coupon, period: string) => this.real.markNotified(coupon, period);
  find = (code: string) => this.real.find(code);
  markRedeemed = (coupon: Coupon, orderId: string, at: string) => this.real.markRedeemed(coupon, orderId, at);
}

/** An outbox whose first fan-out fails (the crash between issuing and queuing). */
class CrashingOutbox implements Outbox {
  private crashed = false;
  constructor(private readonly real: Outbox) {}
  enqueue: Outbox['enqueue'] = (messages, causedBy) => this.real.enqueue(messages, causedBy);
  async enqueueEach(entries: Parameters<Outbox['enqueueEach']>[0]): Promise<void> {
    if (!this.crashed) {
      this.crashed = true;
      throw new Error('SQS unavailable');
    }
    return this.real.enqueueEach(entries);
  }
}

describe('the ZIP answer earns a free shake once, whatever crashes on the way', () => {
  test.each([
    ['no crash', (deps: HandleInboundDeps) => deps],
    ['a crash before the coupon is written', (deps: HandleInboundDeps) => ({ ...deps, coupons: new CrashingCoupons(deps.coupons, 'before') })],
    ['a crash after the coupon is written', (deps: HandleInboundDeps) => ({ ...deps, coupons: new CrashingCoupons(deps.coupons, 'after') })],
    ['a crash before its text is queued', (deps: HandleInboundDeps) => ({ ...deps, outbox: new CrashingOutbox(deps.outbox) })],
  ])('%s: then the text redelivered, twice', async (_, crashing) => {
    // Prepare: a subscriber whose ZIP question waits
    const phone = freshPhone();
    const deps = inboundDeps(db, sqs, new RecordingPublisher(), () => new Date('2026-11-23T20:00:00Z'));
    await handleInbound(inbound(phone, 'KRUSTY'), deps);
    const answer = inbound(phone, '62701');
    const first = crashing(inboundDeps(db, sqs, new RecordingPublisher(), () => new Date('2026-11-23T20:01:00Z')));

    // Act: the answer, retried by its queue until handled, then late redeliveries
    await handleInbound(answer, first).catch(() => handleInbound(answer, first));
    await handleInbound(answer, deps);
    await handleInbound(answer, deps);

    // Assess
    const queued = (await drainQueue(sqs.client, sqs.queues.outbound.url, { waitSeconds: 0 })).map((m) => outboundQueueMessage.parse(JSON.parse(m.Body!))).filter((m) => m.to === phone);
    const rewards = queued.filter((m) => m.body.includes('free Krusty Shake'));
    expect(rewards).toEqual([expect.objectContaining({ purpose: 'reply', programId: PROGRAM, body: expect.stringMatching(/^Krusty Burger: A free Krusty Shake, thanks for telling us\. Code KB-\w{6}, valid until Dec 7\./) })]);
    const markers = await audienceItems(db, phone, 'OFFER#');
    expect(markers).toEqual([expect.objectContaining({ sk: `OFFER#${PROGRAM}#profile-reward#profile:zip`, offerId: 'free-shake', notified: true })]);
    const code = /KB-\w{6}/.exec(rewards[0]!.body)![0];
    expect(await new DynamoCouponStore(db.doc, db.tables.audience).find(code)).toMatchObject({ phone, offerId: 'free-shake', kind: 'profile-reward' });
  });
});

