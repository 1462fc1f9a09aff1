// The subscribers page: look a number up, or page through subscriptions (numbers masked); a number's
// page shows all the gateway holds of it: subscriptions, the consent ledger (every opt-in and opt-out
// with its raw text), messages with their delivery status, coupons and their redemption.
import { h, table } from './app.js';
import { refOf, stampIn } from './format.js';

const pill = (value) => h('span', { class: `pill ${String(value).replace(/[^a-z-]/gi, '')}` }, value);
const dash = (value) => (value === undefined || value === null || value === '' ? '—' : value);

/** A table of the page, or `empty` said when it has no rows; the section's heading names it. */
const listing = (caption, headers, rows, empty) => table(caption, headers, rows, { empty, hiddenCaption: true });

/** A titled section of a number's page holding one listing. */
const titled = (id, title, content) => h('section', { 'aria-labelledby': id }, h('h2', { id }, title), content);

export async function render(main, ctx) {
  const [ref] = ctx.params;
  if (ref) return renderOne(main, ctx, ref);
  return renderList(main, ctx);
}

async function renderList(main, ctx) {
  main.append(h('h1', {}, 'Subscribers'));
  const input = h('input', { id: 'lookup', type: 'tel', autocomplete: 'off', placeholder: '+15555550100' });
  const form = h('form', { class: 'row card', role: 'search' }, h('label', { for: 'lookup' }, 'Phone number', input), h('button', { type: 'submit' }, 'Look up'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const typed = input.value.trim();
    if (typed) location.hash = `#/subscribers/${refOf(typed)}`;
  });
  const list = h('section', { 'aria-labelledby': 'list-heading' }, h('h2', { id: 'list-heading' }, 'All subscriptions'));
  const body = h('div');
  const pager = h('div', { class: 'pager' });
  list.append(body, pager);
  main.append(form, list);

  const cursors = [undefined];
  async function show(pageIndex) {
    const cursor = cursors[pageIndex];
    let answer;
    try {
      answer = await ctx.api(`/api/subscribers${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
    } catch (error) {
      body.replaceChildren(h('p', { class: 'error', role: 'alert' }, `Subscribers not loaded: ${error.message}`));
      return;
    }
    if (ctx.signal.aborted) return;
    if (answer.cursor) cursors[pageIndex + 1] = answer.cursor;
    const rows = [...answer.subscribers]
      .sort((a, b) => (b.subscribedAt ?? '').localeCompare(a.subscribedAt ?? ''))
      .map((row) => [
        h('a', { href: `#/subscribers/${row.ref}`, class: 'mono' }, row.phone),
        row.programId,
        pill(row.status),
        dash(row.joinedWith ? `${row.joinedWith.keyword}${row.joinedWith.placement ? ` (${row.joinedWith.placement})` : ''}` : ''),
        dash(stampIn(row.subscribedAt)),
        dash(stampIn(row.optedOutAt)),
      ]);
    body.replaceChildren(listing('Subscriptions', ['Number', 'Program', 'Status', 'Joined with', 'Subscribed (UTC)', 'Opted out (UTC)'], rows, 'No subscriptions on this page.'));
    const previous = h('button', { type: 'button', class: 'secondary', disabled: pageIndex === 0 }, 'Previous page');
    const next = h('button', { type: 'button', class: 'secondary', disabled: !answer.cursor }, 'Next page');
    previous.addEventListener('click', () => void show(pageIndex - 1));
    next.addEventListener('click', () => void show(pageIndex + 1));
    pager.replaceChildren(previous, next);
  }
  await show(0);
}

