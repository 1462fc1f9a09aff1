import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConsentEvent, Conversation, OutboundMessage, PhoneRecord, Subscription } from '../domain/audience';
import { newConversation, outboxEntries } from '../domain/audience';
import { pendingDelivery } from './dynamo-deliveries';
import { zoneOf } from '../domain/lunch';
import type { CompletedReferral, InboundText, Outcome } from '../domain/conversation';
import type { DomainEvent } from '../domain/events';
import { maskPhonesIn } from '../domain/phone-masking';
import { ConflictError, type ConversationStore } from '../domain/ports';
import { audienceKeys, expiresAt, STATE_PREFIX } from './audience-keys';
import { conditionHeld } from './conditional-writes';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** Put guarded by the optimistic version: a new item must not exist, a stored one must be unchanged. */
function versionedPut(tableName: string, key: Record<string, string>, item: { version: number; type: string }): TransactItem {
  const Item = { ...item, ...key, version: item.version + 1 };
  return item.version === 0
    ? { Put: { TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' } }
    : {
        Put: {
          TableName: tableName,
          Item,
          ConditionExpression: '#version = :version',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':version': item.version },
        },
      };
}

function consentPut(tableName: string, event: ConsentEvent): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: { ...audienceKeys.consent(event.phone, event.at, event.programId, event.action), type: 'consent', ...event },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

function stripKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, type: _type, zoneKey: _zoneKey, ...rest } = item;
  return rest as T;
}

export class DynamoConversationStore implements ConversationStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(phone: string): Promise<Conversation> {
    const conversation = newConversation(phone);
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :state)',
          ExpressionAttributeValues: { ':pk': audienceKeys.partition(phone), ':state': STATE_PREFIX },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.type === 'phone') conversation.phone = stripKeys<PhoneRecord>(item);
        if (item.type === 'subscription') conversation.subscriptions.push(stripKeys<Subscription>(item));
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return conversation;
  }

  async handled(phone: string, messageSid: string): Promise<Pick<Outcome, 'kind' | 'replies' | 'events' | 'referral'> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: audienceKeys.message(phone, messageSid), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      kind: Item.outcome as Outcome['kind'],
      replies: (Item.replies as OutboundMessage[] | undefined) ?? [],
      events: (Item.events as DomainEvent[] | undefined) ?? [],
      ...(Item.referral ? { referral: Item.referral as CompletedReferral } : {}),
    };
  }

  async referralOwner(code: string): Promise<{ phone: string; programId: string } | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: audienceKeys.referral(code) }));
    return Item ? { phone: Item.phone as string, programId: Item.programId as string } : undefined;
  }

  async commit(inbound: InboundText, outcome: Outcome): Promise<void> {
    const table = this.tableName;
    const items: TransactItem[] = [
      ...outcome.subscriptions.map((s) =>
        versionedPut(table, audienceKeys.subscription(s.phone, s.programId), {
          ...s,
          type: 'subscription',
          // Files live subscriptions in the byZone index the lunch fan-out reads; opted-out ones drop out.
          ...(s.status === 'subscribed' ? { zoneKey: audienceKeys.zoneKey(s.programId, zoneOf(s), s.phone) } : {}),
        }),
      ),
      ...(outcome.phone ? [versionedPut(table, audienceKeys.phone(outcome.phone.phone), { ...outcome.phone, type: 'phone' })] : []),
      ...outcome.consentEvents.map((event) => consentPut(table, event)),
      // A referral code is unique: a clash cancels the commit and the retry draws another.
      ...(outcome.referralCodes ?? []).map(({ code, phone, programId }) => ({
        Put: { TableName: table, Item: { ...audienceKeys.referral(code), type: 'referral', code, phone, programId }, ConditionExpression: 'attribute_not_exists(pk)' },
      })),
      // The replies' outbox rows: committed with the decision, so a crash before they reach the queue
      // leaves a record of what still has to go out.
      ...outboxEntries(inbound.messageSid, outcome.replies).map((entry) => pendingDelivery(table, entry, inbound.receivedAt)),
      {
        Put: {
          TableName: table,
          Item: {
            ...audienceKeys.message(inbound.from, inbound.messageSid),
            type: 'message',
            direction: 'in',
            from: inbound.from,
            to: inbound.to,
            body: inbound.body,
            at: inbound.receivedAt,
            outcome: outcome.kind,
            ...(outcome.limitedBy ? { limitedBy: outcome.limitedBy } : {}),
            replies: outcome.replies,
            events: outcome.events,
            ...(outcome.referral ? { referral: outcome.referral } : {}),
            expiresAt: expiresAt(inbound.receivedAt),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
    await this.transact(items);
  }

  async recordOptOuts(events: ConsentEvent[]): Promise<void> {
    if (events.length === 0) return;
    const items: TransactItem[] = events.flatMap((event) => [
      consentPut(this.tableName, event),
      {
        Update: {
          TableName: this.tableName,
          Key: audienceKeys.subscription(event.phone, event.programId),
          UpdateExpression: 'SET #status = :optedOut, optedOutAt = :at, #version = #version + :one REMOVE pendingQuestion, zoneKey',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: { ':optedOut': 'opted-out', ':at': event.at, ':one': 1 },
        },
      },
    ]);
    await this.transact(items);
  }

  private async transact(items: TransactItem[]): Promise<void> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        // DynamoDB may echo keys (PHONE#+1…) in its messages: an error must never carry a whole number.
        throw new ConflictError(`conversation changed concurrently: ${maskPhonesIn(error.message)}`);
      }
      throw error;
    }
  }
}
