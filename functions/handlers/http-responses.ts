import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { twilioCredentials } from '../adapters/twilio-credentials';
import { formParams, hasValidSignature } from '../adapters/twilio-webhook';
import { logger } from '../shared/logger';

export function plainText(statusCode: number, body = ''): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

/**
 * The form of a webhook Twilio really sent, or the 403 to answer: a request without a valid
 * X-Twilio-Signature is turned away before anything is parsed or written.
 */
export async function verifiedTwilioForm(
  event: APIGatewayProxyEventV2,
  webhook: string,
): Promise<{ params: Record<string, string> } | { rejection: APIGatewayProxyStructuredResultV2 }> {
  const params = formParams(event);
  const { authToken } = await twilioCredentials();
  if (hasValidSignature(event, authToken, params)) return { params };
  logger.warn(`Rejected ${webhook}: missing or invalid X-Twilio-Signature`);
  return { rejection: plainText(403, 'Forbidden: invalid Twilio signature') };
}
