import { outboxEntries, type ConsentEvent, type Conversation, type OutboundMessage, type ParkedPurchase, type PhoneRecord, type Subscription } from '../../functions/domain/audience';
import type { Catalog } from '../../functions/domain/catalog';
import type { InboundText, Outcome } from '../../functions/domain/conversation';
import type { Coupon } from '../../functions/domain/coupons';
import type { HandleInboundDeps } from '../../functions/domain/handle-inbound';
import {
  ConflictError,
  type ConversationStore,
  type CouponStore,
  type HandledText,
  type IssueResult,
  type OrderRecord,
  type OrderStore,
  type ParkingSpot,
  type ScheduledSend,
} from '../../functions/domain/ports';
import { RecordingPublisher } from './recording-publisher';

/** What one subscription key holds, as the DynamoDB adapter keeps it. */
type KeyItem = { type: 'subscription'; subscription: Subscription } | { type: 'placeholder'; parked: ParkedPurchase[]; version: number };

const versionOf = (item: KeyItem) => (item.type === 'subscription' ? item.subscription.version : item.version);

/**
 * The conversation store with the DynamoDB adapter's promises, in memory: a commit is all or nothing,
 * each subscription (or phone record) written on condition that its key holds the version the text was
 * decided from (0: nothing), keyed by MessageSid (a redelivery gets what the text produced the first
 * time); parking rewrites each key on the same kind of condition. `beforeCommit` and `beforePark` run
 * just before those writes check their conditions: where a test puts what happens concurrently.
 */
export class InMemoryConversations implements ConversationStore {
  readonly keys = new Map<string, KeyItem>();
  readonly phones = new Map<string, PhoneRecord>();
  readonly handled = new Map<string, HandledText>();
  beforeCommit?: () => Promise<void>;
  beforePark?: () => Promise<void>;
  loads = 0;

  async load(phone: string): Promise<Conversation> {
    this.loads += 1;
    const conversation: Conversation = { phone: this.phones.get(phone) ?? { phone, version: 0 }, subscriptions: [] };
    for (const [key, item] of this.keys) {
      const [owner, programId] = key.split('|') as [string, string];
      if (owner !== phone) continue;
      if (item.type === 'subscription') conversation.subscriptions.push(item.subscription);
      else (conversation.placeholders ??= []).push({ programId, parked: item.parked, version: item.version });
    }
    return structuredClone(conversation);
  }

  async recordPurchase(phone: string, programId: string, at: string): Promise<void> {
    const item = this.keys.get(`${phone}|${programId}`);
    if (item?.type !== 'subscription' || (item.subscription.lastPurchaseAt ?? '') >= at) return;
    item.subscription = { ...item.subscription, lastPurchaseAt: at, version: item.subscription.version + 1 };
  }

  async subscription(phone: string, programId: string): Promise<Subscription | undefined> {
    const item = this.keys.get(`${phone}|${programId}`);
    return item?.type === 'subscription' ? structuredClone(item.subscription) : undefined;
  }

  async commit(inbound: InboundText, outcome: Outcome): Promise<{ committed: true } | { committed: false; earlier: HandledText }> {
    const hook = this.beforeCommit;
    this.beforeCommit = undefined;
    await hook?.();
    const earlier = this.handled.get(inbound.messageSid);
    if (earlier) return { committed: false, earlier: structuredClone(earlier) };
    const stale = outcome.subscriptions.some((s) => {
      const item = this.keys.get(`${s.phone}|${s.programId}`);
      return s.version === 0 ? item !== undefined : item === undefined || versionOf(item) !== s.version;
    });
    const stored = this.phones.get(inbound.from);
    const phoneStale = outcome.phone !== undefined && (stored?.version ?? 0) !== outcome.phone.version;
    if (stale || phoneStale) throw new ConflictError('conversation changed concurrently');
    for (const s of outcome.subscriptions) this.keys.set(`${s.phone}|${s.programId}`, { type: 'subscription', subscription: structuredClone({ ...s, version: s.version + 1 }) });
    if (outcome.phone) this.phones.set(inbound.from, { ...outcome.phone, version: outcome.phone.version + 1 });
    const { kind, replies, events, referral, parked } = outcome;
    this.handled.set(inbound.messageSid, structuredClone({ kind, replies, events, ...(referral ? { referral } : {}), ...(parked ? { parked } : {}) }));
    return { committed: true };
  }

  async park(phone: string, spots: ParkingSpot[]): Promise<boolean> {
    const hook = this.beforePark;
    this.beforePark = undefined;
    await hook?.();
    let all = true;
    for (const spot of spots) {
      const key = `${phone}|${spot.programId}`;
      const item = this.keys.get(key);
      const held = spot.version === 0 ? item === undefined : item?.type === spot.holder && versionOf(item) === spot.version;
      if (!held) {
        all = false;
        continue;
      }
      const parked = structuredClone(spot.parked);
      this.keys.set(key, item?.type === 'subscription' ? { type: 'subscription', subscription: { ...item.subscription, parked, version: spot.version + 1 } } : { type: 'placeholder', parked, version: spot.version + 1 });
    }
    return all;
  }

