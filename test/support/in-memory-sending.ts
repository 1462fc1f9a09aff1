import type { Conversation, OutboundMessage } from '../../functions/domain/audience';
import { newConversation } from '../../functions/domain/audience';
import type { Catalog } from '../../functions/domain/catalog';
import {
  CarrierFailure,
  UNSENT_OUTCOMES,
  type Carrier,
  type CarrierFailureKind,
  type CarrierRecord,
  type ConsentBasis,
  type Deliveries,
  type DeliveryClaim,
  type DeliveryState,
  type ScheduledSend,
  type SendOptions,
  type SentEffects,
  type SentMessage,
  type UnsentOutcome,
} from '../../functions/domain/ports';
import type { SendMessageDeps } from '../../functions/domain/send-message';

type Next = { id: string; message: OutboundMessage };
interface Row { status: string; sid?: string; leaseUntil?: number; next: Next[]; reason?: string }

/**
 * The outbound message records as the DynamoDB adapter keeps them (claim, lease, SID, outcome), in
 * memory, with a wall clock the test moves: for use-case tests that reach crash and retry branches.
 */
export class InMemoryDeliveries implements Deliveries {
  readonly rows = new Map<string, Row>();
  wallClock = 0;
  /** The next write of this kind throws, as a DynamoDB outage would. */
  failNext?: 'sent' | 'finish';

  constructor(private readonly leaseMs = 30_000) {}

  async claim(id: string): Promise<DeliveryClaim> {
    this.writes.claim += 1;
    const row = this.rows.get(id);
    if (row?.sid) return { kind: 'done', outcome: 'sent', next: row.next };
    if (row && !['pending', 'unknown', 'sending'].includes(row.status)) return { kind: 'done', outcome: row.status as UnsentOutcome, next: [] };
    if (row?.status === 'sending' && (row.leaseUntil ?? 0) >= this.wallClock) return { kind: 'busy' };
    const uncertain = row?.status === 'sending' || row?.status === 'unknown';
    const leaseUntil = this.wallClock + this.leaseMs;
    this.rows.set(id, { next: [], ...row, status: 'sending', leaseUntil });
    return { kind: 'claimed', uncertain, leaseUntil };
  }

  /** Whether a subscription is still the one a message was decided under (the sending world answers from its conversations). */
  consentHolds: (phone: string, basis: ConsentBasis) => boolean = () => true;
  /** How many writes each method made: what a test of "one write for several messages" counts. */
  readonly writes = { claim: 0, claimTogether: 0, sent: 0, sentTogether: 0 };

  async claimTogether(entries: { id: string; message: OutboundMessage }[], consent: ConsentBasis[]): Promise<{ claimed: true; leaseUntil: number } | { claimed: false }> {
    this.writes.claimTogether += 1;
    const phone = entries[0]!.message.to;
    const fresh = entries.every(({ id }) => !this.rows.has(id) || (this.rows.get(id)!.status === 'pending' && !this.rows.get(id)!.sid));
    if (!fresh || !consent.every((basis) => this.consentHolds(phone, basis))) return { claimed: false };
    const leaseUntil = this.wallClock + this.leaseMs;
    for (const { id } of entries) this.rows.set(id, { next: [], status: 'sending', leaseUntil });
    return { claimed: true, leaseUntil };
  }

  async sentTogether(records: { id: string; message: OutboundMessage; sent: SentMessage }[], at: string): Promise<void> {
    this.writes.sentTogether += 1;
    if (this.failNext === 'sent') {
      this.failNext = undefined;
      throw new Error('DynamoDB is down');
    }
    for (const { id, message, sent } of records) await this.sent(id, message, sent, at);
    this.writes.sent -= records.length;
  }

  async sent(id: string, _message: OutboundMessage, sent: SentMessage, _at: string, effects: SentEffects = {}): Promise<void> {
    this.writes.sent += 1;
    if (this.failNext === 'sent') {
      this.failNext = undefined;
      throw new Error('DynamoDB is down');
    }
    this.rows.set(id, { status: 'sent', sid: sent.sid, next: effects.next ?? [] });
    this.effects.push(effects);
  }

  readonly effects: SentEffects[] = [];

  async finish(id: string, _message: OutboundMessage, outcome: UnsentOutcome, reason: string): Promise<void> {
    if (this.failNext === 'finish') {
      this.failNext = undefined;
      throw new Error('DynamoDB is down');
    }
    this.rows.set(id, { status: outcome, reason, next: [] });
  }

  async release(id: string, _message: OutboundMessage, uncertain: boolean): Promise<void> {
    const row = this.rows.get(id);
    if (row?.sid) return;
    this.rows.set(id, { next: [], ...row, status: uncertain ? 'unknown' : 'pending', leaseUntil: undefined });
  }

