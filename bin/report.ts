#!/usr/bin/env node
/**
 * The funnel report: `npm run report` prints, per program, awareness → consideration → purchase →
 * retention → advocacy and the campaign table, from the counters the stats writer keeps, against
 * the running local gateway, or a deployed stage's tables with --table (stats), --catalog-table and --region.
 */
import { parseArgs } from 'node:util';
import { scanCatalogItems } from '../functions/adapters/catalog-scan';
import { DynamoStatsStore } from '../functions/adapters/dynamo-stats';
import { validateCatalog } from '../functions/domain/catalog';
import { reportPeriod } from '../functions/domain/funnel-report';
import { buildFunnelReport } from '../functions/domain/record-stats';
import { localDynamo, stageDynamo } from '../lib/cli-dynamo';
import { funnelText } from '../lib/funnel-text';
import { gatewayNow, readRunningInfo, settingsFromEnv } from '../lib/local/settings';
import { runCli } from '../lib/run-cli';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `Usage: npm run report -- [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--program ID] [--json]
  --from, --to   local days, inclusive (default: the 30 days up to today)
  --program ID   one program (default: every program of the catalog)
  --json         the report as JSON (what GET /local/report answers)
  --table NAME --catalog-table NAME --region REGION   a deployed stage: its stats table (--stats-table is the same)
                 and its catalog table (program names and zones); default: the running local gateway's`;

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    program: { type: 'string' },
    json: { type: 'boolean' },
    'catalog-table': { type: 'string' },
    'stats-table': { type: 'string' },
    table: { type: 'string' },
    region: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

async function main(): Promise<number> {
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const statsTable = values.table ?? values['stats-table'];
  let connection: { client: ReturnType<typeof stageDynamo>; catalogTable: string; statsTable: string; now: Date };
  if (statsTable || values['catalog-table']) {
    if (!values['catalog-table'] || !statsTable) throw new Error('A deployed stage needs both --table (its stats table) and --catalog-table.');
    connection = { client: stageDynamo(values.region), catalogTable: values['catalog-table'], statsTable, now: new Date() };
  } else {
    const running = readRunningInfo(settingsFromEnv().dataDir);
    if (!running) throw new Error('No local gateway is running (start it with `npm start`), and no --catalog-table/--stats-table was given.');
    connection = { client: localDynamo(running), catalogTable: running.tables.catalog!, statsTable: running.tables.stats!, now: await gatewayNow(running) };
  }
  const period = reportPeriod({ ...(values.from ? { from: values.from } : {}), ...(values.to ? { to: values.to } : {}) }, connection.now);
  if ('error' in period) {
    console.error(`--${period.error}\n\n${USAGE}`);
    return 2;
  }
  const { from, to } = period;
  const { catalog } = validateCatalog(await scanCatalogItems(connection.client, connection.catalogTable));
  if (values.program && !catalog.programs.some((program) => program.programId === values.program)) {
    console.error(`No program "${values.program}" in the catalog (programs: ${catalog.programs.map((p) => p.programId).join(', ') || 'none'}).`);
    return 2;
  }
  const report = await buildFunnelReport(from, to, { stats: new DynamoStatsStore(connection.client, connection.statsTable), catalog: { load: async () => catalog } }, values.program);
  console.log(values.json ? JSON.stringify(report, null, 2) : funnelText(report));
  return 0;
}

runCli(main);
