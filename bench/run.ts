/**
 * `npm run bench`: bundle size, cold init, DynamoDB requests per inbound text and the sender's pace,
 * each beside a baseline measured in the same run, checked against bench/budgets.ts. Exit code 1 when
 * a budget is missed (the misses are named at the end) or a figure could not be measured at all (a
 * build error, the gateway not starting, the hard timeout), so a broken bench is never a quiet one.
 * The measured figures are written to .bench/results.json, which `npm run costs` prices.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionEntries } from '../lib/topology';
import { budgetFor, budgets } from './budgets';
import { bundleEmptyHandler, bundleEntry, REPO_ROOT, type Bundle } from './bundle';
import { initTimes } from './cold-init';
import { Deadline } from './deadline';
import { lunchIssuingTable, measureLunchIssuing, type LunchIssuingFigures } from './lunch-issuing';
import { bytes, formatTable, mb, ms, ratio, type Cell } from './table';
import { startBenchGateway, type BenchGateway } from './bench-gateway';
import { measureLunchWave, type LunchWaveFigures } from './lunch-wave';
import { RESULTS_FILE } from './results-file';
import { measureSenderRate, type SenderRateReport } from './sender-rate';
import { measureThroughput, type ThroughputReport } from './throughput';
import { Verdicts } from './verdicts';

const INIT_RUNS = 7;
const MESSAGES = 100;
const THROUGHPUT_TIMEOUT_MS = 120_000;
/** Long enough for the pace to settle and a busiest second to show; short enough to keep the bench quick. */
const SENDER_SECONDS = 12;
const SENDER_TIMEOUT_MS = 120_000;
const GATEWAY_START_TIMEOUT_MS = 60_000;
/** Subscribers who join by text before the wave (two texts and three replies each). */
const WAVE_SUBSCRIBERS = 100;
const WAVE_TIMEOUT_MS = 180_000;
/** Last resort if cleanup itself hangs: the bench must end well inside seven minutes. */
const WATCHDOG_MS = 420_000;

// Node 20 here, nodejs22.x in Lambda: the SDK's upgrade notice would only clutter the table.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let failed = false;
const verdicts = new Verdicts();
const results: { throughput?: ThroughputReport; sender?: SenderRateReport; wave?: LunchWaveFigures; lunch?: LunchIssuingFigures } = {};
const failure = (what: string, error: unknown): string => {
  failed = true;
  const message = error instanceof Error ? error.message : String(error);
  console.error(`[bench] ${what}: ${message}`);
  return `FAILED: ${message.split('\n')[0]!.slice(0, 80)}`;
};

async function bundles(dir: string): Promise<{ baseline: Bundle; built: Map<string, Bundle> }> {
  const baseline = await bundleEmptyHandler(dir);
  const built = new Map<string, Bundle>();
  const rows: Cell[][] = [['(baseline) empty handler', bytes(baseline.bytes), bytes(baseline.gzipBytes), '1.00×', '1.00×', '', '']];
  for (const [name, spec] of functionEntries()) {
    try {
      const bundle = await bundleEntry(join(REPO_ROOT, spec.entry), join(dir, name));
      built.set(name, bundle);
      const budget = budgetFor(name);
      const verdict = budget === undefined ? 'no budget' : verdicts.check(`${name} bundle`, bytes(bundle.bytes), `≤ ${bytes(budget)}`, bundle.bytes <= budget);
      rows.push([name, bytes(bundle.bytes), bytes(bundle.gzipBytes), ratio(bundle.bytes, baseline.bytes), ratio(bundle.gzipBytes, baseline.gzipBytes), budget ? mb(budget) : '', verdict]);
    } catch (error) {
      rows.push([name, '', '', '', '', '', failure(`bundling ${name}`, error)]);
    }
  }
  console.log(formatTable('1. Bundle size (esbuild as the CDK: node22, cjs, minify, sourcemap, external @aws-sdk/*)', ['function', 'min bytes', 'gzip bytes', 'min ×', 'gzip ×', 'budget', 'status'], rows));
  return { baseline, built };
}

