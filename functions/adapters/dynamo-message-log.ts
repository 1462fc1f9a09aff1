import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MessageLog } from '../domain/ports';
import { audienceKeys, expiresAt } from './audience-keys';
import { conditionHeld } from './conditional-writes';
import { CARRIER_STATUS_RANK } from './dynamo-deliveries';

/**
 * Delivery reports on the outbound message records. A status callback names the message's id (it
 * is in the callback URL the sender gave the carrier), so it updates that record without an index;
 * callbacks for messages sent before ids existed update the record keyed by their SID.
 */
export class DynamoMessageLog implements MessageLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordStatus(update: { to: string; sid: string; deliveryId?: string; status: string; errorCode?: number; at: string }): Promise<void> {
    const rank = CARRIER_STATUS_RANK[update.status] ?? 0;
    const key = update.deliveryId ? audienceKeys.outboundMessage(update.to, update.deliveryId) : audienceKeys.message(update.to, update.sid);
    // An older status arriving late is not news. The SID also settles a send that ended in doubt.
    await conditionHeld(
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
        }),
      ),
    );
  }
}
