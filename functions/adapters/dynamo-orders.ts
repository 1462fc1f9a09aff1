import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OrderRecord, OrderStore } from '../domain/ports';
import { audienceKeys, expiresAt } from './audience-keys';
import { conditionHeld } from './conditional-writes';

/** One item per POS order id: what makes PurchaseCompleted idempotent. */
export class DynamoOrderStore implements OrderStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async seen(orderId: string): Promise<boolean> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: audienceKeys.order(orderId), ConsistentRead: true }));
    return Item !== undefined;
  }

  async record(order: OrderRecord): Promise<void> {
    // Recorded by an earlier attempt of the same order.
    await conditionHeld(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...audienceKeys.order(order.orderId), type: 'order', ...order, expiresAt: expiresAt(order.at, 400) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }
}