async function coldInit(baseline: Bundle, built: Map<string, Bundle>): Promise<void> {
  const base = await initTimes(baseline.file, INIT_RUNS);
  const spread = (t: { min: number; max: number }) => `${t.min.toFixed(1)}–${t.max.toFixed(1)} ms`;
  const rows: Cell[][] = [['(baseline) empty handler', ms(base.median), spread(base), '1.00×']];
  for (const [name, bundle] of built) {
    try {
      const times = await initTimes(bundle.file, INIT_RUNS);
      rows.push([name, ms(times.median), spread(times), ratio(times.median, base.median)]);
    } catch (error) {
      rows.push([name, failure(`cold init of ${name}`, error), '', '']);
    }
  }
  console.log(formatTable(`2. Cold init: require() of the bundle in a fresh node, median of ${INIT_RUNS} with their spread (source map read lazily, as in Lambda)`, ['function', 'median', 'min–max', '× baseline'], rows));
}

async function throughput(bench: BenchGateway): Promise<void> {
  const loads = [{ body: 'KRUSTY', repliesEach: 2 }, { body: 'HELP', repliesEach: 1 }];
  const title = `3. Inbound throughput, local gateway in-process: ${MESSAGES} texts at once from ${MESSAGES} new numbers (catalog cache 60 s, as in Lambda)`;
  const header = ['load', 'elapsed', 'per second', '× baseline time', 'replies', 'DynamoDB req/text', 'WCU/text', 'RCU/text', 'budget', 'status'];
  const report: ThroughputReport = { healthMs: Number.NaN, runs: [], alone: [] };
  let failedRow: Cell[] | undefined;
  try {
    await measureThroughput({ messages: MESSAGES, loads, deadline: new Deadline(THROUGHPUT_TIMEOUT_MS) }, report, bench);
  } catch (error) {
    failedRow = ['(remaining)', failure('throughput', error), '', '', '', '', '', ''];
  }
  results.throughput = report;
  const rows: Cell[][] = Number.isNaN(report.healthMs) ? [] : [[`(baseline) ${MESSAGES} × GET /health`, ms(report.healthMs), (MESSAGES / (report.healthMs / 1000)).toFixed(1), '1.00×', '', '', '', '', '', '']];
  for (const run of report.runs) {
    const perText = run.dynamoRequests / run.messages;
    const writeUnits = run.capacity.write / run.messages;
    const requestBudget = budgets.requestsPerText[run.body];
    const writeBudget = budgets.writeUnitsPerText[run.body];
    const checks = [
      requestBudget === undefined ? 'ok' : verdicts.check(`${run.body} DynamoDB requests per text`, perText.toFixed(2), `≤ ${requestBudget}`, perText <= requestBudget),
      writeBudget === undefined ? 'ok' : verdicts.check(`${run.body} WCU per text`, writeUnits.toFixed(2), `≤ ${writeBudget}`, writeUnits <= writeBudget),
    ];
    const budget = [requestBudget === undefined ? '' : `≤ ${requestBudget} req`, writeBudget === undefined ? '' : `≤ ${writeBudget} WCU`].filter(Boolean).join(', ');
    const status = budget === '' ? 'no budget' : checks.every((c) => c === 'ok') ? 'ok' : 'MISSED';
    rows.push([`${run.messages} × ${run.body}`, ms(run.elapsedMs), (run.messages / (run.elapsedMs / 1000)).toFixed(1), ratio(run.elapsedMs, report.healthMs), `${run.replies}/${run.expectedReplies}`, perText.toFixed(2), writeUnits.toFixed(2), (run.capacity.read / run.messages).toFixed(2), budget, status]);
  }
  console.log(formatTable(title, header, failedRow ? [...rows, failedRow] : rows));
  if (report.runs.length === 0) return;
  // Which access patterns make up the per-text figure: every function the text sets off, replies included.
  const operations = [...new Set(report.runs.flatMap((run) => [...run.byOperation.keys()]))].sort();
  const breakdown = operations.map((op) => [op, ...report.runs.map((run) => ((run.byOperation.get(op) ?? 0) / run.messages).toFixed(2))]);
  console.log(`\n${formatTable('   DynamoDB requests per text (receive-sms, converse and send-sms together), by operation and table', ['operation', ...report.runs.map((run) => run.body)], breakdown)}`);
  const funnelRows = report.runs.map((run): Cell[] => {
    const requests = run.funnel.requests / run.messages;
    const writeUnits = run.funnel.capacity.write / run.messages;
    const budget = budgets.funnelCounting.perText[run.body];
    if (!budget) return [run.body, requests.toFixed(2), writeUnits.toFixed(2), '', 'no budget'];
    const checks = [
      verdicts.check(`${run.body} funnel counting requests per text`, requests.toFixed(2), `≤ ${budget.requests}`, requests <= budget.requests),
      verdicts.check(`${run.body} funnel counting WCU per text`, writeUnits.toFixed(2), `≤ ${budget.writeUnits}`, writeUnits <= budget.writeUnits),
    ];
    return [run.body, requests.toFixed(2), writeUnits.toFixed(2), `≤ ${budget.requests} req, ≤ ${budget.writeUnits} WCU`, checks.every((c) => c === 'ok') ? 'ok' : 'MISSED'];
  });
  console.log(`\n${formatTable('   Funnel counting (record-stats, fed by the bus), per text: not in the figures above', ['load', 'DynamoDB req/text', 'WCU/text', 'budget', 'status'], funnelRows)}`);
}

