import { endOfLocalDay, inLunchWindow, isBirthday, localDate, localWeekday, nextLocalTime, startOfLocalDate } from '../../functions/domain/local-time';

describe('localDate and localWeekday', () => {
  test.each([
    ['2026-06-03T03:00:00.000Z', 'America/Chicago', '2026-06-02', 2],
    ['2026-06-03T03:00:00.000Z', 'UTC', '2026-06-03', 3],
    ['2026-06-03T20:00:00.000Z', 'Asia/Tokyo', '2026-06-04', 4],
    ['2026-06-07T03:00:00.000Z', 'America/Chicago', '2026-06-06', 6],
    ['2026-06-07T03:00:00.000Z', 'UTC', '2026-06-07', 7],
  ])('%s in %s is %s, weekday %i', (iso, zone, date, weekday) => {
    // Prepare
    const at = new Date(iso);
    // Act
    const result = [localDate(at, zone), localWeekday(at, zone)];
    // Assess
    expect(result).toEqual([date, weekday]);
  });

  test('an unknown zone throws', () => {
    // Prepare
    const at = new Date('2026-06-03T03:00:00.000Z');
    // Act
    const act = () => localDate(at, 'Mars/Olympus');
    // Assess
    expect(act).toThrow(RangeError);
  });
});

describe('inLunchWindow', () => {
  test.each([
    ['12:00', 'America/Chicago', '2026-06-03T15:00:00.000Z', '10:00 CDT', true],
    ['12:00', 'America/Chicago', '2026-06-03T15:59:00.000Z', '10:59 CDT', true],
    ['12:00', 'America/Chicago', '2026-06-03T15:59:59.999Z', '10:59:59.999 CDT', true],
    ['12:00', 'America/Chicago', '2026-06-03T16:00:00.000Z', '11:00 CDT', false],
    ['12:00', 'America/Chicago', '2026-06-03T14:59:00.000Z', '09:59 CDT', false],
    ['12:00', 'America/Chicago', '2026-01-15T16:00:00.000Z', '10:00 CST', true],
    ['12:00', 'America/Chicago', '2026-01-15T15:00:00.000Z', '09:00 CST', false],
    ['11:30', 'America/Chicago', '2026-06-03T14:30:00.000Z', '09:30 CDT', true],
    ['11:30', 'America/Chicago', '2026-06-03T15:30:00.000Z', '10:30 CDT', false],
    ['01:00', 'UTC', '2026-06-03T23:00:00.000Z', '23:00 the evening before', true],
    ['01:00', 'UTC', '2026-06-03T23:59:00.000Z', '23:59 the evening before', true],
    ['01:00', 'UTC', '2026-06-04T00:00:00.000Z', '00:00', false],
  ])('lunch %s in %s at %s (%s) → %s', (lunchTime, zone, iso, _local, expected) => {
    // Prepare
    const at = new Date(iso);
    // Act
    const inWindow = inLunchWindow(at, zone, lunchTime);
    // Assess
    expect(inWindow).toBe(expected);
  });

  test.each(['12', '24:00', '9:00', '12:60', ''])('malformed lunchTime %j throws', (lunchTime) => {
    // Prepare
    const at = new Date('2026-06-03T15:00:00.000Z');
    // Act
    const act = () => inLunchWindow(at, 'America/Chicago', lunchTime);
    // Assess
    expect(act).toThrow(RangeError);
  });
});

describe('isBirthday', () => {
  test.each([
    ['local date, not UTC date', '2026-06-03T03:00:00.000Z', '06-02', true],
    ['UTC date is not the local date', '2026-06-03T03:00:00.000Z', '06-03', false],
    ['Feb 29 birthday on Feb 28 of a non-leap year', '2026-02-28T18:00:00.000Z', '02-29', true],
    ['Feb 29 birthday not on Mar 1 of a non-leap year', '2026-03-01T18:00:00.000Z', '02-29', false],
    ['Feb 29 birthday not on Feb 28 of a leap year', '2028-02-28T18:00:00.000Z', '02-29', false],
    ['Feb 29 birthday on Feb 29 of a leap year', '2028-02-29T18:00:00.000Z', '02-29', true],
    ['Feb 28 birthday in a leap year', '2028-02-28T18:00:00.000Z', '02-28', true],
    ['malformed monthDay', '2026-06-02T18:00:00.000Z', '6-2', false],
  ])('%s (%s, %s) → %s', (_case, iso, monthDay, expected) => {
    // Prepare
    const at = new Date(iso);
    // Act
    const birthday = isBirthday(at, 'America/Chicago', monthDay);
    // Assess
    expect(birthday).toBe(expected);
  });
});

describe('the moment a "today" offer is worth nothing', () => {
  test.each([
    ['10:30 EST, lunch at 12:00', '2026-11-24T15:30:00.000Z', 'America/New_York', '12:00', '2026-11-24T17:00:00.000Z'],
    ['12:00 EST exactly: the next lunch is tomorrow', '2026-11-24T17:00:00.000Z', 'America/New_York', '12:00', '2026-11-25T17:00:00.000Z'],
    ['23:30 the evening before a 01:00 lunch', '2026-11-25T04:30:00.000Z', 'America/New_York', '01:00', '2026-11-25T06:00:00.000Z'],
    ['the morning clocks spring forward (EDT from 03:00)', '2026-03-08T06:30:00.000Z', 'America/New_York', '12:00', '2026-03-08T16:00:00.000Z'],
    ['Guam, no DST', '2026-11-30T00:30:00.000Z', 'Pacific/Guam', '12:00', '2026-11-30T02:00:00.000Z'],
  ])('nextLocalTime: %s', (_case, iso, zone, time, expected) => {
    // Act
    const next = nextLocalTime(new Date(iso), zone, time);
    // Assess
    expect(next.toISOString()).toBe(expected);
  });

  test.each([
    ['an ordinary day in Chicago', '2026-11-24T20:00:00.000Z', 'America/Chicago', '2026-11-25T06:00:00.000Z'],
    ['the night clocks fall back (a 25-hour day)', '2026-11-01T12:00:00.000Z', 'America/Chicago', '2026-11-02T06:00:00.000Z'],
  ])('endOfLocalDay: %s', (_case, iso, zone, expected) => {
    // Act
    const end = endOfLocalDay(new Date(iso), zone);
    // Assess
    expect(end.toISOString()).toBe(expected);
  });

  test('startOfLocalDate: midnight of a date in the zone; a malformed time or date throws', () => {
    // Act
    const midnight = startOfLocalDate('2026-11-24', 'America/Denver');
    // Assess
    expect(midnight.toISOString()).toBe('2026-11-24T07:00:00.000Z');
    expect(() => nextLocalTime(midnight, 'America/Denver', '12')).toThrow(RangeError);
    expect(() => startOfLocalDate('24/11/2026', 'America/Denver')).toThrow(RangeError);
  });
});
