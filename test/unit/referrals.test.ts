import { decideReferralReward, referralCapPeriod, type ReferralCheck } from '../../functions/domain/referrals';

const REFERRER = '+15551234567';
const FRIEND = '+15557654321';

function check(overrides: Partial<ReferralCheck> = {}): ReferralCheck {
  return {
    referrerPhone: REFERRER,
    friendPhone: FRIEND,
    capPerPeriod: 5,
    referrerSubscribed: true,
    ...overrides,
  };
}

describe('decideReferralReward', () => {
  test.each([1, 5, 100])('a friend of a subscribed referrer (cap %i) is worth trying to reward', (capPerPeriod) => {
    // Prepare
    const input = check({ capPerPeriod });

    // Act
    const decision = decideReferralReward(input);

    // Assess
    expect(decision).toEqual({ reward: true });
  });

  test.each([
    ['self-referral', { friendPhone: REFERRER }],
    ['referrer-not-subscribed', { referrerSubscribed: false }],
    ['cap-reached', { capPerPeriod: 0 }],
  ] as const)('no reward: %s (%j)', (reason, overrides) => {
    // Prepare
    const input = check(overrides);

    // Act
    const decision = decideReferralReward(input);

    // Assess
    expect(decision).toEqual({ reward: false, reason });
  });

  test('checks run in order: self-referral, referrer-not-subscribed, cap-reached', () => {
    // Prepare: each case fails every check from its position onwards.
    const allFail = { referrerSubscribed: false, capPerPeriod: 0 };
    const cases = [check({ ...allFail, friendPhone: REFERRER }), check(allFail), check({ ...allFail, referrerSubscribed: true })];

    // Act
    const reasons = cases.map((input) => {
      const decision = decideReferralReward(input);
      return decision.reward ? 'reward' : decision.reason;
    });

    // Assess
    expect(reasons).toEqual(['self-referral', 'referrer-not-subscribed', 'cap-reached']);
  });
});

describe('referralCapPeriod', () => {
  test.each([
    ['2026-11-24', '2026-11'],
    ['2026-12-31', '2026-12'],
    ['2027-01-01', '2027-01'],
  ])('%s → %s', (localDate, expected) => {
    // Prepare
    const date = localDate;

    // Act
    const period = referralCapPeriod(date);

    // Assess
    expect(period).toBe(expected);
  });

  test('a local date in any other shape is a programming error', () => {
    // Prepare
    const date = '2026-11-24T23:30:00Z';

    // Act
    const call = () => referralCapPeriod(date);

    // Assess
    expect(call).toThrow('localDate must be YYYY-MM-DD, got "2026-11-24T23:30:00Z"');
  });
});
