import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { catalogSource, conversationStore, messageLog, scheduledSends } from '../adapters/dependencies';
import { carrier, statusCallbackUrl } from '../adapters/twilio-dependencies';
import { maskPhone } from '../domain/phone-numbers';
import { sendMessage } from '../domain/send-message';
import { outboundQueueMessage } from '../schemas/queue-messages';
import { clock } from '../shared/clock';
import { logger } from '../shared/logger';
import { metricsMiddleware } from '../shared/metrics';
import { parseQueueRecord } from './queue-records';

const processor = new SqsFifoPartialProcessorAsync();

async function sendOne(record: SQSRecord): Promise<void> {
  const parsed = parseQueueRecord(record, outboundQueueMessage);
  if (!parsed) return;
  const { id, queuedAt: _queuedAt, ...message } = parsed;
  const result = await sendMessage(id, message, {
    store: conversationStore(),
    catalog: catalogSource(),
    scheduled: scheduledSends(),
    carrier: await carrier(),
    log: messageLog(),
    clock,
    statusCallback: statusCallbackUrl(),
  });
  logger.info('Outbound message', { id, to: maskPhone(message.to), purpose: message.purpose, result });
}

/**
 * Last-moment consent, quiet hours (defer) and frequency caps (drop), then the carrier; 429/5xx throw
 * so SQS retries after the visibility timeout.
 */
const sendSms = (event: SQSEvent, context: Context) =>
  processPartialResponse(event, sendOne, processor, { context, skipGroupOnError: true });

export const handler = middy(sendSms).use(injectLambdaContext(logger)).use(metricsMiddleware());
