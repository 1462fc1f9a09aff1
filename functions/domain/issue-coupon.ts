import type { OutboundMessage } from './audience';
import type { Offer, Program } from './catalog';
import { codePrefix, couponCode } from './codes';
import { newCoupon, type Coupon } from './coupons';
import type { DomainEvent } from './events';
import { friendlyDate } from './local-time';
import type { CouponStore, EventPublisher, Outbox, Random } from './ports';
import { renderTemplate, type TemplateName } from './templates';

const CODE_ATTEMPTS = 4;

/**
 * A unique code for this subscriber and offer, at most once per period (a lunch coupon once a
 * local day, a birthday offer once a year). Returns the coupon whose text still has to be queued:
 * a new one, or one issued before a crash kept its text from the queue; undefined when done.
 */
export async function issueCoupon(
  args: { phone: string; program: Program; offer: Offer; period: string; at: Date },
  deps: { coupons: CouponStore; random: Random },
): Promise<Coupon | undefined> {
  const prefix = codePrefix(args.program);
  for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt += 1) {
    const coupon = newCoupon({
      code: couponCode(prefix, deps.random.bytes(6)),
      phone: args.phone,
      programId: args.program.programId,
      offer: args.offer,
      issuedAt: args.at,
    });
    const result = await deps.coupons.issue(coupon, args.period);
    if (result.outcome === 'issued') return coupon;
    if (result.outcome === 'exists') return result.notified ? undefined : result.coupon;
  }
  throw new Error(`no free coupon code after ${CODE_ATTEMPTS} attempts for ${args.program.programId}`);
}

export function couponMessage(
  coupon: Coupon,
  program: Program,
  offer: Offer,
  timeZone: string,
  template: TemplateName = 'coupon',
  purpose: OutboundMessage['purpose'] = 'marketing',
): OutboundMessage {
  const body = renderTemplate(program.templates[template], {
    programName: program.name,
    brandName: program.brandName,
    keyword: program.keyword,
    offer: offer.copy,
    code: coupon.code,
    validUntil: friendlyDate(new Date(coupon.validUntil), timeZone),
  });
  // A coupon's text is worthless once the coupon has expired: it is never sent after that.
  return { to: coupon.phone, from: program.shortCode, body, purpose, programId: program.programId, notAfter: coupon.validUntil };
}

/** The earlier of two "not after" instants (either may be absent). */
function earlier(a: string | undefined, b: string | undefined): string | undefined {
  if (!a || !b) return a ?? b;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

export function couponIssuedEvent(coupon: Coupon, offer: Offer): DomainEvent {
  return {
    type: 'CouponIssued',
    id: `coupon:${coupon.code}`,
    at: coupon.issuedAt,
    detail: { phone: coupon.phone, programId: coupon.programId, offerId: coupon.offerId, kind: offer.kind, code: coupon.code, validUntil: coupon.validUntil },
  };
}

/**
 * Issues and queues coupon texts: issue, queue, then mark notified, so a retry after a crash queues
 * what was not queued (under the same deduplication id) and never what was.
 */
export async function issueAndNotify(
  grants: { phone: string; program: Program; offer: Offer; period: string; timeZone: string; template?: TemplateName; purpose?: OutboundMessage['purpose']; notAfter?: string }[],
  at: Date,
  deps: { coupons: CouponStore; random: Random; outbox: Outbox; events: EventPublisher },
): Promise<Coupon[]> {
  const issued: { coupon: Coupon; offer: Offer; period: string; message: OutboundMessage }[] = [];
  for (const grant of grants) {
    const coupon = await issueCoupon({ ...grant, at }, deps);
    if (!coupon) continue;
    const message = couponMessage(coupon, grant.program, grant.offer, grant.timeZone, grant.template, grant.purpose);
    const notAfter = earlier(grant.notAfter, message.notAfter);
    issued.push({ coupon, offer: grant.offer, period: grant.period, message: notAfter ? { ...message, notAfter } : message });
  }
  await deps.outbox.enqueueEach(issued.map(({ coupon, message }) => ({ id: `coupon-${coupon.code}`, message })));
  await deps.events.publish(issued.map(({ coupon, offer }) => couponIssuedEvent(coupon, offer)));
  for (const { coupon, period } of issued) await deps.coupons.markNotified(coupon, period);
  return issued.map(({ coupon }) => coupon);
}
