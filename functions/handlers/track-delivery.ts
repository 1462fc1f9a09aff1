import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { messageLog } from '../adapters/dependencies';
import { twilioCredentials } from '../adapters/twilio-credentials';
import { formParams, hasValidSignature } from '../adapters/twilio-webhook';
import { maskPhone, normalizeAddress } from '../domain/phone-numbers';
import { statusCallbackForm } from '../schemas/twilio-webhooks';
import { clock } from '../shared/clock';
import { logger } from '../shared/logger';

const answer = (statusCode: number, body = ''): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body,
});

/** Twilio's status callbacks → the message log. */
const trackDelivery = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const params = formParams(event);
  const { authToken } = await twilioCredentials();
  if (!hasValidSignature(event, authToken, params)) {
    logger.warn('Rejected status callback: missing or invalid X-Twilio-Signature');
    return answer(403, 'Forbidden: invalid Twilio signature');
  }
  const form = statusCallbackForm.safeParse(params);
  const to = form.success ? normalizeAddress(form.data.To) : undefined;
  if (!form.success || !to) return answer(400, 'Bad Request: not a Twilio status callback');
  await messageLog().recordStatus({
    to,
    sid: form.data.MessageSid,
    status: form.data.MessageStatus,
    ...(form.data.ErrorCode ? { errorCode: form.data.ErrorCode } : {}),
    at: clock.now().toISOString(),
  });
  logger.info('Delivery status', { to: maskPhone(to), messageSid: form.data.MessageSid, status: form.data.MessageStatus });
  return answer(204);
};

export const handler = middy(trackDelivery).use(injectLambdaContext(logger));
