// The Catalog page (#/catalog): every program's keywords (with placements), offers, questions,
// templates, campaigns and sweepstakes, each text previewed as a phone shows it with its encoding,
// segments and cost, and every broken item by key, field and reason. Read-only.
import { h } from './app.js';
import { append, count, failure, preview, problemsTable, table, useMarketerStyles } from './marketer.js';

function items(title, entries, describe) {
  return [h('h3', {}, `${title} (${entries.length})`), entries.length === 0 ? h('p', { class: 'muted' }, 'None.') : h('div', { class: 'items' }, entries.map(describe))];
}

function card(title, key, details, message) {
  return h('article', { class: 'card', 'aria-label': title }, h('h4', {}, title), h('p', { class: 'mono muted' }, key), details ? h('p', {}, details) : null, preview(message, `${title}: as sent`));
}

function program(p) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': `program-${p.programId}` },
    h('h2', { id: `program-${p.programId}` }, `${p.name} (${p.programId})`),
    h('p', {}, `Short code ${p.shortCode} · ${p.frequency} · at most ${p.maxPerDay}/day, ${p.maxPerWeek}/week · lunch at ${p.lunchTime} · fallback zone ${p.timeZoneFallback}`),
    table(
      'Keywords',
      ['Word', 'Kind', 'Placement', 'Answers'],
      p.keywords.map((k) => [h('strong', {}, k.word), k.kind, k.placement ?? h('span', { class: 'muted' }, '(none)'), k.answers ? 'yes' : h('span', { class: 'error' }, 'no: claimed twice on the short code')]),
    ),
    ...items('Offers', p.offers, (o) => card(`Offer ${o.offerId}`, o.key, `${o.kind}, valid ${o.validDays} day(s)${o.states ? `, states ${o.states.join(', ')}` : ''}${o.zipPrefixes ? `, ZIPs ${o.zipPrefixes.join(', ')}` : ''}`, o.message)),
    ...items('Questions', p.questions, (q) => card(`Question ${q.field}`, q.key, `asked ${q.order}${q.reward ? `, rewarded with ${q.reward}` : ''}`, q.message)),
    ...items('Templates', p.templates, (t) => card(`Template ${t.name}`, t.key, t.custom ? 'written for this program' : 'the default', t.message)),
    ...items('Campaigns', p.campaigns, (c) =>
      h(
        'article',
        { class: 'card', 'aria-label': `Campaign ${c.campaignId}` },
        h('h4', {}, `Campaign ${c.name} (${c.campaignId})`),
        h('p', { class: 'mono muted' }, c.key),
        h('p', {}, `${c.stage} · ${c.sendOn} at ${c.localTime} local time${c.offerId ? ` · offer ${c.offerId}` : ''}`),
        c.variants.map((v) => preview(v.message, `Campaign ${c.campaignId} variant ${v.id}: as sent`)),
      ),
    ),
    ...items('Sweepstakes', p.sweepstakes, (s) =>
      card(`Sweepstakes ${s.name}`, s.key, `text ${s.keyword} · ${s.stage} · ${s.startsOn} to ${s.endsOn} (${s.timeZone}) · ${count(s.entriesPerDay)} entr${s.entriesPerDay === 1 ? 'y' : 'ies'} a day · prize ${s.prize}`, s.messages.entered),
    ),
  );
}

export async function render(main, ctx) {
  useMarketerStyles();
  main.append(h('h1', {}, 'Catalog'));
  let catalog;
  try {
    catalog = await ctx.api('/api/catalog');
  } catch (error) {
    return failure(main, 'The catalog', error);
  }
  if (ctx.signal?.aborted) return;
  append(
    main,
    h('p', { class: 'read-only', role: 'note' }, catalog.readOnly),
    h('h2', {}, 'Problems'),
    catalog.problems.length === 0
      ? h('p', { class: 'good' }, 'Every item is valid.')
      : [h('p', { class: 'error' }, `${catalog.problems.length} broken item problem(s): these items are left out until they are fixed.`), problemsTable('Broken items', catalog.problems)],
    catalog.warnings.length === 0 ? null : [h('h2', {}, 'Costly copy'), h('ul', { class: 'warnings' }, catalog.warnings.map((w) => h('li', {}, h('span', { class: 'mono' }, `${w.key} ${w.field}`), `: ${w.reason}`)))],
    catalog.programs.length === 0 ? h('p', { class: 'muted' }, 'No valid program in the catalog.') : catalog.programs.map(program),
  );
}
