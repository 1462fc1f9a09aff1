/**
 * Quiet hours for scheduled marketing, in the recipient's local time (see shared COMPLIANCE.md).
 * Rules are data: one row per stricter state, 7 windows per row (Mon..Sun, luxon weekday order).
 * Conversational replies are not subject to this module; callers decide what counts as marketing.
 */
import { DateTime } from 'luxon';

/** Local hours, [startHour, endHour): endHour:00 itself is already quiet. */
export interface AllowedWindow {
  startHour: number;
  endHour: number;
}
export interface QuietHoursRecipient {
  timeZone?: string;
  state?: string;
}
export interface QuietHoursFallback {
  timeZone: string;
}

/** Mon..Sun (index = luxon weekday - 1). */
export type WeeklyWindows = readonly [AllowedWindow, AllowedWindow, AllowedWindow, AllowedWindow, AllowedWindow, AllowedWindow, AllowedWindow];

const w = (startHour: number, endHour: number): AllowedWindow => ({ startHour, endHour });
const week = (monFri: AllowedWindow, sat: AllowedWindow, sun: AllowedWindow): WeeklyWindows => [
  monFri, monFri, monFri, monFri, monFri, sat, sun,
];
const daily = (startHour: number, endHour: number): WeeklyWindows => week(w(startHour, endHour), w(startHour, endHour), w(startHour, endHour));

export const FEDERAL_WINDOW: AllowedWindow = w(8, 21);

/** States stricter than federal. Any other state (given) gets FEDERAL_WINDOW. */
export const STATE_WINDOWS: Readonly<Record<string, WeeklyWindows>> = {
  FL: daily(8, 20),
  OK: daily(8, 20),
  MD: daily(8, 20),
  MS: daily(8, 20),
  NJ: daily(8, 20),
  CT: daily(9, 20),
  RI: week(w(9, 18), w(10, 17), w(10, 17)),
  TX: week(w(9, 21), w(9, 21), w(12, 21)),
};

/** Allowed everywhere on a weekday: the intersection of federal and every state row. */
function everywhereWindow(weekday: number): AllowedWindow {
  return Object.values(STATE_WINDOWS).reduce<AllowedWindow>(
    (acc, row) => w(Math.max(acc.startHour, row[weekday - 1]!.startHour), Math.min(acc.endHour, row[weekday - 1]!.endHour)),
    FEDERAL_WINDOW,
  );
}

/** state: a USPS code (case-insensitive); undefined/blank means unknown → the everywhere window. */
export function allowedWindow(state: string | undefined, localWeekday: number): AllowedWindow {
  if (!Number.isInteger(localWeekday) || localWeekday < 1 || localWeekday > 7) {
    throw new RangeError(`localWeekday must be 1..7, got ${localWeekday}`);
  }
  const code = state?.trim().toUpperCase();
  if (!code) return everywhereWindow(localWeekday);
  return STATE_WINDOWS[code]?.[localWeekday - 1] ?? FEDERAL_WINDOW;
}

/** The recipient's zone when luxon knows it, else the fallback (which must be valid). */
function zoneFor(recipient: QuietHoursRecipient, fallback: QuietHoursFallback): string {
  const candidate = recipient.timeZone?.trim();
  if (candidate && DateTime.local().setZone(candidate).isValid) return candidate;
  if (!DateTime.local().setZone(fallback.timeZone).isValid) {
    throw new RangeError(`Invalid fallback time zone: ${fallback.timeZone}`);
  }
  return fallback.timeZone;
}

/** The first instant at or after `at` when a marketing message may reach this recipient. */
export function nextAllowedSendTime(at: Date, recipient: QuietHoursRecipient, fallback: QuietHoursFallback): Date {
  const now = DateTime.fromJSDate(at, { zone: zoneFor(recipient, fallback) });
  if (!now.isValid) throw new RangeError(`Invalid date: ${String(at)}`);
  // Every window is non-empty, so today or one of the next 7 local days always has an opening.
  for (let offset = 0; offset <= 7; offset += 1) {
    const day = now.startOf('day').plus({ days: offset }); // calendar days: DST-safe
    const { startHour, endHour } = allowedWindow(recipient.state, day.weekday);
    // set() keeps the date and resolves the wall-clock hour in the zone, so DST shifts are exact.
    const start = day.set({ hour: startHour });
    const end = day.set({ hour: endHour });
    if (now < start) return start.toJSDate();
    if (now < end) return new Date(at.getTime());
  }
  throw new Error('unreachable: no allowed window within a week');
}

export function isQuietTime(at: Date, recipient: QuietHoursRecipient, fallback: QuietHoursFallback): boolean {
  return nextAllowedSendTime(at, recipient, fallback).getTime() !== at.getTime();
}
