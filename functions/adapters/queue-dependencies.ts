import { clock } from '../shared/clock';
import { requiredEnv } from '../shared/env';
import { once } from '../shared/once';
import { sqs } from './sqs-client';
import type { LunchPage } from '../domain/lunch';
import type { CampaignPage } from '../domain/send-campaigns';
import { SqsOutbox, SqsPageQueue, SqsRejectedEvents } from './sqs-queues';

/** The SQS-backed adapters, apart so functions that never send to a queue do not load the SQS client. */
export const outbox = once(() => new SqsOutbox(sqs(), requiredEnv('OUTBOUND_QUEUE_URL'), clock.now));
export const lunchPageQueue = once(() => new SqsPageQueue<LunchPage>(sqs(), requiredEnv('LUNCH_PAGES_QUEUE_URL'), 'lunch page'));
export const campaignPageQueue = once(() => new SqsPageQueue<CampaignPage>(sqs(), requiredEnv('CAMPAIGN_PAGES_QUEUE_URL'), 'campaign page'));
export const rejectedEvents = once(() => new SqsRejectedEvents(sqs(), requiredEnv('REJECTED_EVENTS_QUEUE_URL')));
