import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Subscription } from '../domain/audience';
import type { AudienceIndex } from '../domain/ports';
import { audienceKeys } from './audience-keys';

/** Pages through the sparse byZone index: live subscriptions of one program in one zone. */
export class DynamoAudienceIndex implements AudienceIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async subscribersInZone(programId: string, zone: string, limit: number, after?: string): Promise<{ subscriptions: Subscription[]; next?: string }> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byZone',
        KeyConditionExpression: 'zoneKey = :zone',
        ExpressionAttributeValues: { ':zone': audienceKeys.zoneKey(programId, zone) },
        Limit: limit,
        ...(after ? { ExclusiveStartKey: JSON.parse(after) as Record<string, unknown> } : {}),
      }),
    );
    const subscriptions = (page.Items ?? []).map((item) => {
      const { pk: _pk, sk: _sk, type: _type, zoneKey: _zoneKey, ...subscription } = item;
      return subscription as Subscription;
    });
    return { subscriptions, ...(page.LastEvaluatedKey ? { next: JSON.stringify(page.LastEvaluatedKey) } : {}) };
  }
}
