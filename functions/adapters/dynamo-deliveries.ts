import { TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, ScanCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { outboxEntries, type OutboundMessage } from '../domain/audience';
import { UNSENT_OUTCOMES, type ConsentBasis, type Deliveries, type DeliveryClaim, type DeliveryState, type SentEffects, type SentMessage, type UnsentOutcome } from '../domain/ports';
import { audienceKeys, expiresAt, MESSAGE_PREFIX, OUTBOUND_PREFIX } from './audience-keys';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];
type Next = { id: string; message: OutboundMessage };

/** The life of an outbound message; a SID means the carrier took it, whatever the status says. */
export const DELIVERY_STATUSES = ['pending', 'sending', 'unknown', 'sent', ...UNSENT_OUTCOMES] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Later carrier statuses win; a late "sent" callback never overwrites "delivered". */
export const CARRIER_STATUS_RANK: Record<string, number> = {
  accepted: 1, scheduled: 1, queued: 2, sending: 3, sent: 4, delivered: 5, read: 6, undelivered: 6, failed: 6, canceled: 6,
};

const unsentOutcomes: ReadonlySet<string> = new Set(UNSENT_OUTCOMES);

/** The message as stored on its record: who, what and why, for the log and for a resend after a crash. */
function messageFields(id: string, message: OutboundMessage): Record<string, unknown> {
  return {
    type: 'message',
    direction: 'out',
    deliveryId: id,
    to: message.to,
    from: message.from,
    body: message.body,
    purpose: message.purpose,
    programId: message.programId ?? '-',
    ...(message.mediaUrl?.length ? { mediaUrl: message.mediaUrl } : {}),
    ...(message.survey ? { survey: message.survey } : {}),
    ...(message.notAfter ? { notAfter: message.notAfter } : {}),
    ...(message.turn ? { turn: message.turn } : {}),
  };
}

/** The stored record back into the message it carries. */
export function storedMessage(item: Record<string, unknown>): OutboundMessage {
  return {
    to: item.to as string,
    from: item.from as string,
    body: item.body as string,
    purpose: item.purpose as OutboundMessage['purpose'],
    ...(item.programId && item.programId !== '-' ? { programId: item.programId as string } : {}),
    ...(item.mediaUrl ? { mediaUrl: item.mediaUrl as string[] } : {}),
    ...(item.survey ? { survey: item.survey as { orderId: string } } : {}),
    ...(item.notAfter ? { notAfter: item.notAfter as string } : {}),
    ...(item.turn ? { turn: item.turn as { subscribedAt?: string } } : {}),
  };
}

