import type { OutboundMessage, Subscription } from '../../functions/domain/audience';
import type { Coupon } from '../../functions/domain/coupons';
import type { DomainEvent } from '../../functions/domain/events';
import type { CouponStore, EventPublisher, IssueResult, Outbox } from '../../functions/domain/ports';

/**
 * In-memory stand-ins for fan-out tests (lunch pages, campaign pages) that keep the adapters'
 * promises: a marker per subscriber, offer and period and a code issued once (the conditional write),
 * a queue that keeps one message per deduplication id. Each can be told to fail at a chosen call,
 * before or after its effect, to play a crash at that point.
 */

/** Throws on the nth call (1-based), before or after the call takes effect. */
export class Fault {
  private calls = 0;
  constructor(
    private readonly at: number,
    readonly when: 'before' | 'after',
  ) {}
  hit(): boolean {
    this.calls += 1;
    return this.calls === this.at;
  }
}

export class InMemoryCoupons implements CouponStore {
  readonly markers = new Map<string, { code: string; notified: boolean }>();
  readonly coupons = new Map<string, Coupon>();
  writes = 0;
  inFlight = 0;
  mostInFlight = 0;
  fault?: Fault;

  async issue(coupon: Coupon, period: string, options: { notified?: boolean } = {}): Promise<IssueResult> {
    this.writes += 1;
    this.inFlight += 1;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const fault = this.fault?.hit() ? this.fault : undefined;
      if (fault?.when === 'before') throw new Error('DynamoDB unavailable');
      const key = `${coupon.phone}|${coupon.kind ?? coupon.offerId}|${period}`;
      const marker = this.markers.get(key);
      let result: IssueResult;
      if (marker) result = { outcome: 'exists', coupon: this.coupons.get(marker.code)!, notified: marker.notified };
      else if (this.coupons.has(coupon.code)) result = { outcome: 'code-taken' };
      else {
        this.markers.set(key, { code: coupon.code, notified: options.notified === true });
        this.coupons.set(coupon.code, coupon);
        result = { outcome: 'issued' };
      }
      if (fault?.when === 'after') throw new Error('connection reset after the write');
      return result;
    } finally {
      this.inFlight -= 1;
    }
  }

  async markNotified(): Promise<void> {
    throw new Error('lunch issuing records "notified" in its one write');
  }

  async find(code: string): Promise<Coupon | undefined> {
    return this.coupons.get(code);
  }

  async markRedeemed(): Promise<boolean> {
    return false;
  }

  codesOf(phone: string): string[] {
    return [...this.coupons.values()].filter((coupon) => coupon.phone === phone).map((coupon) => coupon.code);
  }
}

/** A FIFO queue: a message whose deduplication id it has seen is accepted and dropped. */
export class InMemoryOutbox implements Outbox {
  readonly queued = new Map<string, OutboundMessage>();
  readonly calls: number[] = [];
  fault?: Fault;

  async enqueue(): Promise<void> {
    throw new Error('lunch texts carry their own deduplication ids');
  }

  async enqueueEach(entries: { id: string; message: OutboundMessage }[]): Promise<void> {
    const fault = this.fault?.hit() ? this.fault : undefined;
    if (fault?.when === 'before') throw new Error('SQS refused the batch');
    this.calls.push(entries.length);
    for (const { id, message } of entries) if (!this.queued.has(id)) this.queued.set(id, message);
    if (fault?.when === 'after') throw new Error('connection reset after the batch');
  }
}

export class RecordingEvents implements EventPublisher {
  readonly ids = new Set<string>();
  fault?: Fault;
  async publish(events: DomainEvent[]): Promise<void> {
    if (this.fault?.hit()) throw new Error('EventBridge unavailable');
    for (const event of events) this.ids.add(event.id);
  }
}

/** The index-th live subscriber of the demo program, in New York unless `overrides` say otherwise. */
export function subscriber(index: number, overrides: Partial<Subscription> = {}): Subscription {
  return {
    phone: `+1555010${String(index).padStart(4, '0')}`,
    programId: 'krusty-burger',
    status: 'subscribed',
    profile: { timeZone: 'America/New_York' },
    skipped: [],
    marketingSinceQuestion: 0,
    version: 1,
    ...overrides,
  };
}
