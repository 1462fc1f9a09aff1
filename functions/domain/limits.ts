/**
 * The limits that keep the gateway from looping with other machines and from being made to spend
 * money: who is never answered, which countries are answered, how often the same number gets a HELP
 * or "already subscribed" reply, and how many opt-ins a short code takes per minute and per day.
 * Pure: the conversation decides from these; the counters that must hold across Lambda invocations
 * live in the adapters.
 */
import type { PhoneRecord } from './audience';
import type { Catalog, Program } from './catalog';
import { countryOf, isE164 } from './phone-numbers';

/** Why a text got no reply (or no subscription) that it would otherwise have got: one list for type, log item and metric. */
export const LIMITS = ['own-number', 'short-code-sender', 'country-not-allowed', 'reply-limit', 'opt-in-ceiling'] as const;
export type Limit = (typeof LIMITS)[number];

/** Countries a program answers when its item names none. */
export const DEFAULT_ALLOWED_COUNTRIES: readonly string[] = ['US'];

/** HELP and "already subscribed" replies per number in any 60 minutes, when the program sets none. */
export const DEFAULT_REPLY_LIMIT_PER_HOUR = 3;

/**
 * A sender the gateway never answers: one of its own numbers (any program's short code, or the number
 * the text was sent to: answering would loop) or anything that is not a person's E.164 number (a short
 * code such as a carrier's 611, or another service's sender id: a machine that may answer back).
 */
export function unanswerableSender(inbound: { from: string; to: string }, catalog: Catalog): Limit | undefined {
  if (inbound.from === inbound.to || catalog.programs.some((program) => program.shortCode === inbound.from)) return 'own-number';
  if (!isE164(inbound.from)) return 'short-code-sender';
  return undefined;
}

/** Whether a program on this short code allows the sender's country (US alone when no program is there). */
export function countryAllowed(from: string, programs: readonly Program[]): boolean {
  const country = countryOf(from);
  const allowed = programs.length > 0 ? programs.flatMap((program) => program.allowedCountries) : DEFAULT_ALLOWED_COUNTRIES;
  return country !== undefined && allowed.includes(country);
}

const HOUR_MS = 3_600_000;

/**
 * One more HELP or "already subscribed" reply to this number, when fewer than `limitPerHour` went out
 * in the 60 minutes before `at`: the phone record with the reply's time added (older times dropped),
 * or undefined when the limit is reached. A sliding hour, so a burst across the top of the hour gets
 * no more than a burst inside it.
 */
export function takeReplySlot(phone: PhoneRecord, limitPerHour: number, at: string): PhoneRecord | undefined {
  const since = new Date(new Date(at).getTime() - HOUR_MS).toISOString();
  const recent = (phone.repliesAt ?? []).filter((sent) => sent > since);
  if (recent.length >= limitPerHour) return undefined;
  return { ...phone, repliesAt: [...recent, at] };
}

/** The opt-in ceiling's counting periods for a text received at `at` (UTC): its minute and its day. */
export function optInPeriods(at: string): { minute: string; day: string } {
  return { minute: at.slice(0, 16), day: at.slice(0, 10) };
}