/** A Put of an outbox row: a message committed to be sent, not yet claimed. Never overwrites a record. */
export function pendingDelivery(tableName: string, entry: Next, at: string): TransactItem {
  const fields = messageFields(entry.id, entry.message);
  return {
    Put: {
      TableName: tableName,
      Item: { ...audienceKeys.outboundMessage(entry.message.to, entry.id), ...fields, status: 'pending', createdAt: at, expiresAt: expiresAt(at) },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/**
 * Outbound message records in the recipient's partition (MSG#OUT#<id>). A claim is a conditional
 * update that answers with the record as it was (ReturnValues / ReturnValuesOnConditionCheckFailure
 * ALL_OLD): one request tells a first send, a retry after doubt, a duplicate and a busy message apart.
 * Claims are leases on the wall clock (never the local runtime's settable clock): a run that dies
 * loses its claim after `leaseMs`, and the next one resolves the doubt it left.
 */
export class DynamoDeliveries implements Deliveries {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly leaseMs = 30_000,
  ) {}

  /**
   * The claim as an update: the record's fields, "sending" and a lease. `any`: whatever a run may take
   * over (a fresh record, one given back, one in doubt, one whose lease ran out); `fresh`: only a record
   * committed and never tried.
   */
  private claimUpdate(id: string, message: OutboundMessage, now: number, takes: 'any' | 'fresh') {
    const at = new Date(now).toISOString();
    const fields = messageFields(id, message);
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {
      ':sending': 'sending', ':pending': 'pending', ':lease': now + this.leaseMs, ':zero': 0, ':one': 1, ':at': at, ':expiresAt': expiresAt(at),
      ...(takes === 'any' ? { ':unknown': 'unknown', ':now': now } : {}),
    };
    const sets = Object.entries(fields).map(([name, value]) => {
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      return `#${name} = :${name}`;
    });
    return {
      TableName: this.tableName,
      Key: audienceKeys.outboundMessage(message.to, id),
      UpdateExpression: `SET ${sets.join(', ')}, #status = :sending, leaseUntil = :lease, attempts = if_not_exists(attempts, :zero) + :one, createdAt = if_not_exists(createdAt, :at), expiresAt = if_not_exists(expiresAt, :expiresAt)`,
      ConditionExpression:
        takes === 'any'
          ? 'attribute_not_exists(pk) OR (attribute_not_exists(sid) AND (#status IN (:pending, :unknown) OR (#status = :sending AND leaseUntil < :now)))'
          : 'attribute_not_exists(pk) OR (attribute_not_exists(sid) AND #status = :pending)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  async claim(id: string, message: OutboundMessage): Promise<DeliveryClaim> {
    const now = Date.now();
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({ ...this.claimUpdate(id, message, now, 'any'), ReturnValues: 'ALL_OLD', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
      );
      // A record left "sending" by a run that died, or "unknown" after no answer: the carrier may have it.
      return { kind: 'claimed', uncertain: Attributes?.status === 'sending' || Attributes?.status === 'unknown', leaseUntil: now + this.leaseMs };
    } catch (error) {
      const old = conditionFailureItem(error);
      if (!old) throw error;
      if (old.sid) {
        // A status callback told us the SID of a send that ended in doubt: the record says so now too.
        if (old.status !== 'sent') await this.settleAsSent(message.to, id);
        return { kind: 'done', outcome: 'sent', next: (old.next as Next[] | undefined) ?? [] };
      }
      if (unsentOutcomes.has(old.status as string)) return { kind: 'done', outcome: old.status as UnsentOutcome, next: [] };
      return { kind: 'busy' };
    }
  }

  private async settleAsSent(phone: string, id: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: audienceKeys.outboundMessage(phone, id),
        UpdateExpression: 'SET #status = :sent REMOVE leaseUntil',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent' },
      }),
    );
  }

  async claimTogether(entries: Next[], consent: ConsentBasis[]): Promise<{ claimed: true; leaseUntil: number } | { claimed: false }> {
    const now = Date.now();
    const claims = entries.map(({ id, message }) => this.claimUpdate(id, message, now, 'fresh'));
    const checks = consent.map((basis) => ({ ConditionCheck: this.consentCheck(entries[0]!.message.to, basis) }));
    try {
      if (claims.length === 1 && checks.length === 0) await this.client.send(new UpdateCommand(claims[0]!));
      else await this.client.send(new TransactWriteCommand({ TransactItems: [...claims.map((claim) => ({ Update: claim })), ...checks] }));
      return { claimed: true, leaseUntil: now + this.leaseMs };
    } catch (error) {
      // Not fresh, consent moved, or a conflicting write in flight: nothing was written.
      if (error instanceof TransactionCanceledException || (error as Error).name === 'ConditionalCheckFailedException') return { claimed: false };
      throw error;
    }
  }

  /** The subscription a message was decided under is still the live one: subscribed since then, and no opt-out at or after it. */
  private consentCheck(phone: string, basis: ConsentBasis) {
    return {
      TableName: this.tableName,
      Key: audienceKeys.subscription(phone, basis.programId),
      ConditionExpression: '#status = :subscribed AND subscribedAt = :since AND (attribute_not_exists(optedOutAt) OR optedOutAt < :since)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':subscribed': 'subscribed', ':since': basis.subscribedAt },
    };
  }

  async sentTogether(records: { id: string; message: OutboundMessage; sent: SentMessage }[], at: string): Promise<void> {
    if (records.length === 1) return this.sent(records[0]!.id, records[0]!.message, records[0]!.sent, at);
    if (records.length === 0) return;
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: records.map(({ id, message, sent }) => ({ Update: this.sentUpdate(id, message, sent, at, undefined) })) }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      // A status callback writing one of them at that moment cancels the transaction: one by one then.
      for (const { id, message, sent } of records) await this.client.send(new UpdateCommand(this.sentUpdate(id, message, sent, at, undefined)));
    }
  }

  async sent(id: string, message: OutboundMessage, sent: SentMessage, at: string, effects: SentEffects = {}): Promise<void> {
    const record = this.sentUpdate(id, message, sent, at, effects.next);
    let follow = [...subscriptionEffects(this.tableName, message.to, effects), ...(effects.next ?? []).map((entry) => pendingDelivery(this.tableName, entry, at))];
    // At most two rounds: a condition that failed drops its item (the subscription ended meanwhile, or
    // a redelivery filed the follower first); the send itself must be on record whatever happens.
    for (let round = 0; round < 2 && follow.length > 0; round += 1) {
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: [{ Update: record }, ...follow] }));
        return;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        // Anything but a failed condition (a conflicting transaction, throttling): the whole write is
        // retried by the message's next delivery, which finds it at the carrier and records it again.
        if (reasons.some((reason) => reason.Code && reason.Code !== 'None' && reason.Code !== 'ConditionalCheckFailed')) throw error;
        follow = follow.filter((_, index) => reasons[index + 1]?.Code !== 'ConditionalCheckFailed');
      }
    }
    await this.client.send(new UpdateCommand(record));
  }

  private sentUpdate(id: string, message: OutboundMessage, sent: SentMessage, at: string, next: Next[] | undefined) {
    return {
      TableName: this.tableName,
      Key: audienceKeys.outboundMessage(message.to, id),
      UpdateExpression: `SET sid = :sid, #status = :sent, sentAt = :at, carrierStatus = if_not_exists(carrierStatus, :carrierStatus), carrierStatusRank = if_not_exists(carrierStatusRank, :rank)${next?.length ? ', #next = :next' : ''} REMOVE leaseUntil`,
      ExpressionAttributeNames: { '#status': 'status', ...(next?.length ? { '#next': 'next' } : {}) },
      ExpressionAttributeValues: {
        ':sid': sent.sid, ':sent': 'sent', ':at': at, ':carrierStatus': sent.status, ':rank': CARRIER_STATUS_RANK[sent.status] ?? 0,
        ...(next?.length ? { ':next': next } : {}),
      },
    };
  }

  async finish(id: string, message: OutboundMessage, outcome: UnsentOutcome, reason: string, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: audienceKeys.outboundMessage(message.to, id),
        UpdateExpression: 'SET #status = :outcome, reason = :reason, finishedAt = :at REMOVE leaseUntil',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':outcome': outcome, ':reason': reason, ':at': at },
      }),
    );
  }

  async release(id: string, message: OutboundMessage, uncertain: boolean, reason: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: audienceKeys.outboundMessage(message.to, id),
        UpdateExpression: 'SET #status = :status, lastError = :reason REMOVE leaseUntil',
        // Only a record still without a SID goes back: a status callback may have told us the SID meanwhile.
        ConditionExpression: 'attribute_not_exists(sid)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': uncertain ? 'unknown' : 'pending', ':reason': reason },
      }),
    ).catch((error: unknown) => {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    });
  }

  async knownSids(phone: string, exceptId?: string): Promise<Set<string>> {
    const sids = new Set<string>();
    const except = exceptId === undefined ? undefined : audienceKeys.outboundMessage(phone, exceptId).sk;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :message)',
          ExpressionAttributeValues: { ':pk': audienceKeys.partition(phone), ':message': MESSAGE_PREFIX },
          ProjectionExpression: 'sk, sid',
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.sk === except) continue;
        if (typeof item.sid === 'string') sids.add(item.sid);
        // Records from before outbound messages had ids are keyed by the SID itself.
        else if (!(item.sk as string).startsWith(OUTBOUND_PREFIX)) sids.add((item.sk as string).slice(MESSAGE_PREFIX.length));
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return sids;
  }

  async state(phone: string, id: string): Promise<DeliveryState> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: audienceKeys.outboundMessage(phone, id), ProjectionExpression: 'sid, #status', ExpressionAttributeNames: { '#status': 'status' }, ConsistentRead: true }),
    );
    // A conversation's reply gets its record at its first claim: committed but not claimed yet is waiting.
    if (!Item) return 'waiting';
    if (Item.sid) return 'sent';
    return unsentOutcomes.has(Item.status as string) ? (Item.status as UnsentOutcome) : 'waiting';
  }

  /**
   * Every message committed to be sent that has no outcome yet (local runtime only: its queues live
   * in memory, so after a crash the records are what is left): records pending, claimed or in doubt,
   * and the replies of inbound texts that have no record at all (a conversation commits its replies
   * on the inbound log item; a reply's record is created by its first claim). A full scan: fine for a
   * laptop's table.
   */
  async unsent(): Promise<Next[]> {
    const found: Next[] = [];
    const recorded = new Set<string>();
    const replies: Next[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'begins_with(sk, :message)',
          ExpressionAttributeValues: { ':message': MESSAGE_PREFIX },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if ((item.sk as string).startsWith(OUTBOUND_PREFIX)) {
          recorded.add(item.sk as string);
          if (!item.sid && ['pending', 'sending', 'unknown'].includes(item.status as string)) found.push({ id: item.deliveryId as string, message: storedMessage(item) });
        } else if (item.direction === 'in' && Array.isArray(item.replies)) {
          const messageSid = (item.sk as string).slice(MESSAGE_PREFIX.length);
          replies.push(...outboxEntries(messageSid, item.replies as OutboundMessage[]));
        }
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    found.push(...replies.filter(({ id, message }) => !recorded.has(audienceKeys.outboundMessage(message.to, id).sk)));
    return found.sort((a, b) => a.id.localeCompare(b.id));
  }
}

