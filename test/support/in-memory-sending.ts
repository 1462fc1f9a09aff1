import type { Conversation, OutboundMessage } from '../../functions/domain/audience';
import { newConversation, outboxEntryOf } from '../../functions/domain/audience';
import type { Catalog } from '../../functions/domain/catalog';
import {
  CarrierFailure,
  UNSENT_OUTCOMES,
  type Carrier,
  type CarrierFailureKind,
  type CarrierRecord,
  type Deliveries,
  type DeliveryClaim,
  type DeliveryState,
  type EarlierTurnSend,
  type ScheduledSend,
  type SendOptions,
  type SentEffects,
  type SentMessage,
  type TurnClaim,
  type UnsentOutcome,
} from '../../functions/domain/ports';
import { consentExempt, type SendMessageDeps } from '../../functions/domain/send-message';

type Next = { id: string; message: OutboundMessage };
interface Row { status: string; sid?: string; leaseUntil?: number; next: Next[]; reason?: string }
/** A reply on its turn's record: claimed (a lease), sent (a SID), or given back (a state). */
interface TurnSend { leaseUntil?: number; sid?: string; state?: 'pending' | 'unknown' }

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

  /** How many writes each method made: what a test of "one write for several messages" counts. */
  readonly writes = { claim: 0, claimTogether: 0, sent: 0, sentTogether: 0 };
  /** Turns' records: each reply's claim, SID or giving back, and whether a STOP voided the turn. */
  readonly turns = new Map<string, { sends: Map<number, TurnSend>; voided: boolean }>();
  /** Numbers and programs a STOP voided the waiting turns of (`phone|programId`). */
  private readonly voidedPrograms = new Set<string>();

  async claimTogether(entries: { id: string; message: OutboundMessage }[]): Promise<TurnClaim> {
    this.writes.claimTogether += 1;
    const places = entries.map(({ id }) => outboxEntryOf(id)!);
    const causedBy = places[0]!.causedBy;
    const turn = this.turns.get(causedBy);
    if (turn) {
      // As the real record: a turn is claimed together once, when its record is created.
      const earlier = new Map<string, EarlierTurnSend>();
      entries.forEach(({ id }, n) => {
        const send = turn.sends.get(places[n]!.index);
        if (!send || send.state === 'pending') return;
        earlier.set(id, send.sid ? 'sent' : send.leaseUntil !== undefined && send.leaseUntil >= this.wallClock ? 'busy' : 'in-doubt');
      });
      return { claimed: false, earlier };
    }
    // A turn waiting for its first claim when its recipient stopped was voided then.
    if (entries.some(({ message }) => !consentExempt(message.purpose) && this.voidedPrograms.has(`${message.to}|${message.programId}`))) {
      this.turns.set(causedBy, { sends: new Map(), voided: true });
      return { claimed: false, earlier: new Map() };
    }
    const leaseUntil = this.wallClock + this.leaseMs;
    this.turns.set(causedBy, { sends: new Map(places.map(({ index }) => [index, { leaseUntil }])), voided: false });
    return { claimed: true, leaseUntil };
  }

  async sentTogether(records: { id: string; message: OutboundMessage; sent: SentMessage }[]): Promise<void> {
    this.writes.sentTogether += 1;
    if (this.failNext === 'sent') {
      this.failNext = undefined;
      throw new Error('DynamoDB is down');
    }
    for (const { id, sent } of records) {
      const { causedBy, index } = outboxEntryOf(id)!;
      this.turns.get(causedBy)!.sends.set(index, { sid: sent.sid });
    }
  }

  async releaseTurnReply(id: string, _message: OutboundMessage, uncertain: boolean): Promise<void> {
    const { causedBy, index } = outboxEntryOf(id)!;
    const turn = this.turns.get(causedBy);
    if (!turn || turn.sends.get(index)?.sid) return;
    turn.sends.set(index, { state: uncertain ? 'unknown' : 'pending' });
  }

  async voidTurns(phone: string, programIds: string[]): Promise<void> {
    for (const programId of programIds) this.voidedPrograms.add(`${phone}|${programId}`);
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
    const onTurns = [...this.turns.values()].flatMap((turn) => [...turn.sends.values()].flatMap((send) => (send.sid ? [send.sid] : [])));
    return new Set([...[...this.rows.entries()].flatMap(([id, row]) => (row.sid && id !== exceptId ? [row.sid] : [])), ...onTurns]);
  }

  async state(_phone: string, id: string): Promise<DeliveryState> {
    const row = this.rows.get(id);
    if (row?.sid) return 'sent';
    if (row && (UNSENT_OUTCOMES as readonly string[]).includes(row.status)) return row.status as UnsentOutcome;
    const place = outboxEntryOf(id);
    if (!row && place && this.turns.get(place.causedBy)?.sends.get(place.index)?.sid) return 'sent';
    // As the real records: a committed reply not sent yet is waiting.
    return 'waiting';
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
