import * as z from 'zod/mini';
import { DOMAIN_EVENT_TYPES, MESSAGE_OUTCOMES } from '../domain/events';
import type { StatsEvent } from '../domain/stats';
import { messageSource } from './queue-messages';
import './english-messages';

/**
 * A gateway domain event as EventBridge delivers it to the stats writer: the fields the counters read
 * (see the detail contract in functions/domain/events.ts); others are ignored.
 */
export const busDomainEvent = z.object({
  'detail-type': z.enum(DOMAIN_EVENT_TYPES),
  time: z.iso.datetime(),
  detail: z.object({
    eventId: z.string().check(z.minLength(1)),
    phone: z.optional(z.string()),
    programId: z.optional(z.string()),
    keyword: z.optional(z.string()),
    placement: z.optional(z.string()),
    subscribed: z.optional(z.boolean()),
    stranger: z.optional(z.boolean()),
    field: z.optional(z.string()),
    unique: z.optional(z.boolean()),
    source: z.optional(z.union([messageSource, z.string()])),
    kind: z.optional(z.string()),
    total: z.optional(z.number()),
    orderNumber: z.optional(z.number()),
    attributedTo: z.optional(z.object({ code: z.string(), source: messageSource })),
    rating: z.optional(z.number()),
    feedback: z.optional(z.string()),
    campaignId: z.optional(z.string()),
    variant: z.optional(z.string()),
    outcome: z.optional(z.enum(MESSAGE_OUTCOMES)),
    purpose: z.optional(z.string()),
  }),
});

/** The bus's envelope into the event the counters read (an opt-out's source 'sms' | 'carrier' is kept apart from a MessageSource). */
export function statsEventOf(parsed: z.infer<typeof busDomainEvent>): StatsEvent {
  const { eventId, source, ...detail } = parsed.detail;
  return {
    type: parsed['detail-type'],
    id: eventId,
    at: parsed.time,
    detail: { ...detail, ...(typeof source === 'object' ? { source } : {}), ...(typeof source === 'string' ? { optOutSource: source } : {}) } as StatsEvent['detail'],
  };
}
