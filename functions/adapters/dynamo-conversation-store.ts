import { TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConsentEvent, Conversation, OutboundMessage, ParkedPurchase, PhoneRecord, Placeholder, Subscription } from '../domain/audience';
import { newConversation, PARKED_KEPT_DAYS } from '../domain/audience';
import type { SweepstakesEntrant } from '../domain/sweepstakes';
import { zoneOf } from '../domain/lunch';
import type { CompletedReferral, EarnedReward, InboundText, Outcome } from '../domain/conversation';
import type { DomainEvent } from '../domain/events';
import { maskPhonesIn } from '../domain/phone-masking';
import { ConflictError, type ConversationStore, type HandledText, type ParkingSpot } from '../domain/ports';
import { audienceKeys, CONSENT_PREFIX, expiresAt, STATE_PREFIX } from './audience-keys';
import { coalesce } from './coalesce';
import { itemsUnder } from './partition-items';
import { conditionHeld } from './conditional-writes';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/**
 * The item at a subscription's key while only purchases wait there: never a subscription (its own
 * type, no zoneKey so never in byZone), and gone by TTL a while after its last purchase's wait.
 */
const PLACEHOLDER_TYPE = 'parked-purchases';

/** A number's entries into one sweepstakes (its day's count), on its own partition. */
const ENTRANT_TYPE = 'sweepstakes-entrant';

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

