import { randomBytes } from 'node:crypto';
import type { OutboundMessage, Subscription } from '../../functions/domain/audience';
import { validateCatalog } from '../../functions/domain/catalog';
import type { Coupon } from '../../functions/domain/coupons';
import type { DomainEvent } from '../../functions/domain/events';
import { issueLunchPage, type LunchDeps } from '../../functions/domain/issue-lunch-coupons';
import type { LunchPage } from '../../functions/domain/lunch';
import type { AudienceIndex, CouponStore, EventPublisher, IssueResult, Outbox } from '../../functions/domain/ports';

/**
 * issue-lunch-coupons against in-memory stand-ins that keep the adapters' promises: a marker per
 * subscriber, offer and period and a code issued once (the conditional write), a queue that keeps
 * one message per deduplication id. Each can be told to fail at a chosen call, before or after
 * its effect, to play a crash at that point; the page is then retried as SQS would.
 */

const catalog = validateCatalog(require('../../catalog/demo.json')).catalog;
const AT = new Date('2026-11-24T15:30:00Z'); // Tuesday 10:30 in New York
const PAGE: LunchPage = { programId: 'krusty-burger', zone: 'America/New_York', shard: 3, localDate: '2026-11-24', lunchAt: '2026-11-24T17:00:00.000Z' };

/** Throws on the nth call (1-based), before or after the call takes effect. */
class Fault {
  private calls = 0;
  constructor(
    private readonly at: number,
    readonly when: 'before' | 'after',
  ) {}
  hit(): boolean {
    this.calls += 1;
    return this.calls === this.at;
  }
}

class InMemoryCoupons implements CouponStore {
  readonly markers = new Map<string, { code: string; notified: boolean }>();
  readonly coupons = new Map<string, Coupon>();
  writes = 0;
  inFlight = 0;
  mostInFlight = 0;
  fault?: Fault;

  async issue(coupon: Coupon, period: string, options: { notified?: boolean } = {}): Promise<IssueResult> {
    this.writes += 1;
    this.inFlight += 1;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const fault = this.fault?.hit() ? this.fault : undefined;
      if (fault?.when === 'before') throw new Error('DynamoDB unavailable');
      const key = `${coupon.phone}|${coupon.kind ?? coupon.offerId}|${period}`;
      const marker = this.markers.get(key);
      let result: IssueResult;
      if (marker) result = { outcome: 'exists', coupon: this.coupons.get(marker.code)!, notified: marker.notified };
      else if (this.coupons.has(coupon.code)) result = { outcome: 'code-taken' };
      else {
        this.markers.set(key, { code: coupon.code, notified: options.notified === true });
        this.coupons.set(coupon.code, coupon);
        result = { outcome: 'issued' };
      }
      if (fault?.when === 'after') throw new Error('connection reset after the write');
      return result;
    } finally {
      this.inFlight -= 1;
    }
  }

  async markNotified(): Promise<void> {
    throw new Error('lunch issuing records "notified" in its one write');
  }

  async find(code: string): Promise<Coupon | undefined> {
    return this.coupons.get(code);
  }

  async markRedeemed(): Promise<boolean> {
    return false;
  }

  codesOf(phone: string): string[] {
    return [...this.coupons.values()].filter((coupon) => coupon.phone === phone).map((coupon) => coupon.code);
  }
}

/** A FIFO queue: a message whose deduplication id it has seen is accepted and dropped. */
class InMemoryOutbox implements Outbox {
  readonly queued = new Map<string, OutboundMessage>();
  readonly calls: number[] = [];
  fault?: Fault;

  async enqueue(): Promise<void> {
    throw new Error('lunch texts carry their own deduplication ids');
  }

  async enqueueEach(entries: { id: string; message: OutboundMessage }[]): Promise<void> {
    const fault = this.fault?.hit() ? this.fault : undefined;
    if (fault?.when === 'before') throw new Error('SQS refused the batch');
    this.calls.push(entries.length);
    for (const { id, message } of entries) if (!this.queued.has(id)) this.queued.set(id, message);
    if (fault?.when === 'after') throw new Error('connection reset after the batch');
  }
}

class RecordingEvents implements EventPublisher {
  readonly ids = new Set<string>();
  fault?: Fault;
  async publish(events: DomainEvent[]): Promise<void> {
    if (this.fault?.hit()) throw new Error('EventBridge unavailable');
    for (const event of events) this.ids.add(event.id);
  }
}

function subscriber(index: number, overrides: Partial<Subscription> = {}): Subscription {
  return {
    phone: `+1555010${String(index).padStart(4, '0')}`,
    programId: 'krusty-burger',
    status: 'subscribed',
    profile: { timeZone: 'America/New_York' },
    skipped: [],
    marketingSinceQuestion: 0,
    version: 1,
    ...overrides,
  };
}

function world(audience: Subscription[], options: { pageSize?: number; concurrency?: number } = {}) {
  const coupons = new InMemoryCoupons();
  const outbox = new InMemoryOutbox();
  const events = new RecordingEvents();
  const handedOn: LunchPage[] = [];
  const index: AudienceIndex = {
    async subscribersInZone(_chain, limit, after) {
      const start = after ? Number(after) : 0;
      const next = start + limit < audience.length ? String(start + limit) : undefined;
      return { subscriptions: audience.slice(start, start + limit), ...(next ? { next } : {}) };
    },
  };
  const deps: LunchDeps = {
    catalog: { load: async () => catalog },
    audience: index,
    coupons,
    random: { bytes: (count) => new Uint8Array(randomBytes(count)) },
    outbox,
    events,
    pages: { send: async (pages) => void handedOn.push(...pages) },
    clock: { now: () => AT },
    pageSize: options.pageSize ?? 100,
    concurrency: options.concurrency ?? 10,
  };
  return { deps, coupons, outbox, events, handedOn };
}

