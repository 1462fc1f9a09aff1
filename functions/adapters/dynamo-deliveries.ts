import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, ScanCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { outboxEntries, outboxEntryOf, type OutboundMessage } from '../domain/audience';
import type { MessageSource } from '../domain/events';
import { UNSENT_OUTCOMES, type Deliveries, type DeliveryClaim, type DeliveryState, type EarlierTurnSend, type SentEffects, type SentMessage, type TurnClaim, type UnsentOutcome } from '../domain/ports';
import { consentExempt } from '../domain/send-message';
import { audienceKeys, expiresAt, MESSAGE_PREFIX, OUTBOUND_PREFIX, TURN_PREFIX } from './audience-keys';
import { conditionFailureItem, conditionHeld } from './conditional-writes';
import { itemsUnder } from './partition-items';

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

/**
 * A turn's reply on its turn's record: claimed (a lease), sent (its SID), or given back (`pending`:
 * the carrier surely did not take it; `unknown`: it may have).
 */
type TurnSend = { leaseUntil: number } | { sid: string; sentAt?: string; carrierStatus?: string } | { state: 'pending' | 'unknown'; lastError: string };

/** A reply no run holds and none sent: free to claim. */
function claimable(send: TurnSend | undefined): boolean {
  return send === undefined || ('state' in send && send.state === 'pending');
}

/** Replies of one conversation turn (ids `<MessageSid>-<n>`): the turn and each one's place; undefined for anything else. */
function turnOf(entries: { id: string }[]): { causedBy: string; indices: number[] } | undefined {
  const places = entries.map(({ id }) => outboxEntryOf(id));
  const causedBy = places[0]?.causedBy;
  if (!causedBy || places.some((place) => place?.causedBy !== causedBy)) return undefined;
  return { causedBy, indices: places.map((place) => place!.index) };
}

