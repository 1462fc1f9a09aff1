import { BatchGetCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConsentEvent, Subscription } from '../domain/audience';
import type { Coupon } from '../domain/coupons';
import { threadOf, type InboundRecord, type OutboundRecord, type ThreadMessage, type TurnSendRecord } from '../domain/subscriber-view';
import { audienceKeys, CONSENT_PREFIX, MESSAGE_PREFIX, OFFER_PREFIX, OUTBOUND_PREFIX, SUBSCRIPTION_PREFIX, TURN_PREFIX } from './audience-keys';
import { subscriptionFrom } from './dynamo-conversation-store';
import { everyItemOfPartition, itemsOfPartition } from './partition-items';

type Item = Record<string, unknown>;

/** Scan requests one page of the list may take at most (each reads up to 1 MB): a page stays one quick request. */
const SCAN_PAGES_PER_REQUEST = 5;
/** Subscriptions a page aims for; it ends sooner when the scans above found fewer. */
const PAGE_TARGET = 25;
/** Scanned items per Scan request: few enough that a page of the list comes back quickly. */
const SCAN_LIMIT = 400;

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The message items of a number's partition (MSG#…), as the records the thread is made of. */
export function messageRecords(items: Item[]): { inbound: InboundRecord[]; turns: Map<string, Record<string, TurnSendRecord>>; outbound: OutboundRecord[] } {
  const inbound: InboundRecord[] = [];
  const turns = new Map<string, Record<string, TurnSendRecord>>();
  const outbound: OutboundRecord[] = [];
  for (const item of items) {
    const sk = String(item.sk);
    if (sk.startsWith(TURN_PREFIX)) {
      turns.set(sk.slice(TURN_PREFIX.length), (item.sends ?? {}) as Record<string, TurnSendRecord>);
    } else if (sk.startsWith(OUTBOUND_PREFIX)) {
      outbound.push({
        id: text(item.deliveryId) ?? sk.slice(OUTBOUND_PREFIX.length),
        body: text(item.body) ?? '',
        ...(Array.isArray(item.mediaUrl) ? { mediaUrl: item.mediaUrl as string[] } : {}),
        ...(text(item.purpose) ? { purpose: text(item.purpose) } : {}),
        ...(text(item.createdAt) ? { createdAt: text(item.createdAt) } : {}),
        ...(text(item.sentAt) ? { sentAt: text(item.sentAt) } : {}),
        ...(text(item.finishedAt) ? { finishedAt: text(item.finishedAt) } : {}),
        status: text(item.status) ?? 'pending',
        ...(text(item.carrierStatus) ? { carrierStatus: text(item.carrierStatus) } : {}),
        ...(text(item.sid) ? { sid: text(item.sid) } : {}),
        ...(text(item.reason) ? { reason: text(item.reason) } : {}),
      });
    } else if (item.direction === 'in') {
      inbound.push({
        messageSid: sk.slice(MESSAGE_PREFIX.length),
        at: text(item.at) ?? '',
        body: text(item.body) ?? '',
        replies: Array.isArray(item.replies) ? (item.replies as InboundRecord['replies']) : [],
      });
    }
  }
  return { inbound, turns, outbound };
}

/**
 * What the console reads of the audience table, read-only: a page of subscriptions (a Scan, as a
 * marketer's listing; the conversation never scans), one number's partition, its thread.
 */
export class DynamoSubscriberReads {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Subscriptions from where `start` left off (undefined: the beginning); `next` is where the next page starts, if any. */
  async page(start: Item | undefined): Promise<{ subscriptions: Subscription[]; next?: Item }> {
    const subscriptions: Subscription[] = [];
    let next = start;
    for (let read = 0; read < SCAN_PAGES_PER_REQUEST; read += 1) {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'begins_with(sk, :subscription) AND #type = :type',
          ExpressionAttributeNames: { '#type': 'type', '#status': 'status' },
          ExpressionAttributeValues: { ':subscription': SUBSCRIPTION_PREFIX, ':type': 'subscription' },
          ProjectionExpression: 'pk, sk, #type, phone, programId, #status, subscribedAt, optedOutAt, joinedWith',
          Limit: SCAN_LIMIT,
          ...(next ? { ExclusiveStartKey: next } : {}),
        }),
      );
      subscriptions.push(...(page.Items ?? []).map((item) => item as unknown as Subscription));
      next = page.LastEvaluatedKey;
      if (!next || subscriptions.length >= PAGE_TARGET) break;
    }
    return { subscriptions, ...(next ? { next } : {}) };
  }

  /** Everything of one number: its subscriptions, consent ledger, messages and coupons (with their redemption). */
  async subscriber(phone: string): Promise<{ subscriptions: Subscription[]; consent: ConsentEvent[]; messages: ThreadMessage[]; coupons: Coupon[] }> {
    const items = await everyItemOfPartition(this.client, this.tableName, audienceKeys.partition(phone));
    const subscriptions = items.filter((item) => String(item.sk).startsWith(SUBSCRIPTION_PREFIX) && item.type === 'subscription').map(subscriptionFrom);
    const consent = [
      ...subscriptions.flatMap((subscription) => subscription.consentLog ?? []),
      ...items.filter((item) => String(item.sk).startsWith(CONSENT_PREFIX)).map(({ pk: _pk, sk: _sk, type: _type, ...event }) => event as unknown as ConsentEvent),
    ];
    const messages = threadOf(messageRecords(items.filter((item) => String(item.sk).startsWith(MESSAGE_PREFIX))));
    const codes = [...new Set(items.filter((item) => String(item.sk).startsWith(OFFER_PREFIX) && typeof item.code === 'string').map((item) => item.code as string))];
    return { subscriptions: subscriptions.map(({ consentLog: _log, ...rest }) => rest as Subscription), consent, messages, coupons: await this.coupons(codes) };
  }

  /** The thread of one number, oldest first. */
  async thread(phone: string): Promise<ThreadMessage[]> {
    return threadOf(messageRecords(await itemsOfPartition(this.client, this.tableName, audienceKeys.partition(phone), MESSAGE_PREFIX)));
  }

  /** Coupons by code, 100 keys a BatchGetItem (what it takes at most), unprocessed keys asked again. */
  private async coupons(codes: string[]): Promise<Coupon[]> {
    const found: Coupon[] = [];
    for (let index = 0; index < codes.length; index += 100) {
      let keys: Item[] | undefined = codes.slice(index, index + 100).map((code) => audienceKeys.coupon(code));
      while (keys?.length) {
        const answer = await this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }));
        found.push(...(answer.Responses?.[this.tableName] ?? []).map(({ pk: _pk, sk: _sk, type: _type, expiresAt: _expires, ...coupon }) => coupon as unknown as Coupon));
        keys = answer.UnprocessedKeys?.[this.tableName]?.Keys as Item[] | undefined;
      }
    }
    return found;
  }
}
