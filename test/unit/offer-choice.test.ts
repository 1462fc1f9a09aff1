import { zoneShard } from '../../functions/adapters/audience-keys';
import type { Offer } from '../../functions/domain/catalog';
import { chooseOffer, dayNumber, weekdayOf } from '../../functions/domain/offer-choice';

/** Which lunch offer a subscriber gets: the most specific for where they live, rotated day by day. */

const offer = (offerId: string, extra: Partial<Offer> = {}): Offer => ({ offerId, kind: 'lunch', copy: `${offerId} copy`, validDays: 1, ...extra });
const program = (...offers: Offer[]) => ({ offers });
const PHONE = '+15551230000';
const TUESDAY = '2026-11-24';
const phones = Array.from({ length: 40 }, (_, index) => `+1555123${String(index).padStart(4, '0')}`);
/** Consecutive local dates from a Monday. */
const days = (count: number, from = '2026-11-23') => Array.from({ length: count }, (_, index) => new Date(Date.parse(`${from}T00:00:00Z`) + index * 86_400_000).toISOString().slice(0, 10));

describe('the most specific offer for where the subscriber lives', () => {
  const general = offer('general');
  const illinois = offer('illinois', { states: ['IL'] });
  const springfield = offer('springfield', { zipPrefixes: ['627', '628'] });
  const both = offer('both', { states: ['WI'], zipPrefixes: ['606'] });
  const ny = offer('ny', { states: ['NY'] });

  test.each([
    ['a ZIP prefix match beats a state and a general offer', [general, illinois, springfield], { zip: '62701', state: 'IL' }, 'springfield'],
    ['any of the prefixes matches', [general, illinois, springfield], { zip: '62801', state: 'IL' }, 'springfield'],
    ['a state match beats a general offer', [general, illinois, springfield], { zip: '60601', state: 'IL' }, 'illinois'],
    ['elsewhere: the general offer', [general, illinois, springfield], { zip: '10001', state: 'NY' }, 'general'],
    ['no ZIP given yet: the general offer', [general, illinois, springfield], {}, 'general'],
    ['an offer with both matches by its prefix as a prefix', [general, illinois, both], { zip: '60601', state: 'IL' }, 'both'],
    ['an offer with both matches by its state as a state', [general, both], { zip: '53703', state: 'WI' }, 'both'],
    ['located offers only and none matches: none of that kind', [illinois, springfield, ny], { zip: '80202', state: 'CO' }, undefined],
    ['located offers only and no ZIP: none', [illinois, ny], {}, undefined],
    ['no offer of the kind at all: none', [offer('bday', { kind: 'birthday' })], { zip: '62701', state: 'IL' }, undefined],
  ])('%s', (_, offers, profile, expected) => {
    // Act
    const chosen = chooseOffer(program(...offers), 'lunch', { phone: PHONE, profile, localDate: TUESDAY });

    // Assess
    expect(chosen?.offerId).toBe(expected);
  });

  test('rotation runs only among the equally specific matches', () => {
    // Prepare: two Illinois offers, a general one and one for New York
    const catalog = program(general, illinois, offer('illinois-2', { states: ['IL'] }), ny);

    // Act
    const chosen = phones.flatMap((phone) => days(14).map((localDate) => chooseOffer(catalog, 'lunch', { phone, profile: { zip: '60601', state: 'IL' }, localDate })?.offerId));

    // Assess
    expect(new Set(chosen)).toEqual(new Set(['illinois', 'illinois-2']));
  });
});