async function senderRate(bench: BenchGateway): Promise<void> {
  const { minShareOfRate, maxBusiestSecondOfRate } = budgets.sender;
  const title = `4. Sender pace: ${SENDER_SECONDS} s of one-segment messages to distinct numbers queued at once, timed where the carrier receives them`;
  const header = ['run', 'rate set', 'messages', 'sustained', '× rate set', 'busiest second', 'budget', 'status'];
  try {
    const sender = await measureSenderRate({ seconds: SENDER_SECONDS, deadline: new Deadline(SENDER_TIMEOUT_MS) }, bench);
    results.sender = sender;
    const { ceiling, paced } = sender;
    const sustainedOk = paced.sustained >= minShareOfRate * paced.mps;
    const busiestOk = paced.busiestSecond <= maxBusiestSecondOfRate * paced.mps;
    verdicts.check(`sender sustained rate at ${paced.mps}/s`, `${paced.sustained.toFixed(1)}/s`, `≥ ${minShareOfRate} × ${paced.mps}/s`, sustainedOk);
    verdicts.check(`sender busiest second at ${paced.mps}/s`, String(paced.busiestSecond), `≤ ${maxBusiestSecondOfRate} × ${paced.mps}`, busiestOk);
    console.log(
      formatTable(title, header, [
        ['(baseline) unpaced: what the stand-ins carry', 'none', ceiling.messages, `${ceiling.sustained.toFixed(1)}/s`, '', String(ceiling.busiestSecond), '', ''],
        [`paced (SENDER_MPS ${sender.configuredMps})`, `${paced.mps}/s`, paced.messages, `${paced.sustained.toFixed(1)}/s`, ratio(paced.sustained, paced.mps), `${paced.busiestSecond} (${ratio(paced.busiestSecond, paced.mps)})`, `≥ ${minShareOfRate.toFixed(2)}× sustained, ≤ ${maxBusiestSecondOfRate.toFixed(2)}× busiest`, sustainedOk && busiestOk ? 'ok' : 'MISSED'],
      ]),
    );
    if (sender.note) console.log(`   ${sender.note}`);
  } catch (error) {
    console.log(formatTable(title, header, [['(all)', failure('sender pace', error), '', '', '', '', '', '']]));
  }
}

