import type { Catalog } from './catalog';
import type { EarnedReward } from './conversation';
import { profileRewardPeriod } from './coupons';
import { issueAndNotify } from './issue-coupon';
import type { Clock, CouponStore, EventPublisher, Outbox, Random } from './ports';

export interface ProfileRewardDeps {
  coupons: CouponStore;
  random: Random;
  outbox: Outbox;
  events: EventPublisher;
  clock: Clock;
}

/**
 * The coupons profile answers earned ("tell us your birthday and get a free shake"), as the text's
 * commit recorded them: issued and queued now, and again by a redelivery of that text after a crash,
 * without a second coupon: the marker's period is the question, so each subscriber earns a question's
 * reward once (a coupon issued before has its text queued again only if it never was). The text is a
 * reply to the subscriber's own answer: no quiet hours, no marketing cap; consent is checked at
 * sending, as for every message. A reward whose offer has left the catalog since is not issued.
 */
export async function grantProfileRewards(rewards: EarnedReward[], catalog: Catalog, deps: ProfileRewardDeps): Promise<number> {
  const grants = rewards.flatMap((reward) => {
    const program = catalog.programs.find((p) => p.programId === reward.programId);
    const offer = program?.offers.find((o) => o.offerId === reward.offerId);
    if (!program || !offer) return [];
    return [{ phone: reward.phone, program, offer, period: profileRewardPeriod(reward.field), timeZone: reward.timeZone, purpose: 'reply' as const }];
  });
  if (grants.length === 0) return 0;
  return (await issueAndNotify(grants, deps.clock.now(), deps)).length;
}
