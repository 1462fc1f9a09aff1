/**
 * Every key of the audience table is built here (single-table design). All of one number's items
 * share a partition, so a conversation loads with one Query.
 *
 * | item            | pk           | sk                                  |
 * |-----------------|--------------|-------------------------------------|
 * | phone record    | PHONE#<e164> | STATE#PHONE                         |
 * | subscription    | PHONE#<e164> | STATE#PROGRAM#<programId>           |
 * | consent ledger  | PHONE#<e164> | CONSENT#<iso time>#<programId>#<action> |
 * | inbound message | PHONE#<e164> | MSG#<MessageSid>                    |
 * | outbound message| PHONE#<e164> | MSG#OUT#<message id>                |
 * | offer marker    | PHONE#<e164> | OFFER#<programId>#<offerId>#<period> |
 * | referral slots  | PHONE#<e164> | REWARDS#<programId>#<yyyy-mm>       |
 * | coupon          | COUPON#<code> | COUPON                             |
 * | order           | ORDER#<orderId> | ORDER                            |
 * | parked purchase | PHONE#<e164> | PARKED#<orderId>                    |
 * | referral code   | REFERRAL#<code> | REFERRAL                         |
 * | scheduled send  | DUE#<UTC hour yyyy-mm-ddThh> | <dueAt ISO>#<id>           |
 * | sweep cursor    | DUE#CURSOR   | CURSOR                              |
 * | opt-in counter  | OPTINS#<shortCode>#<UTC day yyyy-mm-dd> (with the current minute's count) | OPTINS |
 * | lunch wave      | LUNCHWAVE#<programId>#<zone> | <local date yyyy-mm-dd>   |
 *
 * Index byZone (zoneKey, phone): live subscriptions only, zoneKey = ZONE#<programId>#<IANA zone | unknown>.
 *
 * Scheduled sends are spread over one partition per hour of their due time, so the minute-by-minute
 * sweep reads a handful of small partitions and no partition grows hot. The sweep starts at the
 * cursor's hour, which scheduling lowers whenever it files a send in an older hour.
 */
export const STATE_PREFIX = 'STATE#';
export const MESSAGE_PREFIX = 'MSG#';
export const OUTBOUND_PREFIX = 'MSG#OUT#';
export const PARKED_PREFIX = 'PARKED#';

const partition = (phone: string) => `PHONE#${phone}`;

export const audienceKeys = {
  partition,
  phone: (phone: string) => ({ pk: partition(phone), sk: 'STATE#PHONE' }),
  subscription: (phone: string, programId: string) => ({ pk: partition(phone), sk: `STATE#PROGRAM#${programId}` }),
  consent: (phone: string, at: string, programId: string, action: string) => ({
    pk: partition(phone),
    sk: `CONSENT#${at}#${programId}#${action}`,
  }),
  message: (phone: string, messageSid: string) => ({ pk: partition(phone), sk: `MSG#${messageSid}` }),
  /** One outbound message for its whole life (outbox row, claim, carrier SID, delivery status). */
  outboundMessage: (phone: string, id: string) => ({ pk: partition(phone), sk: `${OUTBOUND_PREFIX}${id}` }),
  offerMarker: (phone: string, programId: string, offerId: string, period: string) => ({
    pk: partition(phone),
    sk: `OFFER#${programId}#${offerId}#${period}`,
  }),
  coupon: (code: string) => ({ pk: `COUPON#${code}`, sk: 'COUPON' }),
  order: (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' }),
  /** A purchase waiting for its buyer's opt-in (in the buyer's partition, so one Query finds them). */
  parkedPurchase: (phone: string, orderId: string) => ({ pk: partition(phone), sk: `${PARKED_PREFIX}${orderId}` }),
  referral: (code: string) => ({ pk: `REFERRAL#${code}`, sk: 'REFERRAL' }),
  /** A referrer's reward slots in one cap period: the friends rewarded (a string set). */
  referralSlots: (phone: string, programId: string, period: string) => ({ pk: partition(phone), sk: `REWARDS#${programId}#${period}` }),
  /** Opt-ins on one short code in one UTC day, and in its current minute: one item (and partition) a day. */
  optInCounter: (shortCode: string, period: string) => ({ pk: `OPTINS#${shortCode}#${period}`, sk: 'OPTINS' }),
  /** That a zone's lunch wave for one local date was handed out: later ticks of the window skip it. */
  lunchWave: (programId: string, zone: string, localDate: string) => ({ pk: `LUNCHWAVE#${programId}#${zone}`, sk: localDate }),
  zoneKey: (programId: string, zone: string) => `ZONE#${programId}#${zone}`,
  dueHour: (at: Date) => `DUE#${at.toISOString().slice(0, 13)}`,
  /** Filed under the hour it is due, or the current hour when it is overdue already (never behind the sweep). */
  scheduledSend: (dueAt: string, id: string, filedUnder = `DUE#${dueAt.slice(0, 13)}`) => ({ pk: filedUnder, sk: `${dueAt}#${id}` }),
  /** The oldest hour partition that may still hold a scheduled send: where the sweep starts. */
  dueCursor: () => ({ pk: 'DUE#CURSOR', sk: 'CURSOR' }),
};

/** How long message log items (and with them MessageSid idempotency) are kept. */
export const MESSAGE_LOG_DAYS = 90;

export function expiresAt(fromIso: string, days = MESSAGE_LOG_DAYS): number {
  return Math.floor(new Date(fromIso).getTime() / 1000) + days * 24 * 3600;
}
