import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Purchase } from '../domain/handle-purchase';
import type { OrderRecord, OrderStore } from '../domain/ports';
import { audienceKeys, expiresAt, PARKED_PREFIX } from './audience-keys';
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

  async park(purchase: Purchase, until: string): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...audienceKeys.parkedPurchase(purchase.phone, purchase.orderId), type: 'parked-purchase', purchase, until, expiresAt: expiresAt(until, 1) },
      }),
    );
  }

  async parked(phone: string): Promise<{ purchase: Purchase; until: string }[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :parked)',
        ExpressionAttributeValues: { ':pk': audienceKeys.partition(phone), ':parked': PARKED_PREFIX },
        ConsistentRead: true,
      }),
    );
    return Items.map((item) => ({ purchase: item.purchase as Purchase, until: item.until as string })).sort((a, b) => a.until.localeCompare(b.until));
  }

  async unpark(phone: string, orderId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: audienceKeys.parkedPurchase(phone, orderId) }));
  }
}
