// The Campaigns page (#/campaigns): each campaign's plan (audience per zone and variant, who is left
// out and why, each zone's wave at the short code's rate, warnings) and, once sent, its results per variant.
import { h } from './app.js';
import { append, count, failure, preview, price, problemsTable, table, money, useMarketerStyles } from './marketer.js';

const clock = (iso, zone) => new Date(iso).toLocaleTimeString('en-US', { timeZone: zone, hour: '2-digit', minute: '2-digit', hour12: false });

function campaign(c) {
  const plan = c.plan;
  const excluded = Object.entries(plan.excluded).filter(([, n]) => n > 0);
  return h(
    'section',
    { class: 'card', 'aria-labelledby': `campaign-${c.programId}-${c.campaignId}` },
    h('h2', { id: `campaign-${c.programId}-${c.campaignId}` }, `${c.name} (${c.campaignId})`),
    h('p', {}, `${c.programName} · ${c.stage} · ${c.sendOn} at ${c.localTime} in each recipient's zone · ${plan.senderMps} segments/s`),
    h('p', { class: 'audience' }, h('strong', {}, `Audience: ${count(plan.audience)} of ${count(plan.subscribers)} subscriber(s)`), ` · carrier-side price ${price(plan.price)}`),
    table('Left out, and why', ['Reason', 'Subscribers'], [...excluded.map(([why, n]) => [why, count(n)]), ...Object.entries(plan.outsideBy).map(([condition, n]) => [`outside the segment by ${condition}`, count(n)])]),
    table(
      'Variants',
      ['Variant', 'Recipients', 'Kind', 'Segments', 'Price each', 'Price', 'As sent'],
      plan.variants.map((v) => [v.id, count(v.recipients), v.mms ? 'MMS' : `SMS ${v.encoding}`, v.segments, price(v.priceEach), price(v.price), preview({ text: v.sample, mms: v.mms, encoding: v.encoding, segments: v.segments, price: v.priceEach }, `Variant ${v.id}: as sent`)]),
    ),
    table(
      'Waves per zone',
      ['Zone', 'Recipients', 'Due (local)', 'Allowed until', 'Drain', 'Starts', 'Done', 'Reached'],
      plan.zones.map((z) => [z.zone, count(z.recipients), clock(z.dueAt, z.zone), clock(z.allowedUntil, z.zone), `${z.drainMinutes.toFixed(1)} min`, clock(z.beginsAt, z.zone), clock(z.endsAt, z.zone), `${count(z.reached)} (${(z.share * 100).toFixed(0)}%)`]),
    ),
    plan.warnings.length === 0 ? null : h('ul', { class: 'warnings', 'aria-label': 'Warnings' }, plan.warnings.map((w) => h('li', {}, w))),
    c.results.length === 0
      ? h('p', { class: 'muted' }, 'Not sent yet: results appear here once it is.')
      : table(
          'Results per variant',
          ['Variant', 'Sent', 'Delivered', 'Failed', 'Unique clicks', 'Redeemed', 'Orders', 'Revenue', 'Opt-outs within 24 h'],
          c.results.map((r) => [r.variant, count(r.sent), count(r.delivered), count(r.failed), count(r.uniqueClicks), count(r.redeemed), count(r.orders), money(r.revenue), count(r.optOuts)]),
        ),
  );
}

export async function render(main, ctx) {
  useMarketerStyles();
  main.append(h('h1', {}, 'Campaigns'));
  let view;
  try {
    view = await ctx.api('/api/campaigns');
  } catch (error) {
    return failure(main, 'The campaigns', error);
  }
  if (ctx.signal?.aborted) return;
  append(
    main,
    h('p', { class: 'read-only', role: 'note' }, 'Plans are computed from the audience as it is now (as `npm run campaign -- plan` does); campaigns are edited in the catalog.'),
    view.problems.length === 0 ? null : problemsTable('Broken campaign items (left out)', view.problems),
    view.campaigns.length === 0 ? h('p', { class: 'muted' }, 'No campaign in the catalog.') : view.campaigns.map(campaign),
  );
}
