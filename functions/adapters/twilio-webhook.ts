import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { timingSafeEqual } from 'node:crypto';
// The webhook helpers alone: importing 'twilio' would bundle the whole REST client into these functions.
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';

/** A field Twilio sent once is a string; one sent more than once keeps every value, as the signature covers them all. */
export type FormParams = Record<string, string | string[]>;

/** Twilio's webhooks are a few kilobytes at most; anything larger is refused before it is parsed or hashed. */
export const MAX_WEBHOOK_BYTES = 64 * 1024;

/**
 * The raw bytes of the request body as API Gateway handed them over. A body given as a string is
 * encoded as UTF-8, where a lone surrogate (half of a UTF-16 pair: invalid text) becomes U+FFFD.
 */
export function bodyBytes(event: APIGatewayProxyEventV2): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/** Twilio posts its webhooks as application/x-www-form-urlencoded (with or without a charset). */
export function isFormEncoded(event: APIGatewayProxyEventV2): boolean {
  const mediaType = (event.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return mediaType === 'application/x-www-form-urlencoded';
}

/**
 * The form fields of a webhook, decoded as UTF-8 from the HTTP API event. Nothing here throws: invalid
 * UTF-8 (including percent-encoded surrogate halves) becomes U+FFFD, a % that starts no escape stays
 * as it is, so every field is valid Unicode that SQS and DynamoDB can keep.
 */
export function formParams(event: APIGatewayProxyEventV2): FormParams {
  const fields = new Map<string, string | string[]>();
  for (const [name, value] of new URLSearchParams(bodyBytes(event).toString('utf8'))) {
    const seen = fields.get(name);
    fields.set(name, seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value]);
  }
  // A Map and fromEntries: a field named __proto__ is just a field.
  return Object.fromEntries(fields);
}

/**
 * The URL Twilio called, which the signature covers: PUBLIC_URL (how Twilio is configured) plus the
 * path and the query string as received, never the internal URL API Gateway forwarded to.
 */
export function publicUrl(event: APIGatewayProxyEventV2): string {
  const base = process.env.PUBLIC_URL ?? `https://${event.headers.host ?? event.requestContext.domainName}`;
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  return `${base.replace(/\/+$/, '')}${event.rawPath}${query}`;
}

/**
 * X-Twilio-Signature checked against exactly one URL, publicUrl(event): twilio's validateRequest also
 * accepts the URL with its port removed or the default port added, and re-encoded query strings, so a
 * signature made for another URL could pass. The comparison takes the same time wherever they differ.
 */
export function hasValidSignature(event: APIGatewayProxyEventV2, authToken: string, params: FormParams): boolean {
  const signature = event.headers['x-twilio-signature'];
  if (!signature) return false;
  const expected = Buffer.from(getExpectedTwilioSignature(authToken, publicUrl(event), params), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
