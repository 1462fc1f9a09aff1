import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { CatalogView } from '../../functions/domain/console-catalog';
import type { CampaignsView } from '../../functions/domain/console-campaigns';
import type { ProblemsView } from '../../functions/domain/console-problems';
import type { FunnelReport } from '../../functions/domain/funnel-report';
import { deadLetterEnv } from '../../lib/topology';
import { springMenu } from '../support/campaign-fixtures';
import { GatewayHarness, newPhone } from '../support/gateway-harness';

/**
 * The console's JSON API for marketers, through the local gateway's routes as the console page calls
 * it: the catalog with a broken item, a campaign's plan and then its results, the funnel report after
 * opt-ins, and a rejected POS event and a dead-lettered text with their reasons.
 */

jest.setTimeout(180_000);

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await GatewayHarness.start();
});
afterAll(async () => {
  await harness?.close();
});

async function api<T>(path: string, status = 200): Promise<T> {
  const response = await fetch(`${harness.gateway.url}${path}`);
  const text = await response.text();
  if (response.status !== status) throw new Error(`GET ${path}: ${response.status} (expected ${status}) ${text}`);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return JSON.parse(text) as T;
}

describe('GET /api/catalog', () => {
  test('shows every program with its texts as sent, says it is read-only, and reports a broken item by key, field and reason', async () => {
    // Prepare: a marketer saves an offer of a kind that does not exist
    await harness.db.send(new PutCommand({ TableName: harness.gateway.tables.catalog, Item: { pk: 'PROGRAM#krusty-burger', sk: 'OFFER#free-soda', kind: 'soda', copy: 'A free soda today.' } }));

    // Act
    const catalog = await api<CatalogView>('/api/catalog');

    // Assess
    expect(catalog.readOnly).toMatch(/Read-only here.*DynamoDB.*npm run catalog/);
    expect(catalog.problems).toContainEqual({ key: 'PROGRAM#krusty-burger / OFFER#free-soda', field: 'kind', reason: expect.stringMatching(/Invalid option/) });
    const program = catalog.programs.find((p) => p.programId === 'krusty-burger')!;
    expect(program.keywords).toContainEqual({ word: 'KRUSTYBURGER', kind: 'alias', placement: 'billboard I-55 northbound', answers: true });
    expect(program.offers.map((offer) => offer.offerId)).not.toContain('free-soda');
    const welcome = program.templates.find((template) => template.name === 'welcome')!.message;
    expect(welcome).toMatchObject({ encoding: 'GSM-7', segments: 2, mms: false });
    expect(welcome.text).toMatch(/Reply HELP for help, STOP to cancel\.$/);
  });
});

