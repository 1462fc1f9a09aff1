#!/usr/bin/env node
/**
 * The marketers' campaign CLI: `npm run campaign -- list | plan <campaignId>`, against the running
 * local gateway's tables, or a deployed stage's with --catalog-table, --audience-table and --region.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseArgs } from 'node:util';
import { scanCatalogItems } from '../functions/adapters/catalog-scan';
import { programSubscriptions } from '../functions/adapters/audience-scan';
import { planCampaign, type CampaignPlan } from '../functions/domain/campaign-plan';
import { campaignStage } from '../functions/domain/campaigns';
import { validateCatalog } from '../functions/domain/catalog';
import { DEFAULT_SENDER_MPS } from '../functions/shared/sender-pace';
import { describeProblem } from '../lib/catalog-admin';
import { gatewayNow, readRunningInfo, settingsFromEnv } from '../lib/local/settings';
import { localDynamo, stageDynamo } from '../lib/cli-dynamo';
import { runCli } from '../lib/run-cli';
import { formatTable } from '../lib/text-table';

// These machines run Node 20 on purpose (Lambda runs nodejs22.x); the SDK's upgrade notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `Usage:
  npm run campaign -- list                 every campaign of the catalog, with its date and stage
  npm run campaign -- plan CAMPAIGN_ID     who would get it, who not and why, what it costs, how each zone's wave drains
Options: --json (machine-readable) --mps N (the short code's segments/s; default SENDER_MPS or ${DEFAULT_SENDER_MPS})
         --catalog-table NAME --audience-table NAME --region REGION (a deployed stage; default: the running local gateway's)
         --link-base URL (where the stage's short links point: copy is measured with them; default LINK_BASE,
         the running local gateway's, or a typical custom domain's)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: 'boolean' },
    mps: { type: 'string' },
    'catalog-table': { type: 'string' },
    'audience-table': { type: 'string' },
    region: { type: 'string' },
    'link-base': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

async function connect(): Promise<{ client: DynamoDBDocumentClient; catalogTable: string; audienceTable: string; now: Date; linkBase?: string }> {
  const catalogTable = values['catalog-table'];
  const audienceTable = values['audience-table'];
  if (catalogTable || audienceTable) {
    if (!catalogTable || !audienceTable) throw new Error('A deployed stage needs both --catalog-table and --audience-table.');
    return { client: stageDynamo(values.region), catalogTable, audienceTable, now: new Date() };
  }
  const running = readRunningInfo(settingsFromEnv().dataDir);
  if (!running) throw new Error('No local gateway is running (start it with `npm start`), and no --catalog-table/--audience-table was given.');
  // The local gateway's own time: a campaign is due or finished by the clock the gateway runs on.
  return { client: localDynamo(running), catalogTable: running.tables.catalog!, audienceTable: running.tables.audience!, now: await gatewayNow(running), ...(running.linkBase ? { linkBase: running.linkBase } : {}) };
}

const money = (value: number) => `$${value.toFixed(value < 1 ? 4 : 2)}`;
const percent = (share: number) => `${(share * 100).toFixed(share < 1 ? 1 : 0)}%`;
const clock = (iso: string, zone: string) => new Date(iso).toLocaleString('en-US', { timeZone: zone, hour: '2-digit', minute: '2-digit', hour12: false });

function printPlan(plan: CampaignPlan): void {
  console.log(`${plan.name} (${plan.campaignId}, ${plan.programId}): ${plan.stage}, ${plan.sendOn} at ${plan.localTime} local time`);
  console.log(`${plan.audience} of ${plan.subscribers} subscriber(s) would get it; ${Object.entries(plan.excluded).map(([why, n]) => `${why}: ${n}`).join(', ')}`);
  if (Object.keys(plan.outsideBy).length > 0) console.log(`  outside the segment by condition: ${Object.entries(plan.outsideBy).map(([why, n]) => `${why} ${n}`).join(', ')}`);
  console.log();
  console.log(
    formatTable(
      'Variants',
      ['variant', 'recipients', 'kind', 'segments', 'price each', 'price', 'text'],
      plan.variants.map((v) => [v.id, v.recipients, v.mms ? 'MMS' : `SMS ${v.encoding}`, v.segments, money(v.priceEach), money(v.price), v.sample.length > 70 ? `${v.sample.slice(0, 67)}…` : v.sample]),
    ),
  );
  console.log();
  console.log(
    formatTable(
      `Waves at ${plan.senderMps} segments/s`,
      ['zone', 'recipients', 'due (local)', 'allowed until', 'drain', 'starts', 'done', 'reached'],
      plan.zones.map((z) => [z.zone, z.recipients, clock(z.dueAt, z.zone), clock(z.allowedUntil, z.zone), `${z.drainMinutes.toFixed(1)} min`, clock(z.beginsAt, z.zone), clock(z.endsAt, z.zone), `${z.reached} (${percent(z.share)})`]),
    ),
  );
  console.log(`\nCarrier-side price (Twilio and US carrier fees, list prices): ${money(plan.price)}`);
  for (const warning of plan.warnings) console.log(`warning: ${warning}`);
}

async function main(): Promise<number> {
  const [command, campaignId] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const { client, catalogTable, audienceTable, now, linkBase: gatewayLinkBase } = await connect();
  const linkBase = values['link-base'] ?? process.env.LINK_BASE ?? gatewayLinkBase;
  const { catalog, problems } = validateCatalog(await scanCatalogItems(client, catalogTable));
  const campaignProblems = problems.filter((problem) => problem.key.includes(' / CAMPAIGN#'));
  switch (command) {
    case 'list': {
      const campaigns = catalog.programs.flatMap((program) => program.campaigns.map((campaign) => ({ program, campaign })));
      if (values.json) console.log(JSON.stringify({ campaigns: campaigns.map(({ campaign }) => ({ ...campaign, stage: campaignStage(campaign, now) })), problems: campaignProblems }, null, 2));
      else {
        console.log(formatTable('Campaigns', ['program', 'campaign', 'name', 'send on', 'local time', 'variants', 'stage'], campaigns.map(({ program, campaign }) => [program.programId, campaign.campaignId, campaign.name, campaign.sendOn, campaign.localTime, campaign.variants.length, campaignStage(campaign, now)])));
        for (const problem of campaignProblems) console.error(`broken, left out: ${describeProblem(problem)}`);
      }
      return 0;
    }
    case 'plan': {
      if (!campaignId) throw new Error('plan needs a CAMPAIGN_ID (see `npm run campaign -- list`)');
      const found = catalog.programs.flatMap((program) => program.campaigns.filter((c) => c.campaignId === campaignId).map((campaign) => ({ program, campaign })));
      if (found.length === 0) {
        for (const problem of campaignProblems.filter((p) => p.key.endsWith(`CAMPAIGN#${campaignId}`))) console.error(describeProblem(problem));
        console.error(`No valid campaign ${campaignId} in ${catalogTable}.`);
        return 1;
      }
      const senderMps = Number(values.mps ?? process.env.SENDER_MPS ?? DEFAULT_SENDER_MPS);
      if (!(senderMps > 0)) throw new Error(`--mps must be a positive number, got ${values.mps}`);
      const plans = await Promise.all(found.map(async ({ program, campaign }) => planCampaign(campaign, program, await programSubscriptions(client, audienceTable, program.programId), { senderMps, at: now, ...(linkBase ? { linkBase } : {}) })));
      if (values.json) console.log(JSON.stringify(plans.length === 1 ? plans[0] : plans, null, 2));
      else plans.forEach(printPlan);
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

runCli(main);
