import { DateTime } from 'luxon';
import { newSubscription, type Subscription } from '../../functions/domain/audience';
import { validateCatalog, type Catalog, type Program } from '../../functions/domain/catalog';
import { effectiveZone, KNOWN_ZONES, lunchOffer, lunchPagesDue, UNKNOWN_ZONE, zoneOf, type LunchPage } from '../../functions/domain/lunch';

const demoItems: Record<string, unknown>[] = require('../../catalog/demo.json');
const catalog: Catalog = validateCatalog(demoItems).catalog;
const demo: Program = catalog.programs[0]!;

const PHONE = '+15551234567';
const PROGRAM_ID = 'krusty-burger';

/** The demo catalog with its PROGRAM item changed (e.g. another fallback zone). */
function demoWithProgram(changes: Record<string, unknown>): Catalog {
  return validateCatalog(demoItems.map((item) => (item.sk === 'PROGRAM' ? { ...item, ...changes } : item))).catalog;
}

/** The demo catalog without the items whose sk is listed. */
function demoWithout(...sks: string[]): Catalog {
  return validateCatalog(demoItems.filter((item) => !sks.includes(String(item.sk)))).catalog;
}

const zonesOf = (pages: LunchPage[]) => pages.map((page) => page.zone).sort();

/**
 * Every page is a first page (no `after`) of the demo program for the given local date, and carries
 * that day's lunch time (12:00 on the zone's wall clock) as the moment its coupons are worth nothing.
 */
function expectFirstPagesOn(pages: LunchPage[], localDate: string, programId = PROGRAM_ID): void {
  const fallback = catalog.programs.find((p) => p.programId === programId)?.timeZoneFallback ?? demo.timeZoneFallback;
  expect(pages.map(({ zone: _zone, lunchAt: _lunchAt, ...rest }) => rest)).toEqual(pages.map(() => ({ programId, localDate })));
  const lunchOnTheWallClock = pages.map((page) => DateTime.fromISO(page.lunchAt!, { zone: page.zone === UNKNOWN_ZONE ? fallback : page.zone }).toFormat('yyyy-MM-dd HH:mm'));
  expect(lunchOnTheWallClock).toEqual(pages.map(() => `${localDate} 12:00`));
}

const EASTERN = [
  'America/Detroit',
  'America/Indiana/Indianapolis',
  'America/Indiana/Marengo',
  'America/Indiana/Petersburg',
  'America/Indiana/Vevay',
  'America/Indiana/Vincennes',
  'America/Indiana/Winamac',
  'America/Kentucky/Louisville',
  'America/Kentucky/Monticello',
  'America/New_York',
];
const CENTRAL = [
  'America/Chicago',
  'America/Indiana/Knox',
  'America/Indiana/Tell_City',
  'America/Menominee',
  'America/North_Dakota/Center',
];
const MOUNTAIN_AND_ARIZONA = ['America/Boise', 'America/Denver', 'America/Phoenix', 'America/Shiprock'];
const ALASKA = ['America/Anchorage', 'America/Juneau', 'America/Nome', 'America/Yakutat'];
const ATLANTIC = ['America/Puerto_Rico', 'America/St_Thomas'];

