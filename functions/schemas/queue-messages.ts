import * as z from 'zod/mini';
import { MESSAGE_PURPOSES } from '../domain/audience';
import './english-messages';

/** What receive-sms puts on the inbound queue for converse. */
export const inboundQueueMessage = z.object({
  messageSid: z.string().check(z.minLength(1)),
  from: z.string().check(z.minLength(1)),
  to: z.string().check(z.minLength(1)),
  body: z.string(),
  numMedia: z._default(z.int().check(z.gte(0)), 0),
  receivedAt: z.iso.datetime(),
});
export type InboundQueueMessage = z.infer<typeof inboundQueueMessage>;

/** What converse (and later the schedulers) put on the outbound queue for send-sms. */
export const outboundQueueMessage = z.object({
  id: z.string().check(z.minLength(1)),
  to: z.string().check(z.minLength(1)),
  from: z.string().check(z.minLength(1)),
  body: z.string().check(z.minLength(1)),
  purpose: z.enum(MESSAGE_PURPOSES),
  programId: z.optional(z.string()),
  mediaUrl: z.optional(z.array(z.url())),
  survey: z.optional(z.object({ orderId: z.string().check(z.minLength(1)) })),
  notAfter: z.optional(z.iso.datetime()),
  turn: z.optional(z.object({ subscribedAt: z.optional(z.string().check(z.minLength(1))) })),
  requestedAt: z.optional(z.iso.datetime()),
  // What made the message (events.ts MessageSource): its short links' UTM tags and click events carry it.
  source: z.optional(
    z.object({
      kind: z.string().check(z.minLength(1)),
      campaignId: z.optional(z.string()),
      variantId: z.optional(z.string()),
      offerId: z.optional(z.string()),
    }),
  ),
  queuedAt: z.iso.datetime(),
});
export type OutboundQueueMessage = z.infer<typeof outboundQueueMessage>;
