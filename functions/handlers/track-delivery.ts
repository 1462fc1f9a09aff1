import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { messageLog } from '../adapters/dependencies';
import { maskPhone, normalizeAddress } from '../domain/phone-numbers';
import { statusCallbackForm } from '../schemas/twilio-webhooks';
import { clock } from '../shared/clock';
import { logger } from '../shared/logger';
import { plainText, verifiedTwilioForm } from './http-responses';

/** Twilio's status callbacks → the message log. */
const trackDelivery = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const verified = await verifiedTwilioForm(event, 'status callback');
  if ('rejection' in verified) return verified.rejection;
  const form = statusCallbackForm.safeParse(verified.params);
  const to = form.success ? normalizeAddress(form.data.To) : undefined;
  if (!form.success || !to) return plainText(400, 'Bad Request: not a Twilio status callback');
  await messageLog().recordStatus({
    to,
    sid: form.data.MessageSid,
    status: form.data.MessageStatus,
    ...(form.data.ErrorCode ? { errorCode: form.data.ErrorCode } : {}),
    at: clock.now().toISOString(),
  });
  logger.info('Delivery status', { to: maskPhone(to), messageSid: form.data.MessageSid, status: form.data.MessageStatus });
  return plainText(204);
};

export const handler = middy(trackDelivery).use(injectLambdaContext(logger));
