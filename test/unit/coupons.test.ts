import { newCoupon, offerAllowedOn, offerPeriod, redeem, type Coupon, type CouponOffer } from '../../functions/domain/coupons';

const PHONE = '+15551234567';
const OTHER_PHONE = '+15557654321';
const lunch: CouponOffer = { offerId: 'lunch', kind: 'lunch', validDays: 1, days: [1, 2, 3, 4, 5] };

function issued(overrides: Partial<Coupon> = {}): Coupon {
  return {
    code: 'KB-7K2Q9X',
    phone: PHONE,
    programId: 'krusty-burger',
    offerId: 'welcome',
    issuedAt: '2026-11-24T17:00:00.000Z',
    validUntil: '2026-12-24T17:00:00.000Z',
    status: 'issued',
    ...overrides,
  };
}

describe('offerPeriod', () => {
  const context = { localDate: '2026-11-24', orderId: 'order-42', friendPhone: OTHER_PHONE };

  test.each([
    ['lunch', '2026-11-24'],
    ['birthday', '2026'],
    ['post-purchase', 'order-42'],
    ['cross-sell', 'order-42'],
    ['referral-reward', OTHER_PHONE],
    ['welcome', 'once'],
  ])('%s → %s', (kind, expected) => {
    // Prepare
    const given = { ...context };

    // Act
    const period = offerPeriod(kind, given);

    // Assess
    expect(period).toBe(expected);
  });

  test.each([
    ['post-purchase', { localDate: '2026-11-24' }, 'a post-purchase offer needs the orderId'],
    ['cross-sell', { localDate: '2026-11-24', orderId: '' }, 'a cross-sell offer needs the orderId'],
    ['referral-reward', { localDate: '2026-11-24' }, "a referral-reward offer needs the friend's phone"],
    ['lunch', { localDate: '24/11/2026' }, 'localDate must be YYYY-MM-DD, got "24/11/2026"'],
    ['birthday', { localDate: '2026-11' }, 'localDate must be YYYY-MM-DD, got "2026-11"'],
    ['happy-hour', { localDate: '2026-11-24' }, 'unknown offer kind "happy-hour"'],
  ])('%s with %j throws rather than guessing a period', (kind, given, message) => {
    // Prepare
    const context = { ...given };

    // Act
    const call = () => offerPeriod(kind, context);

    // Assess
    expect(call).toThrow(RangeError);
    expect(call).toThrow(message);
  });
});

describe('newCoupon', () => {
  test('is issued now, of its offer\'s kind (its source, unless a campaign issues it), and valid for exactly validDays × 24 h', () => {
    // Prepare
    const offer: CouponOffer = { offerId: 'welcome', kind: 'welcome', validDays: 30 };
    const issuedAt = new Date('2026-11-24T17:00:00Z');

    // Act
    const coupon = newCoupon({ code: 'KB-7K2Q9X', phone: PHONE, programId: 'krusty-burger', offer, issuedAt });

    // Assess
    expect(coupon).toEqual({
      code: 'KB-7K2Q9X',
      phone: PHONE,
      programId: 'krusty-burger',
      offerId: 'welcome',
      kind: 'welcome',
      source: { kind: 'welcome', offerId: 'welcome' },
      issuedAt: '2026-11-24T17:00:00.000Z',
      validUntil: '2026-12-24T17:00:00.000Z',
      status: 'issued',
    });
    expect(Object.keys(coupon)).not.toContain('redeemedAt');
  });

  test('a one-day coupon spans a DST change as 24 real hours', () => {
    // Prepare: US clocks go back on 2026-11-01.
    const issuedAt = new Date('2026-10-31T16:30:00Z');

    // Act
    const coupon = newCoupon({ code: 'KB-AAAAAA', phone: PHONE, programId: 'krusty-burger', offer: lunch, issuedAt });

    // Assess
    expect(coupon.validUntil).toBe('2026-11-01T16:30:00.000Z');
  });

  test.each([0, -1, 1.5])('validDays %p is rejected', (validDays) => {
    // Prepare
    const offer: CouponOffer = { ...lunch, validDays };

    // Act
    const call = () => newCoupon({ code: 'KB-AAAAAA', phone: PHONE, programId: 'krusty-burger', offer, issuedAt: new Date(0) });

    // Assess
    expect(call).toThrow(`validDays must be a positive integer, got ${validDays}`);
  });
});

