import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ClickedLink, LinkStore } from '../domain/ports';
import type { ShortLink } from '../domain/short-links';
import { audienceKeys } from './audience-keys';
import { conditionHeld } from './conditional-writes';

/**
 * Short links in the audience table, one item per id (audienceKeys.shortLink), deleted by the
 * table's TTL (expiresAt) once they stop working. Both writes are single UpdateItems: saving one
 * is idempotent and never touches its clicks; a click is counted in the same request that reads
 * where the link goes.
 */
export class DynamoLinkStore implements LinkStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async save(link: ShortLink): Promise<'saved' | 'taken'> {
    const saved = await conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: audienceKeys.shortLink(link.id),
          // Only where nothing is, or this very link is (a retried send): another message's link keeps its id.
          ConditionExpression: 'attribute_not_exists(pk) OR (messageId = :messageId AND linkIndex = :index AND phone = :phone)',
          UpdateExpression:
            'SET #type = :type, #url = :url, messageId = :messageId, linkIndex = :index, phone = :phone, purpose = :purpose, createdAt = if_not_exists(createdAt, :createdAt), expiresAt = if_not_exists(expiresAt, :expiresAt)' +
            (link.programId ? ', programId = :programId' : '') +
            (link.source ? ', #source = :source' : ''),
          ExpressionAttributeNames: { '#type': 'type', '#url': 'url', ...(link.source ? { '#source': 'source' } : {}) },
          ExpressionAttributeValues: {
            ':type': 'short-link',
            ':url': link.url,
            ':messageId': link.messageId,
            ':index': link.index,
            ':phone': link.phone,
            ':purpose': link.purpose,
            ':createdAt': link.createdAt,
            ':expiresAt': link.expiresAt,
            ...(link.programId ? { ':programId': link.programId } : {}),
            ...(link.source ? { ':source': link.source } : {}),
          },
        }),
      ),
    );
    return saved ? 'saved' : 'taken';
  }

  async click(id: string, at: Date): Promise<ClickedLink | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: audienceKeys.shortLink(id),
          // TTL deletion lags expiry by up to days: an expired link is refused here, not by its absence.
          ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now',
          UpdateExpression: 'ADD clicks :one SET firstClickAt = if_not_exists(firstClickAt, :at), lastClickAt = :at',
          ExpressionAttributeValues: { ':one': 1, ':at': at.toISOString(), ':now': Math.floor(at.getTime() / 1000) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? clickedLink(id, Attributes) : undefined;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }
}

function clickedLink(id: string, item: Record<string, unknown>): ClickedLink {
  return {
    id,
    url: String(item.url),
    messageId: String(item.messageId),
    index: Number(item.linkIndex),
    phone: String(item.phone),
    ...(typeof item.programId === 'string' ? { programId: item.programId } : {}),
    purpose: item.purpose as ClickedLink['purpose'],
    ...(item.source && typeof item.source === 'object' ? { source: item.source as ClickedLink['source'] } : {}),
    createdAt: String(item.createdAt),
    expiresAt: Number(item.expiresAt),
    clicks: Number(item.clicks),
    firstClickAt: String(item.firstClickAt),
  };
}
