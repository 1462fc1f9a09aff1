import { clock } from '../shared/clock';
import { requiredEnv } from '../shared/env';
import { once } from '../shared/once';
import { dynamo } from './dynamo-client';
import { DynamoCatalogSource } from './dynamo-catalog';
import { DynamoConversationStore } from './dynamo-conversation-store';
import { DynamoMessageLog } from './dynamo-message-log';
import { DynamoDeliveries } from './dynamo-deliveries';
import { DynamoScheduledSends } from './dynamo-scheduled-sends';
import { campaignWaveKind, DynamoWaves, lunchWaveKind } from './dynamo-waves';
import { DynamoOrderStore } from './dynamo-orders';
import { DynamoStatsStore } from './dynamo-stats';
import { DynamoAudienceIndex } from './dynamo-audience-index';
import { DynamoCouponStore } from './dynamo-coupons';
import { DynamoLinkStore } from './dynamo-links';
import { randomBytes } from 'node:crypto';
import { DynamoOptInCeiling, DynamoReferralSlots } from './dynamo-limits';
import { optInLimitsFromEnv } from '../shared/opt-in-limits';

/**
 * The DynamoDB-backed adapters, built from the environment once per container, on first use. Only
 * DynamoDB here: the queues are in queue-dependencies, the bus in event-dependencies, Twilio in
 * twilio-dependencies, so a function loads no SDK client it never calls (each costs cold-start time).
 */

// Where `once` used to live; code that imports it from here keeps working.
export { once };

export const catalogSource = once(
  () => new DynamoCatalogSource(dynamo(), requiredEnv('CATALOG_TABLE'), Number(process.env.CATALOG_CACHE_SECONDS ?? 60)),
);
export const conversationStore = once(() => new DynamoConversationStore(dynamo(), requiredEnv('AUDIENCE_TABLE')));
export const messageLog = once(() => new DynamoMessageLog(dynamo(), requiredEnv('AUDIENCE_TABLE')));
export const deliveries = once(() => new DynamoDeliveries(dynamo(), requiredEnv('AUDIENCE_TABLE'), Number(process.env.SEND_CLAIM_SECONDS ?? 30) * 1000));
export const scheduledSends = once(() => new DynamoScheduledSends(dynamo(), requiredEnv('AUDIENCE_TABLE'), clock.now));
export const couponStore = once(() => new DynamoCouponStore(dynamo(), requiredEnv('AUDIENCE_TABLE')));
export const audienceIndex = once(() => new DynamoAudienceIndex(dynamo(), requiredEnv('AUDIENCE_TABLE')));
export const lunchWaves = once(() => new DynamoWaves(dynamo(), requiredEnv('AUDIENCE_TABLE'), lunchWaveKind));
export const campaignWaves = once(() => new DynamoWaves(dynamo(), requiredEnv('AUDIENCE_TABLE'), campaignWaveKind));
export const optInCeiling = once(() => new DynamoOptInCeiling(dynamo(), requiredEnv('AUDIENCE_TABLE'), optInLimitsFromEnv()));
export const referralSlots = once(() => new DynamoReferralSlots(dynamo(), requiredEnv('AUDIENCE_TABLE'), clock.now));
export const statsStore = once(() => new DynamoStatsStore(dynamo(), requiredEnv('STATS_TABLE')));
export const random = { bytes: (count: number) => new Uint8Array(randomBytes(count)) };
export const linkStore = once(() => new DynamoLinkStore(dynamo(), requiredEnv('AUDIENCE_TABLE')));
export const orderStore = once(() => new DynamoOrderStore(dynamo(), requiredEnv('AUDIENCE_TABLE')));
