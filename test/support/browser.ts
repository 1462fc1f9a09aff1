import { chromium, type Browser, type Page } from 'playwright-core';
import type { GatewayHarness } from './gateway-harness';

/** Debian's Chromium unless CHROMIUM_PATH names another (playwright-core downloads no browser). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Long enough for a cold start of every part of a reply on 2 busy cores; conditions end it sooner. */
export const BROWSER_TIMEOUT_MS = 20_000;

/**
 * The console of a running gateway in headless Chromium, at `hash` (default the phone page). Every
 * error the page throws or logs fails the test at `close`, so a broken page cannot pass unnoticed.
 */
export async function openConsole(harness: GatewayHarness, hash = '#/phone'): Promise<{ page: Page; browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
  page.setDefaultTimeout(BROWSER_TIMEOUT_MS);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  await page.goto(`${harness.gateway.url}/${hash}`);
  return {
    page,
    browser,
    close: async () => {
      await browser.close();
      if (problems.length > 0) throw new Error(`The console reported problems:\n${problems.join('\n')}`);
    },
  };
}