describe('rotation day by day', () => {
  test.each([2, 3, 5])('with %i lunch offers nobody gets the same one on two consecutive days', (count) => {
    // Prepare
    const catalog = program(...Array.from({ length: count }, (_, index) => offer(`lunch-${index}`)));

    for (const phone of phones) {
      // Act
      const chosen = days(21).map((localDate) => chooseOffer(catalog, 'lunch', { phone, profile: {}, localDate })!.offerId);

      // Assess: every day differs from the day before, and over n days each offer comes once
      chosen.slice(1).forEach((offerId, index) => expect(offerId).not.toBe(chosen[index]));
      expect(new Set(chosen.slice(0, count)).size).toBe(count);
    }
  });

  test('on one day subscribers are spread over the offers, not all given the same', () => {
    // Prepare
    const catalog = program(offer('a'), offer('b'), offer('c'));

    // Act
    const chosen = phones.map((phone) => chooseOffer(catalog, 'lunch', { phone, profile: {}, localDate: TUESDAY })!.offerId);

    // Assess
    expect(new Set(chosen)).toEqual(new Set(['a', 'b', 'c']));
  });

  test('the subscribers of one lunch page (one zone shard) are spread over the offers too', () => {
    // Prepare: the phones a shard of 4 holds
    const catalog = program(offer('a'), offer('b'));
    const shardmates = Array.from({ length: 400 }, (_, index) => `+1555124${String(index).padStart(4, '0')}`).filter((phone) => zoneShard(phone, 4) === 1);

    // Act
    const chosen = shardmates.map((phone) => chooseOffer(catalog, 'lunch', { phone, profile: {}, localDate: TUESDAY })!.offerId);

    // Assess
    expect(shardmates.length).toBeGreaterThan(50);
    expect(chosen.filter((offerId) => offerId === 'a').length / chosen.length).toBeGreaterThan(0.3);
    expect(chosen.filter((offerId) => offerId === 'b').length / chosen.length).toBeGreaterThan(0.3);
  });

  test('stable: the same subscriber and day always get the same offer, whatever order the catalog lists them in', () => {
    // Prepare
    const [a, b, c] = [offer('a'), offer('b'), offer('c')];

    // Act
    const once = phones.map((phone) => chooseOffer(program(a, b, c), 'lunch', { phone, profile: {}, localDate: TUESDAY })!.offerId);
    const again = phones.map((phone) => chooseOffer(program(c, a, b), 'lunch', { phone, profile: {}, localDate: TUESDAY })!.offerId);

    // Assess
    expect(again).toEqual(once);
  });

  test('one offer of the kind: everyone gets it every day', () => {
    // Act
    const chosen = days(7).map((localDate) => chooseOffer(program(offer('only')), 'lunch', { phone: PHONE, profile: {}, localDate })?.offerId);

    // Assess
    expect(chosen).toEqual(Array(7).fill('only'));
  });
});

describe('weekday allowance (days)', () => {
  const weekdays = offer('weekday', { days: [1, 2, 3, 4, 5] });
  const weekend = offer('weekend', { days: [6, 7] });
  const mondayLocal = offer('monday-local', { zipPrefixes: ['627'], days: [1] });

  test.each([
    ['Monday', '2026-11-23', [weekdays, weekend], 'weekday'],
    ['Saturday', '2026-11-28', [weekdays, weekend], 'weekend'],
    ['Sunday', '2026-11-29', [weekdays, weekend], 'weekend'],
    ['Sunday, only a weekday offer: none', '2026-11-29', [weekdays], undefined],
    ['Monday: the local offer allowed that day wins', '2026-11-23', [mondayLocal, weekdays], 'monday-local'],
    ['Tuesday: the local offer is not allowed, the general one goes', '2026-11-24', [mondayLocal, weekdays], 'weekday'],
    ['an empty days list: never', '2026-11-24', [offer('never', { days: [] })], undefined],
  ])('%s', (_, localDate, offers, expected) => {
    // Act
    const chosen = chooseOffer(program(...offers), 'lunch', { phone: PHONE, profile: { zip: '62701', state: 'IL' }, localDate });

    // Assess
    expect(chosen?.offerId).toBe(expected);
  });
});

describe('local dates', () => {
  test.each([
    ['1970-01-01', 0, 4],
    ['2026-11-23', 20780, 1],
    ['2026-11-29', 20786, 7],
    ['2028-02-29', 21243, 2],
  ])('%s is day %i, weekday %i', (localDate, number, weekday) => {
    // Act / Assess
    expect([dayNumber(localDate), weekdayOf(localDate)]).toEqual([number, weekday]);
  });

  test('a malformed local date is a bug, not a guess', () => {
    // Act / Assess
    expect(() => dayNumber('24/11/2026')).toThrow('localDate must be YYYY-MM-DD');
  });
});