describe('offerAllowedOn', () => {
  test.each([
    [1, true],
    [5, true],
    [6, false],
    [7, false],
  ])('a weekday lunch offer on weekday %i → %p', (weekday, expected) => {
    // Prepare
    const offer = lunch;

    // Act
    const allowed = offerAllowedOn(offer, weekday);

    // Assess
    expect(allowed).toBe(expected);
  });

  test('no days rule means every day; an empty list means never', () => {
    // Prepare
    const everyDay: CouponOffer = { offerId: 'welcome', kind: 'welcome', validDays: 30 };
    const never: CouponOffer = { ...everyDay, days: [] };
    const week = [1, 2, 3, 4, 5, 6, 7];

    // Act
    const results = [week.map((day) => offerAllowedOn(everyDay, day)), week.map((day) => offerAllowedOn(never, day))];

    // Assess
    expect(results).toEqual([[true, true, true, true, true, true, true], [false, false, false, false, false, false, false]]);
  });

  test.each([0, 8, 2.5])('weekday %p is a programming error', (weekday) => {
    // Prepare
    const offer = lunch;

    // Act
    const call = () => offerAllowedOn(offer, weekday);

    // Assess
    expect(call).toThrow(`localWeekday must be 1 (Mon) to 7 (Sun), got ${weekday}`);
  });
});

describe('redeem', () => {
  const during = new Date('2026-12-01T12:00:00Z');

  test('a valid coupon is redeemed by its owner, recording when and for which order', () => {
    // Prepare
    const coupon = issued();

    // Act
    const result = redeem(coupon, during, 'order-42', PHONE);

    // Assess
    expect(result).toEqual({
      ok: true,
      coupon: { ...issued(), status: 'redeemed', redeemedAt: '2026-12-01T12:00:00.000Z', orderId: 'order-42' },
    });
  });

  test.each([
    ['no phone', undefined],
    ['an empty phone', ''],
  ])('a purchase with %s is not checked for ownership', (_label, phone) => {
    // Prepare
    const coupon = issued();

    // Act
    const result = redeem(coupon, during, 'order-43', phone);

    // Assess
    expect(result).toEqual({ ok: true, coupon: { ...issued(), status: 'redeemed', redeemedAt: '2026-12-01T12:00:00.000Z', orderId: 'order-43' } });
  });

  test('one millisecond before validUntil is still valid', () => {
    // Prepare
    const coupon = issued();

    // Act
    const result = redeem(coupon, new Date('2026-12-24T16:59:59.999Z'), 'order-44', PHONE);

    // Assess
    expect(result.ok).toBe(true);
  });

  test.each([
    ['unknown', undefined, during, PHONE],
    ['already-redeemed', issued({ status: 'redeemed', redeemedAt: '2026-11-30T12:00:00.000Z', orderId: 'order-1' }), during, PHONE],
    ['other-customer', issued(), during, OTHER_PHONE],
    ['expired', issued(), new Date('2026-12-24T17:00:00.000Z'), PHONE],
    ['expired', issued(), new Date('2027-01-01T00:00:00Z'), PHONE],
  ] as const)('refused as %s', (reason, coupon, at, phone) => {
    // Prepare
    const order = 'order-99';

    // Act
    const result = redeem(coupon, at, order, phone);

    // Assess
    expect(result).toEqual({ ok: false, reason });
  });

  test('checks run in order: already-redeemed before other-customer before expired', () => {
    // Prepare
    const late = new Date('2027-01-01T00:00:00Z');
    const redeemed = issued({ status: 'redeemed', redeemedAt: '2026-11-30T12:00:00.000Z', orderId: 'order-1' });

    // Act
    const results = [redeem(redeemed, late, 'order-2', OTHER_PHONE), redeem(issued(), late, 'order-2', OTHER_PHONE)];

    // Assess
    expect(results).toEqual([
      { ok: false, reason: 'already-redeemed' },
      { ok: false, reason: 'other-customer' },
    ]);
  });

  test('the same order again is already-redeemed, and the input is not changed', () => {
    // Prepare
    const coupon = issued();
    const first = redeem(coupon, during, 'order-42', PHONE);

    // Act
    const again = first.ok ? redeem(first.coupon, during, 'order-42', PHONE) : first;

    // Assess
    expect(again).toEqual({ ok: false, reason: 'already-redeemed' });
    expect(coupon).toEqual(issued());
  });
});

describe('coupon texts are time-bound', () => {
  const { validateCatalog } = require('../../functions/domain/catalog') as typeof import('../../functions/domain/catalog');
  const { couponMessage } = require('../../functions/domain/issue-coupon') as typeof import('../../functions/domain/issue-coupon');
  const program = validateCatalog(require('../../catalog/demo.json')).catalog.programs[0]!;

  test.each(program.offers.map((offer) => [offer.kind, offer] as const))('a %s coupon text is never sent after its coupon expires', (_kind, offer) => {
    // Prepare
    const coupon = issued({ offerId: offer.offerId, validUntil: '2026-11-25T05:59:59.999Z' });
    // Act
    const message = couponMessage(coupon, program, offer, 'America/Chicago');
    // Assess
    expect(message.notAfter).toBe('2026-11-25T05:59:59.999Z');
  });
});
