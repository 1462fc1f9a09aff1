import { clock } from '../shared/clock';
import { requiredEnv } from '../shared/env';
import { once } from '../shared/once';
import { sqs } from './sqs-client';
import { SqsLunchPageQueue, SqsOutbox, SqsRejectedEvents } from './sqs-queues';

/** The SQS-backed adapters, apart so functions that never send to a queue do not load the SQS client. */
export const outbox = once(() => new SqsOutbox(sqs(), requiredEnv('OUTBOUND_QUEUE_URL'), clock.now));
export const lunchPageQueue = once(() => new SqsLunchPageQueue(sqs(), requiredEnv('LUNCH_PAGES_QUEUE_URL')));
export const rejectedEvents = once(() => new SqsRejectedEvents(sqs(), requiredEnv('REJECTED_EVENTS_QUEUE_URL')));
