import { z } from 'zod';
import { MESSAGE_PURPOSES } from '../domain/audience';

/** What receive-sms puts on the inbound queue for converse. */
export const inboundQueueMessage = z.object({
  messageSid: z.string().min(1),
  from: z.string().min(1),
  to: z.string().min(1),
  body: z.string(),
  numMedia: z.number().int().min(0).default(0),
  receivedAt: z.iso.datetime(),
});
export type InboundQueueMessage = z.infer<typeof inboundQueueMessage>;

/** What converse (and later the schedulers) put on the outbound queue for send-sms. */
export const outboundQueueMessage = z.object({
  id: z.string().min(1),
  to: z.string().min(1),
  from: z.string().min(1),
  body: z.string().min(1),
  purpose: z.enum(MESSAGE_PURPOSES),
  programId: z.string().optional(),
  mediaUrl: z.array(z.url()).optional(),
  survey: z.object({ orderId: z.string().min(1) }).optional(),
  notAfter: z.iso.datetime().optional(),
  turn: z.object({ subscribedAt: z.string().min(1).optional() }).optional(),
  queuedAt: z.iso.datetime(),
});
export type OutboundQueueMessage = z.infer<typeof outboundQueueMessage>;
