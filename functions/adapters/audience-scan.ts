import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Subscription } from '../domain/audience';
import { scanAll } from './partition-items';

/** Every subscription of a program, live or not (a paged Scan: a campaign's plan reads the whole audience once). */
export async function programSubscriptions(client: DynamoDBDocumentClient, tableName: string, programId: string): Promise<Subscription[]> {
  const items = await scanAll(client, {
    TableName: tableName,
    FilterExpression: '#type = :subscription AND programId = :program',
    ExpressionAttributeNames: { '#type': 'type' },
    ExpressionAttributeValues: { ':subscription': 'subscription', ':program': programId },
  });
  return items as unknown as Subscription[];
}
