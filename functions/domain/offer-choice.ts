import type { Profile } from './audience';
import type { Offer, Program } from './catalog';
import { offerAllowedOn } from './coupons';

/**
 * Which of a program's offers of one kind a subscriber gets, when a kind has several: the most
 * specific offer for where they live, rotated day by day among equally specific ones. Pure and
 * stable: the same subscriber, day and catalog always give the same offer, with nothing read.
 *
 * 1. Only offers allowed on the day's local weekday (`days`) take part.
 * 2. Where: an offer with `zipPrefixes` matches a subscriber whose ZIP starts with one of them; an
 *    offer with `states` one whose state is one of them (an offer with both matches either way, as
 *    specifically as the way it matched); an offer with neither matches everyone (general). The
 *    most specific level that has a match wins: ZIP prefix > state > general; none: no offer.
 * 3. Rotation: among the winning level's offers sorted by offerId, the one at
 *    (day number + hash of the phone) mod n, the day number counting local dates from 1970-01-01
 *    and the hash stableHash below.
 *    On consecutive days with the same offers allowed, a subscriber's offer moves on by one, so
 *    with two or more nobody gets the same one twice in a row; the hash spreads subscribers over
 *    the offers on any one day.
 */

/** How specifically an offer matches a subscriber: 2 ZIP prefix, 1 state, 0 general; undefined: not at all. */
export function locationMatch(offer: Pick<Offer, 'states' | 'zipPrefixes'>, profile: Pick<Profile, 'zip' | 'state'>): number | undefined {
  const { zipPrefixes, states } = offer;
  if (!zipPrefixes?.length && !states?.length) return 0;
  if (profile.zip && zipPrefixes?.some((prefix) => profile.zip!.startsWith(prefix))) return 2;
  if (profile.state && states?.includes(profile.state)) return 1;
  return undefined;
}

/**
 * FNV-1a of a string with murmur3's final mix: stable across runs, processes and languages. The mix
 * matters: the lunch wave's zone shards are plain FNV-1a of the phone modulo the shard count, whose
 * low bits plain FNV-1a would share here, giving a whole page the same offer on a day.
 */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days from 1970-01-01 to a local date ('yyyy-MM-dd'). */
export function dayNumber(localDate: string): number {
  const match = LOCAL_DATE.exec(localDate);
  if (!match) throw new RangeError(`localDate must be YYYY-MM-DD, got "${localDate}"`);
  return Math.round(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / 86_400_000);
}

/** ISO weekday (1 = Mon … 7 = Sun) of a local date ('yyyy-MM-dd'). */
export function weekdayOf(localDate: string): number {
  return ((((dayNumber(localDate) + 3) % 7) + 7) % 7) + 1;
}

export interface OfferChoiceFor {
  phone: string;
  profile: Pick<Profile, 'zip' | 'state'>;
  /** The subscriber's local date: its weekday filters offers by `days`, its number turns the rotation. */
  localDate: string;
}

/** The offers of `kind` this subscriber could get that day, most specific first: the level `chooseOffer` rotates among. */
export function bestMatches(offers: readonly Offer[], kind: Offer['kind'], who: Pick<OfferChoiceFor, 'profile' | 'localDate'>): Offer[] {
  const weekday = weekdayOf(who.localDate);
  let best = -1;
  let matches: Offer[] = [];
  for (const offer of offers) {
    if (offer.kind !== kind || !offerAllowedOn(offer, weekday)) continue;
    const level = locationMatch(offer, who.profile);
    if (level === undefined || level < best) continue;
    if (level > best) [best, matches] = [level, []];
    matches.push(offer);
  }
  return matches.sort((a, b) => (a.offerId < b.offerId ? -1 : a.offerId > b.offerId ? 1 : 0));
}

/** The subscriber's offer of `kind` that day (see above); undefined when none is allowed that weekday and matches where they live. */
export function chooseOffer(program: Pick<Program, 'offers'>, kind: Offer['kind'], who: OfferChoiceFor): Offer | undefined {
  const matches = bestMatches(program.offers, kind, who);
  if (matches.length === 0) return undefined;
  return matches[(dayNumber(who.localDate) + stableHash(who.phone)) % matches.length];
}
