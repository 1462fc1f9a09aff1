import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
    const { countsOn, ...recorded } = order;
    const put = {
      TableName: this.tableName,
      Item: { ...audienceKeys.order(order.orderId), type: 'order', ...recorded, expiresAt: expiresAt(order.at, 400) },
      ConditionExpression: 'attribute_not_exists(pk)',
    };
    // Recorded by an earlier attempt of the same order: nothing to do.
    if (!countsOn) {
      await conditionHeld(this.client.send(new PutCommand(put)));
      return;
    }
    // The order and the buyer's count and revenue in one write: a retry finds the order and adds nothing.
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: put },
            {
              Update: {
                TableName: this.tableName,
                Key: audienceKeys.subscription(countsOn.phone, countsOn.programId),
                UpdateExpression: 'ADD orders :one, revenue :total',
                ConditionExpression: '#type = :subscription',
                ExpressionAttributeNames: { '#type': 'type' },
                ExpressionAttributeValues: { ':one': 1, ':total': order.total, ':subscription': 'subscription' },
              },
            },
          ],
        }),
      );
    } catch (error) {
      const [order, subscription] = cancellationCodes(error);
      // Recorded before (a retry): done. No subscription item to count on any more: the order alone.
      if (order === 'ConditionalCheckFailed') return;
      if (subscription === 'ConditionalCheckFailed') await conditionHeld(this.client.send(new PutCommand(put)));
      else throw error;
    }
  }
}

/** The code of each action of a cancelled transaction ('None' where it held); empty for any other error. */
function cancellationCodes(error: unknown): (string | undefined)[] {
  if ((error as Error).name !== 'TransactionCanceledException') return [];
  return ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((reason) => reason.Code);
}