async function lunchWave(bench: BenchGateway): Promise<void> {
  const budget = budgets.lunchCoupon.maxRequestsPageToCarrier;
  const title = `5. A lunch wave through the local gateway: ${WAVE_SUBSCRIBERS} subscribers joined by text, the schedule fired at 10:00 in their zone; DynamoDB requests per coupon from page to carrier`;
  try {
    const wave = await measureLunchWave({ subscribers: WAVE_SUBSCRIBERS, deadline: new Deadline(WAVE_TIMEOUT_MS) }, bench);
    results.wave = wave;
    const status = verdicts.check('lunch coupon DynamoDB requests, page to carrier', wave.totalPerCoupon.toFixed(2), `≤ ${budget}`, wave.totalPerCoupon <= budget);
    const rows: Cell[][] = [
      ...Object.entries(wave.byOperation).filter(([, n]) => n > 0).map(([operation, n]) => [operation, n.toFixed(2), '', '']),
      ['per coupon', wave.totalPerCoupon.toFixed(2), `≤ ${budget}`, status],
      ['(per wave, whatever its size: dispatch, markers, each shard chain\'s first Query)', String(wave.requestsPerWave), '', ''],
    ];
    console.log(formatTable(title, ['function and operation', 'requests per coupon', 'budget', 'status'], rows));
    const funnel = budgets.funnelCounting.perLunchCoupon;
    const counting = [
      verdicts.check('lunch coupon funnel counting requests', wave.funnelPerCoupon.requests.toFixed(2), `≤ ${funnel.requests}`, wave.funnelPerCoupon.requests <= funnel.requests),
      verdicts.check('lunch coupon funnel counting WCU', wave.funnelPerCoupon.writeUnits.toFixed(2), `≤ ${funnel.writeUnits}`, wave.funnelPerCoupon.writeUnits <= funnel.writeUnits),
    ];
    console.log(
      `\n${formatTable('   Funnel counting (record-stats) per coupon: not in the figures above', ['requests per coupon', 'WCU per coupon', 'budget', 'status'], [
        [wave.funnelPerCoupon.requests.toFixed(2), wave.funnelPerCoupon.writeUnits.toFixed(2), `≤ ${funnel.requests} req, ≤ ${funnel.writeUnits} WCU`, counting.every((c) => c === 'ok') ? 'ok' : 'MISSED'],
      ])}`,
    );
  } catch (error) {
    console.log(formatTable(title, ['function and operation', 'requests per coupon', 'budget', 'status'], [['(all)', failure('lunch wave', error), '', '']]));
  }
}

async function lunchIssuing(): Promise<void> {
  try {
    const figures = await measureLunchIssuing();
    results.lunch = figures;
    console.log(lunchIssuingTable(figures));
    const { maxRatioToRaw, maxRequestsPerCoupon } = budgets.lunchIssuing;
    const ratioStatus = verdicts.check('lunch issuing vs raw writes', `${figures.ratio.toFixed(2)}×`, `≤ ${maxRatioToRaw}×`, figures.ratio <= maxRatioToRaw);
    const requestStatus = verdicts.check('lunch issuing DynamoDB requests per coupon', figures.dynamoRequestsPerCoupon.toFixed(2), `≤ ${maxRequestsPerCoupon}`, figures.dynamoRequestsPerCoupon <= maxRequestsPerCoupon);
    console.log(`   budgets: issuing ≤ ${maxRatioToRaw}× the raw writes: ${ratioStatus}; ≤ ${maxRequestsPerCoupon} DynamoDB request(s) per coupon issued: ${requestStatus}`);
  } catch (error) {
    failure('lunch issuing', error);
  }
}

function writeResults(): void {
  mkdirSync(join(RESULTS_FILE, '..'), { recursive: true });
  const mapsAsObjects = (_key: string, value: unknown) => (value instanceof Map ? Object.fromEntries(value) : value);
  writeFileSync(RESULTS_FILE, `${JSON.stringify({ measuredAt: new Date().toISOString(), ...results }, mapsAsObjects, 2)}\n`);
}

function summary(): void {
  const missed = verdicts.missed();
  console.log(`\nbudgets: ${verdicts.all.length - missed.length} met, ${missed.length} missed (bench/budgets.ts)`);
  for (const miss of missed) console.log(`  MISSED ${miss.what}: ${miss.measured}, budget ${miss.budget}`);
  if (missed.length > 0) failed = true;
}

async function main(): Promise<void> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'sms-gateway-bundles-'));
  try {
    const { baseline, built } = await bundles(dir);
    console.log();
    await coldInit(baseline, built);
  } catch (error) {
    failure('bundles', error);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log();
  try {
    const bench = await startBenchGateway(new Deadline(GATEWAY_START_TIMEOUT_MS));
    try {
      await throughput(bench);
      console.log();
      await senderRate(bench);
      console.log();
      await lunchWave(bench);
    } finally {
      await bench.stop();
    }
  } catch (error) {
    failure('local gateway', error);
  }
  console.log();
  await lunchIssuing();
  writeResults();
  summary();
  console.log(`\nbench finished in ${((performance.now() - started) / 1000).toFixed(1)} s; figures in ${RESULTS_FILE}`);
}

const watchdog = setTimeout(() => {
  console.error(`[bench] still running after ${WATCHDOG_MS / 1000} s: giving up`);
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

main()
  .catch((error: unknown) => failure('bench', error))
  // Explicit exit: a lingering keep-alive socket must not hold the terminal after the table.
  .finally(() => process.exit(failed ? 1 : 0));
