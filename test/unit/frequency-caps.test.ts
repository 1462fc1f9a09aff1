import { pruneSendLog, withinCaps } from '../../functions/domain/frequency-caps';

const at = new Date('2026-06-10T12:00:00.000Z');

describe('withinCaps', () => {
  test.each([
    ['nothing sent', [], { perDay: 1, perWeek: 3 }, true],
    ['one sent 12 h ago, 1/day', ['2026-06-10T00:00:00.000Z'], { perDay: 1, perWeek: 3 }, false],
    ['one sent 12 h ago, 2/day', ['2026-06-10T00:00:00.000Z'], { perDay: 2, perWeek: 3 }, true],
    ['one sent exactly 24 h ago', ['2026-06-09T12:00:00.000Z'], { perDay: 1, perWeek: 3 }, true],
    ['one sent 1 ms less than 24 h ago', ['2026-06-09T12:00:00.001Z'], { perDay: 1, perWeek: 3 }, false],
    ['same instant written with an offset', ['2026-06-10T08:00:00-04:00'], { perDay: 1, perWeek: 3 }, false],
    [
      'three this week, 3/week',
      ['2026-06-04T13:00:00.000Z', '2026-06-06T12:00:00.000Z', '2026-06-08T12:00:00.000Z'],
      { perDay: 1, perWeek: 3 },
      false,
    ],
    [
      'two this week and one exactly 7 days ago',
      ['2026-06-03T12:00:00.000Z', '2026-06-06T12:00:00.000Z', '2026-06-08T12:00:00.000Z'],
      { perDay: 1, perWeek: 3 },
      true,
    ],
    ['a stamp after `at` (clock skew) still counts', ['2026-06-10T12:05:00.000Z'], { perDay: 1, perWeek: 3 }, false],
    ['an unparseable stamp is ignored', ['not a date'], { perDay: 1, perWeek: 3 }, true],
    ['a zero cap never allows', [], { perDay: 0, perWeek: 3 }, false],
  ])('%s → %s', (_case, sentAt, caps, expected) => {
    // Prepare
    const log: readonly string[] = sentAt;
    // Act
    const allowed = withinCaps(log, at, caps);
    // Assess
    expect(allowed).toBe(expected);
  });
});

describe('pruneSendLog', () => {
  test.each([
    ['empty log', [], []],
    [
      'drops old and unparseable entries, sorts by instant, keeps strings as written',
      [
        '2026-06-09T12:00:00.000Z',
        '2026-06-03T12:00:00.000Z', // exactly 7 days: gone
        'garbage',
        '2026-06-08T09:00:00-04:00', // 13:00Z
        '2026-06-03T12:00:00.001Z',
        '2026-06-01T00:00:00.000Z',
        '2026-06-08T12:30:00.000Z',
      ],
      ['2026-06-03T12:00:00.001Z', '2026-06-08T12:30:00.000Z', '2026-06-08T09:00:00-04:00', '2026-06-09T12:00:00.000Z'],
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
