import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ScheduledSend, ScheduledSends } from '../domain/ports';
import { audienceKeys, expiresAt } from './audience-keys';
import { conditionHeld } from './conditional-writes';

const HOUR_MS = 3_600_000;
/** Where the sweep starts when no cursor was ever written (a table from before the cursor). */
const FIRST_LOOK_BACK_HOURS = 48;
/** Hour partitions read at once. */
const PARALLEL_READS = 24;
/** How long a scheduled send is kept past its due time if nothing releases it. */
const KEEP_DAYS = 30;

const hourOf = (at: Date) => audienceKeys.dueHour(at);

/**
 * Sends waiting for their time (quiet hours, follow-ups), in hourly partitions of the audience table.
 * A cursor item remembers the oldest hour that may still hold a send: the sweep reads from there to
 * now, so nothing is ever too old to be released, and a normal minute reads one or two partitions.
 */
export class DynamoScheduledSends implements ScheduledSends {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async schedule(sends: ScheduledSend[]): Promise<void> {
    if (sends.length === 0) return;
    const currentHour = hourOf(this.now());
    const filed: string[] = [];
    for (const send of sends) {
      const dueHour = hourOf(new Date(send.dueAt));
      const filedUnder = dueHour < currentHour ? currentHour : dueHour;
      filed.push(filedUnder);
      // Already scheduled by an earlier attempt: one is enough.
      await conditionHeld(
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...audienceKeys.scheduledSend(send.dueAt, send.id, filedUnder), type: 'scheduled-send', ...send, filedUnder, expiresAt: expiresAt(send.dueAt, KEEP_DAYS) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    }
    // Filed behind the cursor (the clock was moved back, locally), or the first send ever: the sweep must start there.
    const oldest = filed.sort()[0]!;
    await conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: audienceKeys.dueCursor(),
          UpdateExpression: 'SET #hour = :hour',
          ConditionExpression: 'attribute_not_exists(#hour) OR #hour > :hour',
          ExpressionAttributeNames: { '#hour': 'hour' },
          ExpressionAttributeValues: { ':hour': oldest },
        }),
      ),
    );
  }

  async due(now: Date): Promise<{ sends: ScheduledSend[]; swept(): Promise<void> }> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: audienceKeys.dueCursor(), ConsistentRead: true }));
    const cursor = Item?.hour as string | undefined;
    const currentHour = hourOf(now);
    const hours: string[] = [];
    const from = cursor ? new Date(`${cursor.slice(4)}:00:00.000Z`) : new Date(now.getTime() - FIRST_LOOK_BACK_HOURS * HOUR_MS);
    for (let at = from.getTime(); hourOf(new Date(at)) <= currentHour; at += HOUR_MS) hours.push(hourOf(new Date(at)));
    const sends: ScheduledSend[] = [];
    for (let start = 0; start < hours.length; start += PARALLEL_READS) {
      const perHour = await Promise.all(hours.slice(start, start + PARALLEL_READS).map((hour) => this.dueIn(hour, now)));
      sends.push(...perHour.flat());
    }
    return {
      sends,
      // Everything before this hour was read and (the caller says) released: start here next time,
      // unless a send was filed further back meanwhile.
      swept: async () => {
        await conditionHeld(
          this.client.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: audienceKeys.dueCursor(),
              UpdateExpression: 'SET #hour = :current',
              ConditionExpression: cursor ? '#hour = :read' : 'attribute_not_exists(#hour)',
              ExpressionAttributeNames: { '#hour': 'hour' },
              ExpressionAttributeValues: { ':current': currentHour, ...(cursor ? { ':read': cursor } : {}) },
            }),
          ),
        );
      },
    };
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
        due.push({ id: item.id as string, dueAt: item.dueAt as string, reason: item.reason as string, message: item.message as ScheduledSend['message'], filedUnder: partition });
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return due;
  }

  async done(send: ScheduledSend): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: audienceKeys.scheduledSend(send.dueAt, send.id, send.filedUnder) }));
  }
}
