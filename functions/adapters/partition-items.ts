import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { audienceKeys } from './audience-keys';

/**
 * Every item of one number's partition whose sort key starts with `prefix`, page after page
 * (strongly consistent unless told otherwise; `projection`: only these attributes).
 */
export async function itemsUnder(
  client: DynamoDBDocumentClient,
  tableName: string,
  phone: string,
  prefix: string,
  options: { projection?: string; consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': audienceKeys.partition(phone), ':prefix': prefix },
        ...(options.projection ? { ProjectionExpression: options.projection } : {}),
        ConsistentRead: options.consistent ?? true,
        ExclusiveStartKey,
      }),
    );
    found.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return found;
}
