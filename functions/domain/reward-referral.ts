import type { Catalog } from './catalog';
import { normalizeCode } from './codes';
import type { CompletedReferral } from './conversation';
import { offerPeriod } from './coupons';
import { issueAndNotify } from './issue-coupon';
import { localDate } from './local-time';
import { effectiveZone, zoneOf } from './lunch';
import type { Clock, ConversationStore, CouponStore, EventPublisher, Outbox, Random } from './ports';
import { decideReferralReward, referralCapPeriod, type ReferralDecision } from './referrals';

/** The referral code a text carries right after the keyword ("KRUSTY 7K2Q9X please"), when it could be one. */
export function referralCodeIn(text: string): string | undefined {
  const [, second] = text.trim().split(/\s+/);
  const code = second ? normalizeCode(second) : undefined;
  return code && !code.includes('-') ? code : undefined;
}

export interface RewardDeps {
  store: Pick<ConversationStore, 'load' | 'countReferralReward'>;
  coupons: CouponStore;
  random: Random;
  outbox: Outbox;
  events: EventPublisher;
  clock: Clock;
}

/**
 * A friend joined with a referral code: the referrer gets the program's referral reward, once per
 * friend (the coupon's period is the friend's number), never for themselves, and at most the
 * program's monthly cap. Safe to run again: an issued reward is found, not issued twice.
 */
export async function rewardReferral(referral: CompletedReferral, catalog: Catalog, deps: RewardDeps): Promise<ReferralDecision> {
  const program = catalog.programs.find((p) => p.programId === referral.programId);
  const offer = program?.offers.find((o) => o.kind === 'referral-reward');
  const referrer = (await deps.store.load(referral.referrerPhone)).subscriptions.find((s) => s.programId === referral.programId);
  const now = deps.clock.now();
  const timeZone = program && referrer ? effectiveZone(zoneOf(referrer), program) : 'UTC';
  const today = localDate(now, timeZone);
  const period = referralCapPeriod(today);
  const decision = decideReferralReward({
    referrerPhone: referral.referrerPhone,
    friendPhone: referral.friendPhone,
    alreadyRewardedForFriend: false,
    rewardsThisPeriod: referrer?.referralRewards?.period === period ? referrer.referralRewards.count : 0,
    capPerPeriod: program?.referralRewardsPerMonth ?? 0,
    referrerSubscribed: referrer?.status === 'subscribed',
  });
  if (!decision.reward || !program || !offer || !referrer) return decision;

  // A thank-you for something the referrer did: quiet hours apply, marketing caps do not.
  const grant = { phone: referral.referrerPhone, program, offer, timeZone, template: 'referral-reward' as const, purpose: 'follow-up' as const };
  const issued = await issueAndNotify([{ ...grant, period: offerPeriod('referral-reward', { localDate: today, friendPhone: referral.friendPhone }) }], now, deps);
  if (issued.length === 0) return { reward: false, reason: 'already-rewarded' };
  await deps.store.countReferralReward(referrer, period);
  await deps.events.publish([
    {
      type: 'ReferralCompleted',
      id: `referral:${referral.programId}:${referral.friendPhone}`,
      at: now.toISOString(),
      detail: { phone: referral.referrerPhone, friendPhone: referral.friendPhone, programId: referral.programId, code: referral.code, rewardCode: issued[0]!.code },
    },
  ]);
  return decision;
}