describe('lunchPagesDue: the demo program (lunch 12:00, Mon-Fri, fallback America/New_York)', () => {
  test.each([
    ['14:30Z is 10:30 AST (no DST)', '2026-11-24T14:30:00.000Z', ATLANTIC],
    ['15:30Z is 10:30 EST', '2026-11-24T15:30:00.000Z', [...EASTERN, UNKNOWN_ZONE]],
    ['16:30Z is 10:30 CST', '2026-11-24T16:30:00.000Z', CENTRAL],
    ['17:30Z is 10:30 MST (Phoenix has no DST, so it is with them in winter)', '2026-11-24T17:30:00.000Z', MOUNTAIN_AND_ARIZONA],
    ['18:30Z is 10:30 PST', '2026-11-24T18:30:00.000Z', ['America/Los_Angeles']],
    ['19:30Z is 10:30 AKST', '2026-11-24T19:30:00.000Z', ALASKA],
    ['20:30Z is 10:30 HST', '2026-11-24T20:30:00.000Z', ['Pacific/Honolulu']],
    ['00:30Z is 10:30 ChST in Guam', '2026-11-24T00:30:00.000Z', ['Pacific/Guam']],
  ])('Tuesday 2026-11-24, %s: exactly those zones are due', (_when, iso, expected) => {
    // Prepare
    const at = new Date(iso);
    // Act
    const pages = lunchPagesDue(catalog, at);
    // Assess
    expect(zonesOf(pages)).toEqual([...expected].sort());
    expectFirstPagesOn(pages, '2026-11-24');
  });

  test('15:30Z on Tuesday 2026-11-24 gives exactly these eleven first pages, each due by noon EST', () => {
    const NOON_EST = '2026-11-24T17:00:00.000Z';
    // Prepare
    const at = new Date('2026-11-24T15:30:00.000Z');
    // Act
    const pages = lunchPagesDue(catalog, at);
    // Assess
    expect(pages).toEqual([
      { programId: PROGRAM_ID, zone: 'America/New_York', localDate: '2026-11-24', lunchAt: NOON_EST },
      { programId: PROGRAM_ID, zone: 'America/Kentucky/Louisville', localDate: '2026-11-24', lunchAt: NOON_EST },
      { programId: PROGRAM_ID, zone: 'America/Indiana/Indianapolis', localDate: '2026-11-24', lunchAt: NOON_EST },
      { programId: PROGRAM_ID, zone: 'America/Detroit', localDate: '2026-11-24', lunchAt: NOON_EST },
      { programId: PROGRAM_ID, zone: 'America/Indiana/Winamac', localDate: '2026-11-24', lunchAt: NOON_EST },
      { programId: PROGRAM_ID, zone: 'America/Indiana/Vevay', localDate: '2026-11-24', lunchAt: NOON_EST },
      { programId: PROGRAM_ID, zone: 'America/Indiana/Marengo', localDate: '2026-11-24', lunchAt: NOON_EST },
      { programId: PROGRAM_ID, zone: 'America/Indiana/Vincennes', localDate: '2026-11-24', lunchAt: NOON_EST },
      { programId: PROGRAM_ID, zone: 'America/Indiana/Petersburg', localDate: '2026-11-24', lunchAt: NOON_EST },
      { programId: PROGRAM_ID, zone: 'America/Kentucky/Monticello', localDate: '2026-11-24', lunchAt: NOON_EST },
      { programId: PROGRAM_ID, zone: UNKNOWN_ZONE, localDate: '2026-11-24', lunchAt: NOON_EST },
    ]);
  });

  test.each([
    ['14:30Z is 10:30 EDT and 10:30 AST', '2026-06-23T14:30:00.000Z', [...EASTERN, ...ATLANTIC, UNKNOWN_ZONE]],
    ['15:30Z is 10:30 CDT', '2026-06-23T15:30:00.000Z', CENTRAL],
    ['16:30Z is 10:30 MDT (Phoenix, on MST, is not)', '2026-06-23T16:30:00.000Z', ['America/Boise', 'America/Denver', 'America/Shiprock']],
    ['17:30Z is 10:30 PDT and 10:30 MST in Phoenix', '2026-06-23T17:30:00.000Z', ['America/Los_Angeles', 'America/Phoenix']],
    ['18:30Z is 10:30 AKDT', '2026-06-23T18:30:00.000Z', ALASKA],
    ['20:30Z is 10:30 HST (no DST)', '2026-06-23T20:30:00.000Z', ['Pacific/Honolulu']],
  ])('Tuesday 2026-06-23 (summer time), %s', (_when, iso, expected) => {
    // Prepare
    const at = new Date(iso);
    // Act
    const pages = lunchPagesDue(catalog, at);
    // Assess
    expect(zonesOf(pages)).toEqual([...expected].sort());
    expectFirstPagesOn(pages, '2026-06-23');
  });

  test.each([
    ['10:00 EST, the first minute of the window', '2026-11-24T15:00:00.000Z', [...EASTERN, UNKNOWN_ZONE]],
    ['10:59:59.999 EST, the last instant of it', '2026-11-24T15:59:59.999Z', [...EASTERN, UNKNOWN_ZONE]],
    ['11:00 EST, already too late (and 10:00 CST)', '2026-11-24T16:00:00.000Z', CENTRAL],
    ['09:59 EST, too early (and 10:59 AST)', '2026-11-24T14:59:00.000Z', ATLANTIC],
  ])('the window is [10:00, 11:00) local: %s', (_when, iso, expected) => {
    // Prepare
    const at = new Date(iso);
    // Act
    const pages = lunchPagesDue(catalog, at);
    // Assess
    expect(zonesOf(pages)).toEqual([...expected].sort());
  });

  test.each([
    ['22:30Z, when no zone is between 10:00 and 11:00', '2026-11-24T22:30:00.000Z'],
    ['12:00Z, 07:00 EST', '2026-11-24T12:00:00.000Z'],
  ])('nothing is due at %s', (_when, iso) => {
    // Prepare
    const at = new Date(iso);
    // Act
    const pages = lunchPagesDue(catalog, at);
    // Assess
    expect(pages).toEqual([]);
  });

  test.each([
    ['Saturday 2026-11-28, 10:30 EST', '2026-11-28T15:30:00.000Z'],
    ['Saturday 2026-11-28, 10:30 CST', '2026-11-28T16:30:00.000Z'],
    ['Sunday 2026-11-29, 10:30 EST', '2026-11-29T15:30:00.000Z'],
    ['Saturday 2026-11-28, 10:30 ChST in Guam', '2026-11-28T00:30:00.000Z'],
  ])('%s: no pages, the lunch offer is Mon-Fri only', (_when, iso) => {
    // Prepare
    const at = new Date(iso);
    // Act
    const pages = lunchPagesDue(catalog, at);
    // Assess
    expect(pages).toEqual([]);
  });

  test('Monday 2026-11-30 00:30Z is 10:30 Monday in Guam but Sunday evening everywhere else: Guam is due for Monday', () => {
    // Prepare
    const at = new Date('2026-11-30T00:30:00.000Z');
    // Act
    const pages = lunchPagesDue(catalog, at);
    // Assess
    expect(pages).toEqual([{ programId: PROGRAM_ID, zone: 'Pacific/Guam', localDate: '2026-11-30', lunchAt: '2026-11-30T02:00:00.000Z' }]);
  });

  test('Friday 2026-11-27 20:30Z is Friday 10:30 in Honolulu: due, dated Friday', () => {
    // Prepare
    const at = new Date('2026-11-27T20:30:00.000Z');
    // Act
    const pages = lunchPagesDue(catalog, at);
    // Assess
    expect(pages).toEqual([{ programId: PROGRAM_ID, zone: 'Pacific/Honolulu', localDate: '2026-11-27', lunchAt: '2026-11-27T22:00:00.000Z' }]);
  });
});

