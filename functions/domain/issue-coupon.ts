import type { OutboundMessage } from './audience';
import type { Offer, Program } from './catalog';
import { codePrefix, couponCode } from './codes';
import { newCoupon, type Coupon } from './coupons';
import type { DomainEvent, MessageSource } from './events';
import { friendlyDate } from './local-time';
import type { CouponStore, EventPublisher, IssueOptions, Outbox, Random } from './ports';
import { renderTemplate, templateImage, type TemplateName } from './templates';

const CODE_ATTEMPTS = 4;

/** The period's coupon: `fresh` when this call issued it, else the one issued before (and whether its text was queued). */
type Drawn = { coupon: Coupon; fresh: true } | { coupon: Coupon; fresh: false; notified: boolean };

async function drawCoupon(
  args: { phone: string; program: Program; offer: Offer; period: string; at: Date; source?: MessageSource },
  deps: { coupons: CouponStore; random: Random },
  options: IssueOptions = {},
): Promise<Drawn> {
  const prefix = codePrefix(args.program);
  for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt += 1) {
    const coupon = newCoupon({
      code: couponCode(prefix, deps.random.bytes(6)),
      phone: args.phone,
      programId: args.program.programId,
      offer: args.offer,
      issuedAt: args.at,
      ...(args.source ? { source: args.source } : {}),
    });
    const result = await deps.coupons.issue(coupon, args.period, options);
    if (result.outcome === 'issued') return { coupon, fresh: true };
    if (result.outcome === 'exists') return { coupon: result.coupon, fresh: false, notified: result.notified };
  }
  throw new Error(`no free coupon code after ${CODE_ATTEMPTS} attempts for ${args.program.programId}`);
}

/**
 * The offer a coupon was issued for, whose copy its text carries: the grant's, or, for a coupon issued
 * before (a retry), the offer stored with it, which may be another offer of the kind (the choice is
 * never made again). Undefined when that offer has left the catalog since: its text cannot be rebuilt.
 */
export function offerOfCoupon(coupon: Coupon, program: Program, granted: Offer): Offer | undefined {
  return coupon.offerId === granted.offerId ? granted : program.offers.find((offer) => offer.offerId === coupon.offerId);
}

/**
 * A unique code for this subscriber and offer, at most once per period (a lunch coupon once a
 * local day, a birthday offer once a year). Returns the coupon whose text still has to be queued:
 * a new one, or one issued before a crash kept its text from the queue; undefined when done.
 */
export async function issueCoupon(
  args: { phone: string; program: Program; offer: Offer; period: string; at: Date; source?: MessageSource },
  deps: { coupons: CouponStore; random: Random },
): Promise<Coupon | undefined> {
  // One-off grants (an order's, a friend's, an answer's) may have periods issued before markers were per kind.
  const drawn = await drawCoupon(args, deps, { checkOldMarker: true });
  return drawn.fresh || !drawn.notified ? drawn.coupon : undefined;
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
  // A coupon's text is worthless once the coupon has expired: it is never sent after that. An offer
  // with an image (else a template with one) goes as an MMS.
  const image = offer.mediaUrl ?? templateImage(program.templateMedia, template);
  return { to: coupon.phone, from: program.shortCode, body, purpose, programId: program.programId, notAfter: coupon.validUntil, source: couponSource(coupon, offer), ...(image ? { mediaUrl: [image] } : {}) };
}

/** What issued a coupon (a coupon from before coupons carried it: its offer's kind). */
export function couponSource(coupon: Coupon, offer: { kind: string; offerId: string }): MessageSource {
  return coupon.source ?? { kind: offer.kind, offerId: offer.offerId };
}

