/**
 * Coupons: which period an offer may be sent in once, when a coupon is valid, and whether the
 * till may redeem it. Pure: the clock comes in as a Date, and the adapter applies a redemption
 * with a conditional write (status = issued), so two tills racing cannot both win.
 */
import type { MessageSource } from './events';

export interface CouponOffer {
  offerId: string;
  kind: string;
  validDays: number;
  /** Allowed local weekdays 1=Mon..7=Sun (ISO, as luxon's `weekday`); undefined = every day. */
  days?: number[];
}

export interface Coupon {
  code: string;
  phone: string;
  programId: string;
  offerId: string;
  /**
   * The offer's kind: a subscriber's "once per period" is per kind (one lunch coupon a day, whichever
   * lunch offer). Absent only on coupons issued before coupons carried it.
   */
  kind?: string;
  /** What issued it (its offer's kind; a campaign's id and variant): where its redemption's revenue is attributed. */
  source?: MessageSource;
  issuedAt: string;
  validUntil: string;
  status: 'issued' | 'redeemed';
  redeemedAt?: string;
  orderId?: string;
}

export type RedemptionResult =
  | { ok: true; coupon: Coupon }
  | { ok: false; reason: 'unknown' | 'already-redeemed' | 'expired' | 'other-customer' };

const DAY_MS = 24 * 60 * 60 * 1000;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

function localDateOf(context: { localDate: string }): string {
  if (!LOCAL_DATE.test(context.localDate)) throw new RangeError(`localDate must be YYYY-MM-DD, got "${context.localDate}"`);
  return context.localDate;
}

function required(value: string | undefined, what: string, kind: string): string {
  // A missing key would collapse every send into one period, so it is a bug, never a default.
  if (!value) throw new RangeError(`a ${kind} offer needs the ${what}`);
  return value;
}

/**
 * The period in which a subscriber may receive an offer of a kind at most once; the adapter keys
 * its "already sent" record on (phone, kind, period). lunch → local date ('2026-11-24');
 * birthday → local year ('2026'); post-purchase and cross-sell → the orderId (one per order);
 * referral-reward → the friend's phone (one reward per friend); welcome → 'once'.
 * A profile reward's period is the question (see profileRewardPeriod). Other kinds throw rather
 * than default: a wrong guess would either spam or silently never send.
 */
export function offerPeriod(kind: string, context: { localDate: string; orderId?: string; friendPhone?: string }): string {
  switch (kind) {
    case 'lunch':
      return localDateOf(context);
    case 'birthday':
      return localDateOf(context).slice(0, 4);
    case 'post-purchase':
    case 'cross-sell':
      return required(context.orderId, 'orderId', kind);
    case 'referral-reward':
      return required(context.friendPhone, "friend's phone", kind);
    case 'welcome':
      return 'once';
    default:
      throw new RangeError(`unknown offer kind "${kind}"`);
  }
}

/** A question's reward, once per subscriber: its own period, whatever kind the rewarded offer is. */
export function profileRewardPeriod(field: string): string {
  return `profile:${field}`;
}

/** The "once per period" key of a coupon: its kind (a coupon from before coupons carried one: its offerId). */
export function markerKind(coupon: Pick<Coupon, 'kind' | 'offerId'>): string {
  return coupon.kind ?? coupon.offerId;
}

/**
 * A freshly issued coupon. validUntil = issuedAt + validDays × 24 h, as UTC ISO strings: an
 * exact window, independent of the customer's zone and DST, that the till compares against
 * its own clock. validUntil is the first instant the coupon is no longer valid.
 */
export function newCoupon(args: { code: string; phone: string; programId: string; offer: CouponOffer; issuedAt: Date; source?: MessageSource }): Coupon {
  const { code, phone, programId, offer, issuedAt } = args;
  if (!Number.isInteger(offer.validDays) || offer.validDays < 1) {
    throw new RangeError(`validDays must be a positive integer, got ${offer.validDays}`);
  }
  return {
    code,
    phone,
    programId,
    offerId: offer.offerId,
    kind: offer.kind,
    source: args.source ?? { kind: offer.kind, offerId: offer.offerId },
    issuedAt: issuedAt.toISOString(),
    validUntil: new Date(issuedAt.getTime() + offer.validDays * DAY_MS).toISOString(),
    status: 'issued',
  };
}

/** Whether the offer may go out on this local weekday. An empty `days` list means never, not every day. */
export function offerAllowedOn(offer: CouponOffer, localWeekday: number): boolean {
  if (!Number.isInteger(localWeekday) || localWeekday < 1 || localWeekday > 7) {
    throw new RangeError(`localWeekday must be 1 (Mon) to 7 (Sun), got ${localWeekday}`);
  }
  return offer.days === undefined || offer.days.includes(localWeekday);
}

/**
 * Decides a redemption at the till. `phone` is the purchaser when known (E.164, compared
 * exactly; undefined or '' = anonymous purchase, not checked).
 * Checks, in order: unknown → already-redeemed → other-customer → expired.
 * Ownership comes before expiry so a stranger learns nothing about someone else's coupon.
 * Expired when `at` >= validUntil (the window is half-open). A coupon used before issuedAt
 * (clock skew between Lambda and the till) is accepted. A repeat of the same orderId is still
 * already-redeemed: the adapter, not this function, decides whether to treat that as a retry.
 */
export function redeem(coupon: Coupon | undefined, at: Date, orderId: string, phone?: string): RedemptionResult {
  if (!coupon) return { ok: false, reason: 'unknown' };
  if (coupon.status === 'redeemed') return { ok: false, reason: 'already-redeemed' };
  if (phone && phone !== coupon.phone) return { ok: false, reason: 'other-customer' };
  if (at.getTime() >= Date.parse(coupon.validUntil)) return { ok: false, reason: 'expired' };
  return { ok: true, coupon: { ...coupon, status: 'redeemed', redeemedAt: at.toISOString(), orderId } };
}
