import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONSOLE_AUTH_ENV } from '../../functions/shared/console-settings';
import { openConsole } from '../support/browser';
import { GatewayHarness } from '../support/gateway-harness';

/**
 * Staff sign-in as the console does it in AWS (config.auth), against a stand-in for Cognito's hosted
 * login that checks what Cognito checks: the console goes to the login, comes back with a code, trades
 * it for a token with the PKCE verifier that matches its challenge, and then calls the API with the
 * token as a bearer token; Sign out ends the session at the login.
 */

jest.setTimeout(120_000);

interface Login {
  url: string;
  authorizeQueries: URLSearchParams[];
  tokenRequests: URLSearchParams[];
  logouts: URLSearchParams[];
  server: Server;
}

/** A hosted login that signs anyone in at once (the password and MFA screens are Cognito's own). */
async function startLogin(): Promise<Login> {
  const login = { authorizeQueries: [], tokenRequests: [], logouts: [] } as unknown as Login;
  login.server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://login');
    if (req.method === 'GET' && url.pathname === '/oauth2/authorize') {
      login.authorizeQueries.push(url.searchParams);
      res.writeHead(302, { location: `${url.searchParams.get('redirect_uri')}?code=one-time-code&state=${url.searchParams.get('state')}` }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/oauth2/token') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        login.tokenRequests.push(form);
        const challenge = login.authorizeQueries.at(-1)?.get('code_challenge');
        const verified = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') === challenge;
        const ok = verified && form.get('code') === 'one-time-code' && form.get('grant_type') === 'authorization_code';
        res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
        res.end(JSON.stringify(ok ? { access_token: 'staff-access-token', id_token: 'id', expires_in: 3600, token_type: 'Bearer' } : { error: 'invalid_grant' }));
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/logout') {
      login.logouts.push(url.searchParams);
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Signed out</title><h1>Signed out</h1>');
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => login.server.listen(0, '127.0.0.1', resolve));
  login.url = `http://127.0.0.1:${(login.server.address() as AddressInfo).port}`;
  return login;
}

let harness: GatewayHarness;
let login: Login;

beforeAll(async () => {
  [harness, login] = await Promise.all([GatewayHarness.start(), startLogin()]);
  process.env[CONSOLE_AUTH_ENV.domain] = login.url;
  process.env[CONSOLE_AUTH_ENV.clientId] = 'console-client';
});

afterAll(async () => {
  delete process.env[CONSOLE_AUTH_ENV.domain];
  delete process.env[CONSOLE_AUTH_ENV.clientId];
  await Promise.all([harness?.close(), new Promise((resolve) => login?.server.close(resolve))]);
});

test('the console signs staff in with the code flow and PKCE, calls the API with the bearer token, and signs out', async () => {
  // Prepare
  const { page, close } = await openConsole(harness, '#/funnel');
  const apiAuthorizations: (string | undefined)[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/api/')) apiAuthorizations.push(request.headers().authorization);
  });
  try {
    // Act: the console went to the login and came back to the page it was opened at.
    await page.getByRole('heading', { name: 'Funnel', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const backAt = new URL(page.url());
    // The page's own requests answered before it is left (none is cut off mid-way).
    await page.waitForLoadState('networkidle');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Signed out' }).waitFor();

    // Assess
    const [asked] = login.authorizeQueries;
    expect(Object.fromEntries(asked!)).toMatchObject({ response_type: 'code', client_id: 'console-client', redirect_uri: `${harness.gateway.url}/`, scope: 'openid email', code_challenge_method: 'S256' });
    expect(login.tokenRequests).toHaveLength(1);
    expect(Object.fromEntries(login.tokenRequests[0]!)).toMatchObject({ grant_type: 'authorization_code', client_id: 'console-client', code: 'one-time-code', redirect_uri: `${harness.gateway.url}/` });
    expect(`${backAt.pathname}${backAt.search}${backAt.hash}`).toBe('/#/funnel');
    expect(apiAuthorizations.length).toBeGreaterThan(0);
    expect(new Set(apiAuthorizations)).toEqual(new Set(['Bearer staff-access-token']));
    expect(Object.fromEntries(login.logouts[0]!)).toEqual({ client_id: 'console-client', logout_uri: `${harness.gateway.url}/` });
  } finally {
    await close();
  }
});
