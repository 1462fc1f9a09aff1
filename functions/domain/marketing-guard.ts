import type { OutboundMessage, Subscription } from './audience';
import type { Program } from './catalog';
import { withinCaps } from './frequency-caps';
import { nextAllowedSendTime } from './quiet-hours';

export type GuardDecision = { kind: 'send' } | { kind: 'defer'; until: Date } | { kind: 'drop'; reason: 'frequency-cap' };

const QUIET_HOURS_APPLY: ReadonlySet<OutboundMessage['purpose']> = new Set(['marketing', 'follow-up', 'sweepstakes-winner']);

/**
 * The guard rails a scheduled message passes at the last moment, in the subscriber's own time:
 * quiet hours defer it to the next allowed instant (never drop it); the program's frequency caps
 * drop marketing beyond them. Everything conversational passes untouched.
 */
export function guardMessage(message: OutboundMessage, subscription: Subscription | undefined, program: Program | undefined, at: Date): GuardDecision {
  if (!QUIET_HOURS_APPLY.has(message.purpose) || !program) return { kind: 'send' };
  const profile = subscription?.profile ?? {};
  const allowedAt = nextAllowedSendTime(at, { timeZone: profile.timeZone, state: profile.state }, { timeZone: program.timeZoneFallback });
  if (allowedAt.getTime() > at.getTime()) return { kind: 'defer', until: allowedAt };
  if (message.purpose !== 'marketing') return { kind: 'send' };
  const caps = { perDay: program.maxPerDay, perWeek: program.maxPerWeek };
  return withinCaps(subscription?.marketingSentAt ?? [], at, caps, profile.timeZone ?? program.timeZoneFallback) ? { kind: 'send' } : { kind: 'drop', reason: 'frequency-cap' };
}