function sweepstakesEntryPuts(tableName: string, { entry, entrant }: NonNullable<Outcome['entry']>): TransactItem[] {
  return [
    versionedPut(tableName, audienceKeys.sweepstakesEntrant(entrant.phone, entrant.programId, entrant.sweepstakesId), { ...entrant, type: ENTRANT_TYPE }),
    {
      Put: {
        TableName: tableName,
        Item: { ...audienceKeys.sweepstakesEntry(entry.programId, entry.sweepstakesId, entry.enteredAt, entry.messageSid), type: 'sweepstakes-entry', ...entry },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
}

function stripKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, type: _type, zoneKey: _zoneKey, ...rest } = item;
  return rest as T;
}

/**
 * The referrer's friends are DynamoDB string sets on the item (so adding one is idempotent): lists of
 * numbers on a Subscription. A set is never empty in DynamoDB, so an empty list is left out.
 */
const FRIEND_SETS = ['referredFriends', 'rewardedFriends'] as const;

export function subscriptionFrom(item: Record<string, unknown>): Subscription {
  const subscription = stripKeys<Subscription>(item);
  for (const name of FRIEND_SETS) {
    const stored = item[name];
    if (stored instanceof Set) subscription[name] = [...(stored as Set<string>)].sort();
  }
  return subscription;
}

function withFriendSets(subscription: Subscription): Record<string, unknown> {
  const item: Record<string, unknown> = { ...subscription };
  for (const name of FRIEND_SETS) {
    const friends = subscription[name];
    if (friends?.length) item[name] = new Set(friends);
    else delete item[name];
  }
  return item;
}

/**
 * The turn's events as its inbound log item keeps them: what the text itself gives (an id of the form
 * `<MessageSid>:<type>:<programId>`, its time, its sender in `phone`) is left out, so a KRUSTY's item stays
 * within one write unit; `eventsFromItem` puts it back. An event of any other form is kept whole.
 */
export function storedEvents(events: DomainEvent[], inbound: { messageSid: string; from: string; receivedAt: string }): Record<string, unknown>[] {
  return events.map((event) => {
    const { phone, ...rest } = event.detail;
    const derived = event.id === `${inbound.messageSid}:${event.type}:${String(event.detail.programId)}` && event.at === inbound.receivedAt && phone === inbound.from;
    return derived ? { type: event.type, detail: rest } : { ...event, whole: true };
  });
}

/** The events a stored inbound log item holds, as they were published. */
export function eventsFromItem(item: Record<string, unknown>): DomainEvent[] {
  const stored = (item.events as Record<string, unknown>[] | undefined) ?? [];
  const messageSid = String(item.sk).slice('MSG#'.length);
  return stored.map((event) => {
    if (event.whole) {
      const { whole: _whole, ...published } = event;
      return published as unknown as DomainEvent;
    }
    const detail = event.detail as Record<string, unknown>;
    const type = event.type as DomainEvent['type'];
    return { type, id: `${messageSid}:${type}:${String(detail.programId)}`, at: item.at as string, detail: { phone: item.from, ...detail } };
  });
}

/**
 * The inbound log item a refused commit found (the MessageSid was committed before), as what that text
 * produced; undefined when the refusal was anything else (another item's condition: a concurrent change).
 */
function earlierHandling(error: unknown, handledIndex: number): HandledText | undefined {
  const name = (error as Error).name;
  const raw =
    name === 'ConditionalCheckFailedException' ? (error as { Item?: Record<string, AttributeValue> }).Item
    : error instanceof TransactionCanceledException && error.CancellationReasons?.[handledIndex]?.Code === 'ConditionalCheckFailed' ? error.CancellationReasons[handledIndex]!.Item
    : undefined;
  if (!raw) return undefined;
  const item = unmarshall(raw);
  return {
    kind: item.outcome as Outcome['kind'],
    replies: (item.replies as OutboundMessage[] | undefined) ?? [],
    events: eventsFromItem(item),
    ...(item.referral ? { referral: item.referral as CompletedReferral } : {}),
    ...(item.parked ? { parked: item.parked as ParkedPurchase[] } : {}),
    ...(item.rewards ? { rewards: item.rewards as EarnedReward[] } : {}),
  };
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
        if (item.type === 'subscription') conversation.subscriptions.push(subscriptionFrom(item));
        if (item.type === PLACEHOLDER_TYPE) {
          const { programId, parked, version } = item as Placeholder;
          (conversation.placeholders ??= []).push({ programId, parked, version });
        }
        if (item.type === ENTRANT_TYPE) (conversation.entrants ??= []).push(stripKeys<SweepstakesEntrant>(item));
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return conversation;
  }

  async recordPurchase(phone: string, programId: string, at: string): Promise<void> {
    await conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: audienceKeys.subscription(phone, programId),
          UpdateExpression: 'SET lastPurchaseAt = :at, #version = #version + :one',
          // Only a subscription, and only forward: a retry or a late event changes nothing.
          ConditionExpression: '#type = :subscription AND (attribute_not_exists(lastPurchaseAt) OR lastPurchaseAt < :at)',
          ExpressionAttributeNames: { '#type': 'type', '#version': 'version' },
          ExpressionAttributeValues: { ':at': at, ':one': 1, ':subscription': 'subscription' },
        }),
      ),
    );
  }

  /** One program's subscription of a number, strongly consistent; undefined when there is none. */
  async subscription(phone: string, programId: string): Promise<Subscription | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: audienceKeys.subscription(phone, programId), ConsistentRead: true }));
    return Item?.type === 'subscription' ? subscriptionFrom(Item) : undefined;
  }

  /**
   * Several subscriptions in one BatchGetItem (strongly consistent, 100 keys at most), in the order
   * asked; undefined where there is none. Keys DynamoDB leaves unprocessed (throttling) are asked
   * again after a short pause, a few times, before giving up with an error.
   */
  async subscriptions(wanted: { phone: string; programId: string }[]): Promise<(Subscription | undefined)[]> {
    const id = (key: { pk: string; sk: string }) => `${key.pk}\n${key.sk}`;
    const keys = wanted.map(({ phone, programId }) => audienceKeys.subscription(phone, programId));
    const found = new Map<string, Subscription>();
    let asking: Record<string, unknown>[] = [...new Map(keys.map((key) => [id(key), key])).values()];
    for (let attempt = 0; asking.length > 0; attempt += 1) {
      if (attempt === 4) throw new Error(`${asking.length} subscription read(s) left unprocessed by DynamoDB after ${attempt} attempts`);
      if (attempt > 0) await new Promise((ok) => setTimeout(ok, 50 * 2 ** attempt));
      const answer = await this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: asking, ConsistentRead: true } } }));
      for (const item of answer.Responses?.[this.tableName] ?? []) {
        if (item.type === 'subscription') found.set(id(item as { pk: string; sk: string }), subscriptionFrom(item));
      }
      asking = answer.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return keys.map((key) => found.get(id(key)));
  }

  async referralOwner(code: string): Promise<{ phone: string; programId: string } | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: audienceKeys.referral(code) }));
    return Item ? { phone: Item.phone as string, programId: Item.programId as string } : undefined;
  }

  async commit(inbound: InboundText, outcome: Outcome): Promise<{ committed: true } | { committed: false; earlier: HandledText }> {
    const table = this.tableName;
    // Consent events go on the ledger of the subscription they change (written anyway); one without a
    // subscription written in this commit gets a ledger item of its own.
    const onLedgers = new Set<ConsentEvent>();
    const items: TransactItem[] = [
      ...outcome.subscriptions.map((s) => {
        const consent = outcome.consentEvents.filter((event) => event.programId === s.programId && event.phone === s.phone);
        for (const event of consent) onLedgers.add(event);
        const consentLog = [...(s.consentLog ?? []), ...consent];
        return versionedPut(table, audienceKeys.subscription(s.phone, s.programId), {
          ...withFriendSets(s),
          version: s.version,
          type: 'subscription',
          ...(consentLog.length > 0 ? { consentLog } : {}),
          // Files live subscriptions in the byZone index the lunch fan-out reads; opted-out ones drop out.
          ...(s.status === 'subscribed' ? { zoneKey: audienceKeys.zoneKey(s.programId, zoneOf(s), s.phone) } : {}),
        });
      }),
      ...(outcome.phone ? [versionedPut(table, audienceKeys.phone(outcome.phone.phone), { ...outcome.phone, type: 'phone' })] : []),
      ...outcome.consentEvents.filter((event) => !onLedgers.has(event)).map((event) => consentPut(table, event)),
      // A sweepstakes entry and the entrant's day count, in the same commit as the inbound log item:
      // a redelivered text is refused by that item's condition and enters nobody twice.
      ...(outcome.entry ? sweepstakesEntryPuts(table, outcome.entry) : []),
      // A referral code is unique: a clash cancels the commit and the retry draws another.
      ...(outcome.referralCodes ?? []).map(({ code, phone, programId }) => ({
        Put: { TableName: table, Item: { ...audienceKeys.referral(code), type: 'referral', code, phone, programId }, ConditionExpression: 'attribute_not_exists(pk)' },
      })),
    ];
    // The inbound log item, keyed by MessageSid: its condition is what tells a redelivery from a first
    // delivery. Refused, it answers with the stored item (ALL_OLD), i.e. what that text produced. Its
    // replies are the turn's outbox: each message's own record is created by the sender's claim, so a
    // reply committed here and never claimed is one whose record is missing (see DynamoDeliveries.unsent).
    const handled = {
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
        events: storedEvents(outcome.events, inbound),
        ...(outcome.referral ? { referral: outcome.referral } : {}),
        // The purchases this text follows up: a redelivery follows them up from here (each once).
        ...(outcome.parked ? { parked: outcome.parked } : {}),
        // The coupons profile answers earned: a redelivery issues them from here (each once).
        ...(outcome.rewards ? { rewards: outcome.rewards } : {}),
        expiresAt: expiresAt(inbound.receivedAt),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
    try {
      // One item (a text that changes nothing else): a plain conditional Put, at half a transaction's cost.
      if (items.length === 0) await this.client.send(new PutCommand(handled));
      else await this.client.send(new TransactWriteCommand({ TransactItems: [...items, { Put: handled }] }));
      return { committed: true };
    } catch (error) {
      const earlier = earlierHandling(error, items.length);
      if (earlier) return { committed: false, earlier };
      if (error instanceof TransactionCanceledException) {
        // DynamoDB may echo keys (PHONE#+1…) in its messages: an error must never carry a whole number.
        throw new ConflictError(`conversation changed concurrently: ${maskPhonesIn(error.message)}`);
      }
      throw error;
    }
  }

  /**
   * One write per spot, conditional on the key being as the purchase loaded it: a subscription that is
   * not live gets its `parked` list rewritten (nothing else of it changes but its version); a
   * placeholder is put whole (created, or replaced at its version), expiring with its purchases.
   */
  async park(phone: string, spots: ParkingSpot[]): Promise<boolean> {
    const held = await Promise.all(spots.map((spot) => conditionHeld(spot.holder === 'subscription' ? this.parkOnSubscription(phone, spot) : this.parkOnPlaceholder(phone, spot))));
    return held.every(Boolean);
  }

  private parkOnSubscription(phone: string, spot: ParkingSpot): Promise<unknown> {
    return this.client.send(new UpdateCommand({
      TableName: this.tableName,
      Key: audienceKeys.subscription(phone, spot.programId),
      UpdateExpression: 'SET parked = :parked, #version = :next',
      ConditionExpression: '#type = :subscription AND #version = :version',
      ExpressionAttributeNames: { '#type': 'type', '#version': 'version' },
      ExpressionAttributeValues: { ':parked': spot.parked, ':next': spot.version + 1, ':subscription': 'subscription', ':version': spot.version },
    }));
  }

  private parkOnPlaceholder(phone: string, spot: ParkingSpot): Promise<unknown> {
    const lastWait = spot.parked.map((p) => p.until).sort().at(-1)!;
    const Item = {
      ...audienceKeys.subscription(phone, spot.programId),
      type: PLACEHOLDER_TYPE,
      phone,
      programId: spot.programId,
      parked: spot.parked,
      version: spot.version + 1,
      expiresAt: expiresAt(lastWait, PARKED_KEPT_DAYS),
    };
    return this.client.send(new PutCommand(
      spot.version === 0
        ? { TableName: this.tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            TableName: this.tableName,
            Item,
            ConditionExpression: '#type = :placeholder AND #version = :version',
            ExpressionAttributeNames: { '#type': 'type', '#version': 'version' },
            ExpressionAttributeValues: { ':placeholder': PLACEHOLDER_TYPE, ':version': spot.version },
          },
    ));
  }

  /**
   * The friend goes into the referrer's set with ADD, only when not there yet: a repeat writes nothing.
   * A first one moves the version, so a conversation decided from the subscription before it (whose
   * commit puts the whole item) is decided again, seeing the friend, instead of writing over it.
   */
  async countReferral(referral: { referrerPhone: string; programId: string; friendPhone: string }, what: 'joined' | 'rewarded'): Promise<void> {
    await conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: audienceKeys.subscription(referral.referrerPhone, referral.programId),
          UpdateExpression: 'ADD #friends :friend, #version :one',
          ConditionExpression: '#type = :subscription AND NOT contains(#friends, :phone)',
          ExpressionAttributeNames: { '#friends': what === 'joined' ? 'referredFriends' : 'rewardedFriends', '#type': 'type', '#version': 'version' },
          ExpressionAttributeValues: { ':friend': new Set([referral.friendPhone]), ':phone': referral.friendPhone, ':one': 1, ':subscription': 'subscription' },
        }),
      ),
    );
  }

  /** Each opt-out ends its subscription and goes on its ledger, in one update each (several: one transaction). */
  async recordOptOuts(events: ConsentEvent[]): Promise<void> {
    if (events.length === 0) return;
    const updates = events.map((event) => ({
      TableName: this.tableName,
      Key: audienceKeys.subscription(event.phone, event.programId),
      UpdateExpression: 'SET #status = :optedOut, optedOutAt = :at, #version = #version + :one, consentLog = list_append(if_not_exists(consentLog, :none), :event) REMOVE pendingQuestion, zoneKey',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
      ExpressionAttributeValues: { ':optedOut': 'opted-out', ':at': event.at, ':one': 1, ':none': [], ':event': [event] },
    }));
    if (updates.length > 1) return this.transact(updates.map((Update) => ({ Update })));
    try {
      await this.client.send(new UpdateCommand(updates[0]!));
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') throw new ConflictError('conversation changed concurrently: the subscription is gone');
      throw error;
    }
  }

  /**
   * Every opt-in and opt-out of a number, oldest first: the ledgers on its subscriptions, and the
   * ledger items of consent events that had no subscription to go on.
   */
  async consentLedger(phone: string): Promise<ConsentEvent[]> {
    const [conversation, items] = await Promise.all([this.load(phone), itemsUnder(this.client, this.tableName, phone, CONSENT_PREFIX)]);
    const events = [...conversation.subscriptions.flatMap((s) => s.consentLog ?? []), ...items.map((item) => stripKeys<ConsentEvent>(item))];
    return events.sort((a, b) => a.at.localeCompare(b.at) || (a.action === b.action ? 0 : a.action === 'opt-in' ? -1 : 1));
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

/** BatchGetItem takes at most this many keys. */
const BATCH_GET_LIMIT = 100;
/**
 * How long a subscription read waits for the batch's others: each follows its message's own claim,
 * and those answer a few milliseconds apart. Short beside the carrier call that follows (~250 ms).
 */
const READ_WINDOW_MS = 10;

/**
 * The conversation store as the sender uses it in one batch: one program's subscription reads that
 * its messages make side by side (one per recipient, right after each one's claim) go to DynamoDB as
 * one BatchGetItem instead of a request each; the same consistent reads, the same capacity.
 */
export function readingTogether(store: DynamoConversationStore): Pick<ConversationStore, 'load' | 'recordOptOuts' | 'subscription'> {
  const read = coalesce(
    (keys: { phone: string; programId: string }[]) =>
      keys.length === 1 ? store.subscription(keys[0]!.phone, keys[0]!.programId).then((one) => [one]) : store.subscriptions(keys),
    BATCH_GET_LIMIT,
    READ_WINDOW_MS,
  );
  return {
    load: (phone) => store.load(phone),
    recordOptOuts: (events) => store.recordOptOuts(events),
    subscription: (phone, programId) => read({ phone, programId }),
  };
}
