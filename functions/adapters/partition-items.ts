import { QueryCommand, ScanCommand, type DynamoDBDocumentClient, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { audienceKeys } from './audience-keys';

type Page = { Items?: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> };

/** Every item a paged read returns, page after page, each page asked for from where the last stopped. */
async function allPages(read: (start: Record<string, unknown> | undefined) => Promise<Page>): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await read(start);
    found.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return found;
}

/**
 * Every item of one partition whose sort key starts with `prefix` (strongly consistent unless told
 * otherwise; `projection`: only these attributes).
 */
export function itemsOfPartition(
  client: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  prefix: string,
  options: { projection?: string; consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  return allPages((ExclusiveStartKey) =>
    client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ...(options.projection ? { ProjectionExpression: options.projection } : {}),
        ConsistentRead: options.consistent ?? true,
        ExclusiveStartKey,
      }),
    ),
  );
}

/** Every item of one number's partition whose sort key starts with `prefix`. */
export function itemsUnder(
  client: DynamoDBDocumentClient,
  tableName: string,
  phone: string,
  prefix: string,
  options: { projection?: string; consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  return itemsOfPartition(client, tableName, audienceKeys.partition(phone), prefix, options);
}

/** Every item a Scan finds (for small tables, or a marketer's whole-audience report). */
export function scanAll(client: DynamoDBDocumentClient, input: Omit<ScanCommandInput, 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> {
  return allPages((ExclusiveStartKey) => client.send(new ScanCommand({ ...input, ExclusiveStartKey })));
}

/** Every item of one partition, strongly consistent (a number's whole record, as the console shows it). */
export function everyItemOfPartition(client: DynamoDBDocumentClient, tableName: string, pk: string): Promise<Record<string, unknown>[]> {
  return allPages((ExclusiveStartKey) =>
    client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true, ExclusiveStartKey })),
  );
}