  async knownSids(_phone: string, exceptId?: string): Promise<Set<string>> {
    return new Set([...this.rows.entries()].flatMap(([id, row]) => (row.sid && id !== exceptId ? [row.sid] : [])));
  }

  async state(_phone: string, id: string): Promise<DeliveryState> {
    const row = this.rows.get(id);
    // As the real records: a committed reply has none until its first claim.
    if (!row) return 'waiting';
    if (row.sid) return 'sent';
    return (UNSENT_OUTCOMES as readonly string[]).includes(row.status) ? (row.status as UnsentOutcome) : 'waiting';
  }

  /** A run that died holding the claim: its lease runs out. */
  expireLeases(): void {
    this.wallClock += this.leaseMs + 1;
  }
}

type Script = CarrierFailureKind | 'accept-then-fail' | 'ok';

/**
 * A carrier that answers as scripted, one entry per send: `accept-then-fail` takes the message and
 * then loses the answer (a timeout after Twilio created it).
 */
export class ScriptedCarrier implements Carrier {
  readonly accepted: (CarrierRecord & { to: string })[] = [];
  script: Script[] = [];
  lookups = 0;
  private counter = 0;

  /** The options each send was given (status callback, validity), in order. */
  readonly options: SendOptions[] = [];

  async send(message: OutboundMessage, options: SendOptions = {}): Promise<SentMessage> {
    this.options.push(options);
    const step = this.script.shift() ?? 'ok';
    if (step === 'ok' || step === 'accept-then-fail') {
      this.counter += 1;
      const record = { sid: `SM${this.counter}`, status: 'queued', body: message.body, to: message.to };
      this.accepted.push(record);
      if (step === 'ok') return { sid: record.sid, status: record.status };
      throw new CarrierFailure('outcome-unknown', 'ECONNABORTED', 'timeout of 5000ms exceeded');
    }
    throw new CarrierFailure(step, step, `scripted ${step}`);
  }

  async recent(message: OutboundMessage): Promise<CarrierRecord[]> {
    this.lookups += 1;
    return this.accepted.filter((r) => r.to === message.to).reverse();
  }
}

export interface SendingWorld {
  deps: SendMessageDeps;
  deliveries: InMemoryDeliveries;
  carrier: ScriptedCarrier;
  conversations: Map<string, Conversation>;
  scheduled: ScheduledSend[];
  queued: Next[];
  optOuts: number;
  uncertain: string[];
  /** How often the sender read a conversation. */
  loads: number;
}

/** Every port send-message talks to, in memory. */
export function sendingWorld(catalog: Catalog, now: Date): SendingWorld {
  const world: SendingWorld = {
    deliveries: new InMemoryDeliveries(),
    carrier: new ScriptedCarrier(),
    conversations: new Map(),
    scheduled: [],
    queued: [],
    optOuts: 0,
    uncertain: [],
    loads: 0,
    deps: undefined as unknown as SendMessageDeps,
  };
  world.deliveries.consentHolds = (phone, basis) =>
    (world.conversations.get(phone)?.subscriptions ?? []).some(
      (s) => s.programId === basis.programId && s.status === 'subscribed' && s.subscribedAt === basis.subscribedAt && !(s.optedOutAt && s.optedOutAt >= basis.subscribedAt),
    );
  world.deps = {
    deliveries: world.deliveries,
    carrier: world.carrier,
    store: {
      load: async (phone) => {
        world.loads += 1;
        return world.conversations.get(phone) ?? newConversation(phone);
      },
      subscription: async (phone, programId) => {
        world.loads += 1;
        return world.conversations.get(phone)?.subscriptions.find((s) => s.programId === programId);
      },
      recordOptOuts: async (events) => {
        world.optOuts += events.length;
        for (const event of events) {
          const conversation = world.conversations.get(event.phone);
          if (conversation) conversation.subscriptions = conversation.subscriptions.map((s) => (s.programId === event.programId ? { ...s, status: 'opted-out' } : s));
        }
      },
    },
    catalog: { load: async () => catalog },
    scheduled: { schedule: async (sends) => void world.scheduled.push(...sends) },
    outbox: { enqueueEach: async (entries) => void world.queued.push(...entries) },
    clock: { now: () => now },
    wallClock: () => world.deliveries.wallClock,
    carrierTimeoutMs: 5_000,
    statusCallback: (id) => `https://gateway.example/sms/status?id=${id}`,
    onUncertain: (resolution) => void world.uncertain.push(resolution),
  };
  return world;
}

/** The texts the carrier took, in order: what the phone shows. */
export const acceptedBodies = (world: SendingWorld): string[] => world.carrier.accepted.map((record) => record.body);