describe('lunchPagesDue: other programs', () => {
  test('a program without a lunch offer is never due', () => {
    // Prepare
    const noLunch = demoWithout('OFFER#lunch');
    const at = new Date('2026-11-24T15:30:00.000Z');
    // Act
    const pages = lunchPagesDue(noLunch, at);
    // Assess
    expect(lunchOffer(noLunch.programs[0]!)).toBeUndefined();
    expect(pages).toEqual([]);
  });

  test('an empty catalog is never due', () => {
    // Prepare
    const empty: Catalog = { programs: [] };
    // Act
    const pages = lunchPagesDue(empty, new Date('2026-11-24T15:30:00.000Z'));
    // Assess
    expect(pages).toEqual([]);
  });

  test('with fallback America/Chicago, the unknown zone goes out with Central time', () => {
    // Prepare
    const chicago = demoWithProgram({ timeZoneFallback: 'America/Chicago' });
    // Act
    const atEastern = lunchPagesDue(chicago, new Date('2026-11-24T15:30:00.000Z'));
    const atCentral = lunchPagesDue(chicago, new Date('2026-11-24T16:30:00.000Z'));
    // Assess
    expect(zonesOf(atEastern)).toEqual(EASTERN);
    expect(zonesOf(atCentral)).toEqual([...CENTRAL, UNKNOWN_ZONE].sort());
  });

  test('with lunch at 11:30 the Eastern window is 09:30-10:30 EST', () => {
    // Prepare
    const early = demoWithProgram({ lunchTime: '11:30' });
    // Act
    const at1429 = lunchPagesDue(early, new Date('2026-11-24T14:29:00.000Z'));
    const at1430 = lunchPagesDue(early, new Date('2026-11-24T14:30:00.000Z'));
    const at1530 = lunchPagesDue(early, new Date('2026-11-24T15:30:00.000Z'));
    // Assess
    expect(zonesOf(at1429)).toEqual(ATLANTIC);
    expect(zonesOf(at1430)).toEqual([...EASTERN, UNKNOWN_ZONE].sort());
    expect(zonesOf(at1530)).toEqual(CENTRAL);
  });

  test('a lunch offer allowed on Saturday only is due on Saturday and not on Tuesday', () => {
    // Prepare
    const saturday = validateCatalog(demoItems.map((item) => (item.sk === 'OFFER#lunch' ? { ...item, days: ['Sat'] } : item))).catalog;
    // Act
    const tuesday = lunchPagesDue(saturday, new Date('2026-11-24T15:30:00.000Z'));
    const onSaturday = lunchPagesDue(saturday, new Date('2026-11-28T15:30:00.000Z'));
    // Assess
    expect(tuesday).toEqual([]);
    expect(zonesOf(onSaturday)).toEqual([...EASTERN, UNKNOWN_ZONE].sort());
    expectFirstPagesOn(onSaturday, '2026-11-28');
  });

  test('two programs due at once each get their own pages', () => {
    // Prepare
    const both = validateCatalog([
      ...demoItems,
      {
        pk: 'PROGRAM#squishee',
        sk: 'PROGRAM',
        name: 'Squishee Club',
        shortCode: '66166',
        keyword: 'SQUISHEE',
        helpContact: 'help@squishee.example',
        frequency: 'Up to 2 msgs/mo',
        timeZoneFallback: 'America/Los_Angeles',
        lunchTime: '13:00',
      },
      { pk: 'PROGRAM#squishee', sk: 'OFFER#lunch', kind: 'lunch', copy: 'A free Squishee with lunch.', validDays: 1 },
    ]).catalog;
    // Act: Squishee's lunch at 13:00 makes its window 11:00-12:00 local.
    const pages = lunchPagesDue(both, new Date('2026-11-24T17:30:00.000Z'));
    // Assess: 17:30Z is 10:30 MST (Krusty) and 11:30 CST (Squishee).
    expect(zonesOf(pages.filter((p) => p.programId === PROGRAM_ID))).toEqual(MOUNTAIN_AND_ARIZONA);
    expect(zonesOf(pages.filter((p) => p.programId === 'squishee'))).toEqual(CENTRAL);
    expect(pages.every((p) => p.localDate === '2026-11-24')).toBe(true);
  });
});

