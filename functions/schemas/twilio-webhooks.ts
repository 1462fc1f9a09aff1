import * as z from 'zod/mini';
import './english-messages';

/** Twilio concatenates at most 1600 characters into one inbound message; an emoji is one character (two UTF-16 units). */
const MAX_BODY_CHARACTERS = 1600;

/**
 * The fields of Twilio's inbound message webhook we rely on (Twilio sends many more, which are ignored).
 * Each must appear once: a field sent twice arrives as a list and is refused.
 */
export const inboundSmsForm = z.object({
  MessageSid: z.string().check(z.regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'not a Twilio MessageSid')),
  AccountSid: z.string().check(z.regex(/^AC[0-9a-fA-F]{32}$/)),
  From: z.string().check(z.minLength(3)),
  To: z.string().check(z.minLength(3)),
  Body: z._default(
    z.string().check(z.refine((body) => [...body].length <= MAX_BODY_CHARACTERS, `longer than ${MAX_BODY_CHARACTERS} characters`)),
    '',
  ),
  NumMedia: z._default(z.pipe(z.coerce.number(), z.int().check(z.gte(0))), 0),
});
export type InboundSmsForm = z.infer<typeof inboundSmsForm>;

/** Twilio's status callback for a message we sent. */
export const statusCallbackForm = z.object({
  MessageSid: z.string().check(z.regex(/^(SM|MM)[0-9a-fA-F]{32}$/)),
  MessageStatus: z.enum(['accepted', 'scheduled', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'read', 'canceled', 'receiving', 'received']),
  To: z.string().check(z.minLength(3)),
  From: z.optional(z.string()),
  ErrorCode: z.optional(z.pipe(z.coerce.number(), z.int())),
});
export type StatusCallbackForm = z.infer<typeof statusCallbackForm>;