/** The earlier of two "not after" instants (either may be absent). */
export function earlier(a: string | undefined, b: string | undefined): string | undefined {
  if (!a || !b) return a ?? b;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

export function couponIssuedEvent(coupon: Coupon, offer: Offer): DomainEvent {
  return {
    type: 'CouponIssued',
    id: `coupon:${coupon.code}`,
    at: coupon.issuedAt,
    detail: { phone: coupon.phone, programId: coupon.programId, offerId: coupon.offerId, kind: offer.kind, code: coupon.code, validUntil: coupon.validUntil, source: couponSource(coupon, offer) },
  };
}

/**
 * Issues and queues coupon texts: issue, queue, then mark notified, so a retry after a crash queues
 * what was not queued (under the same deduplication id) and never what was.
 */
export async function issueAndNotify(grants: Grant[], at: Date, deps: { coupons: CouponStore; random: Random; outbox: Outbox; events: EventPublisher }): Promise<Coupon[]> {
  const issued: { coupon: Coupon; period: string; text: ComposedText }[] = [];
  for (const grant of grants) {
    const coupon = await issueCoupon({ ...grant, at }, deps);
    const offer = coupon && offerOfCoupon(coupon, grant.program, grant.offer);
    if (!coupon || !offer) continue;
    issued.push({ coupon, period: grant.period, text: composed(grant, coupon, offer) });
  }
  await deps.outbox.enqueueEach(issued.map(({ text: { id, message } }) => ({ id, message })));
  await deps.events.publish(issued.flatMap(({ text }) => text.events));
  for (const { coupon, period } of issued) await deps.coupons.markNotified(coupon, period);
  return issued.map(({ coupon }) => coupon);
}

/** A coupon's text as queued: its deduplication id, the message, and the events that go with it. */
export interface ComposedText {
  id: string;
  message: OutboundMessage;
  events: DomainEvent[];
}

type Grant = {
  phone: string;
  program: Program;
  offer: Offer;
  period: string;
  timeZone: string;
  template?: TemplateName;
  purpose?: OutboundMessage['purpose'];
  notAfter?: string;
  /** What issues it, when not simply its offer's kind (a campaign and its variant). */
  source?: MessageSource;
  /** Writes the coupon's text itself (a campaign's copy) instead of the program's coupon template; `offer` is the coupon's own. */
  compose?: (coupon: Coupon, offer: Offer) => ComposedText;
};

/** The text of a grant's coupon (of `offer`, the one stored with it): its own composition, or the template's under `coupon-<code>`. */
function composed(grant: Grant, coupon: Coupon, offer: Offer): ComposedText {
  if (grant.compose) return grant.compose(coupon, offer);
  const message = couponMessage(coupon, grant.program, offer, grant.timeZone, grant.template, grant.purpose);
  const notAfter = earlier(grant.notAfter, message.notAfter);
  return { id: `coupon-${coupon.code}`, message: notAfter ? { ...message, notAfter } : message, events: [couponIssuedEvent(coupon, offer)] };
}

/** Subscribers issued at once by one invocation, unless told otherwise. */
export const ISSUE_CONCURRENCY = 16;
/** Texts per queue call (SQS SendMessageBatch takes ten). */
const QUEUE_BATCH = 10;

/**
 * Issues many grants at once (at most `concurrency` writes in flight), one write each: the coupon
 * and "its text is queued" go in the same conditional write, and the texts go to the queue ten at a
 * time as they are ready. A grant whose coupon already exists (a page retried after a crash, at any
 * point) gets the same text queued again under the same deduplication id (`coupon-<code>`): the
 * queue drops it within its deduplication window, and send-sms never sends an id it has sent or
 * finished. So a retry issues nothing twice and loses no text. CouponIssued events (stable ids) are
 * published with each batch, again on a retry. Writes that fail do not stop the others: what was
 * issued is queued first, then the first failure is thrown, so the page is retried.
 */
export async function issueAndQueue(
  grants: Grant[],
  at: Date,
  deps: { coupons: CouponStore; random: Random; outbox: Outbox; events: EventPublisher },
  concurrency = ISSUE_CONCURRENCY,
): Promise<{ issued: Coupon[]; requeued: Coupon[] }> {
  // A setting gone wrong (NaN, 0) would start no worker and issue nothing without a word.
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`issuing concurrency must be a whole number of at least 1, got ${concurrency}`);
  const issued: Coupon[] = [];
  const requeued: Coupon[] = [];
  const failures: unknown[] = [];
  const queueing: Promise<void>[] = [];
  let ready: ComposedText[] = [];
  const flush = () => {
    const batch = ready;
    ready = [];
    if (batch.length === 0) return;
    const sent = (async () => {
      await deps.outbox.enqueueEach(batch.map(({ id, message }) => ({ id, message })));
      await deps.events.publish(batch.flatMap(({ events }) => events));
    })();
    // Failures surface when the page awaits every batch below; none is left unhandled meanwhile.
    sent.catch(() => undefined);
    queueing.push(sent);
  };
  let next = 0;
  const worker = async () => {
    while (next < grants.length) {
      const grant = grants[next]!;
      next += 1;
      try {
        const drawn = await drawCoupon({ ...grant, at }, deps, { notified: true });
        (drawn.fresh ? issued : requeued).push(drawn.coupon);
        // A retry re-sends the very text issued before: the stored offer's, not one chosen again.
        const offer = offerOfCoupon(drawn.coupon, grant.program, grant.offer);
        if (!offer) continue;
        ready.push(composed(grant, drawn.coupon, offer));
        if (ready.length >= QUEUE_BATCH) flush();
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, grants.length) }, worker));
  flush();
  const queued = await Promise.allSettled(queueing);
  if (failures.length > 0) throw failures[0];
  const refused = queued.find((outcome) => outcome.status === 'rejected');
  if (refused) throw refused.reason;
  return { issued, requeued };
}
