/**
 * Text-to-win sweepstakes: when one is open, how many entries a number has left today, what the
 * replies say, and the seeded draw anyone can re-check. Pure: the catalog holds the sweepstakes, the
 * adapters their entries and draws.
 *
 * Entering is not consent to marketing: an entry writes no subscription and opts nobody in.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Program } from './catalog';
import { localDate } from './local-time';
import { renderTemplate, type TemplateName } from './templates';

export interface Sweepstakes {
  sweepstakesId: string;
  programId: string;
  name: string;
  /** Upper case; claims the word on the program's short code like a program keyword. */
  keyword: string;
  /** First and last local date (YYYY-MM-DD) entries are taken, both included, in `timeZone`. */
  startsOn: string;
  endsOn: string;
  /** The zone of the dates and of "a day" for entriesPerDay: the sweepstakes' own, else the program's timeZoneFallback. */
  timeZone: string;
  prize: string;
  rulesUrl: string;
  entriesPerDay: number;
  /** How many winners a draw picks when the marketer does not say (--winners). */
  winners: number;
}

/**
 * One number's entries into one sweepstakes, on the number's own partition (read with the rest of its
 * conversation, so judging an entry costs no extra read): how many it made on `entriesOn`.
 */
export interface SweepstakesEntrant {
  phone: string;
  programId: string;
  sweepstakesId: string;
  /** The local date (sweepstakes' zone) of the latest entry, and how many entries that date holds. */
  entriesOn: string;
  entriesThatDay: number;
  entries: number;
  firstEnteredAt: string;
  lastEnteredAt: string;
  /** Optimistic-lock version; 0 means not stored yet. */
  version: number;
}

/** One entry, as drawn from: kept under the sweepstakes, one item per entering text. */
export interface SweepstakesEntry {
  programId: string;
  sweepstakesId: string;
  phone: string;
  enteredAt: string;
  /** The local date it counts for (sweepstakes' zone). */
  localDate: string;
  /** The text that made it: a redelivery of that text makes no second entry. */
  messageSid: string;
}

export type SweepstakesStage = 'not-open' | 'open' | 'closed';

/** Where the sweepstakes stands at `at`: before its first local day, during its days, or after its last. */
export function sweepstakesStage(sweepstakes: Pick<Sweepstakes, 'startsOn' | 'endsOn' | 'timeZone'>, at: Date): SweepstakesStage {
  const today = localDate(at, sweepstakes.timeZone);
  if (today < sweepstakes.startsOn) return 'not-open';
  return today > sweepstakes.endsOn ? 'closed' : 'open';
}

/**
 * Whether this number may enter once more at `at`, and its entrant record after that entry. Days are
 * the sweepstakes' local dates: the allowance starts again at local midnight.
 */
export function takeEntry(
  sweepstakes: Sweepstakes,
  entrant: SweepstakesEntrant | undefined,
  phone: string,
  at: string,
): { entered: true; entrant: SweepstakesEntrant } | { entered: false; reason: 'allowance-used' } {
  const today = localDate(new Date(at), sweepstakes.timeZone);
  const usedToday = entrant?.entriesOn === today ? entrant.entriesThatDay : 0;
  if (usedToday >= sweepstakes.entriesPerDay) return { entered: false, reason: 'allowance-used' };
  return {
    entered: true,
    entrant: {
      phone,
      programId: sweepstakes.programId,
      sweepstakesId: sweepstakes.sweepstakesId,
      entriesOn: today,
      entriesThatDay: usedToday + 1,
      entries: (entrant?.entries ?? 0) + 1,
      firstEnteredAt: entrant?.firstEnteredAt ?? at,
      lastEnteredAt: at,
      version: entrant?.version ?? 0,
    },
  };
}

/** A local date as the replies show it: "Aug 31". */
export function shownDate(date: string): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).toFormat('LLL d');
}

/** Sweepstakes copy, rendered from the program's template; the program or brand name is put first when the copy has neither. */
export function sweepstakesText(program: Program, sweepstakes: Sweepstakes, name: TemplateName): string {
  const text = renderTemplate(program.templates[name], {
    programName: program.name,
    brandName: program.brandName,
    keyword: program.keyword,
    shortCode: program.shortCode,
    sweepstakesName: sweepstakes.name,
    sweepstakesKeyword: sweepstakes.keyword,
    prize: sweepstakes.prize,
    startsOn: shownDate(sweepstakes.startsOn),
    endsOn: shownDate(sweepstakes.endsOn),
    rulesUrl: sweepstakes.rulesUrl,
    entriesPerDay: String(sweepstakes.entriesPerDay),
  });
  // Lines that ride along another text (the join hint, the invite) need no name of their own.
  if (name === 'sweepstakes-join-hint' || name === 'sweepstakes-invite') return text;
  return text.includes(program.name) || text.includes(program.brandName) ? text : `${program.brandName}: ${text}`;
}