describe('KNOWN_ZONES', () => {
  test('on a weekday every known zone and the unknown zone are due for exactly one hour (four 15-minute ticks)', () => {
    // Prepare: every 15 minutes (the schedule's period) of Tuesday 2026-11-24, UTC.
    const instants = Array.from({ length: 96 }, (_, i) => new Date(Date.parse('2026-11-24T00:00:00.000Z') + i * 15 * 60_000));
    // Act
    const counts = new Map<string, number>();
    for (const at of instants) for (const page of lunchPagesDue(catalog, at)) counts.set(page.zone, (counts.get(page.zone) ?? 0) + 1);
    // Assess: four 15-minute ticks inside each zone's hour, on Tuesday local time.
    expect([...counts.keys()].sort()).toEqual([...KNOWN_ZONES, UNKNOWN_ZONE].sort());
    expect([...counts.values()].every((count) => count === 4)).toBe(true);
  });
});

describe('zoneOf', () => {
  test('a subscriber with a ZIP is filed under the ZIP’s zone', () => {
    // Prepare
    const subscription: Subscription = { ...newSubscription(PHONE, PROGRAM_ID), profile: { zip: '62701', state: 'IL', timeZone: 'America/Chicago' } };
    // Act
    const zone = zoneOf(subscription);
    // Assess
    expect(zone).toBe('America/Chicago');
  });

  test('a subscriber without a ZIP is filed under "unknown"', () => {
    // Prepare
    const subscription = newSubscription(PHONE, PROGRAM_ID);
    // Act
    const zone = zoneOf(subscription);
    // Assess
    expect(zone).toBe('unknown');
    expect(zone).toBe(UNKNOWN_ZONE);
  });

  test('a state without a time zone is still "unknown"', () => {
    // Prepare
    const subscription: Subscription = { ...newSubscription(PHONE, PROGRAM_ID), profile: { state: 'IL' } };
    // Act
    const zone = zoneOf(subscription);
    // Assess
    expect(zone).toBe('unknown');
  });
});

describe('effectiveZone', () => {
  test('"unknown" is the program’s fallback zone', () => {
    // Prepare
    const zone = UNKNOWN_ZONE;
    // Act
    const clock = effectiveZone(zone, demo);
    // Assess
    expect(clock).toBe('America/New_York');
  });

  test.each(['America/Chicago', 'Pacific/Guam', 'America/Indiana/Knox'])('%s is its own clock', (zone) => {
    // Prepare
    const program = demo;
    // Act
    const clock = effectiveZone(zone, program);
    // Assess
    expect(clock).toBe(zone);
  });

  test('"unknown" follows another program’s fallback', () => {
    // Prepare
    const program = demoWithProgram({ timeZoneFallback: 'America/Denver' }).programs[0]!;
    // Act
    const clock = effectiveZone(UNKNOWN_ZONE, program);
    // Assess
    expect(clock).toBe('America/Denver');
  });
});
