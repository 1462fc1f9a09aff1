import { pruneSendLog, withinCaps } from '../../functions/domain/frequency-caps';

/** Wednesday 2026-06-10, 07:00 in Chicago (CDT); the calendar week began Monday 00:00 CDT = 2026-06-08T05:00Z. */
const at = new Date('2026-06-10T12:00:00.000Z');
const CHICAGO = 'America/Chicago';

describe('withinCaps: calendar day and week on the subscriber\'s clock', () => {
  test.each([
    ['nothing sent', [], { perDay: 1, perWeek: 3 }, true],
    ['one sent yesterday at 1 pm (less than 24 h ago), 1/day: today is a new day', ['2026-06-09T18:00:00.000Z'], { perDay: 1, perWeek: 3 }, true],
    ['one sent yesterday at 23:59 local', ['2026-06-10T04:59:00.000Z'], { perDay: 1, perWeek: 3 }, true],
    ['one sent today at midnight local, 1/day', ['2026-06-10T05:00:00.000Z'], { perDay: 1, perWeek: 3 }, false],
    ['one sent today, 2/day', ['2026-06-10T05:00:00.000Z'], { perDay: 2, perWeek: 3 }, true],
    ['same instant written with an offset', ['2026-06-10T01:00:00-04:00'], { perDay: 1, perWeek: 3 }, false],
    ['three this week (Mon, Tue, Tue), 3/week', ['2026-06-08T05:00:00.000Z', '2026-06-09T12:00:00.000Z', '2026-06-09T20:00:00.000Z'], { perDay: 5, perWeek: 3 }, false],
    ['two this week and one late on Sunday (last week), 3/week', ['2026-06-08T04:59:00.000Z', '2026-06-08T12:00:00.000Z', '2026-06-09T12:00:00.000Z'], { perDay: 5, perWeek: 3 }, true],
    ['a stamp after `at` (clock skew) still counts', ['2026-06-10T12:05:00.000Z'], { perDay: 1, perWeek: 3 }, false],
    ['an unparseable stamp is ignored', ['not a date'], { perDay: 1, perWeek: 3 }, true],
    ['a zero cap never allows', [], { perDay: 0, perWeek: 3 }, false],
  ])('%s → %s', (_case, sentAt, caps, expected) => {
    // Prepare
    const log: readonly string[] = sentAt;
    // Act
    const allowed = withinCaps(log, at, caps, CHICAGO);
    // Assess
    expect(allowed).toBe(expected);
  });

  test('the same log, another zone: what was "yesterday" in Chicago is "today" in Tokyo', () => {
    // Prepare: 2026-06-09T16:00Z is Tue 11:00 in Chicago, Wed 01:00 in Tokyo (and `at` is Wed 21:00 there)
    const log = ['2026-06-09T16:00:00.000Z'];
    // Act
    const allowed = [withinCaps(log, at, { perDay: 1, perWeek: 3 }, CHICAGO), withinCaps(log, at, { perDay: 1, perWeek: 3 }, 'Asia/Tokyo')];
    // Assess
    expect(allowed).toEqual([true, false]);
  });

  test('an unknown zone counts days in UTC instead of stopping every send', () => {
    // Act
    const allowed = [withinCaps(['2026-06-10T00:30:00.000Z'], at, { perDay: 1, perWeek: 3 }, 'Not/AZone'), withinCaps(['2026-06-09T23:30:00.000Z'], at, { perDay: 1, perWeek: 3 }, 'Not/AZone')];
    // Assess
    expect(allowed).toEqual([false, true]);
  });
});

describe('pruneSendLog', () => {
  test.each([
    ['empty log', [], []],
    [
      'keeps eight days (the whole calendar week in any zone), sorted by instant, strings as written',
      [
        '2026-06-09T12:00:00.000Z',
        '2026-06-02T12:00:00.000Z', // exactly 8 days: gone
        'garbage',
        '2026-06-08T09:00:00-04:00', // 13:00Z
        '2026-06-02T12:00:00.001Z',
        '2026-06-01T00:00:00.000Z',
        '2026-06-08T12:30:00.000Z',
      ],
      ['2026-06-02T12:00:00.001Z', '2026-06-08T12:30:00.000Z', '2026-06-08T09:00:00-04:00', '2026-06-09T12:00:00.000Z'],
    ],
  ])('%s', (_case, sentAt, expected) => {
    // Prepare
    const log: readonly string[] = sentAt;
    // Act
    const pruned = pruneSendLog(log, at);
    // Assess
    expect(pruned).toEqual(expected);
  });
});
