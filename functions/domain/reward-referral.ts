import type { Catalog } from './catalog';
import { normalizeCode } from './codes';
import type { CompletedReferral } from './conversation';
import { offerPeriod } from './coupons';
import { issueAndNotify } from './issue-coupon';
import { localDate } from './local-time';
import { effectiveZone, zoneOf } from './lunch';
import { chooseOffer } from './offer-choice';
import type { Clock, ConversationStore, CouponStore, EventPublisher, Outbox, Random, ReferralSlots } from './ports';
import { decideReferralReward, referralCapPeriod, type ReferralDecision } from './referrals';

/** The referral code a text carries right after the keyword ("KRUSTY 7K2Q9X please"), when it could be one. */
export function referralCodeIn(text: string): string | undefined {
  const [, second] = text.trim().split(/\s+/);
  const code = second ? normalizeCode(second) : undefined;
  return code && !code.includes('-') ? code : undefined;
}

export interface RewardDeps {
  store: Pick<ConversationStore, 'load' | 'countReferral'>;
  referralSlots: ReferralSlots;
  coupons: CouponStore;
  random: Random;
  outbox: Outbox;
  events: EventPublisher;
  clock: Clock;
}

/**
 * A friend joined with a referral code: the referrer gets the program's referral reward, once per
 * friend (the coupon's period is the friend's number), never for themselves, and at most the
 * program's monthly cap, exactly, however many friends join at once: a slot of the cap is taken with
 * a conditional write before the coupon is issued. Safe to run again: the friend's slot is found (not
 * taken twice) and the issued reward is found (not issued twice).
 *
 * The referrer's counts (a console's "friends joined, rewards given") are kept on their subscription:
 * the friend is added to its friends, and to its rewarded friends once the reward is issued or found
 * issued earlier; each number once, so a redelivered opt-in or a retried reward never counts twice.
 */
export async function rewardReferral(referral: CompletedReferral, catalog: Catalog, deps: RewardDeps): Promise<ReferralDecision> {
  const program = catalog.programs.find((p) => p.programId === referral.programId);
  const referrer = (await deps.store.load(referral.referrerPhone)).subscriptions.find((s) => s.programId === referral.programId);
  const now = deps.clock.now();
  const timeZone = program && referrer ? effectiveZone(zoneOf(referrer), program) : 'UTC';
  const today = localDate(now, timeZone);
  // The referrer's own reward offer: for where they live, rotated by their local day (offer-choice.ts).
  const offer = program && referrer ? chooseOffer(program, 'referral-reward', { phone: referrer.phone, profile: referrer.profile, localDate: today }) : undefined;
  const period = referralCapPeriod(today);
  const capPerPeriod = program?.referralRewardsPerMonth ?? 0;
  const decision = decideReferralReward({
    referrerPhone: referral.referrerPhone,
    friendPhone: referral.friendPhone,
    capPerPeriod,
    referrerSubscribed: referrer?.status === 'subscribed',
  });
  if (referral.referrerPhone !== referral.friendPhone) await deps.store.countReferral(referral, 'joined');
  if (!decision.reward || !program || !offer || !referrer) return decision;
  const slot = { referrerPhone: referral.referrerPhone, programId: referral.programId, friendPhone: referral.friendPhone, period };
  const taken = await deps.referralSlots.take(slot, capPerPeriod);
  if (taken === 'full') return { reward: false, reason: 'cap-reached' };

  // A thank-you for something the referrer did: quiet hours apply, marketing caps do not.
  const grant = { phone: referral.referrerPhone, program, offer, timeZone, template: 'referral-reward' as const, purpose: 'follow-up' as const };
  const issued = await issueAndNotify([{ ...grant, period: offerPeriod('referral-reward', { localDate: today, friendPhone: referral.friendPhone }) }], now, deps);
  if (issued.length === 0) {
    // Rewarded for this friend in an earlier month: the slot just taken belongs to someone else.
    if (taken === 'taken') await deps.referralSlots.giveBack(slot);
    // Rewarded before (another month, or this very run before a crash): counted once all the same.
    await deps.store.countReferral(referral, 'rewarded');
    return { reward: false, reason: 'already-rewarded' };
  }
  await deps.store.countReferral(referral, 'rewarded');
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