async function renderOne(main, ctx, ref) {
  const back = h('p', {}, h('a', { href: '#/subscribers' }, '← All subscribers'));
  let detail;
  try {
    detail = await ctx.api(`/api/subscribers/${encodeURIComponent(ref)}`);
  } catch (error) {
    const why = error.status === 404 ? 'The gateway holds nothing of this number: it never texted the short code.' : error.status === 400 ? 'That is not a phone number.' : `Not loaded: ${error.message}`;
    main.append(back, h('h1', {}, 'Subscriber'), h('p', { class: 'error', role: 'alert' }, why));
    return;
  }
  if (ctx.signal.aborted) return;
  main.append(back, h('h1', {}, detail.phone));

  const subscriptions = h(
    'section',
    { 'aria-labelledby': 'subscriptions-heading' },
    h('h2', { id: 'subscriptions-heading' }, 'Subscriptions'),
    detail.subscriptions.length === 0
      ? h('p', { class: 'muted' }, 'No subscription (texts only).')
      : h(
          'div',
          { class: 'detail-grid' },
          detail.subscriptions.map((s) => {
            const profile = Object.entries(s.profile ?? {});
            return h(
              'article',
              { class: 'card', 'aria-label': `Subscription to ${s.programId}` },
              h('h3', {}, s.programId, ' ', pill(s.status)),
              h(
                'dl',
                { class: 'facts' },
                h('dt', {}, 'Subscribed'), h('dd', {}, dash(stampIn(s.subscribedAt)), s.subscribedAt ? ' UTC' : ''),
                h('dt', {}, 'Opted out'), h('dd', {}, dash(stampIn(s.optedOutAt)), s.optedOutAt ? ' UTC' : ''),
                h('dt', {}, 'Joined with'), h('dd', {}, dash(s.joinedWith?.keyword), s.joinedWith?.placement ? ` at ${s.joinedWith.placement}` : ''),
                h('dt', {}, 'Profile'), h('dd', {}, profile.length ? profile.map(([k, v]) => `${k}: ${v}`).join(', ') : '—'),
                h('dt', {}, 'Orders'), h('dd', {}, String(s.orders)),
                h('dt', {}, 'Lifetime value'), h('dd', {}, s.revenue.toFixed(2)),
                h('dt', {}, 'Referrals'), h('dd', {}, `${s.referrals.joined} joined, ${s.referrals.rewarded} rewarded`),
                h('dt', {}, 'Referral code'), h('dd', { class: 'mono' }, dash(s.referralCode)),
              ),
            );
          }),
        ),
  );

  const ledger = titled(
    'consent-heading',
    'Consent ledger',
    listing(
      'Consent ledger',
      ['Time (UTC)', 'Action', 'Program', 'Raw text', 'Source', 'Short code', 'Keyword', 'Placement'],
      detail.consent.map((e) => [stampIn(e.at), pill(e.action), e.programId, h('span', { class: 'mono' }, e.rawText), e.source, e.shortCode, dash(e.keyword), dash(e.placement)]),
      'No opt-in or opt-out recorded.',
    ),
  );

  const messages = titled(
    'messages-heading',
    'Messages',
    listing(
      'Messages',
      ['Time (UTC)', 'Direction', 'Text', 'Status'],
      detail.messages.map((m) => [
        stampIn(m.at),
        m.direction === 'in' ? 'from the phone' : `to the phone${m.purpose ? ` (${m.purpose})` : ''}`,
        h('span', {}, m.body, ...m.mediaUrl.map((url) => [' ', h('a', { href: url, rel: 'noreferrer' }, '[image]')])),
        h('span', {}, pill(m.status), m.reason ? ` ${m.reason}` : ''),
      ]),
      'No messages.',
    ),
  );

  const coupons = titled(
    'coupons-heading',
    'Coupons',
    listing(
      'Coupons',
      ['Code', 'Offer', 'Issued (UTC)', 'Valid until', 'Status', 'Redeemed (UTC)', 'Order'],
      detail.coupons.map((c) => [h('span', { class: 'mono' }, c.code), c.offerId, stampIn(c.issuedAt), stampIn(c.validUntil), pill(c.status), dash(stampIn(c.redeemedAt)), dash(c.orderId)]),
      'No coupons.',
    ),
  );

  main.append(subscriptions, ledger, messages, coupons);
}
