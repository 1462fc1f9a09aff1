import { z } from 'zod';

/** Twilio concatenates at most 1600 characters into one inbound message; an emoji is one character (two UTF-16 units). */
const MAX_BODY_CHARACTERS = 1600;

/**
 * The fields of Twilio's inbound message webhook we rely on (Twilio sends many more, which are ignored).
 * Each must appear once: a field sent twice arrives as a list and is refused.
 */
export const inboundSmsForm = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'not a Twilio MessageSid'),
  AccountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/),
  From: z.string().min(3),
  To: z.string().min(3),
  Body: z
    .string()
    .refine((body) => [...body].length <= MAX_BODY_CHARACTERS, `longer than ${MAX_BODY_CHARACTERS} characters`)
    .default(''),
  NumMedia: z.coerce.number().int().min(0).default(0),
});
export type InboundSmsForm = z.infer<typeof inboundSmsForm>;

/** Twilio's status callback for a message we sent. */
export const statusCallbackForm = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/),
  MessageStatus: z.enum(['accepted', 'scheduled', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'read', 'canceled', 'receiving', 'received']),
  To: z.string().min(3),
  From: z.string().optional(),
  ErrorCode: z.coerce.number().int().optional(),
});
export type StatusCallbackForm = z.infer<typeof statusCallbackForm>;
