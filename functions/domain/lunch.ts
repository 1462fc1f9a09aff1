import type { Subscription } from './audience';
import type { Catalog, Offer, Program } from './catalog';
import { offerAllowedOn } from './coupons';
import { inLunchWindow, localDate, localWeekday, nextLocalTime } from './local-time';

/**
 * Every zone a subscriber's ZIP can put them in (the zones zipcode-to-timezone returns, plus the
 * territories profile-answers adds), and UNKNOWN_ZONE for subscribers who gave no ZIP yet.
 */
export const KNOWN_ZONES = [
  'America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'America/Kentucky/Louisville',
  'America/Indiana/Indianapolis', 'America/Detroit', 'America/Boise', 'America/Phoenix', 'America/Anchorage',
  'Pacific/Honolulu', 'America/Indiana/Knox', 'America/Indiana/Winamac', 'America/Indiana/Vevay', 'America/Indiana/Marengo',
  'America/Indiana/Vincennes', 'America/Indiana/Tell_City', 'America/Indiana/Petersburg', 'America/Menominee', 'America/Shiprock',
  'America/Nome', 'America/Juneau', 'America/Kentucky/Monticello', 'America/North_Dakota/Center', 'America/Yakutat',
  'America/Puerto_Rico', 'America/St_Thomas', 'Pacific/Guam',
] as const;

export const UNKNOWN_ZONE = 'unknown';

/** The zone a subscription is filed under for the lunch fan-out. */
export function zoneOf(subscription: Subscription): string {
  return subscription.profile.timeZone ?? UNKNOWN_ZONE;
}

/** The zone whose clock applies: the program's fallback for subscribers without a ZIP. */
export function effectiveZone(zone: string, program: Program): string {
  return zone === UNKNOWN_ZONE ? program.timeZoneFallback : zone;
}

/** One page of one zone's audience to give today's lunch coupon. */
export interface LunchPage {
  programId: string;
  zone: string;
  /**
   * Which of the zone's page chains (the audience index shards a zone's subscribers); absent: the
   * chain of subscriptions filed before zones had shards.
   */
  shard?: number;
  localDate: string;
  /** Lunch time in the zone that day: a coupon still unsent by then is not sent at all. */
  lunchAt?: string;
  /** Where the previous page stopped; absent for the first page. */
  after?: string;
}

/** The program's first lunch offer; a program may have several (lunchOffers), each subscriber gets one (offer-choice.ts). */
export function lunchOffer(program: Program): Offer | undefined {
  return program.offers.find((offer) => offer.kind === 'lunch');
}

export function lunchOffers(program: Program): Offer[] {
  return program.offers.filter((offer) => offer.kind === 'lunch');
}

/**
 * The zones whose local time is inside their program's lunch window (2 h to 1 h before lunch) on a
 * day one of its lunch offers allows: the first page of each is what the 15-minute schedule hands out.
 */
export function lunchPagesDue(catalog: Catalog, at: Date): LunchPage[] {
  const pages: LunchPage[] = [];
  for (const program of catalog.programs) {
    const offers = lunchOffers(program);
    if (offers.length === 0) continue;
    for (const zone of [...KNOWN_ZONES, UNKNOWN_ZONE]) {
      const clockZone = effectiveZone(zone, program);
      if (!inLunchWindow(at, clockZone, program.lunchTime)) continue;
      const weekday = localWeekday(at, clockZone);
      if (!offers.some((offer) => offerAllowedOn(offer, weekday))) continue;
      pages.push({ programId: program.programId, zone, localDate: localDate(at, clockZone), lunchAt: nextLocalTime(at, clockZone, program.lunchTime).toISOString() });
    }
  }
  return pages;
}
