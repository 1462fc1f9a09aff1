/**
 * Validation for answers to profile questions texted in by consumers.
 * Pure: no I/O. Inputs are raw SMS bodies, so every parser tolerates
 * surrounding whitespace and sentence punctuation.
 */
import { zoneForZip } from './zip-time-zones';
import { stateForZip } from './us-zip-states';

export type ProfileField = 'zip' | 'meal' | 'birthday' | 'email' | 'receipts';
export type AnswerResult<T> = { ok: true; value: T } | { ok: false; reason: string };
export interface ZipAnswer { zip: string; zip4?: string; state: string; timeZone: string }
export interface BirthdayAnswer { month: number; day: number; monthDay: string /* 'MM-DD' */ }

const ok = <T>(value: T): AnswerResult<T> => ({ ok: true, value });
const fail = <T>(reason: string): AnswerResult<T> => ({ ok: false, reason });
const tidy = (text: string): string => text.trim().replace(/\s+/g, ' ');

// The timezone package has no data for these, but each is a single zone.
const TERRITORY_ZONES: Readonly<Record<string, string>> = {
  PR: 'America/Puerto_Rico', VI: 'America/St_Thomas', GU: 'Pacific/Guam',
};

/**
 * A bare ZIP / ZIP+4, or a sentence containing exactly one digit group that is
 * ZIP-shaped ("my zip is 62701"). Any other digits make it ambiguous (street
 * numbers, phone numbers), so those are rejected rather than guessed.
 */
export function parseZip(text: string): AnswerResult<ZipAnswer> {
  const digitGroups = tidy(text).match(/\d+(?:-\d+)?/g) ?? [];
  if (digitGroups.length !== 1) return fail(digitGroups.length ? 'more than one number' : 'no ZIP code found');
  const m = /^(\d{5})(?:-?(\d{4}))?$/.exec(digitGroups[0]);
  if (!m) return fail('not a 5-digit ZIP code');
  const [, zip, zip4] = m;
  const state = stateForZip(zip);
  const timeZone = zoneForZip(zip) ?? (state ? TERRITORY_ZONES[state] : undefined);
  if (!state || !timeZone) return fail('unknown ZIP code');
  return ok(zip4 ? { zip, zip4, state, timeZone } : { zip, state, timeZone });
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july',
  'august', 'september', 'october', 'november', 'december'];
// Leap year so Feb 29 birthdays are accepted; the year is never stored.
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function monthFromName(word: string): number | undefined {
  const w = word.toLowerCase();
  if (w === 'sept') return 9;
  if (w.length < 3) return undefined;
  const i = MONTHS.findIndex((name) => name.startsWith(w));
  return i < 0 ? undefined : i + 1;
}

const ORD = '(?:st|nd|rd|th)?';
const YEAR = '(?:,?\\s*\\d{4})?';
const NUMERIC = /^(\d{1,2})[/.-](\d{1,2})(?:[/.-](?:\d{2}|\d{4}))?$/; // US order: M/D[/Y]
const ISO = /^\d{4}-(\d{1,2})-(\d{1,2})$/;
const NAME_DAY = new RegExp(`^([a-z]+)\\.?\\s*(\\d{1,2})${ORD}${YEAR}$`, 'i');
const DAY_NAME = new RegExp(`^(\\d{1,2})${ORD}\\s*(?:of\\s+)?([a-z]+)\\.?${YEAR}$`, 'i');

export function parseBirthday(text: string): AnswerResult<BirthdayAnswer> {
  const t = tidy(text).replace(/[.!?]+$/, '');
  let month: number | undefined;
  let day: number | undefined;
  let m: RegExpExecArray | null;
  if ((m = NUMERIC.exec(t) ?? ISO.exec(t))) [month, day] = [Number(m[1]), Number(m[2])];
  else if ((m = NAME_DAY.exec(t))) [month, day] = [monthFromName(m[1]), Number(m[2])];
  else if ((m = DAY_NAME.exec(t))) [month, day] = [monthFromName(m[2]), Number(m[1])];
  else return fail('not a month and day');
  if (!month || month < 1 || month > 12) return fail('unknown month');
  if (!day || day < 1 || day > DAYS_IN_MONTH[month - 1]) return fail('no such day in that month');
  const pad = (n: number) => String(n).padStart(2, '0');
  return ok({ month, day, monthDay: `${pad(month)}-${pad(day)}` });
}

// Pragmatic, not RFC 5322: what a person can type into an SMS and we can mail.
const EMAIL = /^[^\s@]+@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/;

export function parseEmail(text: string): AnswerResult<string> {
  const email = text.trim().toLowerCase().replace(/[.,;!?]+$/, '');
  if (!email) return fail('empty email');
  if (email.length > 254) return fail('email too long');
  if (!EMAIL.test(email)) return fail('not an email address');
  if (email.split('@')[0].length > 64) return fail('email too long');
  return ok(email);
}

const MEAL_MAX = 40;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Menu number, a choice's name, a message naming exactly one choice as a word
 * ("krusty burger"; plurals too), else the free text itself. Naming several
 * choices keeps the free text rather than picking one arbitrarily.
 */
export function parseMeal(text: string, choices: readonly string[]): AnswerResult<string> {
  const t = tidy(text);
  const numbered = /^#?(\d+)\s*[).:]?$/.exec(t);
  if (numbered) {
    const choice = choices[Number(numbered[1]) - 1];
    if (choice) return ok(choice);
    return fail(choices.length ? `pick a number from 1 to ${choices.length}` : 'no numbered choices');
  }
  const exact = choices.find((c) => c.toLowerCase() === t.toLowerCase());
  if (exact) return ok(exact);
  const named = choices.filter((c) => {
    const words = tidy(c).split(' ').map(escapeRegExp).join('\\s+');
    return new RegExp(`(?<![\\p{L}\\p{N}])${words}(?:e?s)?(?![\\p{L}\\p{N}])`, 'iu').test(t);
  });
  if (named.length === 1) return ok(named[0]);
  if ((t.match(/\p{L}/gu) ?? []).length < 2) return fail('no meal given');
  return ok(Array.from(t).slice(0, MEAL_MAX).join('').trim());
}

const YES = /^(y|yes|yeah|yep|yup|sure|ok|okay|please|of course|definitely)\b/;
const NO = /^(n|no|nope|nah|no thanks|not really|never)\b/;

/** A yes/no answer ("Yes please", "nope"); anything else is not understood. */
export function parseYesNo(text: string): AnswerResult<'yes' | 'no'> {
  const normalized = text.trim().toLowerCase().replace(/[.!?]+$/, '');
  if (NO.test(normalized)) return { ok: true, value: 'no' };
  if (YES.test(normalized)) return { ok: true, value: 'yes' };
  return { ok: false, reason: 'not a yes or no' };
}
