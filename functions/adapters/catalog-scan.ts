import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { scanAll } from './partition-items';

/** Every catalog item; the catalog is small enough to read whole. */
export function scanCatalogItems(client: DynamoDBDocumentClient, tableName: string): Promise<Record<string, unknown>[]> {
  return scanAll(client, { TableName: tableName });
}
