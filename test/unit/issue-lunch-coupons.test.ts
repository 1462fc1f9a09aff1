import { randomBytes } from 'node:crypto';
import type { OutboundMessage, Subscription } from '../../functions/domain/audience';
import { validateCatalog } from '../../functions/domain/catalog';
import { issueLunchPage, type LunchDeps } from '../../functions/domain/issue-lunch-coupons';
import type { LunchPage } from '../../functions/domain/lunch';
import type { AudienceIndex } from '../../functions/domain/ports';
import { Fault, InMemoryCoupons, InMemoryOutbox, RecordingEvents, subscriber } from '../support/in-memory-issuing';

/**
 * issue-lunch-coupons against in-memory stand-ins that keep the adapters' promises (test/support/
 * in-memory-issuing), told to fail at chosen points to play a crash; the page is then retried as SQS would.
 */

const catalog = validateCatalog(require('../../catalog/demo.json')).catalog;
const AT = new Date('2026-11-24T15:30:00Z'); // Tuesday 10:30 in New York
const PAGE: LunchPage = { programId: 'krusty-burger', zone: 'America/New_York', shard: 3, localDate: '2026-11-24', lunchAt: '2026-11-24T17:00:00.000Z' };

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
