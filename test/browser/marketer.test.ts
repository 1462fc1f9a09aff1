import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { join } from 'node:path';
import type { FunnelReport } from '../../functions/domain/funnel-report';
import { openConsole } from '../support/browser';
import { springMenu } from '../support/campaign-fixtures';
import { GatewayHarness, newPhone } from '../support/gateway-harness';

/**
 * The marketer's pages in headless Chromium against a local gateway: the catalog shows a broken item,
 * the campaigns page a plan's audience, the funnel page a chart and a table with the report's numbers.
 * `SCREENSHOTS=1` also writes docs/console-catalog.png, -campaigns.png and -funnel.png.
 */

jest.setTimeout(180_000);

let harness: GatewayHarness;
/** The catalog is long: its first screen only; the other pages whole. */
const screenshot = (name: string) => (process.env.SCREENSHOTS ? { path: join(__dirname, '..', '..', 'docs', `console-${name}.png`), fullPage: name !== 'catalog' } : undefined);

beforeAll(async () => {
  harness = await GatewayHarness.start();
  await harness.setClock('2026-03-09T20:00:00Z');
  for (const [phone, word, zip] of [[newPhone(), 'KRUSTY', '62701'], [newPhone(), 'KRUSTYBURGER', '62704'], [newPhone(), 'KRUSTY', '10001']] as const) {
    await harness.textAndSettle(phone, word);
    await harness.textAndSettle(phone, zip);
  }
  await harness.db.send(new PutCommand({ TableName: harness.gateway.tables.catalog, Item: springMenu() }));
  await harness.db.send(new PutCommand({ TableName: harness.gateway.tables.catalog, Item: { pk: 'PROGRAM#krusty-burger', sk: 'OFFER#free-soda', kind: 'soda', copy: 'A free soda today.' } }));
});

afterAll(async () => {
  await harness?.close();
});

test('the catalog page shows a broken item by key, field and reason, says it is read-only, and previews texts with their cost', async () => {
  // Prepare
  const { page, close } = await openConsole(harness, '#/catalog');
  try {
    // Act
    const broken = page.getByRole('table', { name: 'Broken items' });
    await broken.waitFor();
    const row = broken.getByRole('row').filter({ hasText: 'OFFER#free-soda' });

    // Assess
    expect(await row.getByRole('cell').allInnerTexts()).toEqual(['PROGRAM#krusty-burger / OFFER#free-soda', 'kind', expect.stringMatching(/^Invalid option/)]);
    await expect(page.getByRole('note').innerText()).resolves.toMatch(/Read-only here.*DynamoDB.*npm run catalog/);
    const welcome = page.getByRole('figure', { name: 'Template welcome: as sent' });
    await expect(welcome.innerText()).resolves.toMatch(/Reply HELP for help, STOP to cancel\.\s+SMS GSM-7 · 2 segments · \$0\.0226/);
    await expect(page.getByRole('table', { name: 'Keywords' }).getByRole('row').filter({ hasText: 'KRUSTYBURGER' }).innerText()).resolves.toMatch(/billboard I-55 northbound/);
    if (screenshot('catalog')) await page.screenshot(screenshot('catalog'));
  } finally {
    await close();
  }
});

test("the campaigns page shows a plan's audience, who is left out and the waves", async () => {
  // Prepare
  const { page, close } = await openConsole(harness, '#/campaigns');
  try {
    // Act
    const spring = page.getByRole('region', { name: 'Spring menu (spring-menu)' });
    await spring.waitFor();

    // Assess
    await expect(spring.locator('.audience').innerText()).resolves.toMatch(/^Audience: 2 of 3 subscriber\(s\)/);
    await expect(spring.getByRole('table', { name: 'Left out, and why' }).innerText()).resolves.toMatch(/outside the segment\s+1/);
    await expect(spring.getByRole('table', { name: 'Waves per zone' }).getByRole('row').filter({ hasText: 'America/Chicago' }).getByRole('cell').nth(1).innerText()).resolves.toBe('2');
    if (screenshot('campaigns')) await page.screenshot(screenshot('campaigns'));
  } finally {
    await close();
  }
});

test('the funnel chart and its table show the numbers GET /api/report gives for the period asked, and rejected POS events with their reason', async () => {
  // Prepare
  await harness.publish('pos', 'PurchaseCompleted', { phone: newPhone(), total: 'twelve', currency: 'usd' });
  await harness.statsSettled();
  const report = (await (await fetch(`${harness.gateway.url}/api/report?from=2026-03-09&to=2026-03-09`)).json()) as FunnelReport;
  const krusty = report.programs.find((p) => p.programId === 'krusty-burger')!;
  const expected = [krusty.awareness.keywordTexts, krusty.consideration.optIns, krusty.purchase.orders, krusty.retention.repeatPurchasers, krusty.advocacy.referralsCompleted];
  const { page, close } = await openConsole(harness, '#/funnel');
  try {
    await page.getByRole('status').waitFor();

    // Act
    await page.getByLabel('From', { exact: true }).fill('2026-03-09');
    await page.getByLabel('To', { exact: true }).fill('2026-03-09');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('status').filter({ hasText: 'Local days 2026-03-09 to 2026-03-09' }).waitFor();
    const canvas = page.locator('canvas[data-program="krusty-burger"]');
    const drawn = await canvas.evaluate((element) => (globalThis as unknown as { Chart: { getChart(c: unknown): { data: { datasets: { data: number[] }[] } } } }).Chart.getChart(element).data.datasets[0]!.data);
    const tabled = await page.getByRole('table', { name: 'Customer loop: Krusty Burger Rewards' }).locator('tbody tr td:nth-child(3)').allInnerTexts();

    // Assess
    expect(expected).toEqual([3, 3, 0, 0, 0]);
    expect(drawn).toEqual(expected);
    expect(JSON.parse((await canvas.getAttribute('data-values'))!)).toEqual(expected);
    expect(tabled.map(Number)).toEqual(expected);
    await expect(page.getByRole('table', { name: 'Per placement: Krusty Burger Rewards' }).getByRole('row').filter({ hasText: 'billboard I-55 northbound' }).innerText()).resolves.toMatch(/billboard I-55 northbound\s+1\s+1/);
    const rejected = page.getByRole('table', { name: /^Rejected POS events/ });
    await expect(rejected.innerText()).resolves.toMatch(/currency: must be an ISO 4217 code/);
    if (screenshot('funnel')) await page.screenshot(screenshot('funnel'));
  } finally {
    await close();
  }
});
