// The Funnel page (#/funnel): the customer loop awareness → consideration → purchase → retention →
// advocacy per program as a chart (Chart.js) and as a table of the same numbers, per placement, the
// campaign table, messages dropped by caps and deferred by quiet hours, and what needs a person:
// rejected POS events and dead-lettered messages with their reasons.
import { h } from './app.js';
import { append, count, failure, money, table, useMarketerStyles } from './marketer.js';

/** The loop's stages and the figure of the report each one shows. */
export const STAGES = [
  { stage: 'Awareness', measure: 'keyword texts', value: (p) => p.awareness.keywordTexts },
  { stage: 'Consideration', measure: 'opt-ins', value: (p) => p.consideration.optIns },
  { stage: 'Purchase', measure: 'orders', value: (p) => p.purchase.orders },
  { stage: 'Retention', measure: 'repeat purchasers', value: (p) => p.retention.repeatPurchasers },
  { stage: 'Advocacy', measure: 'referrals completed', value: (p) => p.advocacy.referralsCompleted },
];

let chartLoading;
/** Chart.js's browser build, served by the console at /console/chart.umd.js, loaded once. */
function loadChart() {
  chartLoading ??= new Promise((resolve, reject) => {
    if (window.Chart) return resolve(window.Chart);
    const script = h('script', { src: '/console/chart.umd.js' });
    script.addEventListener('load', () => resolve(window.Chart));
    script.addEventListener('error', () => reject(new Error('chart.umd.js did not load')));
    document.head.append(script);
  });
  return chartLoading;
}

const charts = new Set();

async function loopChart(program) {
  const Chart = await loadChart();
  const canvas = h('canvas', { role: 'img', 'aria-label': `Customer loop of ${program.name}: ${STAGES.map((s) => `${s.stage} ${s.value(program)}`).join(', ')}` });
  const box = h('div', { class: 'chart-box' }, canvas);
  const chart = new Chart(canvas, {
    type: 'bar',
    data: { labels: STAGES.map((s) => `${s.stage} (${s.measure})`), datasets: [{ label: program.name, data: STAGES.map((s) => s.value(program)), backgroundColor: ['#7aa7f0', '#4d8ae8', '#0b62d6', '#0a4ea8', '#073a7d'] }] },
    options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  charts.add(chart);
  // What the chart draws, as read back from it: the browser tests compare it with the report.
  canvas.dataset.program = program.programId;
  canvas.dataset.values = JSON.stringify(chart.data.datasets[0].data);
  return box;
}

function placements(p) {
  const names = [...new Set([...Object.keys(p.awareness.byPlacement), ...Object.keys(p.consideration.optInsByPlacement), ...Object.keys(p.purchase.attributed.byPlacement)])].sort();
  return table(
    `Per placement: ${p.name}`,
    ['Placement', 'Keyword texts', 'Opt-ins', 'Attributed revenue'],
    names.map((name) => [name, count(p.awareness.byPlacement[name] ?? 0), count(p.consideration.optInsByPlacement[name] ?? 0), money(p.purchase.attributed.byPlacement[name] ?? 0)]),
  );
}

function messages(p) {
  const m = p.retention.messages;
  return table(
    `Messages: ${p.name}`,
    ['Sent', 'Delivered', 'Failed', 'Dropped by caps', 'Deferred by quiet hours', 'Expired', 'Blocked (no consent)'],
    [[count(m.sent), count(m.delivered), count(m.failed), count(m.capped), count(m.deferred), count(m.expired), count(m.blocked)]],
  );
}

async function programSection(p) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': `funnel-${p.programId}` },
    h('h2', { id: `funnel-${p.programId}` }, `${p.name} (${p.programId})`),
    await loopChart(p),
    table(
      `Customer loop: ${p.name}`,
      ['Stage', 'Measure', 'Count'],
      STAGES.map((s) => [s.stage, s.measure, count(s.value(p))]),
      { attributes: { 'data-program': p.programId, class: 'loop' } },
    ),
    h(
      'p',
      { class: 'muted' },
      `Revenue ${money(p.purchase.revenue)} (attributed to a coupon ${money(p.purchase.attributed.revenue)}) · coupons issued ${count(p.purchase.couponsIssued.total)}, redeemed ${count(p.purchase.couponsRedeemed.total)} · live subscribers ${count(p.retention.liveSubscribers)} · opt-outs ${count(p.retention.optOuts)} (${(p.retention.optOutRate * 100).toFixed(1)}%) · HELP ${count(p.awareness.helpRequests)} · surveys 4–5: ${count(p.advocacy.surveysHappy)}, 1–3: ${count(p.advocacy.surveysUnhappy)}`,
    ),
    h('div', { class: 'stage-grid' }, placements(p), messages(p)),
  );
}

