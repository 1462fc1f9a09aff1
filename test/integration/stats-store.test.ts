import { DynamoStatsStore } from '../../functions/adapters/dynamo-stats';
import { validateCatalog } from '../../functions/domain/catalog';
import { buildFunnelReport, recordStats } from '../../functions/domain/record-stats';
import type { StatsEvent } from '../../functions/domain/stats';
import { startLocalDynamo, uniqueStage, type LocalDynamo } from '../support/local-stand-ins';

/**
 * The funnel's counters on DynamoDB Local: each event counted once however often it is delivered,
 * events counted side by side all counted, days in the program's own zone, and a campaign's
 * opt-outs within a day of its text counted against its variant.
 */

jest.setTimeout(120_000);

const demo: Record<string, unknown>[] = require('../../catalog/demo.json');
const catalog = validateCatalog(demo).catalog;
const PROGRAM = catalog.programs[0]!.programId;
const PHONE = '+13125550101';

let db: LocalDynamo;
beforeAll(async () => {
  db = await startLocalDynamo(uniqueStage('it-stats'));
});
afterAll(async () => {
  await db?.stop();
});

let sequence = 0;
const deps = () => ({ stats: new DynamoStatsStore(db.doc, db.tables.stats), catalog: { load: async () => catalog } });
const event = (type: StatsEvent['type'], at: string, detail: StatsEvent['detail'] = {}, id = `ev-${(sequence += 1)}`): StatsEvent => ({ type, id, at, detail: { phone: PHONE, programId: PROGRAM, ...detail } });

test('a redelivered event counts once; fifty events counted at the same moment all count', async () => {
  // Prepare
  const optIn = event('SubscriberOptedIn', '2026-05-02T15:00:00Z', { keyword: 'KRUSTY' });
  const orders = Array.from({ length: 50 }, (_, index) => event('PurchaseRecorded', '2026-05-02T16:00:00Z', { total: 2, orderNumber: index + 1 }));

  // Act
  const first = await recordStats(optIn, deps());
  const again = await recordStats(optIn, deps());
  const results = await Promise.all(orders.map((order) => recordStats(order, deps())));

  // Assess
  expect([first, again]).toEqual(['counted', 'duplicate']);
  expect(results.every((result) => result === 'counted')).toBe(true);
  const report = await buildFunnelReport('2026-05-02', '2026-05-02', deps());
  expect(report.programs[0]).toMatchObject({ consideration: { optIns: 1 }, purchase: { orders: 50, revenue: 100 }, retention: { liveSubscribers: 1, repeatPurchasers: 1 } });
});

test("days are the program's local days; live subscribers count everything up to the period's end", async () => {
  // Prepare: 03:00 UTC on June 2nd is still June 1st in the demo program's zone (America/New_York).
  const zone = catalog.programs[0]!.timeZoneFallback;
  expect(zone).toBe('America/New_York');
  await recordStats(event('SubscriberOptedIn', '2026-06-02T03:00:00Z', { keyword: 'KRUSTY' }), deps());
  await recordStats(event('SubscriberOptedIn', '2026-06-03T15:00:00Z', { keyword: 'KRUSTY' }), deps());
  await recordStats(event('SubscriberOptedOut', '2026-06-04T15:00:00Z'), deps());

  // Act
  const june1 = await buildFunnelReport('2026-06-01', '2026-06-01', deps());
  const june2 = await buildFunnelReport('2026-06-02', '2026-06-02', deps());
  const june4 = await buildFunnelReport('2026-06-04', '2026-06-04', deps());

  // Assess (the first test left one live subscriber in May)
  expect(june1.programs[0]!.consideration.optIns).toBe(1);
  expect(june1.programs[0]!.retention.liveSubscribers).toBe(2);
  expect(june2.programs[0]!.consideration.optIns).toBe(0);
  expect(june4.programs[0]!.retention).toMatchObject({ liveSubscribers: 2, optOuts: 1, optOutRate: 0.3333 });
});

test("an opt-out within 24 hours of a campaign text counts against the text's variant; a later one does not", async () => {
  // Prepare
  const spring = { kind: 'campaign', campaignId: 'opt-out-check', variantId: 'b' };
  const other = '+13125550102';
  await recordStats(event('MessageOutcome', '2026-07-01T16:00:00Z', { outcome: 'sent', purpose: 'marketing', source: spring }), deps());
  await recordStats(event('MessageOutcome', '2026-07-01T16:00:00Z', { outcome: 'sent', purpose: 'marketing', source: spring, phone: other }), deps());

  // Act
  await recordStats(event('SubscriberOptedOut', '2026-07-02T10:00:00Z'), deps());
  await recordStats(event('SubscriberOptedOut', '2026-07-03T10:00:00Z', { phone: other }), deps());

  // Assess
  const report = await buildFunnelReport('2026-07-01', '2026-07-03', deps());
  expect(report.campaigns.find((row) => row.campaignId === 'opt-out-check')).toMatchObject({ variant: 'b', sent: 2, optOuts: 1 });
});
