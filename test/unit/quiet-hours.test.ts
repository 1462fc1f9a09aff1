import {
  allowedWindow,
  FEDERAL_WINDOW,
  isQuietTime,
  nextAllowedSendTime,
  type QuietHoursRecipient,
} from '../../functions/domain/quiet-hours';

// June 2026: Mon 1, Wed 3, Fri 5, Sat 6, Sun 7, Mon 8. EDT = UTC-4, CDT = UTC-5, MDT = UTC-6, PDT = UTC-7.
// 2026 DST: starts Sun Mar 8, ends Sun Nov 1 (America/*).
const NY = 'America/New_York';
const CHI = 'America/Chicago';
const DEN = 'America/Denver';
const fallback = { timeZone: NY };

describe('allowedWindow', () => {
  test.each([
    ['federal default (CA)', 'CA', 3, 8, 21],
    ['FL', 'FL', 3, 8, 20],
    ['OK', 'OK', 6, 8, 20],
    ['MD', 'MD', 7, 8, 20],
    ['MS', 'MS', 1, 8, 20],
    ['NJ', 'NJ', 5, 8, 20],
    ['CT', 'CT', 2, 9, 20],
    ['RI weekday', 'RI', 5, 9, 18],
    ['RI Saturday', 'RI', 6, 10, 17],
    ['RI Sunday', 'RI', 7, 10, 17],
    ['TX Saturday', 'TX', 6, 9, 21],
    ['TX Sunday', 'TX', 7, 12, 21],
    ['lowercase, padded state', ' tx ', 7, 12, 21],
    ['unknown state Monday', undefined, 1, 9, 18],
    ['unknown state Friday', undefined, 5, 9, 18],
    ['unknown state Saturday', undefined, 6, 10, 17],
    ['unknown state Sunday', undefined, 7, 12, 17],
    ['blank state Sunday', '  ', 7, 12, 17],
  ])('%s, weekday %i → %i–%i', (_case, state, weekday, startHour, endHour) => {
    // Prepare
    const day = weekday;
    // Act
    const window = allowedWindow(state, day);
    // Assess
    expect(window).toEqual({ startHour, endHour });
  });

  test('FEDERAL_WINDOW is 8–21', () => {
    // Prepare
    const expected = { startHour: 8, endHour: 21 };
    // Act
    const window = FEDERAL_WINDOW;
    // Assess
    expect(window).toEqual(expected);
  });

  test.each([0, 8, 1.5])('weekday %p throws', (weekday) => {
    // Prepare
    const day = weekday;
    // Act
    const act = () => allowedWindow('TX', day);
    // Assess
    expect(act).toThrow(RangeError);
  });
});

