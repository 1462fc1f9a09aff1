import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { catalogSource, conversationStore, deliveries, scheduledSends } from '../adapters/dependencies';
import { outbox } from '../adapters/queue-dependencies';
import { countUncertainSend } from '../adapters/metered';
import { carrier, statusCallbackUrl } from '../adapters/twilio-dependencies';
import { DEFAULT_CARRIER_TIMEOUT_MS } from '../adapters/twilio-client';
import { maskPhone } from '../domain/phone-masking';
import { sendMessage } from '../domain/send-message';
import { outboundQueueMessage } from '../schemas/queue-messages';
import { clock } from '../shared/clock';
import { createPacer } from '../shared/pacer';
import { senderPaceFromEnv } from '../shared/sender-pace';
import { logger } from '../shared/logger';
import { metricsMiddleware } from '../shared/metrics';
import { processFifoBatch, retrySoon } from './fifo-batch';
import { parseQueueRecord } from './queue-records';

const carrierTimeoutMs = Number(process.env.CARRIER_TIMEOUT_MS ?? DEFAULT_CARRIER_TIMEOUT_MS);
/** At worst one record looks its message up at the carrier, sends it, and writes twice. */
const RECORD_RESERVE_MS = 2 * carrierTimeoutMs + 2_000;
/** This instance's share of the short code's rate; it lives as long as the container, across batches. */
let pace = { perInstance: Number.NaN, pacer: createPacer({ segmentsPerSecond: 1 }) };
function pacer() {
  // Read per batch, so a local run (or the bench) that changes SENDER_MPS is followed at once.
  const { perInstance } = senderPaceFromEnv();
  if (perInstance !== pace.perInstance) pace = { perInstance, pacer: createPacer({ segmentsPerSecond: perInstance }) };
  return pace.pacer;
}

async function sendOne(record: SQSRecord): Promise<void> {
  const parsed = parseQueueRecord(record, outboundQueueMessage);
  if (!parsed) return;
  const { id, queuedAt: _queuedAt, ...message } = parsed;
  const callback = statusCallbackUrl();
  const result = await sendMessage(id, message, {
    deliveries: deliveries(),
    store: conversationStore(),
    catalog: catalogSource(),
    scheduled: scheduledSends(),
    outbox: outbox(),
    carrier: await carrier(),
    pace: pacer(),
    clock,
    carrierTimeoutMs,
    ...(callback ? { statusCallback: callback } : {}),
    onUncertain: countUncertainSend,
  });
  logger.info('Outbound message', { id, to: maskPhone(message.to), purpose: message.purpose, result });
}

/**
 * Exactly once per message id: message groups (recipients) side by side, each in order; a carrier
 * call has its own timeout well inside the function's, so one slow call fails only its own message
 * (and its group's later ones). Failed records come back after a short, growing delay.
 */
const sendSms = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const { batchItemFailures, failed } = await processFifoBatch(event, sendOne, {
    context,
    reserveMs: RECORD_RESERVE_MS,
    onError: (record, error) => logger.warn('Outbound message will be retried', { messageId: record.messageId, error: (error as Error).message }),
  });
  await retrySoon(failed, 'OUTBOUND_QUEUE_URL');
  return { batchItemFailures };
};

export const handler = middy(sendSms).use(injectLambdaContext(logger)).use(metricsMiddleware());
