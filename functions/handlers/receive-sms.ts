import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { sqs } from '../adapters/sqs-client';
import { enqueueInbound } from '../adapters/sqs-queues';
import { normalizeAddress } from '../domain/phone-numbers';
import { maskPhone } from '../domain/phone-masking';
import { inboundSmsForm } from '../schemas/twilio-webhooks';
import { clock } from '../shared/clock';
import { requiredEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { plainText, verifiedTwilioForm } from './http-responses';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/** Twilio's inbound webhook: verify, parse, enqueue, answer within milliseconds. */
const receiveSms = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const verified = await verifiedTwilioForm(event, 'inbound webhook');
  if ('rejection' in verified) return verified.rejection;
  const form = inboundSmsForm.safeParse(verified.params);
  const from = form.success ? normalizeAddress(form.data.From) : undefined;
  const to = form.success ? normalizeAddress(form.data.To) : undefined;
  if (!form.success || !from || !to) {
    logger.warn('Rejected inbound webhook: not a Twilio message', { problems: form.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    return plainText(400, 'Bad Request: not a Twilio message webhook');
  }
  await enqueueInbound(sqs(), requiredEnv('INBOUND_QUEUE_URL'), {
    messageSid: form.data.MessageSid,
    from,
    to,
    body: form.data.Body,
    numMedia: form.data.NumMedia,
    receivedAt: clock.now().toISOString(),
  });
  logger.info('Accepted inbound text', { from: maskPhone(from), to, messageSid: form.data.MessageSid });
  return { statusCode: 200, headers: { 'content-type': 'text/xml' }, body: EMPTY_TWIML };
};

export const handler = middy(receiveSms).use(injectLambdaContext(logger));
