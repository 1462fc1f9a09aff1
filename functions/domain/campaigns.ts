/**
 * Campaigns, the marketer's own sends: who a campaign is for (its segment), which variant of its
 * copy each recipient gets, and when it is due in each recipient's zone. Pure: the catalog holds the
 * campaigns, the adapters the audience.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Subscription } from './audience';
import { allowedWindow } from './quiet-hours';
import type { CampaignSegment } from '../schemas/catalog-items';

export type { CampaignSegment };

export interface CampaignVariant {
  id: string;
  copy: string;
  mediaUrl?: string;
  weight: number;
}

export interface Campaign {
  campaignId: string;
  programId: string;
  name: string;
  status: 'draft' | 'scheduled';
  /** The local date it goes out on, in each recipient's zone. */
  sendOn: string;
  /** The local time (HH:MM) it goes out at, in each recipient's zone. */
  localTime: string;
  segment: CampaignSegment;
  variants: CampaignVariant[];
  /** The offer whose unique coupon each recipient gets (an offer's id). */
  offerId?: string;
}

/** What a segment is matched against, taken from a subscription. */
export interface SegmentFacts {
  state?: string;
  zip?: string;
  timeZone: string;
  meal?: string;
  /** The keyword (or alias) of the subscriber's latest opt-in. */
  keyword?: string;
  joinedAt?: string;
  lastPurchaseAt?: string;
}

const DAY_MS = 86_400_000;

/** A subscription's facts for segments; `timeZone` is the zone it is sent in (its own, or the program's fallback). */
export function segmentFacts(subscription: Subscription, timeZone: string): SegmentFacts {
  const optIns = (subscription.consentLog ?? []).filter((event) => event.action === 'opt-in');
  const keyword = optIns.at(-1)?.keyword;
  const { state, zip, meal } = subscription.profile;
  return {
    timeZone,
    ...(state ? { state } : {}),
    ...(zip ? { zip } : {}),
    ...(meal ? { meal } : {}),
    ...(keyword ? { keyword: keyword.toUpperCase() } : {}),
    ...(subscription.subscribedAt ? { joinedAt: subscription.subscribedAt } : {}),
    ...(subscription.lastPurchaseAt ? { lastPurchaseAt: subscription.lastPurchaseAt } : {}),
  };
}

/** Why a subscriber is outside a segment (the first condition that fails), or undefined when inside. */
export function outsideSegment(facts: SegmentFacts, segment: CampaignSegment, at: Date): string | undefined {
  const within = (instant: string | undefined, days: number) => instant !== undefined && at.getTime() - Date.parse(instant) <= days * DAY_MS;
  const lower = (values: string[]) => values.map((value) => value.trim().toLowerCase());
  if (segment.states?.length && !(facts.state && segment.states.includes(facts.state))) return 'state';
  if (segment.zipPrefixes?.length && !(facts.zip && segment.zipPrefixes.some((prefix) => facts.zip!.startsWith(prefix)))) return 'zip';
  if (segment.timeZones?.length && !segment.timeZones.includes(facts.timeZone)) return 'time zone';
  if (segment.meals?.length && !(facts.meal && lower(segment.meals).includes(facts.meal.trim().toLowerCase()))) return 'meal';
  if (segment.keywords?.length && !(facts.keyword && segment.keywords.includes(facts.keyword))) return 'keyword';
  if (segment.joinedWithinDays !== undefined && !within(facts.joinedAt, segment.joinedWithinDays)) return 'joined';
  if (segment.purchasedWithinDays !== undefined && !within(facts.lastPurchaseAt, segment.purchasedWithinDays)) return 'purchased';
  if (segment.notPurchasedWithinDays !== undefined && within(facts.lastPurchaseAt, segment.notPurchasedWithinDays)) return 'purchased recently';
  return undefined;
}

/**
 * The variant a recipient gets: split by weight, decided by a hash of the campaign and the phone, so
 * the same person always gets the same variant however often the campaign is planned or sent, and
 * different campaigns split people independently.
 */
export function variantFor(campaign: Pick<Campaign, 'campaignId' | 'variants'>, phone: string): CampaignVariant {
  const total = campaign.variants.reduce((sum, variant) => sum + variant.weight, 0);
  const digest = createHash('sha256').update(`${campaign.campaignId}\n${phone}`).digest();
  // 48 bits of the digest as a fraction in [0, 1).
  const point = (digest.readUIntBE(0, 6) / 2 ** 48) * total;
  let reached = 0;
  for (const variant of campaign.variants) {
    reached += variant.weight;
    if (point < reached) return variant;
  }
  return campaign.variants.at(-1)!;
}

/** The instant a campaign is due for a recipient in `timeZone`: its local time on its local date there. */
export function dueAt(campaign: Pick<Campaign, 'sendOn' | 'localTime'>, timeZone: string): Date {
  const [hour, minute] = campaign.localTime.split(':').map(Number) as [number, number];
  const local = DateTime.fromISO(campaign.sendOn, { zone: timeZone }).set({ hour, minute });
  if (!local.isValid) throw new RangeError(`Invalid campaign date or zone: ${campaign.sendOn} ${campaign.localTime} ${timeZone}`);
  return local.toJSDate();
}

/** Where a campaign stands at `at`: a draft never sends; a scheduled one is finished once its date has passed in every zone. */
export function campaignStage(campaign: Pick<Campaign, 'status' | 'sendOn'>, at: Date): 'draft' | 'scheduled' | 'finished' {
  if (campaign.status === 'draft') return 'draft';
  // The last zone to leave the date is UTC-12: after that the date has passed everywhere.
  const passedEverywhere = DateTime.fromISO(campaign.sendOn, { zone: 'Etc/GMT+12' }).plus({ days: 1 }).toJSDate();
  return at.getTime() >= passedEverywhere.getTime() ? 'finished' : 'scheduled';
}

/**
 * When a campaign may no longer reach a recipient in `timeZone` (and `state`, whose law may end the
 * day earlier): the end of the allowed hours on its date there. Later it is skipped, never sent late.
 */
export function allowedUntil(campaign: Pick<Campaign, 'sendOn'>, timeZone: string, state: string | undefined): Date {
  const day = DateTime.fromISO(campaign.sendOn, { zone: timeZone });
  if (!day.isValid) throw new RangeError(`Invalid campaign date or zone: ${campaign.sendOn} ${timeZone}`);
  return day.set({ hour: allowedWindow(state, day.weekday).endHour }).toJSDate();
}

/** The image a recipient's text carries (which makes it an MMS): the variant's own, else its offer's. */
export function campaignMedia(variant: Pick<CampaignVariant, 'mediaUrl'>, offer: { mediaUrl?: string } | undefined): string | undefined {
  return variant.mediaUrl ?? offer?.mediaUrl;
}
