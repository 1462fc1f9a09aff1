import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OutboundMessage } from '../domain/audience';
import type { MessageLog, SentMessage } from '../domain/ports';
import { audienceKeys, expiresAt } from './audience-keys';
import { conditionHeld } from './conditional-writes';

/** Later statuses win; a late "sent" callback never overwrites "delivered". */
const STATUS_RANK: Record<string, number> = {
  accepted: 1, scheduled: 1, queued: 2, sending: 3, sent: 4, delivered: 5, read: 6, undelivered: 6, failed: 6, canceled: 6,
};

/**
 * The message log: one item per Twilio MessageSid under the recipient's partition, so a status
 * callback (which carries To and MessageSid) updates it without an index.
 */
export class DynamoMessageLog implements MessageLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordSent(message: OutboundMessage, sent: SentMessage, at: string): Promise<void> {
    // The status callback can beat this write; if_not_exists keeps whichever status came first.
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: audienceKeys.message(message.to, sent.sid),
        UpdateExpression:
          'SET #type = :type, direction = :out, #from = :from, #to = :to, body = :body, purpose = :purpose, programId = :programId, sentAt = :at, expiresAt = :expiresAt, #status = if_not_exists(#status, :status), statusRank = if_not_exists(statusRank, :rank)',
        ExpressionAttributeNames: { '#type': 'type', '#from': 'from', '#to': 'to', '#status': 'status' },
        ExpressionAttributeValues: {
          ':type': 'message',
          ':out': 'out',
          ':from': message.from,
          ':to': message.to,
          ':body': message.body,
          ':purpose': message.purpose,
          ':programId': message.programId ?? '-',
          ':at': at,
          ':expiresAt': expiresAt(at),
          ':status': sent.status,
          ':rank': STATUS_RANK[sent.status] ?? 0,
        },
      }),
    );
  }

  async recordRejected(message: OutboundMessage, reason: string, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: audienceKeys.message(message.to, `REJECTED#${at}`),
        UpdateExpression: 'SET #type = :type, direction = :out, body = :body, purpose = :purpose, #status = :failed, reason = :reason, expiresAt = :expiresAt',
        ExpressionAttributeNames: { '#type': 'type', '#status': 'status' },
        ExpressionAttributeValues: {
          ':type': 'message',
          ':out': 'out',
          ':body': message.body,
          ':purpose': message.purpose,
          ':failed': 'rejected',
          ':reason': reason,
          ':expiresAt': expiresAt(at),
        },
      }),
    );
  }

  async recordStatus(update: { to: string; sid: string; status: string; errorCode?: number; at: string }): Promise<void> {
    const rank = STATUS_RANK[update.status] ?? 0;
    // An older status arriving late is not news.
    await conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: audienceKeys.message(update.to, update.sid),
          UpdateExpression: 'SET #status = :status, statusRank = :rank, statusAt = :at, expiresAt = if_not_exists(expiresAt, :expiresAt)' + (update.errorCode ? ', errorCode = :errorCode' : ''),
          ConditionExpression: 'attribute_not_exists(statusRank) OR statusRank < :rank',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': update.status,
            ':rank': rank,
            ':at': update.at,
            ':expiresAt': expiresAt(update.at),
            ...(update.errorCode ? { ':errorCode': update.errorCode } : {}),
          },
        }),
      ),
    );
  }
}