/** What an entry confirmation must say, whatever the marketer's copy: the sweepstakes law's minimum. */
export const ENTRY_CONFIRMATION_MUST_HAVE = [
  { what: 'No purchase necessary', holds: (body: string) => /no purchase necessary/i.test(body) },
  { what: '{endsOn}', holds: (body: string) => body.includes('{endsOn}') },
  { what: '{rulesUrl}', holds: (body: string) => body.includes('{rulesUrl}') },
] as const;

/** The sweepstakes of the program that is open at `at` and ends first, if any: what a thank-you invites to. */
export function openSweepstakes(program: Program, at: Date): Sweepstakes | undefined {
  return program.sweepstakes
    .filter((sweepstakes) => sweepstakesStage(sweepstakes, at) === 'open')
    .sort((a, b) => a.endsOn.localeCompare(b.endsOn) || a.sweepstakesId.localeCompare(b.sweepstakesId))[0];
}

/**
 * The draw, in words anyone can re-check with the list of entries and the seed:
 *
 * 1. The entrants are the distinct phone numbers (E.164, e.g. +15551234567) with at least one entry,
 *    sorted ascending as plain strings (every entrant counts once, however many entries they made).
 * 2. Random numbers: the k-th (k = 0, 1, 2, …) is the first 4 bytes, read big-endian as an unsigned
 *    32-bit integer, of SHA-256 over the UTF-8 text `<seed>:<k>`.
 * 3. A uniform pick below m: take the next random number x; if x ≥ 2^32 − (2^32 mod m), discard it and
 *    take the next (so no pick is favoured); else the pick is x mod m.
 * 4. Partial Fisher–Yates: for i = 0 … N−1, j = i + (uniform pick below n − i), swap positions i and j
 *    (n entrants, N winners, N ≤ n). The winners are positions 0 … N−1, in that order.
 */
export const DRAW_ALGORITHM = 'sorted distinct entrants; SHA-256("<seed>:<k>") first 4 bytes big-endian; rejection sampling; partial Fisher-Yates';

export function randomStream(seed: string): () => number {
  let counter = 0;
  return () => {
    const digest = createHash('sha256').update(`${seed}:${counter}`, 'utf8').digest();
    counter += 1;
    return digest.readUInt32BE(0);
  };
}

const TWO_32 = 2 ** 32;

/** A uniform whole number below `m` from the stream (rejection sampling: no modulo bias). */
export function uniformBelow(next: () => number, m: number): number {
  if (!Number.isInteger(m) || m < 1 || m > TWO_32) throw new RangeError(`cannot pick below ${m}`);
  const limit = TWO_32 - (TWO_32 % m);
  for (;;) {
    const x = next();
    if (x < limit) return x % m;
  }
}

/** The distinct entrants, in the order the draw starts from. */
export function distinctEntrants(entries: readonly Pick<SweepstakesEntry, 'phone'>[]): string[] {
  return [...new Set(entries.map((entry) => entry.phone))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `count` distinct winners among the distinct entrants, by the seed (see DRAW_ALGORITHM); all of them when fewer entered. */
export function drawWinners(entrants: readonly string[], seed: string, count: number): string[] {
  const pool = distinctEntrants(entrants.map((phone) => ({ phone })));
  const winners = Math.min(count, pool.length);
  const next = randomStream(seed);
  for (let i = 0; i < winners; i += 1) {
    const j = i + uniformBelow(next, pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, winners);
}

/** Why a draw may not happen now: entries are still being taken (or not yet), or nobody entered. */
export function drawRefusal(sweepstakes: Sweepstakes, at: Date, entrants: number): string | undefined {
  const stage = sweepstakesStage(sweepstakes, at);
  if (stage !== 'closed') {
    return `${sweepstakes.sweepstakesId} is ${stage === 'open' ? 'still open' : 'not open yet'}: entries are taken until the end of ${sweepstakes.endsOn} (${sweepstakes.timeZone}); draw after that, so every entrant has the same chance`;
  }
  if (entrants === 0) return `${sweepstakes.sweepstakesId} has no entries to draw from`;
  return undefined;
}

/** A draw's result, as stored (once) and printed. */
export interface SweepstakesDraw {
  programId: string;
  sweepstakesId: string;
  seed: string;
  /** Distinct entrants the draw chose among, and all entries. */
  entrants: number;
  entries: number;
  winners: string[];
  drawnAt: string;
  algorithm: string;
  /** When the winners' texts were queued and SweepstakesWon published (absent: a draw that stopped before). */
  notifiedAt?: string;
}
