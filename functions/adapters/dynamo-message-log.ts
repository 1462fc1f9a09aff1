import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { outboxEntryOf } from '../domain/audience';
import type { MessageLog, StatusRecorded } from '../domain/ports';
import { audienceKeys, expiresAt } from './audience-keys';
import { conditionFailureItem, conditionHeld } from './conditional-writes';
import { CARRIER_STATUS_RANK, storedMessage } from './dynamo-deliveries';

type StatusUpdate = { to: string; sid: string; deliveryId?: string; status: string; errorCode?: number; at: string };

/**
 * Delivery reports on the outbound message records. A status callback names the message's id (it
 * is in the callback URL the sender gave the carrier), so it updates that record without an index;
 * a conversation turn's reply sent with its turn's others has no record of its own, so its report
 * goes on its place in the turn's record; callbacks for messages sent before ids existed update the
 * record keyed by their SID. An older status arriving late is not news; the SID also settles a send
 * that ended in doubt.
 */
export class DynamoMessageLog implements MessageLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordStatus(update: StatusUpdate): Promise<StatusRecorded | undefined> {
    const turn = update.deliveryId ? outboxEntryOf(update.deliveryId) : undefined;
    if (update.deliveryId && turn && (await this.onTurnRecord(update, turn))) return undefined;
    const rank = CARRIER_STATUS_RANK[update.status] ?? 0;
    const key = update.deliveryId ? audienceKeys.outboundMessage(update.to, update.deliveryId) : audienceKeys.message(update.to, update.sid);
    let written: Record<string, unknown> | undefined;
    const held = await conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression:
            'SET carrierStatus = :status, carrierStatusRank = :rank, statusAt = :at, sid = if_not_exists(sid, :sid), expiresAt = if_not_exists(expiresAt, :expiresAt)' +
            (update.errorCode ? ', errorCode = :errorCode' : ''),
          ConditionExpression: 'attribute_not_exists(carrierStatusRank) OR carrierStatusRank < :rank',
          ExpressionAttributeValues: {
            ':status': update.status,
            ':rank': rank,
            ':at': update.at,
            ':sid': update.sid,
            ':expiresAt': expiresAt(update.at),
            ...(update.errorCode ? { ':errorCode': update.errorCode } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      ).then((result) => {
        written = result.Attributes;
      }),
    );
    // A record the update created just now (a callback for a message we hold no record of) is no message.
    if (!held || !written || written.direction !== 'out') return undefined;
    const message = storedMessage(written);
    return { id: (written.deliveryId as string | undefined) ?? update.sid, message: { to: message.to, purpose: message.purpose, ...(message.programId ? { programId: message.programId } : {}), ...(message.source ? { source: message.source } : {}) } };
  }

  /**
   * The report on the reply's place in its turn's record, when the reply was claimed there and has
   * no record of its own (a reply that went its own way has one, and the report goes there). False
   * when it does not apply; true when written, or when the place holds a later status already.
   */
  private async onTurnRecord(update: StatusUpdate, turn: { causedBy: string; index: number }): Promise<boolean> {
    const rank = CARRIER_STATUS_RANK[update.status] ?? 0;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: audienceKeys.turn(update.to, turn.causedBy),
          UpdateExpression:
            'SET #sends.#reply.carrierStatus = :status, #sends.#reply.carrierStatusRank = :rank, #sends.#reply.statusAt = :at, #sends.#reply.sid = if_not_exists(#sends.#reply.sid, :sid)' +
            (update.errorCode ? ', #sends.#reply.errorCode = :errorCode' : ''),
          ConditionExpression:
            'attribute_exists(#sends.#reply) AND attribute_not_exists(#sends.#reply.#own) AND (attribute_not_exists(#sends.#reply.carrierStatusRank) OR #sends.#reply.carrierStatusRank < :rank)',
          ExpressionAttributeNames: { '#sends': 'sends', '#reply': String(turn.index), '#own': 'state' },
          ExpressionAttributeValues: { ':status': update.status, ':rank': rank, ':at': update.at, ':sid': update.sid, ...(update.errorCode ? { ':errorCode': update.errorCode } : {}) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return true;
    } catch (error) {
      const old = conditionFailureItem(error);
      if (!old) throw error;
      const place = (old.sends as Record<string, { carrierStatusRank?: number; state?: string }> | undefined)?.[String(turn.index)];
      // A later status there already: nothing to do. Not there, or given back to its own way: its own record.
      return place !== undefined && place.state === undefined && (place.carrierStatusRank ?? 0) >= rank;
    }
  }
}