function problems(view) {
  const deadLetters = view.deadLetters.flatMap((queue) => queue.messages.map((message) => ({ queue, message })));
  return h(
    'section',
    { 'aria-labelledby': 'problems' },
    h('h2', { id: 'problems' }, 'Needs a person'),
    table(
      `Rejected POS events (${view.rejectedEvents.approximateCount})`,
      ['Received', 'Reason', 'Event'],
      view.rejectedEvents.events.map((e) => [e.sentAt ?? '', h('span', { class: 'error' }, e.reason), h('span', { class: 'mono' }, JSON.stringify(e.event))]),
      { attributes: { class: 'rejected-events' } },
    ),
    table(
      `Dead-lettered messages (${view.deadLetters.reduce((sum, queue) => sum + queue.approximateCount, 0)})`,
      ['Queue', 'First received', 'Receives', 'Reason', 'Message'],
      deadLetters.map(({ queue, message }) => [queue.queue, message.firstReceivedAt ?? message.sentAt ?? '', count(message.receiveCount), h('span', { class: 'error' }, message.reason), h('span', { class: 'mono' }, message.body)]),
      { attributes: { class: 'dead-letters' } },
    ),
  );
}

async function show(results, ctx, query) {
  for (const chart of charts) chart.destroy();
  charts.clear();
  results.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  let report;
  let trouble;
  try {
    [report, trouble] = await Promise.all([ctx.api(`/api/report${query}`), ctx.api('/api/problems')]);
  } catch (error) {
    results.replaceChildren();
    failure(results, 'The report', error);
    return undefined;
  }
  if (ctx.signal?.aborted) return undefined;
  const sections = await Promise.all(report.programs.map(programSection));
  results.replaceChildren();
  append(
    results,
    h('p', { role: 'status' }, `Local days ${report.from} to ${report.to}, each program's own.`),
    report.programs.length === 0 ? h('p', { class: 'muted' }, 'No program in the catalog.') : sections,
    h('h2', {}, 'Campaigns (all time)'),
    table(
      'Campaigns per variant',
      ['Program', 'Campaign', 'Variant', 'Sent', 'Delivered', 'Unique clicks', 'Redeemed', 'Orders', 'Revenue', 'Opt-outs within 24 h'],
      report.campaigns.map((r) => [r.programId, r.campaignId, r.variant, count(r.sent), count(r.delivered), count(r.uniqueClicks), count(r.redeemed), count(r.orders), money(r.revenue), count(r.optOuts)]),
    ),
    problems(trouble),
  );
  return report;
}

export async function render(main, ctx) {
  useMarketerStyles();
  const from = h('input', { type: 'date', name: 'from' });
  const to = h('input', { type: 'date', name: 'to' });
  const program = h('input', { type: 'text', name: 'program', placeholder: 'every program', pattern: '[a-z0-9-]{1,40}' });
  const results = h('div', {});
  const query = () => {
    const params = new URLSearchParams();
    if (from.value) params.set('from', from.value);
    if (to.value) params.set('to', to.value);
    if (program.value.trim()) params.set('program', program.value.trim());
    const text = params.toString();
    return text ? `?${text}` : '';
  };
  const form = h(
    'form',
    { class: 'row', 'aria-label': 'Period' },
    h('label', {}, 'From', from),
    h('label', {}, 'To', to),
    h('label', {}, 'Program', program),
    h('button', { type: 'submit' }, 'Show'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void show(results, ctx, query());
  });
  main.append(h('h1', {}, 'Funnel'), form, results);
  const report = await show(results, ctx, '');
  if (report) {
    from.value = report.from;
    to.value = report.to;
  }
}
