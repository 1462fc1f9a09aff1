import { DeleteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ScheduledSend, ScheduledSends } from '../domain/ports';
import { audienceKeys, expiresAt } from './audience-keys';
import { conditionHeld } from './conditional-writes';

const HOUR_MS = 3_600_000;

/** Sends waiting for their time (quiet hours, follow-ups), in hourly partitions of the audience table. */
export class DynamoScheduledSends implements ScheduledSends {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async schedule(sends: ScheduledSend[]): Promise<void> {
    for (const send of sends) {
      // Already scheduled by an earlier attempt: one is enough.
      await conditionHeld(
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...audienceKeys.scheduledSend(send.dueAt, send.id), type: 'scheduled-send', ...send, expiresAt: expiresAt(send.dueAt, 7) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    }
  }

  async due(now: Date, lookBackHours: number): Promise<ScheduledSend[]> {
    const hours = Array.from({ length: lookBackHours + 1 }, (_, hoursAgo) => new Date(now.getTime() - hoursAgo * HOUR_MS));
    const perHour = await Promise.all(hours.map((hour) => this.dueIn(audienceKeys.dueHour(hour), now)));
    return perHour.reverse().flat();
  }

  private async dueIn(partition: string, now: Date): Promise<ScheduledSend[]> {
    const due: ScheduledSend[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk <= :now',
          ExpressionAttributeValues: { ':pk': partition, ':now': `${now.toISOString()}#~` },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        due.push({ id: item.id as string, dueAt: item.dueAt as string, reason: item.reason as string, message: item.message as ScheduledSend['message'] });
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return due;
  }

  async done(send: ScheduledSend): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: audienceKeys.scheduledSend(send.dueAt, send.id) }));
  }
}