/** The subscription changes that go with a send, as one update (only while the subscription is live). */
function subscriptionEffects(tableName: string, phone: string, effects: SentEffects): TransactItem[] {
  const { marketing, survey } = effects;
  const programId = marketing?.programId ?? survey?.programId;
  if (!programId) return [];
  const sets = ['#version = #version + :one'];
  const removes: string[] = [];
  const values: Record<string, unknown> = { ':one': 1, ':subscribed': 'subscribed' };
  if (marketing) {
    sets.push('marketingSentAt = :sentAt', 'marketingSinceQuestion = :since');
    Object.assign(values, { ':sentAt': marketing.sentAt, ':since': marketing.sinceQuestion });
    if (marketing.rideAlong) {
      sets.push('pendingQuestion = :question');
      values[':question'] = marketing.rideAlong;
    }
  }
  if (survey) {
    sets.push('pendingSurvey = :survey');
    removes.push('pendingFeedback');
    values[':survey'] = { orderId: survey.orderId, askedAt: survey.askedAt };
  }
  return [
    {
      Update: {
        TableName: tableName,
        Key: audienceKeys.subscription(phone, programId),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: '#status = :subscribed',
        ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
        ExpressionAttributeValues: values,
      },
    },
  ];
}

/** The item a failed condition returned (ReturnValuesOnConditionCheckFailure: ALL_OLD), unmarshalled. */
function conditionFailureItem(error: unknown): Record<string, unknown> | undefined {
  if ((error as Error).name !== 'ConditionalCheckFailedException') return undefined;
  const item = (error as { Item?: Record<string, AttributeValue> }).Item;
  return item ? unmarshall(item) : {};
}