describe('nextAllowedSendTime', () => {
  test.each<[string, string, QuietHoursRecipient, { timeZone: string }, string]>([
    ['TX Sunday 10:00 → noon', '2026-06-07T15:00:00.000Z', { timeZone: CHI, state: 'TX' }, fallback, '2026-06-07T17:00:00.000Z'],
    ['TX Saturday 10:00 → now', '2026-06-06T15:00:00.000Z', { timeZone: CHI, state: 'TX' }, fallback, '2026-06-06T15:00:00.000Z'],
    ['TX Saturday 21:00 → Sunday noon', '2026-06-07T02:00:00.000Z', { timeZone: CHI, state: 'TX' }, fallback, '2026-06-07T17:00:00.000Z'],
    ['lowercase tx Sunday 10:00 → noon', '2026-06-07T15:00:00.000Z', { timeZone: CHI, state: 'tx' }, fallback, '2026-06-07T17:00:00.000Z'],
    ['RI Saturday 17:30 → Sunday 10:00', '2026-06-06T21:30:00.000Z', { timeZone: NY, state: 'RI' }, fallback, '2026-06-07T14:00:00.000Z'],
    ['RI Friday 18:00 → Saturday 10:00', '2026-06-05T22:00:00.000Z', { timeZone: NY, state: 'RI' }, fallback, '2026-06-06T14:00:00.000Z'],
    ['RI Friday 17:59 → now', '2026-06-05T21:59:00.000Z', { timeZone: NY, state: 'RI' }, fallback, '2026-06-05T21:59:00.000Z'],
    ['RI Sunday 17:00 → Monday 09:00', '2026-06-07T21:00:00.000Z', { timeZone: NY, state: 'RI' }, fallback, '2026-06-08T13:00:00.000Z'],
    ['FL 20:30 → next day 08:00', '2026-06-03T00:30:00.000Z', { timeZone: NY, state: 'FL' }, fallback, '2026-06-03T12:00:00.000Z'],
    ['FL 07:59 → 08:00', '2026-06-03T11:59:00.000Z', { timeZone: NY, state: 'FL' }, fallback, '2026-06-03T12:00:00.000Z'],
    ['NJ 20:00 exactly → next day 08:00', '2026-06-04T00:00:00.000Z', { timeZone: NY, state: 'NJ' }, fallback, '2026-06-04T12:00:00.000Z'],
    ['CT 08:30 → 09:00', '2026-06-03T12:30:00.000Z', { timeZone: NY, state: 'CT' }, fallback, '2026-06-03T13:00:00.000Z'],
    ['NY 20:59:59.999 → now', '2026-06-04T00:59:59.999Z', { timeZone: NY, state: 'NY' }, fallback, '2026-06-04T00:59:59.999Z'],
    ['NY 21:00 exactly → next day 08:00', '2026-06-04T01:00:00.000Z', { timeZone: NY, state: 'NY' }, fallback, '2026-06-04T12:00:00.000Z'],
    ['unknown state Wednesday 18:30 → Thursday 09:00', '2026-06-04T00:30:00.000Z', { timeZone: DEN }, fallback, '2026-06-04T15:00:00.000Z'],
    ['unknown state Saturday 09:00 → 10:00', '2026-06-06T15:00:00.000Z', { timeZone: DEN }, fallback, '2026-06-06T16:00:00.000Z'],
    ['unknown state Saturday 17:00 → Sunday 12:00', '2026-06-06T23:00:00.000Z', { timeZone: DEN }, fallback, '2026-06-07T18:00:00.000Z'],
    ['blank state Saturday 17:00 → Sunday 12:00', '2026-06-06T23:00:00.000Z', { timeZone: DEN, state: ' ' }, fallback, '2026-06-07T18:00:00.000Z'],
    ['unknown zone uses the fallback', '2026-06-03T14:00:00.000Z', { state: 'CA' }, { timeZone: 'America/Los_Angeles' }, '2026-06-03T15:00:00.000Z'],
    ['invalid zone uses the fallback', '2026-06-03T14:00:00.000Z', { timeZone: 'Mars/Olympus', state: 'CA' }, { timeZone: 'America/Los_Angeles' }, '2026-06-03T15:00:00.000Z'],
    ['nothing known: fallback zone, everywhere window', '2026-06-03T14:00:00.000Z', {}, { timeZone: 'America/Los_Angeles' }, '2026-06-03T16:00:00.000Z'],
    ['brief example: NY Friday 22:30 EDT → Saturday 08:00 EDT', '2026-03-14T02:30:00.000Z', { timeZone: NY, state: 'NY' }, fallback, '2026-03-14T12:00:00.000Z'],
    ['DST spring-forward morning: 00:30 EST → 08:00 EDT', '2026-03-08T05:30:00.000Z', { timeZone: NY, state: 'NY' }, fallback, '2026-03-08T12:00:00.000Z'],
    ['across midnight into spring-forward: Sat 21:30 EST → Sun 08:00 EDT', '2026-03-08T02:30:00.000Z', { timeZone: NY, state: 'NY' }, fallback, '2026-03-08T12:00:00.000Z'],
    ['across midnight into fall-back: Sat 21:30 EDT → Sun 08:00 EST', '2026-11-01T01:30:00.000Z', { timeZone: NY, state: 'NY' }, fallback, '2026-11-01T13:00:00.000Z'],
    ['RI weekend across spring-forward: Sat 17:00 EST → Sun 10:00 EDT', '2026-03-07T22:00:00.000Z', { timeZone: NY, state: 'RI' }, fallback, '2026-03-08T14:00:00.000Z'],
    ['RI Friday 18:30 EST → Saturday 10:00 EST', '2026-03-06T23:30:00.000Z', { timeZone: NY, state: 'RI' }, fallback, '2026-03-07T15:00:00.000Z'],
  ])('%s', (_case, iso, recipient, fallbackZone, expected) => {
    // Prepare
    const at = new Date(iso);
    // Act
    const next = nextAllowedSendTime(at, recipient, fallbackZone);
    // Assess
    expect(next.toISOString()).toBe(expected);
  });

  test('an invalid fallback zone throws', () => {
    // Prepare
    const at = new Date('2026-06-03T14:00:00.000Z');
    // Act
    const act = () => nextAllowedSendTime(at, { state: 'CA' }, { timeZone: 'Nowhere/Land' });
    // Assess
    expect(act).toThrow(RangeError);
  });
});

describe('isQuietTime', () => {
  test.each<[string, string, QuietHoursRecipient, boolean]>([
    ['TX Sunday 10:00', '2026-06-07T15:00:00.000Z', { timeZone: CHI, state: 'TX' }, true],
    ['TX Sunday 12:00', '2026-06-07T17:00:00.000Z', { timeZone: CHI, state: 'TX' }, false],
    ['FL 20:30', '2026-06-03T00:30:00.000Z', { timeZone: NY, state: 'FL' }, true],
    ['NY 20:30', '2026-06-03T00:30:00.000Z', { timeZone: NY, state: 'NY' }, false],
    ['unknown state Wednesday 18:30', '2026-06-04T00:30:00.000Z', { timeZone: DEN }, true],
  ])('%s → %s', (_case, iso, recipient, expected) => {
    // Prepare
    const at = new Date(iso);
    // Act
    const quiet = isQuietTime(at, recipient, fallback);
    // Assess
    expect(quiet).toBe(expected);
  });
});
