/** Recipient-local calendar questions, answered in the recipient's IANA zone (DST-aware via luxon). */
import { DateTime } from 'luxon';

const MINUTES_PER_DAY = 24 * 60;

/** Throws on an unknown zone: these are called with a zone the caller already chose or validated. */
function local(at: Date, timeZone: string): DateTime {
  const dt = DateTime.fromJSDate(at, { zone: timeZone });
  if (!dt.isValid) throw new RangeError(`Invalid time zone or date: ${timeZone} ${String(at)}`);
  return dt;
}

export function localDate(at: Date, timeZone: string): string {
  return local(at, timeZone).toFormat('yyyy-MM-dd');
}

export function localWeekday(at: Date, timeZone: string): number {
  return local(at, timeZone).weekday;
}

/**
 * True when local time is in [lunchTime - 2h, lunchTime - 1h). lunchTime 'HH:MM' (24 h).
 * Compared on the wall clock modulo one day, so an early lunchTime (e.g. 01:00) wraps to the
 * evening before instead of never matching. Malformed lunchTime throws: it is catalog config.
 */
export function inLunchWindow(at: Date, timeZone: string, lunchTime: string): boolean {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(lunchTime);
  if (!match) throw new RangeError(`lunchTime must be HH:MM, got ${JSON.stringify(lunchTime)}`);
  const lunch = Number(match[1]) * 60 + Number(match[2]);
  const dt = local(at, timeZone);
  const now = dt.hour * 60 + dt.minute;
  const sinceStart = (((now - (lunch - 120)) % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return sinceStart < 60;
}

/** Feb 29 birthdays are celebrated on Feb 28 in non-leap years. Malformed monthDay → false. */
export function isBirthday(at: Date, timeZone: string, monthDay: string): boolean {
  const dt = local(at, timeZone);
  const today = dt.toFormat('MM-dd');
  if (today === monthDay) return true;
  return monthDay === '02-29' && today === '02-28' && !dt.isInLeapYear;
}

/** A date as a person reads it on their phone, in their zone: "Nov 25". */
export function friendlyDate(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toFormat('LLL d');
}
