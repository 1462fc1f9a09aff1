// The phone page: a phone texting the short code, its thread as the phone shows it (from the
// gateway's own message records, polled), and the local gateway's clock and schedules, so a whole
// day can be replayed from here. Local gateway only (POST /local/text, /local/clock, /local/schedules).
import { h } from './app.js';
import { formatIn, refOf, zonedToUtc, ZONES } from './format.js';

/** Numbers to pick from (555-01xx: fictional, never a real phone). */
const READY_NUMBERS = ['+15555550100', '+15555550101', '+15555550102', '+15555550103'];
const POLL_MS = 1000;

/** A typed number as E.164 (US numbers in their usual forms), or undefined. */
export function e164(typed) {
  const compact = typed.trim().replace(/[\s().-]/g, '');
  if (/^\+[1-9]\d{6,14}$/.test(compact)) return compact;
  if (/^\d{10}$/.test(compact)) return `+1${compact}`;
  if (/^1\d{10}$/.test(compact)) return `+${compact}`;
  return undefined;
}

export async function render(main, ctx) {
  main.append(h('h1', {}, 'Phone'));
  if (!ctx.local) {
    main.append(h('p', { class: 'muted' }, 'The phone simulator texts the local gateway: run it with npm start and open the console it prints.'));
    return;
  }

  const state = { phone: READY_NUMBERS[0], zone: ZONES[0], lastThread: '', clock: undefined };
  const status = h('p', { class: 'log', role: 'status' });
  const say = (line) => (status.textContent = line);

  // The number.
  const numberInput = h('input', { id: 'phone-number', type: 'tel', value: state.phone, autocomplete: 'off' });
  const picker = h(
    'select',
    { id: 'ready-number' },
    READY_NUMBERS.map((number) => h('option', { value: number }, number)),
  );
  const useNumber = (typed) => {
    const phone = e164(typed);
    if (!phone) return say(`${typed} is not a phone number (+15555550100, or 10 US digits).`);
    if (phone !== state.phone) {
      state.phone = phone;
      state.lastThread = '';
      threadList.replaceChildren();
      who.textContent = phone;
      void refresh();
    }
  };
  picker.addEventListener('change', () => {
    numberInput.value = picker.value;
    useNumber(picker.value);
  });
  numberInput.addEventListener('change', () => useNumber(numberInput.value));

  // The handset.
  const who = h('strong', {}, state.phone);
  const threadList = h('ol', { class: 'thread', 'aria-label': 'Thread', 'aria-live': 'polite' });
  const message = h('input', { id: 'message', type: 'text', autocomplete: 'off', placeholder: 'Text message' });
  const sendButton = h('button', { type: 'submit' }, 'Send');
  const compose = h('form', { class: 'compose' }, h('label', { for: 'message' }, h('span', { class: 'sr-only' }, 'Message'), message), sendButton);
  compose.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = message.value.trim();
    if (!body) return;
    if (e164(numberInput.value) !== state.phone) useNumber(numberInput.value);
    if (e164(numberInput.value) !== state.phone) return;
    sendButton.disabled = true;
    try {
      await ctx.localApi('/local/text', { method: 'POST', body: { from: state.phone, body } });
      message.value = '';
      say(`Sent "${body}" from ${state.phone}.`);
      await refresh();
    } catch (error) {
      say(`Not sent: ${error.message}`);
    } finally {
      sendButton.disabled = false;
      message.focus();
    }
  });
  const handset = h(
    'section',
    { class: 'handset', 'aria-label': 'Phone' },
    h('div', { class: 'screen' }, h('header', {}, who, h('small', {}, 'Texting the short code')), threadList, compose),
  );

  // The clock.
  const clockNow = h('p', { class: 'clock-now', 'aria-label': 'Gateway time' });
  const zoneSelect = h('select', { id: 'zone' }, ZONES.map((zone) => h('option', { value: zone }, zone)));
  zoneSelect.addEventListener('change', () => {
    state.zone = zoneSelect.value;
    showClock();
  });
  const clockInput = h('input', { id: 'clock', type: 'datetime-local', step: 60 });
  const setClock = h('button', { type: 'button' }, 'Set clock');
  const realTime = h('button', { type: 'button', class: 'secondary' }, 'Real time');
  setClock.addEventListener('click', async () => {
    if (!clockInput.value) return say('Pick a date and time first.');
    const now = zonedToUtc(clockInput.value, state.zone);
    try {
      state.clock = (await ctx.localApi('/local/clock', { method: 'PUT', body: { now } })).now;
      showClock();
      say(`Clock set to ${formatIn(state.clock, state.zone)} (${state.zone}).`);
    } catch (error) {
      say(`Clock not set: ${error.message}`);
    }
  });
  realTime.addEventListener('click', async () => {
    try {
      state.clock = (await ctx.localApi('/local/clock', { method: 'PUT', body: { now: null } })).now;
      showClock();
      say('The clock follows real time again.');
    } catch (error) {
      say(`Clock not reset: ${error.message}`);
    }
  });
  function showClock() {
    if (!state.clock) return;
    clockNow.replaceChildren(
      h('strong', {}, formatIn(state.clock, state.zone)),
      ` ${state.zone} · `,
      h('span', { class: 'muted' }, `${formatIn(state.clock, 'UTC')} UTC`),
    );
  }

  // The schedules.
  const schedules = h('div', { class: 'schedules' });

  const controls = h(
    'div',
    { class: 'controls' },
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'number-heading' },
      h('h2', { id: 'number-heading' }, 'Number'),
      h('div', { class: 'row' }, h('label', { for: 'ready-number' }, 'Ready-made number', picker), h('label', { for: 'phone-number' }, 'Phone number', numberInput)),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'clock-heading' },
      h('h2', { id: 'clock-heading' }, 'Gateway clock'),
      clockNow,
      h('div', { class: 'row' }, h('label', { for: 'clock' }, 'Clock', clockInput), h('label', { for: 'zone' }, 'Time zone', zoneSelect), setClock, realTime),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'schedules-heading' },
      h('h2', { id: 'schedules-heading' }, 'Schedules'),
      h('p', { class: 'muted' }, 'Run a schedule now, at the clock above.'),
      schedules,
    ),
    status,
  );
  main.append(h('div', { class: 'phone-layout' }, handset, controls));

  async function loadClock() {
    state.clock = (await ctx.localApi('/local/clock')).now;
    showClock();
  }

  async function loadSchedules() {
    const health = await fetch('/health').then((response) => response.json());
    schedules.replaceChildren(
      ...(health.schedules ?? []).map((name) => {
        const button = h('button', { type: 'button', class: 'secondary' }, `Fire ${name}`);
        button.addEventListener('click', async () => {
          button.disabled = true;
          try {
            const fired = await ctx.localApi(`/local/schedules/${encodeURIComponent(name)}`, { method: 'POST' });
            say(`Fired ${name} at ${formatIn(fired.at, state.zone)} (${state.zone}).`);
            await refresh();
          } catch (error) {
            say(`${name} not fired: ${error.message}`);
          } finally {
            button.disabled = false;
          }
        });
        return button;
      }),
    );
  }

  /** The thread as a phone shows it: what the number sent, and what the carrier took for it. */
  async function refresh() {
    const phone = state.phone;
    let answer;
    try {
      answer = await ctx.api(`/api/subscribers/${refOf(phone)}/messages`);
    } catch (error) {
      if (!ctx.signal.aborted) say(`Thread not loaded: ${error.message}`);
      return;
    }
    if (phone !== state.phone || ctx.signal.aborted) return;
    const shown = answer.messages.filter((m) => m.direction === 'in' || m.sent);
    const key = JSON.stringify(shown);
    if (key === state.lastThread) return;
    state.lastThread = key;
    threadList.replaceChildren(
      ...(shown.length === 0 ? [h('li', { class: 'empty' }, 'No messages yet. Text KRUSTY to join.')] : []),
      ...shown.map((m) =>
        h(
          'li',
          { class: m.direction === 'in' ? 'inbound' : 'outbound' },
          h('div', { class: 'bubble' }, ...m.mediaUrl.map((url) => h('img', { src: url, alt: 'MMS image' })), m.body),
          h('time', { datetime: m.at }, `${formatIn(m.at, state.zone)}${m.direction === 'out' && m.status !== 'sent' ? ` · ${m.status}` : ''}`),
        ),
      ),
    );
    threadList.scrollTop = threadList.scrollHeight;
  }

  await Promise.all([loadClock(), loadSchedules(), refresh()]);
  // Replies arrive on their own: ask again every second while the page is open.
  const timer = setInterval(() => {
    void refresh();
    void loadClock().catch(() => undefined);
  }, POLL_MS);
  ctx.signal.addEventListener('abort', () => clearInterval(timer));
}
