import { DateTime } from 'luxon';

/**
 * Marketing frequency caps by calendar day and calendar week (Monday to Sunday, ISO) on the
 * subscriber's own clock: "1 a day" means one per local day, so a coupon sent at 1 pm does not block
 * tomorrow's at 10:30. The log holds only what was actually sent (a dropped, expired or deferred
 * message never enters it). Sends stamped after `at` (clock skew between writers) still count: the
 * stricter side. Unparseable stamps are ignored.
 */
export interface Caps {
  perDay: number;
  perWeek: number;
}

/** The subscriber's local clock; an unknown zone falls back to UTC rather than stopping every send. */
function localClock(at: Date, timeZone: string): DateTime {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  return local.isValid ? local : DateTime.fromJSDate(at, { zone: 'UTC' });
}

const sentSince = (sentAt: readonly string[], since: number): number =>
  sentAt.filter((iso) => Date.parse(iso) >= since).length;

/** True when one more marketing message at `at` stays within both caps, in the subscriber's zone. */
export function withinCaps(sentAt: readonly string[], at: Date, caps: Caps, timeZone: string): boolean {
  const local = localClock(at, timeZone);
  const today = local.startOf('day').toMillis();
  const thisWeek = local.startOf('week').toMillis();
  return sentSince(sentAt, today) < caps.perDay && sentSince(sentAt, thisWeek) < caps.perWeek;
}

/** The log keeps eight days: always the whole current calendar week, whatever the zone. */
const KEPT_MS = 8 * 24 * 60 * 60 * 1000;

/** Keeps only entries that can still count, oldest first, strings unchanged. */
export function pruneSendLog(sentAt: readonly string[], at: Date): string[] {
  const since = at.getTime() - KEPT_MS;
  return sentAt
    .map((iso) => ({ iso, ms: Date.parse(iso) }))
    .filter(({ ms }) => ms > since) // NaN > x is false, so bad stamps drop out too
    .sort((a, b) => a.ms - b.ms)
    .map(({ iso }) => iso);
}
