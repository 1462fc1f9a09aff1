import type { APIGatewayProxyEventV2 } from 'aws-lambda';
// The webhook helpers alone: importing 'twilio' would bundle the whole REST client into these functions.
import { validateRequest } from 'twilio/lib/webhooks/webhooks';

/** The form fields of a webhook, decoded from the HTTP API event. */
export function formParams(event: APIGatewayProxyEventV2): Record<string, string> {
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  return Object.fromEntries(new URLSearchParams(raw));
}

/**
 * The URL Twilio called, which the signature covers: PUBLIC_URL (how Twilio is configured) plus the
 * path, never the internal URL API Gateway forwarded to.
 */
export function publicUrl(event: APIGatewayProxyEventV2): string {
  const base = process.env.PUBLIC_URL ?? `https://${event.headers.host ?? event.requestContext.domainName}`;
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  return `${base.replace(/\/+$/, '')}${event.rawPath}${query}`;
}

/** X-Twilio-Signature checked with twilio's own validation. */
export function hasValidSignature(event: APIGatewayProxyEventV2, authToken: string, params: Record<string, string>): boolean {
  const signature = event.headers['x-twilio-signature'];
  if (!signature) return false;
  return validateRequest(authToken, signature, publicUrl(event), params);
}