  async recordOptOuts(_events: ConsentEvent[]): Promise<void> {}

  async referralOwner(): Promise<undefined> {
    return undefined;
  }

  /** As the DynamoDB adapter: the friend goes on the referrer's subscription once, moving its version the first time. */
  async countReferral(referral: { referrerPhone: string; programId: string; friendPhone: string }, what: 'joined' | 'rewarded'): Promise<void> {
    const item = this.keys.get(`${referral.referrerPhone}|${referral.programId}`);
    const name = what === 'joined' ? 'referredFriends' : 'rewardedFriends';
    if (item?.type !== 'subscription' || item.subscription[name]?.includes(referral.friendPhone)) return;
    const friends = [...(item.subscription[name] ?? []), referral.friendPhone].sort();
    item.subscription = { ...item.subscription, [name]: friends, version: item.subscription.version + 1 };
  }

  /** What the key of `programId` holds for `phone`. */
  item(phone: string, programId: string): KeyItem | undefined {
    return this.keys.get(`${phone}|${programId}`);
  }
}

export class InMemoryOrders implements OrderStore {
  readonly records = new Map<string, OrderRecord>();
  /** Every record() call, a retry's included. */
  readonly writes: string[] = [];

  async seen(orderId: string): Promise<boolean> {
    return this.records.has(orderId);
  }

  async record(order: OrderRecord): Promise<void> {
    this.writes.push(order.orderId);
    if (!this.records.has(order.orderId)) this.records.set(order.orderId, order);
  }
}

/** Coupons issued once per subscriber, offer and period, a code never twice; a redemption only of an issued coupon. */
export class InMemoryCoupons implements CouponStore {
  readonly coupons = new Map<string, Coupon>();
  private readonly markers = new Map<string, { code: string; notified: boolean }>();

  async issue(coupon: Coupon, period: string, options: { notified?: boolean } = {}): Promise<IssueResult> {
    const key = `${coupon.phone}|${coupon.kind ?? coupon.offerId}|${period}`;
    const marker = this.markers.get(key);
    if (marker) return { outcome: 'exists', coupon: this.coupons.get(marker.code)!, notified: marker.notified };
    if (this.coupons.has(coupon.code)) return { outcome: 'code-taken' };
    this.markers.set(key, { code: coupon.code, notified: options.notified === true });
    this.coupons.set(coupon.code, coupon);
    return { outcome: 'issued' };
  }

  async markNotified(coupon: Coupon, period: string): Promise<void> {
    this.markers.set(`${coupon.phone}|${coupon.kind ?? coupon.offerId}|${period}`, { code: coupon.code, notified: true });
  }

  async find(code: string): Promise<Coupon | undefined> {
    return this.coupons.get(code);
  }

  async markRedeemed(coupon: Coupon, orderId: string, at: string): Promise<boolean> {
    if (this.coupons.get(coupon.code)?.status !== 'issued') return false;
    this.coupons.set(coupon.code, { ...coupon, status: 'redeemed', orderId, redeemedAt: at });
    return true;
  }
}

export interface AudienceWorld {
  deps: HandleInboundDeps;
  store: InMemoryConversations;
  orders: InMemoryOrders;
  publisher: RecordingPublisher;
  /** Every message handed to the outbox, with its deduplication id, a repeat included. */
  queued: { id: string; message: OutboundMessage }[];
  scheduled: ScheduledSend[];
  /** What the use cases read as the time. */
  clock: { at: Date };
}

/** Every port of the inbound and purchase use cases, in memory, over `catalog`. */
export function audienceWorld(catalog: Catalog, at: string): AudienceWorld {
  const store = new InMemoryConversations();
  const orders = new InMemoryOrders();
  const publisher = new RecordingPublisher();
  const queued: AudienceWorld['queued'] = [];
  const scheduled: ScheduledSend[] = [];
  const clock = { at: new Date(at) };
  let random = 0;
  const deps: HandleInboundDeps = {
    catalog: { load: async () => catalog },
    store,
    deliveries: { voidTurns: async () => undefined },
    outbox: {
      enqueue: async (messages, causedBy) => void queued.push(...outboxEntries(causedBy, messages)),
      enqueueEach: async (entries) => void queued.push(...entries),
    },
    events: publisher,
    coupons: new InMemoryCoupons(),
    orders,
    scheduled: { schedule: async (sends) => void scheduled.push(...sends) },
    optInCeiling: { reserve: async () => true },
    referralSlots: { take: async () => 'taken', giveBack: async () => {} },
    // Distinct bytes on every draw: codes never clash.
    random: { bytes: (count) => Uint8Array.from({ length: count }, (_, index) => (random++ * 31 + index * 7) % 256) },
    clock: { now: () => new Date(clock.at) },
  };
  return { deps, store, orders, publisher, queued, scheduled, clock };
}
