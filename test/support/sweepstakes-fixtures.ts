/** A text-to-win sweepstakes as a marketer would write it, on the demo program, for sweepstakes tests. */
export const demoItems: Record<string, unknown>[] = require('../../catalog/demo.json');

/**
 * The summer-grill sweepstakes (keyword WIN on 55155, July 2025 in Chicago's zone, one entry a day),
 * with `changes` applied. July 2025 is in the past, so a draw of it is allowed by the real clock.
 */
export function summerGrill(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pk: 'PROGRAM#krusty-burger',
    sk: 'SWEEPSTAKES#summer-grill',
    name: 'Summer Grill Giveaway',
    keyword: 'WIN',
    startsOn: '2025-07-01',
    endsOn: '2025-07-31',
    timeZone: 'America/Chicago',
    prize: 'a backyard grill',
    rulesUrl: 'https://krusty.example/rules/summer-grill',
    ...changes,
  };
}

/** Noon in Chicago on a day of the summer-grill sweepstakes (it is open). */
export const DURING = '2025-07-15T17:00:00Z';
/** The same day, 23:30 in Chicago: still the 15th there. */
export const LATE_THAT_DAY = '2025-07-16T04:30:00Z';
/** The next morning in Chicago. */
export const NEXT_DAY = '2025-07-16T14:00:00Z';
/** Before it opens, and after it has closed (both noon in Chicago). */
export const BEFORE = '2025-06-30T17:00:00Z';
export const AFTER = '2025-08-01T17:00:00Z';
