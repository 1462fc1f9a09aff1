import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LunchPage } from '../domain/lunch';
import type { Waves } from '../domain/ports';
import type { CampaignPage } from '../domain/send-campaigns';
import { audienceKeys, expiresAt } from './audience-keys';

/** Which item records a wave, its type, and how long it is kept. */
interface WaveKind<P> {
  key(page: P): { pk: string; sk: string };
  type: string;
  keepDays: number;
}

/**
 * One item per wave of a fan-out that was handed out. A tick checks its due waves with one GetItem
 * each (a few dozen at most) instead of walking every zone again.
 */
export class DynamoWaves<P> implements Waves<P> {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly kind: WaveKind<P>,
  ) {}

  async unstarted(pages: P[]): Promise<P[]> {
    const started = await Promise.all(
      pages.map(async (page) => {
        const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: this.kind.key(page), ProjectionExpression: 'pk' }));
        return Item !== undefined;
      }),
    );
    return pages.filter((_, index) => !started[index]);
  }

  async markStarted(pages: P[], at: Date): Promise<void> {
    const iso = at.toISOString();
    await Promise.all(
      pages.map((page) =>
        this.client.send(
          new PutCommand({ TableName: this.tableName, Item: { ...this.kind.key(page), type: this.kind.type, startedAt: iso, expiresAt: expiresAt(iso, this.kind.keepDays) } }),
        ),
      ),
    );
  }
}

/** Lunch waves per (program, zone, local date); past its date a record can only be looked up by mistake. */
export const lunchWaveKind: WaveKind<LunchPage> = {
  key: (page) => audienceKeys.lunchWave(page.programId, page.zone, page.localDate),
  type: 'lunch-wave',
  keepDays: 3,
};

/**
 * Campaign waves per (program, campaign, zone), kept well past any date a marketer might move the
 * campaign to, so a zone that had it never gets it again.
 */
export const campaignWaveKind: WaveKind<CampaignPage> = {
  key: (page) => audienceKeys.campaignWave(page.programId, page.campaignId, page.zone),
  type: 'campaign-wave',
  keepDays: 400,
};
