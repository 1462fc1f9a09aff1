#!/usr/bin/env node
/**
 * The marketers' catalog CLI: `npm run catalog -- validate [FILE] | import FILE | export`, against the
 * running local gateway's table, or a real table with --table and --region.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localDynamo, stageDynamo } from '../lib/cli-dynamo';
import { parseArgs } from 'node:util';
import { scanCatalogItems } from '../functions/adapters/catalog-scan';
import { validateCatalog } from '../functions/domain/catalog';
import { costWarnings } from '../functions/domain/catalog-costs';
import { describeProblem, readCatalogFile, writeCatalogItems, type CatalogItem } from '../lib/catalog-admin';
import { readRunningInfo, settingsFromEnv } from '../lib/local/settings';
import { runCli } from '../lib/run-cli';

// These machines run Node 20 on purpose (Lambda runs nodejs22.x); the SDK's upgrade notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `Usage:
  npm run catalog -- validate [FILE]     check a file, or the table when no file is given
  npm run catalog -- import FILE         validate FILE, then write its items to the table
  npm run catalog -- export              print the table's items as JSON
Options: --table NAME --region REGION (a real DynamoDB table; default: the running local gateway's)
         --link-base URL (where the stage's short links point: copy is measured with them; default
         LINK_BASE, the running local gateway's, or a typical custom domain's)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { table: { type: 'string' }, region: { type: 'string' }, 'link-base': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});

function connect(): { client: DynamoDBDocumentClient; table: string } {
  if (values.table) {
    return { client: stageDynamo(values.region), table: values.table };
  }
  const running = readRunningInfo(settingsFromEnv().dataDir);
  if (!running) {
    throw new Error('No local gateway is running (start it with `npm start`), and no --table was given.');
  }
  return { client: localDynamo(running), table: running.tables.catalog! };
}

/** Prints every problem with its item key, and what copy costs more than a segment; true when no problems. */
function report(items: CatalogItem[], source: string): boolean {
  const { catalog, problems } = validateCatalog(items);
  for (const problem of problems) console.error(describeProblem(problem));
  const linkBase = values['link-base'] ?? process.env.LINK_BASE ?? readRunningInfo(settingsFromEnv().dataDir)?.linkBase;
  for (const warning of catalog.programs.flatMap((program) => costWarnings(program, linkBase ? { linkBase } : {}))) console.error(`warning: ${describeProblem(warning)}`);
  const programs = catalog.programs.map((p) => `${p.name} (${p.keyword} on ${p.shortCode})`).join(', ') || 'none';
  console.error(`${source}: ${items.length} item(s), ${problems.length} problem(s); valid programs: ${programs}`);
  return problems.length === 0;
}

/** Problems the merged catalog (table items overwritten by file items) has that the table alone has not. */
function newProblems(existing: CatalogItem[], incoming: CatalogItem[]) {
  const key = (item: CatalogItem) => `${String(item.pk)}|${String(item.sk)}`;
  const merged = new Map(existing.map((item) => [key(item), item]));
  for (const item of incoming) merged.set(key(item), item);
  const before = new Set(validateCatalog(existing).problems.map(describeProblem));
  return validateCatalog([...merged.values()]).problems.filter((problem) => !before.has(describeProblem(problem)));
}

async function main(): Promise<number> {
  const [command, file] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  switch (command) {
    case 'validate': {
      if (file) return report(readCatalogFile(file), file) ? 0 : 1;
      const { client, table } = connect();
      return report(await scanCatalogItems(client, table), table) ? 0 : 1;
    }
    case 'import': {
      if (!file) throw new Error('import needs a FILE');
      const items = readCatalogFile(file);
      const { client, table } = connect();
      // Judged together with what the table holds: an edit may name a program that only the table has,
      // and a file that is fine alone may still clash with it (a keyword claimed twice).
      const introduced = newProblems(await scanCatalogItems(client, table), items);
      for (const problem of introduced) console.error(describeProblem(problem));
      if (introduced.length > 0) {
        console.error(`Nothing imported: with these ${items.length} item(s), ${table} would have the ${introduced.length} problem(s) above.`);
        return 1;
      }
      await writeCatalogItems(client, table, items);
      console.error(`Imported ${items.length} item(s) into ${table}.`);
      return 0;
    }
    case 'export': {
      const { client, table } = connect();
      console.log(JSON.stringify(await scanCatalogItems(client, table), null, 2));
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

runCli(main);
