import { GatewayHarness, newPhone } from '../support/gateway-harness';
import { openConsole } from '../support/browser';
import type { Page } from 'playwright-core';

jest.setTimeout(180_000);

let harness: GatewayHarness;

beforeAll(async () => {
  harness = await GatewayHarness.start();
});

afterAll(async () => {
  await harness?.close();
});

/** Texts the short code from the phone page, as a person would: the number, the message, Send. */
async function textFromPage(page: Page, phone: string, body: string): Promise<void> {
  await page.getByLabel('Phone number').fill(phone);
  await page.getByLabel('Message').fill(body);
  await page.getByRole('button', { name: 'Send' }).click();
}

const thread = (page: Page) => page.getByRole('list', { name: 'Thread' });

describe('the phone page', () => {
  test('texting KRUSTY shows the text, then the welcome and the ZIP question as they arrive', async () => {
    // Prepare
    const phone = newPhone();
    const { page, close } = await openConsole(harness, '#/phone');
    try {
      // Act
      await textFromPage(page, phone, 'KRUSTY');

      // Assess: the replies come from the gateway's records, by polling; waited for, not slept on.
      await thread(page).getByRole('listitem').filter({ hasText: "What's your 5-digit ZIP code?" }).waitFor();
      const items = await thread(page).getByRole('listitem').evaluateAll((lis) => lis.map((li) => [li.className, li.querySelector('.bubble')?.textContent ?? '']));
      expect(items).toEqual([
        ['inbound', 'KRUSTY'],
        ['outbound', expect.stringMatching(/^Welcome to Krusty Burger Rewards!/)],
        ['outbound', expect.stringMatching(/^What's your 5-digit ZIP code\?/)],
      ]);
      // What the page shows is what the carrier was handed for this number.
      expect(harness.received(phone).map((m) => m.body)).toEqual([items[1]![1], items[2]![1]]);
    } finally {
      await close();
    }
  });

  test('a day replayed from the page: joined on Monday, the clock set to 10:30 in New York on Tuesday, lunch-coupons fired, the coupon arrives', async () => {
    // Prepare: Monday 15:00 in New York, a new subscriber answers the ZIP question with a New York ZIP.
    const phone = newPhone();
    const { page, close } = await openConsole(harness, '#/phone');
    try {
      await page.getByLabel('Time zone').selectOption('America/New_York');
      await page.getByLabel('Clock', { exact: true }).fill('2026-11-23T15:00');
      await page.getByRole('button', { name: 'Set clock' }).click();
      await page.getByLabel('Gateway time').filter({ hasText: 'Mon, Nov 23, 15:00' }).waitFor();
      await textFromPage(page, phone, 'KRUSTY');
      await thread(page).getByRole('listitem').filter({ hasText: 'ZIP code' }).waitFor();
      await textFromPage(page, phone, '10001');
      await thread(page).getByRole('listitem').filter({ hasText: '10001' }).waitFor();
      await harness.settle();

      // Act: Tuesday 10:30 in New York, 1-2 hours before lunch.
      await page.getByLabel('Clock', { exact: true }).fill('2026-11-24T10:30');
      await page.getByRole('button', { name: 'Set clock' }).click();
      await page.getByLabel('Gateway time').filter({ hasText: 'Tue, Nov 24, 10:30' }).waitFor();
      await page.getByRole('button', { name: 'Fire lunch-coupons' }).click();

      // Assess
      const coupon = thread(page).getByRole('listitem').filter({ hasText: /Code KB-[A-HJ-NP-Z2-9]{6}/ });
      await coupon.waitFor();
      expect(await coupon.locator('.bubble').textContent()).toMatch(/^Krusty Burger: \$2 off any Krusty Combo at lunch today\. Code KB-\w{6}, valid until Nov 25\./);
      expect(await coupon.locator('time').textContent()).toMatch(/^Tue, Nov 24, 10:3\d/);
      expect(await page.getByLabel('Gateway time').textContent()).toContain('15:30 UTC');
    } finally {
      await page.getByRole('button', { name: 'Real time' }).click();
      await close();
    }
  });

  test('POST /local/text refuses a malformed text with a 400 and sends nothing', async () => {
    // Act
    const answers = await Promise.all(
      ['not json', JSON.stringify({ from: '12345', body: 'KRUSTY' }), JSON.stringify({ from: '+15555550100' }), JSON.stringify({ from: '+15555550100', body: 'HI', extra: 1 })].map(
        async (body) => (await fetch(`${harness.gateway.url}/local/text`, { method: 'POST', body })).status,
      ),
    );

    // Assess
    expect(answers).toEqual([400, 400, 400, 400]);
    await harness.settle();
    expect(harness.received('+15555550100')).toEqual([]);
  });
});
