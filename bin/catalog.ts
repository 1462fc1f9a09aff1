#!/usr/bin/env node
/**
 * The marketers' catalog CLI: `npm run catalog -- validate [FILE] | import FILE | export`, against the
 * running local gateway's table, or a real table with --table and --region.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseArgs } from 'node:util';
import { scanCatalogItems } from '../functions/adapters/catalog-scan';
import { validateCatalog } from '../functions/domain/catalog';
import { describeProblem, readCatalogFile, writeCatalogItems, type CatalogItem } from '../lib/catalog-admin';
import { readRunningInfo, settingsFromEnv } from '../lib/local/settings';

const USAGE = `Usage:
  npm run catalog -- validate [FILE]     check a file, or the table when no file is given
  npm run catalog -- import FILE         validate FILE, then write its items to the table
  npm run catalog -- export              print the table's items as JSON
Options: --table NAME --region REGION (a real DynamoDB table; default: the running local gateway's)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { table: { type: 'string' }, region: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});

function connect(): { client: DynamoDBDocumentClient; table: string } {
  if (values.table) {
    return { client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: values.region })), table: values.table };
  }
  const running = readRunningInfo(settingsFromEnv().dataDir);
  if (!running) {
    throw new Error('No local gateway is running (start it with `npm start`), and no --table was given.');
  }
  const local = new DynamoDBClient({ endpoint: running.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return { client: DynamoDBDocumentClient.from(local), table: running.tables.catalog! };
}

/** Prints every problem with its item key; true when there were none. */
function report(items: CatalogItem[], source: string): boolean {
  const { catalog, problems } = validateCatalog(items);
  for (const problem of problems) console.error(describeProblem(problem));
  const programs = catalog.programs.map((p) => `${p.name} (${p.keyword} on ${p.shortCode})`).join(', ') || 'none';
  console.error(`${source}: ${items.length} item(s), ${problems.length} problem(s); valid programs: ${programs}`);
  return problems.length === 0;
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
      if (!report(items, file)) {
        console.error('Nothing imported: fix the problems above first.');
        return 1;
      }
      const { client, table } = connect();
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

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
