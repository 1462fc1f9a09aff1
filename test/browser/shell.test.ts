import { GatewayHarness } from '../support/gateway-harness';
import { openConsole } from '../support/browser';

jest.setTimeout(120_000);

let harness: GatewayHarness;

beforeAll(async () => {
  harness = await GatewayHarness.start();
});

afterAll(async () => {
  await harness?.close();
});

describe('the console on the local gateway', () => {
  test('opens at / on the phone page and reaches every page from its nav', async () => {
    // Prepare
    const { page, close } = await openConsole(harness, '');
    try {
      await page.getByRole('heading', { name: 'Phone', level: 1 }).waitFor();
      const nav = page.getByRole('navigation', { name: 'Console' });
      const visited: string[] = [];

      // Act
      for (const name of ['Catalog', 'Campaigns', 'Subscribers', 'Funnel', 'Phone']) {
        await nav.getByRole('link', { name }).click();
        await page.getByRole('heading', { name, level: 1 }).waitFor();
        visited.push(`${new URL(page.url()).hash} ${await nav.getByRole('link', { name }).getAttribute('aria-current')}`);
      }

      // Assess
      expect(visited).toEqual(['#/catalog page', '#/campaigns page', '#/subscribers page', '#/funnel page', '#/phone page']);
      expect(await page.title()).toBe('Phone · SMS gateway console');
    } finally {
      await close();
    }
  });

  test('serves only console files: a path outside console/ or an unlisted kind of file is a 404', async () => {
    // Act
    const answers = await Promise.all(
      ['/console/app.js', '/console/chart.umd.js', '/console/..%2Fpackage.json', '/console/index.ts', '/console/missing.js'].map(async (path) => {
        const response = await fetch(`${harness.gateway.url}${path}`);
        return [path, response.status, response.headers.get('content-type')];
      }),
    );

    // Assess
    expect(answers).toEqual([
      ['/console/app.js', 200, 'text/javascript; charset=utf-8'],
      ['/console/chart.umd.js', 200, 'text/javascript; charset=utf-8'],
      ['/console/..%2Fpackage.json', 404, 'application/json; charset=utf-8'],
      ['/console/index.ts', 404, 'application/json; charset=utf-8'],
      ['/console/missing.js', 404, 'application/json; charset=utf-8'],
    ]);
  });
});
