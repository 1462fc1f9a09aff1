import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LunchPage } from '../domain/lunch';
import type { LunchWaves } from '../domain/ports';
import { audienceKeys, expiresAt } from './audience-keys';

/** How long a wave's record is kept: past its local date it can only be looked up by mistake. */
const WAVE_RECORD_DAYS = 3;

/**
 * One item per (program, zone, local date) whose lunch wave was handed out. A tick checks its due
 * zones with one GetItem each (a few dozen at most) instead of walking every zone again.
 */
export class DynamoLunchWaves implements LunchWaves {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async unstarted(pages: LunchPage[]): Promise<LunchPage[]> {
    const started = await Promise.all(
      pages.map(async (page) => {
        const { Item } = await this.client.send(
          new GetCommand({ TableName: this.tableName, Key: audienceKeys.lunchWave(page.programId, page.zone, page.localDate), ProjectionExpression: 'pk' }),
        );
        return Item !== undefined;
      }),
    );
    return pages.filter((_, index) => !started[index]);
  }

  async markStarted(pages: LunchPage[], at: Date): Promise<void> {
    const iso = at.toISOString();
    await Promise.all(
      pages.map((page) =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...audienceKeys.lunchWave(page.programId, page.zone, page.localDate), type: 'lunch-wave', startedAt: iso, expiresAt: expiresAt(iso, WAVE_RECORD_DAYS) },
          }),
        ),
      ),
    );
  }
}
