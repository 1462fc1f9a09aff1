import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { twilioCredentials } from '../adapters/twilio-credentials';
import { bodyBytes, formParams, hasValidSignature, isFormEncoded, MAX_WEBHOOK_BYTES, type FormParams } from '../adapters/twilio-webhook';
import { logger } from '../shared/logger';

export function plainText(statusCode: number, body = ''): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

/**
 * The form of a webhook Twilio really sent, or the 4xx to answer, in this order: 413 for a body no
 * webhook needs, 403 without a valid X-Twilio-Signature (before anything is parsed or written), 415
 * for a signed request that is not a form.
 */
export async function verifiedTwilioForm(
  event: APIGatewayProxyEventV2,
  webhook: string,
): Promise<{ params: FormParams } | { rejection: APIGatewayProxyStructuredResultV2 }> {
  if (bodyBytes(event).length > MAX_WEBHOOK_BYTES) {
    logger.warn(`Rejected ${webhook}: body larger than ${MAX_WEBHOOK_BYTES} bytes`);
    return { rejection: plainText(413, `Payload Too Large: a Twilio webhook is at most ${MAX_WEBHOOK_BYTES} bytes`) };
  }
  const params = formParams(event);
  const { authToken } = await twilioCredentials();
  if (!hasValidSignature(event, authToken, params)) {
    logger.warn(`Rejected ${webhook}: missing or invalid X-Twilio-Signature`);
    return { rejection: plainText(403, 'Forbidden: invalid Twilio signature') };
  }
  if (!isFormEncoded(event)) {
    logger.warn(`Rejected ${webhook}: content-type is not application/x-www-form-urlencoded`);
    return { rejection: plainText(415, 'Unsupported Media Type: Twilio webhooks are application/x-www-form-urlencoded') };
  }
  return { params };
}
