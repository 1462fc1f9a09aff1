import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { scanCatalogItems } from '../functions/adapters/catalog-scan';
import { validateCatalog, type CatalogProblem } from '../functions/domain/catalog';

export const DEMO_CATALOG_FILE = resolve(__dirname, '..', 'catalog', 'demo.json');

export type CatalogItem = Record<string, unknown>;

export function readCatalogFile(file: string): CatalogItem[] {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected a JSON array of catalog items`);
  return parsed as CatalogItem[];
}

export function describeProblem(problem: CatalogProblem): string {
  return `${problem.key}: ${problem.field}: ${problem.reason}`;
}

/** Writes items as they are (25 per batch, unprocessed ones retried). Validation is the caller's call. */
export async function writeCatalogItems(client: DynamoDBDocumentClient, tableName: string, allItems: CatalogItem[]): Promise<void> {
  // A batch may not name one key twice; as in a file edited top to bottom, the last one wins.
  const items = [...new Map(allItems.map((item) => [`${String(item.pk)}|${String(item.sk)}`, item])).values()];
  for (let start = 0; start < items.length; start += 25) {
    let requests = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt += 1) {
      if (attempt > 5) throw new Error('DynamoDB kept items unprocessed; try again');
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (result.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      if (requests.length > 0) await new Promise((ok) => setTimeout(ok, 100 * 2 ** attempt));
    }
  }
}

export async function validateTable(client: DynamoDBDocumentClient, tableName: string): Promise<CatalogProblem[]> {
  return validateCatalog(await scanCatalogItems(client, tableName)).problems;
}