/** How each of these replies stood on its turn's record, for those claimed before (absent: free). */
function earlierSends(entries: Next[], sends: Record<string, TurnSend>, now: number): Map<string, EarlierTurnSend> {
  const earlier = new Map<string, EarlierTurnSend>();
  for (const { id } of entries) {
    const send = sends[String(outboxEntryOf(id)?.index)];
    if (!send || claimable(send)) continue;
    earlier.set(id, 'sid' in send ? 'sent' : 'leaseUntil' in send && send.leaseUntil > now ? 'busy' : 'in-doubt');
  }
  return earlier;
}

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
    ...(message.source ? { source: message.source } : {}),
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
    ...(item.source ? { source: item.source as MessageSource } : {}),
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
   * The claim as an update: the record's fields, "sending" and a lease, taking over whatever a run
   * may (a fresh record, one given back, one in doubt, one whose lease ran out).
   */
  private claimUpdate(id: string, message: OutboundMessage, now: number) {
    const at = new Date(now).toISOString();
    const fields = messageFields(id, message);
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {
      ':sending': 'sending', ':pending': 'pending', ':unknown': 'unknown', ':now': now, ':lease': now + this.leaseMs, ':zero': 0, ':one': 1, ':at': at, ':expiresAt': expiresAt(at),
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
      ConditionExpression: 'attribute_not_exists(pk) OR (attribute_not_exists(sid) AND (#status IN (:pending, :unknown) OR (#status = :sending AND leaseUntil < :now)))',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  async claim(id: string, message: OutboundMessage): Promise<DeliveryClaim> {
    const now = Date.now();
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({ ...this.claimUpdate(id, message, now), ReturnValues: 'ALL_OLD', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
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

  /**
   * A turn's replies claimed on the turn's record (MSG#TURN#<MessageSid>, a small item: one write
   * unit), created with the claims: only a turn whose record does not exist yet is claimed together.
   * Refused (a redelivery, a reply given back or in doubt, a turn claimed in parts, a voided turn), the
   * record as it was tells how each reply claimed before stands; every reply then goes its own way
   * for good, and its own record rules from then on. Never adding to an existing record keeps one
   * authority per reply: a reply the ordinary way has handled is never claimed together afterwards.
   */
  async claimTogether(entries: Next[]): Promise<TurnClaim> {
    const turn = turnOf(entries);
    if (!turn) return { claimed: false, earlier: new Map() };
    const now = Date.now();
    const leaseUntil = now + this.leaseMs;
    const claims = Object.fromEntries(turn.indices.map((index) => [String(index), { leaseUntil }]));
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...audienceKeys.turn(entries[0]!.message.to, turn.causedBy), type: 'turn', sends: claims, expiresAt: expiresAt(new Date(now).toISOString()) },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { claimed: true, leaseUntil };
    } catch (error) {
      const old = conditionFailureItem(error);
      if (!old) throw error;
      return { claimed: false, earlier: earlierSends(entries, (old.sends ?? {}) as Record<string, TurnSend>, now) };
    }
  }

  /** The SIDs of a turn's replies that went out, on the turn's record. */
  async sentTogether(records: { id: string; message: OutboundMessage; sent: SentMessage }[], at: string): Promise<void> {
    const turn = turnOf(records);
    if (!turn) {
      for (const { id, message, sent } of records) await this.sent(id, message, sent, at);
      return;
    }
    const names: Record<string, string> = { '#sends': 'sends', '#status': 'carrierStatus' };
    const values: Record<string, unknown> = { ':at': at };
    const sets: string[] = [];
    records.forEach(({ sent }, n) => {
      names[`#r${n}`] = String(turn.indices[n]);
      values[`:sid${n}`] = sent.sid;
      values[`:status${n}`] = sent.status;
      // A status callback that beat this record keeps its (later) status.
      sets.push(`#sends.#r${n}.sid = :sid${n}`, `#sends.#r${n}.sentAt = :at`, `#sends.#r${n}.#status = if_not_exists(#sends.#r${n}.#status, :status${n})`);
    });
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: audienceKeys.turn(records[0]!.message.to, turn.causedBy),
        UpdateExpression: `SET ${sets.join(', ')} REMOVE ${records.map((_, n) => `#sends.#r${n}.leaseUntil`).join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async releaseTurnReply(id: string, message: OutboundMessage, uncertain: boolean, reason: string): Promise<void> {
    const entry = outboxEntryOf(id);
    if (!entry) return this.release(id, message, uncertain, reason);
    await conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: audienceKeys.turn(message.to, entry.causedBy),
          UpdateExpression: 'SET #sends.#reply = :given',
          // A reply whose SID is on record stays sent.
          ConditionExpression: 'attribute_exists(#sends) AND attribute_not_exists(#sends.#reply.sid)',
          ExpressionAttributeNames: { '#sends': 'sends', '#reply': String(entry.index) },
          ExpressionAttributeValues: { ':given': { state: uncertain ? 'unknown' : 'pending', lastError: reason } },
        }),
      ),
    );
  }

  /**
   * This number's turns with replies that need a live subscription to one of these programs and that
   * no run has claimed yet (no turn record): each gets a record that says voided, so their claim is
   * refused. One Query of the number's message records (a STOP is rare; the records expire after 90 days).
   */
  async voidTurns(phone: string, programIds: string[]): Promise<void> {
    const programs = new Set(programIds);
    const recorded = new Set<string>();
    const waiting: string[] = [];
    for (const item of await itemsUnder(this.client, this.tableName, phone, MESSAGE_PREFIX, { projection: 'sk, direction, replies' })) {
      const sk = item.sk as string;
      if (sk.startsWith(TURN_PREFIX)) recorded.add(sk.slice(TURN_PREFIX.length));
      else if (item.direction === 'in' && (item.replies as OutboundMessage[] | undefined)?.some((reply) => reply.turn && !consentExempt(reply.purpose) && programs.has(reply.programId ?? ''))) {
        waiting.push(sk.slice(MESSAGE_PREFIX.length));
      }
    }
    // A turn with a record is never claimed together again (its replies go their own way, reading
    // the subscription): only a turn no run has claimed yet needs its claim refused.
    const unclaimed = waiting.filter((causedBy) => !recorded.has(causedBy));
    const at = new Date().toISOString();
    await Promise.all(
      unclaimed.map((causedBy) =>
        conditionHeld(
          this.client.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { ...audienceKeys.turn(phone, causedBy), type: 'turn', voided: programIds, expiresAt: expiresAt(at) },
              // Claimed in the meantime: claimed while the subscription was live.
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          ),
        ),
      ),
    );
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
    // Strongly consistent: a SID recorded a moment ago by another message's run must not pass for this one's.
    for (const item of await itemsUnder(this.client, this.tableName, phone, MESSAGE_PREFIX, { projection: 'sk, sid, sends' })) {
      if (item.sk === except) continue;
      if ((item.sk as string).startsWith(TURN_PREFIX)) {
        for (const send of Object.values((item.sends ?? {}) as Record<string, TurnSend>)) if ('sid' in send) sids.add(send.sid);
        continue;
      }
      if (typeof item.sid === 'string') sids.add(item.sid);
      // Records from before outbound messages had ids are keyed by the SID itself.
      else if (!(item.sk as string).startsWith(OUTBOUND_PREFIX)) sids.add((item.sk as string).slice(MESSAGE_PREFIX.length));
    }
    return sids;
  }

  async state(phone: string, id: string): Promise<DeliveryState> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: audienceKeys.outboundMessage(phone, id), ProjectionExpression: 'sid, #status', ExpressionAttributeNames: { '#status': 'status' }, ConsistentRead: true }),
    );
    if (Item?.sid) return 'sent';
    if (Item && unsentOutcomes.has(Item.status as string)) return Item.status as UnsentOutcome;
    // A conversation's reply sent with its turn's others is on the turn's record instead.
    const entry = outboxEntryOf(id);
    if (!Item && entry) {
      const turn = await this.client.send(new GetCommand({ TableName: this.tableName, Key: audienceKeys.turn(phone, entry.causedBy), ProjectionExpression: 'sends', ConsistentRead: true }));
      const send = ((turn.Item?.sends ?? {}) as Record<string, TurnSend>)[String(entry.index)];
      if (send && 'sid' in send) return 'sent';
    }
    // Committed and not sent yet (or claimed and not settled): waiting.
    return 'waiting';
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
    /** Replies sent with their turn's others (their SIDs on the turn's record). */
    const sentReplies = new Set<string>();
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
        } else if ((item.sk as string).startsWith(TURN_PREFIX)) {
          const causedBy = (item.sk as string).slice(TURN_PREFIX.length);
          for (const [index, send] of Object.entries((item.sends ?? {}) as Record<string, TurnSend>)) if ('sid' in send) sentReplies.add(`${causedBy}-${index}`);
        } else if (item.direction === 'in' && Array.isArray(item.replies)) {
          const messageSid = (item.sk as string).slice(MESSAGE_PREFIX.length);
          replies.push(...outboxEntries(messageSid, item.replies as OutboundMessage[]));
        }
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    found.push(...replies.filter(({ id, message }) => !recorded.has(audienceKeys.outboundMessage(message.to, id).sk) && !sentReplies.has(id)));
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
