import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SweepstakesRecords } from '../domain/ports';
import type { SweepstakesDraw, SweepstakesEntry } from '../domain/sweepstakes';
import { audienceKeys, ENTRY_PREFIX } from './audience-keys';
import { conditionFailureItem } from './conditional-writes';
import { itemsOfPartition } from './partition-items';

const withoutKeys = <T>(item: Record<string, unknown>): T => {
  const { pk: _pk, sk: _sk, type: _type, ...rest } = item;
  return rest as T;
};

/**
 * A sweepstakes' partition of the audience table: its entries (written by the conversation's commit,
 * kept without expiry: they are the record of who entered) and its one draw.
 */
export class DynamoSweepstakesRecords implements SweepstakesRecords {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async entries(programId: string, sweepstakesId: string): Promise<SweepstakesEntry[]> {
    const items = await itemsOfPartition(this.client, this.tableName, audienceKeys.sweepstakes(programId, sweepstakesId), ENTRY_PREFIX);
    return items.map((item) => withoutKeys<SweepstakesEntry>(item));
  }


  async recordDraw(draw: SweepstakesDraw): Promise<{ recorded: true } | { recorded: false; earlier: SweepstakesDraw }> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...audienceKeys.sweepstakesDraw(draw.programId, draw.sweepstakesId), type: 'sweepstakes-draw', ...draw },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { recorded: true };
    } catch (error) {
      const earlier = conditionFailureItem(error);
      if (!earlier) throw error;
      return { recorded: false, earlier: withoutKeys<SweepstakesDraw>(earlier) };
    }
  }

  async markNotified(programId: string, sweepstakesId: string, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: audienceKeys.sweepstakesDraw(programId, sweepstakesId),
        UpdateExpression: 'SET notifiedAt = if_not_exists(notifiedAt, :at)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }
}