const codeIn = (message: OutboundMessage) => /Code (KB-\w{6})/.exec(message.body)?.[1];

describe('issue-lunch-coupons: a page of subscribers at once, one write each', () => {
  test('every subscriber of the page gets one coupon and one text, written with many writes in flight, queued ten at a time', async () => {
    // Prepare
    const audience = Array.from({ length: 45 }, (_, i) => subscriber(i));
    const { deps, coupons, outbox, events } = world(audience, { concurrency: 10 });

    // Act
    const result = await issueLunchPage(PAGE, deps);

    // Assess
    expect(result).toEqual({ issued: 45, requeued: 0, handedOn: false });
    expect(coupons.writes).toBe(45);
    expect(coupons.mostInFlight).toBe(10);
    expect(outbox.calls.reduce((sum, n) => sum + n, 0)).toBe(45);
    expect(Math.max(...outbox.calls)).toBeLessThanOrEqual(10);
    expect(outbox.calls.length).toBe(5);
    expect(new Set([...outbox.queued.values()].map((message) => message.to))).toEqual(new Set(audience.map((s) => s.phone)));
    for (const [id, message] of outbox.queued) {
      expect(id).toBe(`coupon-${codeIn(message)}`);
      expect(message).toMatchObject({ purpose: 'marketing', notAfter: PAGE.lunchAt });
    }
    expect(events.ids.size).toBe(45);
  });

  test('the next page is handed on, and subscribers already at their cap or no longer live get nothing', async () => {
    // Prepare: the demo program allows one marketing text a day
    const audience = [subscriber(1), subscriber(2, { marketingSentAt: ['2026-11-24T14:00:00.000Z'] }), subscriber(3, { status: 'opted-out' }), subscriber(4)];
    const { deps, outbox, handedOn } = world(audience, { pageSize: 3 });

    // Act
    const result = await issueLunchPage(PAGE, deps);

    // Assess
    expect(result).toEqual({ issued: 1, requeued: 0, handedOn: true });
    expect([...outbox.queued.values()].map((message) => message.to)).toEqual([audience[0]!.phone]);
    expect(handedOn).toEqual([{ ...PAGE, after: '3' }]);
  });

  // Where the first run stops, and how: every point at which an invocation can die or fail.
  const crashes: [string, (w: ReturnType<typeof world>) => void][] = [
    ['the 7th write fails before it is made', (w) => void (w.coupons.fault = new Fault(7, 'before'))],
    ['the 7th write is made but its answer is lost', (w) => void (w.coupons.fault = new Fault(7, 'after'))],
    ['the first write fails', (w) => void (w.coupons.fault = new Fault(1, 'before'))],
    ['the last write is made but its answer is lost', (w) => void (w.coupons.fault = new Fault(25, 'after'))],
    ['the queue refuses the 2nd batch of texts', (w) => void (w.outbox.fault = new Fault(2, 'before'))],
    ['the 1st batch of texts is queued but the answer is lost', (w) => void (w.outbox.fault = new Fault(1, 'after'))],
    ['the last batch of texts is queued but the answer is lost', (w) => void (w.outbox.fault = new Fault(3, 'after'))],
    ['the events of the 3rd batch cannot be published', (w) => void (w.events.fault = new Fault(3, 'before'))],
  ];

  test.each(crashes)('%s: the retried page issues nothing twice and loses no text', async (_case, crash) => {
    // Prepare
    const audience = Array.from({ length: 25 }, (_, i) => subscriber(i));
    const w = world(audience, { concurrency: 4 });
    crash(w);
    await expect(issueLunchPage(PAGE, w.deps)).rejects.toThrow();

    // Act: SQS hands the page out again
    const retry = await issueLunchPage(PAGE, w.deps);

    // Assess
    const { coupons, outbox, events } = w;
    for (const { phone } of audience) expect(coupons.codesOf(phone)).toHaveLength(1);
    expect(retry.issued + retry.requeued).toBe(25);
    const texts = [...outbox.queued.values()];
    expect(texts.map((message) => message.to).sort()).toEqual(audience.map((s) => s.phone).sort());
    for (const message of texts) expect(coupons.codesOf(message.to)).toEqual([codeIn(message)]);
    expect(events.ids).toEqual(new Set([...coupons.coupons.keys()].map((code) => `coupon:${code}`)));
  });

  test('a page run twice at once (SQS delivers a message twice) still gives each subscriber one coupon and one text', async () => {
    // Prepare
    const audience = Array.from({ length: 30 }, (_, i) => subscriber(i));
    const { deps, coupons, outbox } = world(audience);

    // Act
    const results = await Promise.all([issueLunchPage(PAGE, deps), issueLunchPage(PAGE, deps)]);

    // Assess
    expect(results.map((r) => r.issued).reduce((a, b) => a + b, 0)).toBe(30);
    for (const { phone } of audience) expect(coupons.codesOf(phone)).toHaveLength(1);
    expect(outbox.queued.size).toBe(30);
  });

  test.each([0, Number.NaN, 2.5])('a concurrency setting of %s is refused before anything is issued, never taken as "issue nobody"', async (concurrency) => {
    // Prepare
    const { deps, coupons } = world([subscriber(1)], { concurrency });

    // Act + Assess
    await expect(issueLunchPage(PAGE, deps)).rejects.toThrow(/issuing concurrency must be a whole number of at least 1/);
    expect(coupons.writes).toBe(0);
  });
});
