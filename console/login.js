// Staff sign-in for the console in AWS (config.auth: a Cognito user pool's hosted login and the
// console's app client): the authorization-code flow with PKCE, as a public client (no secret in
// the browser). The access token is kept in sessionStorage (gone with the tab) and sent as a bearer
// token to /api/…, where the HTTP API's JWT authorizer checks it. Locally there is no login.

const SESSION = 'sms-console-session';
const PENDING = 'sms-console-login';

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The PKCE challenge of a verifier: base64url(SHA-256(verifier)). */
export async function challengeOf(verifier) {
  return base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
}

/** Where the login returns: the console's own page, without query or hash. */
function consoleUrl() {
  return `${location.origin}/`;
}

/** Off to the hosted login; `hash` is the page to come back to. */
async function redirectToLogin(auth) {
  const verifier = randomString();
  const state = randomString();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, hash: location.hash }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: auth.clientId,
    redirect_uri: consoleUrl(),
    scope: 'openid email',
    state,
    code_challenge_method: 'S256',
    code_challenge: await challengeOf(verifier),
  });
  location.assign(`${auth.domain}/oauth2/authorize?${query}`);
}

/** Back from the login with ?code=…&state=…: the code for tokens, checked against what we sent. */
async function finishLogin(auth, params) {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null');
  sessionStorage.removeItem(PENDING);
  if (!pending || params.get('state') !== pending.state) throw new Error('the sign-in came back without the request it answers; try again');
  const response = await fetch(`${auth.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: auth.clientId, code: params.get('code'), redirect_uri: consoleUrl(), code_verifier: pending.verifier }),
  });
  if (!response.ok) throw new Error(`sign-in refused (HTTP ${response.status})`);
  const tokens = await response.json();
  const session = { accessToken: tokens.access_token, expiresAt: Date.now() + (Number(tokens.expires_in) || 3600) * 1000 };
  sessionStorage.setItem(SESSION, JSON.stringify(session));
  history.replaceState(null, '', `${consoleUrl()}${pending.hash ?? ''}`);
  return session;
}

/**
 * Makes sure staff are signed in (redirecting to the hosted login when not) and answers the bearer
 * token source for the API; undefined while the page is on its way to the login.
 */
export async function signIn(auth) {
  const params = new URLSearchParams(location.search);
  let session = JSON.parse(sessionStorage.getItem(SESSION) ?? 'null');
  if (params.has('code')) session = await finishLogin(auth, params);
  if (!session || session.expiresAt - 60_000 < Date.now()) {
    sessionStorage.removeItem(SESSION);
    await redirectToLogin(auth);
    return undefined;
  }
  return async () => {
    const current = JSON.parse(sessionStorage.getItem(SESSION) ?? 'null');
    if (!current || current.expiresAt < Date.now()) {
      await redirectToLogin(auth);
      return undefined;
    }
    return current.accessToken;
  };
}

/** Signs out here and at the hosted login, which comes back to the console (and its login). */
export function signOut(auth) {
  sessionStorage.removeItem(SESSION);
  location.assign(`${auth.domain}/logout?${new URLSearchParams({ client_id: auth.clientId, logout_uri: consoleUrl() })}`);
}
