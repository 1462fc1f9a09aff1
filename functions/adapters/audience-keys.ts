/**
 * Every key of the audience table is built here (single-table design). All of one number's items
 * share a partition, so a conversation loads with one Query.
 *
 * | item            | pk           | sk                                  |
 * |-----------------|--------------|-------------------------------------|
 * | phone record    | PHONE#<e164> | STATE#PHONE                         |
 * | subscription    | PHONE#<e164> | STATE#PROGRAM#<programId>           |
 * | parked purchases| PHONE#<e164> | STATE#PROGRAM#<programId> (placeholder) |
 * | sweepstakes entrant (entries per local day) | PHONE#<e164> | STATE#SWEEPSTAKES#<programId>#<sweepstakesId> |
 * | consent event with no subscription written to log it on (the ledger is each subscription's consentLog) | PHONE#<e164> | CONSENT#<iso time>#<programId>#<action> |
 * | inbound message | PHONE#<e164> | MSG#<MessageSid>                    |
 * | outbound message| PHONE#<e164> | MSG#OUT#<message id>                |
 * | turn's replies  | PHONE#<e164> | MSG#TURN#<MessageSid>               |
 * | offer marker    | PHONE#<e164> | OFFER#<programId>#<kind>#<period> (the offer chosen on the item; markers from before kinds: the offerId in place of the kind) |
 * | referral slots  | PHONE#<e164> | REWARDS#<programId>#<yyyy-mm>       |
 * | coupon          | COUPON#<code> | COUPON                             |
 * | order           | ORDER#<orderId> | ORDER                            |
 * | referral code   | REFERRAL#<code> | REFERRAL                         |
 * | short link      | LINK#<link id> | LINK (expiring by TTL)            |
 * | scheduled send  | DUE#<UTC hour yyyy-mm-ddThh> | <dueAt ISO>#<id>           |
 * | sweep cursor    | DUE#CURSOR   | CURSOR                              |
 * | opt-in counter  | OPTINS#<shortCode>#<UTC day yyyy-mm-dd> (with the current minute's count) | OPTINS |
 * | lunch wave      | LUNCHWAVE#<programId>#<zone> | <local date yyyy-mm-dd>   |
 * | sweepstakes entry | SWEEPSTAKES#<programId>#<sweepstakesId> | ENTRY#<enteredAt ISO>#<MessageSid> |
 * | sweepstakes draw  | SWEEPSTAKES#<programId>#<sweepstakesId> | DRAW                   |
 *
 * Index byZone (zoneKey, phone), keys only: live subscriptions only,
 * zoneKey = ZONE#<programId>#<IANA zone | unknown>#<shard>, the shard a hash of the phone (below
 * zoneShards()), so a large zone is walked as several page chains at once. Subscriptions filed
 * before zone keys had a shard carry ZONE#<programId>#<zone> until their next write: the lunch
 * dispatch walks that key too, as one more chain.
 *
 * A purchase from a number without a live subscription waits for the opt-in under the subscription's
 * key: in a `parked` list on a subscription that is not live, else on a placeholder item there (type
 * parked-purchases, no zoneKey, expiring by TTL). The conversation's Query reads them with the rest,
 * and the opt-in's versioned write of that key takes them over, so the two cannot miss each other.
 *
 * Scheduled sends are spread over one partition per hour of their due time, so the minute-by-minute
 * sweep reads a handful of small partitions and no partition grows hot. The sweep starts at the
 * cursor's hour, which scheduling lowers whenever it files a send in an older hour.
 */
export const STATE_PREFIX = 'STATE#';
/** Subscriptions (and purchase placeholders, type parked-purchases) of a number: what the console's list scans for. */
export const SUBSCRIPTION_PREFIX = 'STATE#PROGRAM#';
export const OFFER_PREFIX = 'OFFER#';
export const CONSENT_PREFIX = 'CONSENT#';
export const MESSAGE_PREFIX = 'MSG#';
export const OUTBOUND_PREFIX = 'MSG#OUT#';
export const TURN_PREFIX = 'MSG#TURN#';
export const ENTRY_PREFIX = 'ENTRY#';

const partition = (phone: string) => `PHONE#${phone}`;

