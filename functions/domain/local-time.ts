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

/** The next instant after `at` when the wall clock in `timeZone` shows `time` ('HH:MM'); DST-aware. */
export function nextLocalTime(at: Date, timeZone: string, time: string): Date {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new RangeError(`time must be HH:MM, got ${JSON.stringify(time)}`);
  const now = local(at, timeZone);
  for (let offset = 0; offset <= 2; offset += 1) {
    const candidate = now.startOf('day').plus({ days: offset }).set({ hour: Number(match[1]), minute: Number(match[2]) });
    if (candidate > now) return candidate.toJSDate();
  }
  throw new Error('unreachable: a wall-clock time recurs within two days');
}

/** Midnight at the start of a local date ('yyyy-MM-dd') in `timeZone`. */
export function startOfLocalDate(date: string, timeZone: string): Date {
  const dt = DateTime.fromISO(date, { zone: timeZone });
  if (!dt.isValid) throw new RangeError(`Invalid local date or zone: ${date} ${timeZone}`);
  return dt.startOf('day').toJSDate();
}

/** The last moment of the local day `at` falls in (midnight local, exclusive), DST-aware. */
export function endOfLocalDay(at: Date, timeZone: string): Date {
  return local(at, timeZone).startOf('day').plus({ days: 1 }).toJSDate();
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
