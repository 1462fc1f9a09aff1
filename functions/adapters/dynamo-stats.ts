import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import type { StatsStore } from '../domain/ports';
import type { Counts, StatsUpdate } from '../domain/stats';
import { CAMPAIGN_OPT_OUT_HOURS } from '../domain/stats';
import { itemsOfPartition } from './partition-items';

/**
 * Each program-day's counters are kept per kind of event (so each item stays small: one write unit)
 * and spread over this many items (by event id), so events counted at the same moment seldom write
 * the same item: a transaction that meets another on its item is
 * cancelled and tried again, and one hot item would make that the rule at a short code's pace.
 */
export const DAY_SHARDS = 4;
/** How long an event's "counted" mark is kept: well past the bus's retries of a delivery (24 h). */
const COUNTED_MARK_DAYS = 8;
/** Transactions cancelled by a concurrent one on the same item are tried again this many times. */
const CONFLICT_ATTEMPTS = 8;

/** The stats table's keys, built here only. A phone never appears in a key: only a hash of it. */
export const statsKeys = {
  /** A program-day's counters of one kind of event: small items (a write unit each), each kind apart. */
  day: (programId: string, day: string, eventType: string, shard: number) => ({ pk: `PROGRAM#${programId}`, sk: `DAY#${day}#${eventType}#${shard}` }),
  campaign: (programId: string, campaignId: string) => ({ pk: `PROGRAM#${programId}`, sk: `CAMPAIGN#${campaignId}` }),
  counted: (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'COUNTED' }),
  recentCampaignText: (programId: string, phone: string) => ({ pk: `RECENT#${programId}#${createHash('sha256').update(phone).digest('hex').slice(0, 32)}`, sk: 'CAMPAIGN' }),
};

const epochSeconds = (iso: string, plusHours: number) => Math.floor(Date.parse(iso) / 1000) + plusHours * 3600;

function shardOf(eventId: string): number {
  return createHash('sha256').update(eventId).digest()[0]! % DAY_SHARDS;
}

/** `ADD #c0 :c0, #c1 :c1 …` over flat attributes named by the counters. */
function addAll(counts: Counts): { UpdateExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, number> } | undefined {
  const entries = Object.entries(counts).filter(([, value]) => value !== 0);
  if (entries.length === 0) return undefined;
  return {
    UpdateExpression: `ADD ${entries.map((_, index) => `#c${index} :c${index}`).join(', ')}`,
    ExpressionAttributeNames: Object.fromEntries(entries.map(([name], index) => [`#c${index}`, name])),
    ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], index) => [`:c${index}`, value])),
  };
}

const isCounter = (name: string) => !['pk', 'sk', 'type'].includes(name);

function sumInto(total: Counts, item: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(item)) if (isCounter(name) && typeof value === 'number') total[name] = (total[name] ?? 0) + value;
}

export class DynamoStatsStore implements StatsStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly pause: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async recentCampaignText(programId: string, phone: string): Promise<{ campaignId: string; variantId: string; at: string } | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: statsKeys.recentCampaignText(programId, phone), ConsistentRead: true }));
    return Item ? { campaignId: Item.campaignId as string, variantId: Item.variantId as string, at: Item.at as string } : undefined;
  }

  async apply(eventId: string, update: StatsUpdate & { localDay: string; eventType: string }): Promise<'counted' | 'duplicate'> {
    const TableName = this.tableName;
    const day = addAll(update.day);
    const campaign = update.campaign && addAll(update.campaign.counts);
    const sent = update.campaignSent;
    const TransactItems = [
      { Put: { TableName, Item: { ...statsKeys.counted(eventId), type: 'counted', expiresAt: epochSeconds(new Date().toISOString(), COUNTED_MARK_DAYS * 24) }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ...(day ? [{ Update: { TableName, Key: statsKeys.day(update.programId, update.localDay, update.eventType, shardOf(eventId)), ...day } }] : []),
      ...(update.campaign && campaign ? [{ Update: { TableName, Key: statsKeys.campaign(update.programId, update.campaign.campaignId), ...campaign } }] : []),
      ...(sent
        ? [
            {
              Put: {
                TableName,
                Item: { ...statsKeys.recentCampaignText(update.programId, sent.phone), type: 'recent-campaign-text', campaignId: sent.campaignId, variantId: sent.variantId, at: sent.at, expiresAt: epochSeconds(sent.at, CAMPAIGN_OPT_OUT_HOURS + 1) },
              },
            },
          ]
        : []),
    ];
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems }));
        return 'counted';
      } catch (error) {
        const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'duplicate';
        const conflict = reasons.some((reason) => reason.Code === 'TransactionConflict') || (error as Error).name === 'TransactionConflictException';
        if (!conflict || attempt >= CONFLICT_ATTEMPTS) throw error;
        await this.pause(10 + Math.random() * 40 * attempt);
      }
    }
  }

  async programCounts(programId: string, from: string, to: string) {
    const read = (prefix: string) => itemsOfPartition(this.client, this.tableName, `PROGRAM#${programId}`, prefix, { consistent: false });
    const items = (await Promise.all([read('DAY#'), read('CAMPAIGN#')])).flat();
    const period: Counts = {};
    let liveAtEnd = 0;
    let liveAtStart = 0;
    const campaigns: { campaignId: string; counts: Counts }[] = [];
    for (const item of items) {
      const sk = item.sk as string;
      if (sk.startsWith('CAMPAIGN#')) {
        const counts: Counts = {};
        sumInto(counts, item);
        campaigns.push({ campaignId: sk.slice('CAMPAIGN#'.length), counts });
        continue;
      }
      const day = sk.slice('DAY#'.length, 'DAY#'.length + 10);
      const live = typeof item.live === 'number' ? item.live : 0;
      if (day > to) continue;
      liveAtEnd += live;
      if (day < from) liveAtStart += live;
      else sumInto(period, item);
    }
    return { period, liveAtEnd, liveAtStart, campaigns };
  }
}
