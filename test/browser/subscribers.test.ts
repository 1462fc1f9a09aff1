import { maskPhone } from '../../functions/domain/phone-masking';
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

/** The cells of a section's table, row by row (the header row first). */
const tableIn = (page: Page, section: string) =>
  page
    .getByRole('region', { name: section })
    .getByRole('row')
    .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent ?? '')));

describe('the subscribers page', () => {
  test('Subscribers → the number: the consent ledger shows the opt-in and, after STOP, the opt-out, each with its raw text', async () => {
    // Prepare
    const phone = newPhone();
    await harness.textAndSettle(phone, 'krusty ');
    await harness.textAndSettle(phone, 'Stop');
    const { page, close } = await openConsole(harness, '#/phone');
    try {
      // Act: three clicks.
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Subscribers' }).click();
      await page.getByRole('link', { name: maskPhone(phone) }).click();
      await page.getByRole('heading', { name: phone, level: 1 }).waitFor();

      // Assess
      const ledger = await tableIn(page, 'Consent ledger');
      expect(ledger[0]).toEqual(['Time (UTC)', 'Action', 'Program', 'Raw text', 'Source', 'Short code', 'Keyword', 'Placement']);
      expect(ledger.slice(1).map(([, action, program, raw, source, shortCode, keyword]) => [action, program, raw, source, shortCode, keyword])).toEqual([
        ['opt-in', 'krusty-burger', 'krusty ', 'sms', '55155', 'KRUSTY'],
        ['opt-out', 'krusty-burger', 'Stop', 'sms', '55155', 'KRUSTY'],
      ]);
      const subscription = page.getByRole('article', { name: 'Subscription to krusty-burger' });
      expect(await subscription.getByRole('heading').textContent()).toBe('krusty-burger opted-out');
      const messages = await tableIn(page, 'Messages');
      expect(messages.slice(1).map(([, direction, text]) => [direction, text.slice(0, 30)])).toEqual([
        ['from the phone', 'krusty '],
        ['to the phone (opt-in-confirmation)', 'Welcome to Krusty Burger Rewar'],
        ['to the phone (profile-question)', "What's your 5-digit ZIP code? "],
        ['from the phone', 'Stop'],
        ['to the phone (opt-out-confirmation)', 'You are unsubscribed from Krus'],
      ]);
    } finally {
      await close();
    }
  });

  test('looking up a number the gateway never heard from says so; a malformed one is not a phone number', async () => {
    // Prepare
    const { page, close } = await openConsole(harness, '#/subscribers');
    try {
      // Act
      await page.getByLabel('Phone number').fill('(555) 555-0199');
      await page.getByRole('button', { name: 'Look up' }).click();
      const unknown = await page.getByRole('alert').textContent();
      await page.goto(`${harness.gateway.url}/#/subscribers`);
      await page.getByLabel('Phone number').fill('hello');
      await page.getByRole('button', { name: 'Look up' }).click();
      const malformed = await page.getByRole('alert').textContent();

      // Assess
      expect(unknown).toBe('The gateway holds nothing of this number: it never texted the short code.');
      expect(malformed).toBe('That is not a phone number.');
    } finally {
      await close();
    }
  });
});
