#!/usr/bin/env node
/**
 * `npm run screenshots`: the console's pages in headless Chromium (CHROMIUM_PATH, default
 * /usr/bin/chromium) against a gateway of its own (temporary data, sandbox carrier) after a short
 * replayed day, written to docs/console-phone.png and docs/console-subscriber.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startLocalGateway } from '../lib/local/gateway';
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN } from '../lib/local/settings';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const DOCS = resolve(__dirname, '..', 'docs');
const PHONE = '+15555550100';

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sms-gateway-screenshots-'));
  const gateway = await startLocalGateway({ port: 0, accountSid: SANDBOX_ACCOUNT_SID, authToken: SANDBOX_AUTH_TOKEN, dataDir, scheduler: false, logLevel: 'SILENT' });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 820 }, timezoneId: 'America/New_York' });
    page.setDefaultTimeout(30_000);
    await page.goto(`${gateway.url}/#/phone`);
    const thread = page.getByRole('list', { name: 'Thread' });
    const text = async (body: string, expect: string | RegExp) => {
      await page.getByLabel('Message').fill(body);
      await page.getByRole('button', { name: 'Send' }).click();
      await thread.getByRole('listitem').filter({ hasText: expect }).first().waitFor();
    };
    await page.getByLabel('Time zone').selectOption('America/New_York');
    await page.getByLabel('Clock', { exact: true }).fill('2026-11-23T15:00');
    await page.getByRole('button', { name: 'Set clock' }).click();
    await page.getByLabel('Gateway time').filter({ hasText: '15:00' }).waitFor();
    await page.getByLabel('Phone number').fill(PHONE);
    await text('KRUSTY', 'ZIP code');
    await text('10001', '10001');
    await thread.getByRole('listitem').nth(3).waitFor();
    await page.getByLabel('Clock', { exact: true }).fill('2026-11-24T10:30');
    await page.getByRole('button', { name: 'Set clock' }).click();
    await page.getByLabel('Gateway time').filter({ hasText: '10:30' }).waitFor();
    await page.getByRole('button', { name: 'Fire lunch-coupons' }).click();
    await thread.getByRole('listitem').filter({ hasText: /Code KB-/ }).waitFor();
    await page.screenshot({ path: join(DOCS, 'console-phone.png') });

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Subscribers' }).click();
    await page.getByLabel('Phone number').fill(PHONE);
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByRole('region', { name: 'Consent ledger' }).getByRole('row').nth(1).waitFor();
    await page.screenshot({ path: join(DOCS, 'console-subscriber.png'), fullPage: true });
    console.log(`Wrote ${join(DOCS, 'console-phone.png')} and ${join(DOCS, 'console-subscriber.png')}`);
  } finally {
    await browser.close();
    await gateway.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
