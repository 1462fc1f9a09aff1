/**
 * `npm run bench`: bundle size, cold init and local inbound throughput, each beside a baseline
 * measured in the same run. It reports, it asserts nothing: OVER BUDGET is printed, not failed on.
 * Exit code 1 only when a figure could not be measured at all (a build error, the gateway not
 * starting, the hard timeout), so a broken bench is not mistaken for a quiet one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionEntries } from '../lib/topology';
import { budgetFor } from './budgets';
import { bundleEmptyHandler, bundleEntry, REPO_ROOT, type Bundle } from './bundle';
import { medianInitMs } from './cold-init';
import { Deadline } from './deadline';
import { bytes, formatTable, mb, ms, ratio, type Cell } from './table';
import { measureThroughput, type ThroughputReport } from './throughput';

const INIT_RUNS = 5;
const MESSAGES = 100;
const THROUGHPUT_TIMEOUT_MS = 120_000;
/** Last resort if cleanup itself hangs: the bench must end well inside three minutes. */
const WATCHDOG_MS = 170_000;

// Node 20 here, nodejs22.x in Lambda: the SDK's upgrade notice would only clutter the table.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let failed = false;
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
      const verdict = budget === undefined ? 'no budget' : bundle.bytes > budget ? 'OVER BUDGET' : 'ok';
      rows.push([name, bytes(bundle.bytes), bytes(bundle.gzipBytes), ratio(bundle.bytes, baseline.bytes), ratio(bundle.gzipBytes, baseline.gzipBytes), budget ? mb(budget) : '', verdict]);
    } catch (error) {
      rows.push([name, '', '', '', '', '', failure(`bundling ${name}`, error)]);
    }
  }
  console.log(formatTable('1. Bundle size (esbuild as the CDK: node22, cjs, minify, sourcemap, external @aws-sdk/*)', ['function', 'min bytes', 'gzip bytes', 'min ×', 'gzip ×', 'budget', 'status'], rows));
  return { baseline, built };
}

async function coldInit(baseline: Bundle, built: Map<string, Bundle>): Promise<void> {
  const baselineMs = await medianInitMs(baseline.file, INIT_RUNS);
  const rows: Cell[][] = [['(baseline) empty handler', ms(baselineMs), '1.00×']];
  for (const [name, bundle] of built) {
    try {
      const median = await medianInitMs(bundle.file, INIT_RUNS);
      rows.push([name, ms(median), ratio(median, baselineMs)]);
    } catch (error) {
      rows.push([name, failure(`cold init of ${name}`, error), '']);
    }
  }
  console.log(formatTable(`2. Cold init: require() of the bundle in a fresh node, median of ${INIT_RUNS} (--enable-source-maps, as in Lambda)`, ['function', 'median', '× baseline'], rows));
}

async function throughput(): Promise<void> {
  const loads = [{ body: 'KRUSTY', repliesEach: 2 }, { body: 'HELP', repliesEach: 1 }];
  const title = `3. Inbound throughput, local gateway in-process: ${MESSAGES} texts at once from ${MESSAGES} new numbers (catalog cache 60 s, as in Lambda)`;
  const header = ['load', 'elapsed', 'per second', '× baseline time', 'replies', 'DynamoDB req/text', 'WCU/text', 'RCU/text'];
  const report: ThroughputReport = { healthMs: Number.NaN, runs: [] };
  let failedRow: Cell[] | undefined;
  try {
    await measureThroughput({ messages: MESSAGES, loads, deadline: new Deadline(THROUGHPUT_TIMEOUT_MS) }, report);
  } catch (error) {
    failedRow = ['(remaining)', failure('throughput', error), '', '', '', '', '', ''];
  }
  const rows: Cell[][] = Number.isNaN(report.healthMs) ? [] : [[`(baseline) ${MESSAGES} × GET /health`, ms(report.healthMs), (MESSAGES / (report.healthMs / 1000)).toFixed(1), '1.00×', '', '', '', '']];
  for (const run of report.runs) {
    rows.push([`${run.messages} × ${run.body}`, ms(run.elapsedMs), (run.messages / (run.elapsedMs / 1000)).toFixed(1), ratio(run.elapsedMs, report.healthMs), `${run.replies}/${run.expectedReplies}`, (run.dynamoRequests / run.messages).toFixed(2), (run.capacity.write / run.messages).toFixed(2), (run.capacity.read / run.messages).toFixed(2)]);
  }
  console.log(formatTable(title, header, failedRow ? [...rows, failedRow] : rows));
  if (report.runs.length === 0) return;
  // Which access patterns make up the per-text figure: every function the text sets off, replies included.
  const operations = [...new Set(report.runs.flatMap((run) => [...run.byOperation.keys()]))].sort();
  const breakdown = operations.map((op) => [op, ...report.runs.map((run) => ((run.byOperation.get(op) ?? 0) / run.messages).toFixed(2))]);
  console.log(`\n${formatTable('   DynamoDB requests per text (receive-sms, converse and send-sms together), by operation and table', ['operation', ...report.runs.map((run) => run.body)], breakdown)}`);
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
  await throughput();
  console.log(`\nbench finished in ${((performance.now() - started) / 1000).toFixed(1)} s`);
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
