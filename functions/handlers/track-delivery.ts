import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { conversationStore, messageLog } from '../adapters/dependencies';
import { eventPublisher } from '../adapters/event-dependencies';
import type { DomainEvent } from '../domain/events';
import { TWILIO_CONTACT_STOPPED } from '../adapters/twilio-codes';
import { recordDeliveryReport } from '../domain/delivery-reports';
import { normalizeAddress } from '../domain/phone-numbers';
import { maskPhone } from '../domain/phone-masking';
import { statusCallbackForm } from '../schemas/twilio-webhooks';
import { clock } from '../shared/clock';
import { logger } from '../shared/logger';
import { plainText, verifiedTwilioForm } from './http-responses';

/** Where a message ends at the carrier: what the message's record keeps. */
const FINAL_STATUSES: ReadonlySet<string> = new Set(['delivered', 'undelivered', 'failed', 'read', 'canceled']);

/**
 * The report's events, published once the report is recorded: a failure is logged and the callback
 * still answered (the record holds the status now, so a retried callback would be no news anyway).
 */
const bestEffort = {
  publish: (events: DomainEvent[]) =>
    eventPublisher()
      .publish(events)
      .catch((error: unknown) => logger.error('Delivery events not published: the funnel report misses them', { count: events.length, error: (error as Error).message })),
};

/** Twilio's status callbacks → the message's record; 21610 → the recipient opted out at the carrier. */
const trackDelivery = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const verified = await verifiedTwilioForm(event, 'status callback');
  if ('rejection' in verified) return verified.rejection;
  const form = statusCallbackForm.safeParse(verified.params);
  const to = form.success ? normalizeAddress(form.data.To) : undefined;
  if (!form.success || !to) return plainText(400, 'Bad Request: not a Twilio status callback');
  // Only final statuses (and any carrying an error, such as 21610) are recorded: an intermediate one
  // ("queued", "sent") is answered without a write; the final one brings the SID all the same.
  if (!FINAL_STATUSES.has(form.data.MessageStatus) && !form.data.ErrorCode) return plainText(204);
  // The sender names each message's id in its callback URL.
  const deliveryId = new URLSearchParams(event.rawQueryString ?? '').get('id') || undefined;
  const from = form.data.From ? normalizeAddress(form.data.From) : undefined;
  const { optedOut } = await recordDeliveryReport(
    {
      to,
      ...(from ? { from } : {}),
      sid: form.data.MessageSid,
      ...(deliveryId ? { deliveryId } : {}),
      status: form.data.MessageStatus,
      ...(form.data.ErrorCode ? { errorCode: form.data.ErrorCode } : {}),
      stopped: form.data.ErrorCode === TWILIO_CONTACT_STOPPED,
    },
    { log: messageLog(), store: conversationStore(), clock, events: bestEffort },
  );
  logger.info('Delivery status', { to: maskPhone(to), messageSid: form.data.MessageSid, status: form.data.MessageStatus, ...(optedOut ? { optedOut } : {}) });
  return plainText(204);
};

export const handler = middy(trackDelivery).use(injectLambdaContext(logger));