describe('GET /api/campaigns and GET /api/report', () => {
  const chicago = [newPhone(), newPhone()];
  const newYork = newPhone();

  beforeAll(async () => {
    await harness.setClock('2026-03-09T20:00:00Z');
    for (const phone of chicago) {
      await harness.textAndSettle(phone, 'KRUSTY');
      await harness.textAndSettle(phone, '62701');
    }
    await harness.textAndSettle(newYork, 'KRUSTYBURGER');
    await harness.textAndSettle(newYork, '10001');
    await harness.db.send(new PutCommand({ TableName: harness.gateway.tables.catalog, Item: springMenu() }));
  });

  test("a campaign's plan before it is sent: its audience per zone and variant and who is left out", async () => {
    // Act
    const view = await api<CampaignsView>('/api/campaigns');

    // Assess
    const spring = view.campaigns.find((campaign) => campaign.campaignId === 'spring-menu')!;
    expect(spring).toMatchObject({ stage: 'scheduled', sendOn: '2026-03-10', localTime: '11:00', results: [] });
    expect(spring.plan).toMatchObject({ subscribers: 3, audience: 2, excluded: { 'outside the segment': 1 }, outsideBy: { state: 1 } });
    expect(spring.plan.zones).toEqual([expect.objectContaining({ zone: 'America/Chicago', recipients: 2, reached: 2 })]);
    expect(spring.plan.variants.map((variant) => variant.id)).toEqual(['a', 'b']);
    expect(spring.plan.variants.reduce((sum, variant) => sum + variant.recipients, 0)).toBe(2);
  });

  test('the funnel report after the opt-ins, the same as GET /local/report', async () => {
    // Act
    const report = await api<FunnelReport>('/api/report?from=2026-03-09&to=2026-03-09&program=krusty-burger');

    // Assess
    expect(report).toEqual(await harness.report('?from=2026-03-09&to=2026-03-09&program=krusty-burger'));
    const funnel = report.programs[0]!;
    expect(funnel.consideration.optIns).toBe(3);
    expect(funnel.awareness.byPlacement).toEqual({ 'billboard I-55 northbound': 1, '(none)': 2 });
  });

  test('once sent, the campaign shows its results per variant', async () => {
    // Act: 11:05 in Chicago on the campaign's day
    await harness.setClock('2026-03-10T16:05:00Z');
    await harness.fireSchedule('campaigns');
    await harness.statsSettled();
    const view = await api<CampaignsView>('/api/campaigns?program=krusty-burger');

    // Assess
    const spring = view.campaigns.find((campaign) => campaign.campaignId === 'spring-menu')!;
    expect(spring.results.length).toBeGreaterThan(0);
    for (const row of spring.results) expect(['a', 'b']).toContain(row.variant);
    expect(spring.results.reduce((sum, row) => sum + row.sent, 0)).toBe(2);
    expect(spring.results.every((row) => row.campaignId === 'spring-menu')).toBe(true);
  });

  test.each([
    { query: '?from=yesterday', error: /from: must be a date such as 2026-03-14/ },
    { query: '?from=2026-02-31', error: /from must be a date/ },
    { query: '?from=2026-03-10&to=2026-03-01', error: /from \(2026-03-10\) is after to \(2026-03-01\)/ },
    { query: '?program=Krusty%20Burger', error: /program: must be a program id/ },
    { query: '?program=sideshow', error: /no program "sideshow"/ },
    { query: '?from=2026-03-01&from=2026-03-02', error: /from: given more than once/ },
  ])('a malformed report query $query gets a 400 that says what is wrong', async ({ query, error }) => {
    // Act
    const answer = await api<{ error: string }>(`/api/report${query}`, 400);

    // Assess
    expect(answer.error).toMatch(error);
  });
});

describe('GET /api/problems', () => {
  test('a rejected POS event and a dead-lettered text, each with its reason, numbers masked, and left where they are', async () => {
    // Prepare: an event the POS got wrong, and a text the inbound queue gave up on
    const buyer = '+15555550161';
    await harness.publish('pos', 'PurchaseCompleted', { phone: buyer, total: 'twelve', currency: 'usd' });
    const sqs = new SQSClient({ endpoint: harness.gateway.sqsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: process.env[deadLetterEnv('inbound')],
          MessageBody: JSON.stringify({ messageSid: 'SM'.padEnd(34, '7'), from: '+15555550162', to: '55155', body: 'KRUSTY', numMedia: 0, receivedAt: '2026-03-10T16:00:00Z' }),
          MessageGroupId: '+15555550162',
          MessageDeduplicationId: 'dead-letter-1',
        }),
      );
    } finally {
      sqs.destroy();
    }

    // Act
    let problems!: ProblemsView;
    await harness.waitUntil(async () => {
      problems = await api<ProblemsView>('/api/problems');
      return problems.rejectedEvents.events.length > 0;
    });
    const again = await api<ProblemsView>('/api/problems');

    // Assess
    const [rejected] = problems.rejectedEvents.events;
    expect(rejected!.reason).toMatch(/orderId: .*; total: .*; currency: must be an ISO 4217 code/);
    expect(rejected!.event).toMatchObject({ detail: { phone: '+1******0161', total: 'twelve' } });
    const inbound = problems.deadLetters.find((queue) => queue.queue === 'inbound')!;
    expect(inbound.deadLetterQueue).toBe('sms-gateway-local-inbound-dlq.fifo');
    expect(inbound.messages).toHaveLength(1);
    expect(inbound.messages[0]!.reason).toMatch(/^converse failed it 5 times on inbound, so SQS moved it here/);
    expect(inbound.messages[0]!.body).toContain('"from":"+1******0162"');
    expect(JSON.stringify(problems)).not.toMatch(/\+1555555016[12]/);
    // Looked at, not taken: a second look and the queue itself still have them.
    expect(again.rejectedEvents.events.map((event) => event.id)).toEqual([rejected!.id]);
    expect(again.deadLetters.find((queue) => queue.queue === 'inbound')!.messages).toHaveLength(1);
    expect(await harness.peek('rejectedEvents')).toHaveLength(1);
    expect(await harness.deadLetters('inbound')).toBe(1);
  });
});
