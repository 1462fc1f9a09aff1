import { handOutWaves, type PageDeps } from './hand-out-waves';
import type { Catalog } from './catalog';
import { offerPeriod } from './coupons';
import { issueAndQueue } from './issue-coupon';
import { effectiveZone, lunchOffers, lunchPagesDue, type LunchPage } from './lunch';
import { chooseOffer } from './offer-choice';
import { withinCaps } from './frequency-caps';
import { endOfLocalDay, isBirthday, nextLocalTime, startOfLocalDate } from './local-time';
import type { CatalogSource, Clock, LunchPageQueue, LunchWaves } from './ports';

/** Subscribers per page of a zone's lunch chain (LUNCH_PAGE_SIZE overrides it). */
export const LUNCH_PAGE_SIZE = 100;

export type LunchDeps = PageDeps<LunchPage>;

/**
 * The 15-minute schedule: the first pages of every zone now inside its lunch window whose wave has
 * not started yet that local day (handOutWaves: one chain per shard). Each zone is walked once a
 * day, not at every tick of its window; issuing is idempotent per subscriber and day.
 */
export async function dispatchLunch(deps: { catalog: CatalogSource; pages: LunchPageQueue; waves: LunchWaves; clock: Clock; shards: number }): Promise<LunchPage[]> {
  const at = deps.clock.now();
  return handOutWaves(lunchPagesDue(await deps.catalog.load(), at), deps, at);
}

/**
 * One page of one zone's subscribers: today's lunch coupon for each (once per local day, one of the
 * lunch offers: the most specific for where they live, rotated day by day; none when no lunch offer
 * allowed that weekday matches them), or, on their birthday, their birthday offer instead (once a year), so the day's one message is the best one. The next page is handed on before
 * this one is worked, so pages proceed in parallel and none waits on a slow one. The page's
 * subscribers are issued at once, one conditional write each; a retried page re-queues the texts of
 * coupons already issued (same deduplication ids) and issues nothing twice.
 */
export async function issueLunchPage(page: LunchPage, deps: LunchDeps): Promise<{ issued: number; requeued: number; handedOn: boolean }> {
  const catalog: Catalog = await deps.catalog.load();
  const program = catalog.programs.find((p) => p.programId === page.programId);
  if (!program || lunchOffers(program).length === 0) return { issued: 0, requeued: 0, handedOn: false };

  const { subscriptions, next } = await deps.audience.subscribersInZone(page, deps.pageSize, page.after);
  if (next) await deps.pages.send([{ ...page, after: next }]);

  const at = deps.clock.now();
  const timeZone = effectiveZone(page.zone, program);
  const caps = { perDay: program.maxPerDay, perWeek: program.maxPerWeek };
  // Pages queued before pages carried their lunch time: lunch time on the page's local date.
  const lunchAt = page.lunchAt ?? nextLocalTime(startOfLocalDate(page.localDate, timeZone), timeZone, program.lunchTime).toISOString();
  // A coupon whose text the frequency cap would stop is not issued at all; the birthday goes first.
  const grants = subscriptions
    .filter((subscription) => subscription.status === 'subscribed' && withinCaps(subscription.marketingSentAt ?? [], at, caps, timeZone))
    .flatMap((subscription) => {
      const base = { phone: subscription.phone, program, timeZone };
      // Each subscriber's own offer of the kind: for where they live, rotated day by day (offer-choice.ts).
      const who = { phone: subscription.phone, profile: subscription.profile, localDate: page.localDate };
      const birthdayOffer = subscription.profile.birthday && isBirthday(at, timeZone, subscription.profile.birthday) ? chooseOffer(program, 'birthday', who) : undefined;
      // Time-bound: lunch by lunch time, the birthday by the end of the local day (never "today" tomorrow).
      if (birthdayOffer) return [{ ...base, offer: birthdayOffer, period: offerPeriod('birthday', { localDate: page.localDate }), notAfter: endOfLocalDay(at, timeZone).toISOString() }];
      const lunchOffer = chooseOffer(program, 'lunch', who);
      return lunchOffer ? [{ ...base, offer: lunchOffer, period: offerPeriod('lunch', { localDate: page.localDate }), notAfter: lunchAt }] : [];
    });
  const { issued, requeued } = await issueAndQueue(grants, at, deps, deps.concurrency);
  return { issued: issued.length, requeued: requeued.length, handedOn: Boolean(next) };
}
