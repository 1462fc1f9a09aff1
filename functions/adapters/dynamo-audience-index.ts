import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import type { Subscription } from '../domain/audience';
import type { LunchPage } from '../domain/lunch';
import type { AudienceIndex } from '../domain/ports';
import { zoneChainKey } from './audience-keys';
import { subscriptionFrom } from './dynamo-conversation-store';

/** BatchGetItem takes at most 100 keys. */
const BATCH_GET_LIMIT = 100;
const UNPROCESSED_RETRIES = 8;

/**
 * Pages through the sparse byZone index: live subscriptions of one program in one zone shard.
 * The index holds keys only (so the marketing sends that rewrite a subscription never rewrite the
 * index too); a page's subscriptions are then read whole with one BatchGetItem: two requests a page,
 * and what issuing sees (frequency-cap log, birthday) is the item as it is now.
 */
export class DynamoAudienceIndex implements AudienceIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async subscribersInZone(chain: Pick<LunchPage, 'programId' | 'zone' | 'shard'>, limit: number, after?: string): Promise<{ subscriptions: Subscription[]; next?: string }> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byZone',
        KeyConditionExpression: 'zoneKey = :zone',
        ExpressionAttributeValues: { ':zone': zoneChainKey(chain.programId, chain.zone, chain.shard) },
        Limit: limit,
        ...(after ? { ExclusiveStartKey: JSON.parse(after) as Record<string, unknown> } : {}),
      }),
    );
    const keys = (page.Items ?? []).map((item) => ({ pk: item.pk as string, sk: item.sk as string }));
    const items = await this.read(keys);
    const subscriptions = keys.flatMap(({ pk, sk }) => {
      const item = items.get(`${pk}\n${sk}`);
      // Gone since the index was read (the index trails the table): nothing to issue. Only a
      // subscription is ever filed in the index (a placeholder of parked purchases has no zoneKey).
      if (item?.type !== 'subscription') return [];
      return [subscriptionFrom(item)];
    });
    return { subscriptions, ...(page.LastEvaluatedKey ? { next: JSON.stringify(page.LastEvaluatedKey) } : {}) };
  }

  /** The items behind the keys, by "pk\nsk"; keys DynamoDB leaves unprocessed (throttling) are asked for again. */
  private async read(keys: { pk: string; sk: string }[]): Promise<Map<string, Record<string, NativeAttributeValue>>> {
    const found = new Map<string, Record<string, NativeAttributeValue>>();
    for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
      let pending: Record<string, NativeAttributeValue>[] = keys.slice(start, start + BATCH_GET_LIMIT);
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt > UNPROCESSED_RETRIES) throw new Error(`${pending.length} subscription(s) still unread after ${UNPROCESSED_RETRIES} retries`);
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
        const result = await this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending } } }));
        for (const item of result.Responses?.[this.tableName] ?? []) found.set(`${item.pk}\n${item.sk}`, item);
        pending = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return found;
  }
}
