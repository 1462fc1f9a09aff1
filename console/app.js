// The console's shell: a hash router over one module per page (console/<page>.js exporting
// `render(main, ctx)`), and the context every page gets. Plain ES modules, no build step.

/** The pages, in the nav's order; the first is where `#/` lands. */
const PAGES = ['phone', 'catalog', 'campaigns', 'subscribers', 'funnel'];

/** An answer of the console's API that was not 2xx: its status and the error it named. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/**
 * How a request of the API is signed in: a login module (in AWS, behind config.auth) sets this to
 * a function answering the bearer token; without one, requests carry no Authorization header.
 */
let tokenSource = async () => undefined;
export function setTokenSource(source) {
  tokenSource = source;
}

async function readJson(response) {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return { error: text };
  }
}

/** GET /api/… as JSON; an ApiError for anything but 2xx. */
async function api(path) {
  const token = await tokenSource();
  const response = await fetch(path, { headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  const body = await readJson(response);
  if (!response.ok) throw new ApiError(response.status, body?.error ?? `HTTP ${response.status}`);
  return body;
}

/** A request to the local gateway's own routes (/local/…, /health): only when ctx.local. */
async function local(path, { method = 'GET', body } = {}) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = await readJson(response);
  if (!response.ok) throw new ApiError(response.status, answer?.error ?? `HTTP ${response.status}`);
  return answer;
}

async function loadConfig() {
  const response = await fetch('/console/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return response.json();
}

/** Small DOM helper for the pages: h('p', { class: 'x' }, 'text', child…). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/**
 * A table with a caption and header cells; each cell a value or a node. Without rows: `empty` said in
 * a paragraph when given, else a "None." row. `hiddenCaption`: the caption names the table for
 * assistive technology only (a heading above already says it).
 */
export function table(caption, headers, rows, { attributes = {}, empty, hiddenCaption = false } = {}) {
  if (rows.length === 0 && empty !== undefined) return h('p', { class: 'muted' }, empty);
  return h(
    'table',
    attributes,
    h('caption', hiddenCaption ? { class: 'sr-only' } : {}, caption),
    h('thead', {}, h('tr', {}, headers.map((header) => h('th', { scope: 'col' }, header)))),
    h('tbody', {}, rows.length === 0 ? h('tr', {}, h('td', { colspan: headers.length, class: 'muted' }, 'None.')) : rows.map((row) => h('tr', {}, row.map((cell) => h('td', {}, cell))))),
  );
}

/** Which page a hash names, and what follows it (`#/subscribers/abc` → subscribers, ['abc']). */
export function parseHash(hash) {
  const [page = '', ...params] = hash.replace(/^#\/?/, '').split('/').map((part) => decodeURIComponent(part));
  return PAGES.includes(page) ? { page, params } : { page: PAGES[0], params: [] };
}

let current;

async function show(config) {
  const main = document.getElementById('page');
  const { page, params } = parseHash(location.hash);
  current?.abort();
  const leaving = (current = new AbortController());
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === `#/${page}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${page[0].toUpperCase()}${page.slice(1)} · SMS gateway console`;
  main.replaceChildren();
  /** What a page gets: the API, whether the local gateway's routes exist, the config, the hash's params, a signal aborted when it is left. */
  const ctx = { api, local: config.local === true, config, params, signal: leaving.signal, localApi: local };
  try {
    const module = await import(`./${page}.js`);
    if (leaving.signal.aborted) return;
    await module.render(main, ctx);
  } catch (error) {
    if (leaving.signal.aborted) return;
    main.replaceChildren(h('p', { class: 'error', role: 'alert' }, `This page could not be shown: ${error.message}`));
  }
}

async function start() {
  let config;
  try {
    config = await loadConfig();
  } catch (error) {
    document.getElementById('page').replaceChildren(h('p', { class: 'error', role: 'alert' }, `The console could not load its settings: ${error.message}`));
    return;
  }
  document.getElementById('where').textContent = config.local ? 'local gateway' : '';
  if (config.auth) {
    // In AWS: staff sign in at the hosted login first; the API sits behind its JWT authorizer.
    try {
      const { signIn, signOut } = await import('./login.js');
      const source = await signIn(config.auth);
      if (!source) return;
      setTokenSource(source);
      document.getElementById('where').replaceChildren(h('button', { type: 'button', class: 'link', onclick: () => signOut(config.auth) }, 'Sign out'));
    } catch (error) {
      document.getElementById('page').replaceChildren(h('p', { class: 'error', role: 'alert' }, `Signing in failed: ${error.message}`));
      return;
    }
  }
  window.addEventListener('hashchange', () => void show(config));
  await show(config);
}

void start();
