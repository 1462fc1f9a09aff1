/**
 * Whether a referrer earns a reward when a friend joins with their code. Pure: what can be decided
 * from the people alone is decided here; the monthly cap and "once per friend" are enforced by the
 * stores with conditional writes, because concurrent friends would each read the same count.
 */

export interface ReferralCheck {
  referrerPhone: string;
  friendPhone: string;
  capPerPeriod: number;
  referrerSubscribed: boolean;
}

export type ReferralDecision =
  | { reward: true }
  | { reward: false; reason: 'self-referral' | 'already-rewarded' | 'cap-reached' | 'referrer-not-subscribed' };

/**
 * Checks, in order: self-referral → referrer-not-subscribed → cap-reached (a cap of 0 disables
 * rewards). Self-referral first: it is abuse, whatever else holds. Then the referrer: we cannot text a
 * reward to someone who opted out. Phones are compared exactly: both are E.164 by the time they get here.
 * A reward that passes still needs one of the referrer's slots for the period (the cap, taken
 * atomically: 'cap-reached' when none is left) and a coupon never issued for this friend before
 * ('already-rewarded' otherwise).
 */
export function decideReferralReward(check: ReferralCheck): ReferralDecision {
  if (check.referrerPhone === check.friendPhone) return { reward: false, reason: 'self-referral' };
  if (!check.referrerSubscribed) return { reward: false, reason: 'referrer-not-subscribed' };
  if (check.capPerPeriod <= 0) return { reward: false, reason: 'cap-reached' };
  return { reward: true };
}

/**
 * A referrer's reward slot for one friend in one period: 'taken' now, 'held' already (a retry, or the
 * same friend joining again this period: never a second slot), or 'full' (the cap is reached).
 */
export type RewardSlot = 'taken' | 'held' | 'full';

/** Period for the per-referrer cap: calendar month in the referrer's zone, 'YYYY-MM', from their local date 'YYYY-MM-DD'. */
export function referralCapPeriod(localDate: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(localDate)) throw new RangeError(`localDate must be YYYY-MM-DD, got "${localDate}"`);
  return localDate.slice(0, 7);
}
