/**
 * Whether a referrer earns a reward when a friend joins with their code. Pure: the adapter
 * gathers the counts and flags, and records the reward with a conditional write.
 */

export interface ReferralCheck {
  referrerPhone: string;
  friendPhone: string;
  alreadyRewardedForFriend: boolean;
  rewardsThisPeriod: number;
  capPerPeriod: number;
  referrerSubscribed: boolean;
}

export type ReferralDecision =
  | { reward: true }
  | { reward: false; reason: 'self-referral' | 'already-rewarded' | 'cap-reached' | 'referrer-not-subscribed' };

/**
 * Checks, in order: self-referral → referrer-not-subscribed → already-rewarded → cap-reached.
 * Self-referral first: it is abuse, whatever else holds. Then the permanent reasons about the
 * people (we cannot text a reward to someone who opted out; a friend earns one reward, ever),
 * and the cap last, because it is the only reason that goes away next month.
 * Phones are compared exactly: both are E.164 by the time they get here.
 * A cap of 0 disables rewards.
 */
export function decideReferralReward(check: ReferralCheck): ReferralDecision {
  if (check.referrerPhone === check.friendPhone) return { reward: false, reason: 'self-referral' };
  if (!check.referrerSubscribed) return { reward: false, reason: 'referrer-not-subscribed' };
  if (check.alreadyRewardedForFriend) return { reward: false, reason: 'already-rewarded' };
  if (check.rewardsThisPeriod >= check.capPerPeriod) return { reward: false, reason: 'cap-reached' };
  return { reward: true };
}

/** Period for the per-referrer cap: calendar month in the referrer's zone, 'YYYY-MM', from their local date 'YYYY-MM-DD'. */
export function referralCapPeriod(localDate: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(localDate)) throw new RangeError(`localDate must be YYYY-MM-DD, got "${localDate}"`);
  return localDate.slice(0, 7);
}