export const audienceKeys = {
  partition,
  phone: (phone: string) => ({ pk: partition(phone), sk: 'STATE#PHONE' }),
  subscription: (phone: string, programId: string) => ({ pk: partition(phone), sk: `STATE#PROGRAM#${programId}` }),
  consent: (phone: string, at: string, programId: string, action: string) => ({
    pk: partition(phone),
    sk: `${CONSENT_PREFIX}${at}#${programId}#${action}`,
  }),
  message: (phone: string, messageSid: string) => ({ pk: partition(phone), sk: `MSG#${messageSid}` }),
  /** One outbound message for its whole life (outbox row, claim, carrier SID, delivery status). */
  outboundMessage: (phone: string, id: string) => ({ pk: partition(phone), sk: `${OUTBOUND_PREFIX}${id}` }),
  /** How a conversation turn's replies stand (claimed together, their SIDs, voided by a STOP): one small item per inbound text. */
  turn: (phone: string, messageSid: string) => ({ pk: partition(phone), sk: `${TURN_PREFIX}${messageSid}` }),
  /** Once per kind of offer and period (one lunch coupon a day, whichever lunch offer it was). */
  offerMarker: (phone: string, programId: string, kind: string, period: string) => ({
    pk: partition(phone),
    sk: `OFFER#${programId}#${kind}#${period}`,
  }),
  coupon: (code: string) => ({ pk: `COUPON#${code}`, sk: 'COUPON' }),
  order: (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' }),
  referral: (code: string) => ({ pk: `REFERRAL#${code}`, sk: 'REFERRAL' }),
  /** One short link (its target, whose message it is, its clicks): a partition of its own, read by id. */
  shortLink: (id: string) => ({ pk: `LINK#${id}`, sk: 'LINK' }),
  /** A referrer's reward slots in one cap period: the friends rewarded (a string set). */
  referralSlots: (phone: string, programId: string, period: string) => ({ pk: partition(phone), sk: `REWARDS#${programId}#${period}` }),
  /** Opt-ins on one short code in one UTC day, and in its current minute: one item (and partition) a day. */
  optInCounter: (shortCode: string, period: string) => ({ pk: `OPTINS#${shortCode}#${period}`, sk: 'OPTINS' }),
  /** That a zone's lunch wave for one local date was handed out: later ticks of the window skip it. */
  lunchWave: (programId: string, zone: string, localDate: string) => ({ pk: `LUNCHWAVE#${programId}#${zone}`, sk: localDate }),
  /** That a campaign's wave in one zone was handed out: it is walked once, whatever the campaign's date becomes. */
  campaignWave: (programId: string, campaignId: string, zone: string) => ({ pk: `CAMPAIGNWAVE#${programId}#${campaignId}`, sk: zone }),
  /** One number's entries into one sweepstakes: read with its conversation (STATE#), so judging an entry costs no read. */
  sweepstakesEntrant: (phone: string, programId: string, sweepstakesId: string) => ({ pk: partition(phone), sk: `STATE#SWEEPSTAKES#${programId}#${sweepstakesId}` }),
  /** The partition of one sweepstakes: its entries (what a draw reads) and its draw. */
  sweepstakes: (programId: string, sweepstakesId: string) => `SWEEPSTAKES#${programId}#${sweepstakesId}`,
  sweepstakesEntry: (programId: string, sweepstakesId: string, enteredAt: string, messageSid: string) => ({
    pk: `SWEEPSTAKES#${programId}#${sweepstakesId}`,
    sk: `${ENTRY_PREFIX}${enteredAt}#${messageSid}`,
  }),
  /** Written once: a second draw of the same sweepstakes is refused by its condition. */
  sweepstakesDraw: (programId: string, sweepstakesId: string) => ({ pk: `SWEEPSTAKES#${programId}#${sweepstakesId}`, sk: 'DRAW' }),
  /** Where a live subscription is filed in byZone: its zone's shard for this phone. */
  zoneKey: (programId: string, zone: string, phone: string) => zoneChainKey(programId, zone, zoneShard(phone)),
  dueHour: (at: Date) => `DUE#${at.toISOString().slice(0, 13)}`,
  /** Filed under the hour it is due, or the current hour when it is overdue already (never behind the sweep). */
  scheduledSend: (dueAt: string, id: string, filedUnder = `DUE#${dueAt.slice(0, 13)}`) => ({ pk: filedUnder, sk: `${dueAt}#${id}` }),
  /** The oldest hour partition that may still hold a scheduled send: where the sweep starts. */
  dueCursor: () => ({ pk: 'DUE#CURSOR', sk: 'CURSOR' }),
};

/** Shards per zone when the environment does not say (LUNCH_ZONE_SHARDS). */
export const DEFAULT_ZONE_SHARDS = 8;
const MAX_ZONE_SHARDS = 100;

/**
 * Shards per (program, zone) in the byZone index: the lunch wave walks one page chain per shard.
 * One setting for the whole deployment (every function that writes subscriptions files them with
 * it, dispatch-lunch walks that many chains). Raising it is safe at any time: a subscription filed
 * under a lower shard number is still walked. Lowering it strands subscriptions filed under the
 * shards above the new count until they are written again, so it is never lowered without re-keying.
 */
export function zoneShards(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.LUNCH_ZONE_SHARDS ?? DEFAULT_ZONE_SHARDS);
  if (!Number.isInteger(value) || value < 1 || value > MAX_ZONE_SHARDS) {
    throw new RangeError(`LUNCH_ZONE_SHARDS must be a whole number from 1 to ${MAX_ZONE_SHARDS}, got "${env.LUNCH_ZONE_SHARDS}"`);
  }
  return value;
}

/** A phone's shard: FNV-1a of the number, so it is stable across runs, processes and languages. */
export function zoneShard(phone: string, shards = zoneShards()): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < phone.length; index += 1) {
    hash ^= phone.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** The byZone partition one lunch page chain walks; no shard = the key subscriptions had before sharding. */
export function zoneChainKey(programId: string, zone: string, shard?: number): string {
  return shard === undefined ? `ZONE#${programId}#${zone}` : `ZONE#${programId}#${zone}#${shard}`;
}

/** How long message log items (and with them MessageSid idempotency) are kept. */
export const MESSAGE_LOG_DAYS = 90;

export function expiresAt(fromIso: string, days = MESSAGE_LOG_DAYS): number {
  return Math.floor(new Date(fromIso).getTime() / 1000) + days * 24 * 3600;
}
