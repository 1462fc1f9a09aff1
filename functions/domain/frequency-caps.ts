/**
 * Marketing frequency caps over rolling windows (not calendar days, so no time zone is needed).
 * A send exactly 24 h (or 7 days) before `at` has left its window. Sends stamped after `at`
 * (clock skew between writers) still count: the stricter side. Unparseable stamps are ignored.
 */
export interface Caps {
  perDay: number;
  perWeek: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const WEEK_MS = 7 * DAY_MS;

const sentSince = (sentAt: readonly string[], since: number): number =>
  sentAt.filter((iso) => Date.parse(iso) > since).length;

/** True when one more marketing message at `at` stays within both caps. */
export function withinCaps(sentAt: readonly string[], at: Date, caps: Caps): boolean {
  const now = at.getTime();
  return sentSince(sentAt, now - DAY_MS) < caps.perDay && sentSince(sentAt, now - WEEK_MS) < caps.perWeek;
}

/** Keeps only entries still inside the rolling week (the longest window), oldest first, strings unchanged. */
export function pruneSendLog(sentAt: readonly string[], at: Date): string[] {
  const since = at.getTime() - WEEK_MS;
  return sentAt
    .map((iso) => ({ iso, ms: Date.parse(iso) }))
    .filter(({ ms }) => ms > since) // NaN > x is false, so bad stamps drop out too
    .sort((a, b) => a.ms - b.ms)
    .map(({ iso }) => iso);
}
