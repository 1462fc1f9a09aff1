import type { ConsentEvent, Conversation, MessagePurpose, OutboundMessage, Subscription } from './audience';
import type { Catalog, Program } from './catalog';
import { pruneSendLog } from './frequency-caps';
import { guardMessage } from './marketing-guard';
import {
  CarrierFailure,
  type Carrier,
  type CarrierRecord,
  type CatalogSource,
  type Clock,
  type ConversationStore,
  type Deliveries,
  type Outbox,
  type Pace,
  type ScheduledSends,
  type SendOptions,
  type SentEffects,
  type SentMessage,
} from './ports';
import { askQuestion, questionText, questionToRideAlong } from './profile-questions';
import { measureSegments } from './segments';

/**
 * The last-moment consent check. An opt-out confirmation and HELP answers go to anyone; everything
 * else needs a live subscription, so messages queued before a STOP never leave.
 */
export function mayReceive(message: OutboundMessage, conversation: Conversation): boolean {
  if (message.purpose === 'opt-out-confirmation' || message.purpose === 'help') return true;
  if (message.programId) {
    return conversation.subscriptions.some((s) => s.programId === message.programId && s.status === 'subscribed');
  }
  return !conversation.subscriptions.some((s) => s.status === 'opted-out');
}

/** At most this long after an opt-in do messages wait for its confirmation (normally sent within seconds). */
export const CONFIRMATION_WAIT_MS = 5 * 60_000;

/** Never wait for an opt-in confirmation: the confirmation itself, and what anyone is owed. */
const CONFIRMATION_EXEMPT: ReadonlySet<MessagePurpose> = new Set(['opt-in-confirmation', 'opt-out-confirmation', 'help']);

/**
 * The "Welcome back" this message may have to wait for. A subscription that came back after an
 * opt-out is live from the moment the opt-in is committed, but its confirmation is queued a moment
 * later: a message queued before it (a follow-up released, a purchase thanked, meanwhile) and judged
 * once the subscription is live would reach the phone first, straight after "You are unsubscribed".
 * Such a message waits until the confirmation has gone out, at most CONFIRMATION_WAIT_MS after the
 * opt-in, so a confirmation the carrier refused holds nothing back for long.
 */
export function confirmationToWaitFor(message: OutboundMessage, subscription: Subscription | undefined, at: Date): { id: string; until: Date } | undefined {
  const rejoined = subscription?.rejoined;
  if (!rejoined || subscription.status !== 'subscribed' || CONFIRMATION_EXEMPT.has(message.purpose)) return undefined;
  const until = new Date(new Date(rejoined.at).getTime() + CONFIRMATION_WAIT_MS);
  return until.getTime() > at.getTime() ? { id: rejoined.confirmationId, until } : undefined;
}

/**
 * The carrier's record of our message, when an attempt ended in doubt: a message to the same number
 * with the same text whose SID none of our records knows. Ours by elimination: every message the
 * gateway knows it sent carries its SID in the log.
 */
export function lostSend(message: OutboundMessage, atCarrier: CarrierRecord[], knownSids: ReadonlySet<string>): CarrierRecord | undefined {
  return atCarrier.find((record) => record.body === message.body && !knownSids.has(record.sid));
}

/** Thrown when the message must be tried again later; the queue redelivers it. */
export class RetryLater extends Error {
  override readonly name = 'RetryLater';
}

/** This run's claim ran out before the carrier call: another run may hold the message now. */
class ClaimLost extends RetryLater {}

export interface SendMessageDeps {
  deliveries: Deliveries;
  store: Pick<ConversationStore, 'load' | 'recordOptOuts'>;
  catalog: CatalogSource;
  scheduled: Pick<ScheduledSends, 'schedule'>;
  outbox: Pick<Outbox, 'enqueueEach'>;
  carrier: Carrier;
  /** The short code's pace, taken per segment right before the carrier call (default: unpaced). */
  pace?: Pace;
  clock: Clock;
  /** Real time in epoch ms, for claims (leases), which never follow the local runtime's settable clock (default Date.now). */
  wallClock?: () => number;
  /** The longest a carrier call may take: a claim must outlast it for the call to start (default 0). */
  carrierTimeoutMs?: number;
  /** Where the carrier reports delivery, given the message's id. */
  statusCallback?: (id: string) => string;
  /** Told how each doubtful attempt was resolved: found at the carrier, or not (then sent again). */
  onUncertain?: (resolution: 'found' | 'not-found') => void;
}

export type SendResult = 'sent' | 'recovered' | 'duplicate' | 'blocked' | 'deferred' | 'capped' | 'expired' | 'opted-out' | 'rejected';

/**
 * One outbound message, exactly once: claim it, check consent and the guard rails at the last
 * moment, hand it to the carrier, and record the carrier's SID together with everything that
 * follows from it. A message whose SID is recorded is never handed over again, whoever redelivers
 * it. When an attempt ends in doubt (a timeout after the carrier may have taken it, or a run that
 * died), the next attempt first looks for it at the carrier and only sends when it is not there.
 */
export async function sendMessage(id: string, message: OutboundMessage, deps: SendMessageDeps): Promise<SendResult> {
  const claim = await deps.deliveries.claim(id, message);
  if (claim.kind === 'busy') throw new RetryLater(`message ${id} is being sent by another run`);
  if (claim.kind === 'done') {
    // A redelivery after a crash between recording and queuing what follows: queue it again (idempotent).
    if (claim.next.length > 0) await deps.outbox.enqueueEach(claim.next);
    return 'duplicate';
  }
  let uncertain = claim.uncertain;
  try {
    const [conversation, catalog] = await Promise.all([deps.store.load(message.to), deps.catalog.load()]);
    if (uncertain) {
      const found = await findLostSend(id, message, deps);
      deps.onUncertain?.(found ? 'found' : 'not-found');
      if (found) {
        await recordSent(id, message, found, conversation, catalog, deps);
        return 'recovered';
      }
      uncertain = false;
    }
    const unsent = await lastMomentChecks(id, message, conversation, catalog, deps);
    if (unsent) return unsent;
    await deps.pace?.take(message.from, carrierSegments(message));
    // A run that stalled past its claim (a batch answered at its deadline while this run went on, a
    // frozen Lambda woken later) leaves the message to whoever claimed it since, and writes nothing.
    if ((deps.wallClock ?? Date.now)() + (deps.carrierTimeoutMs ?? 0) >= claim.leaseUntil) throw new ClaimLost(`claim on ${id} ran out before the carrier call`);
    uncertain = true;
    const sent = await deps.carrier.send(message, sendOptions(id, message, deps));
    await recordSent(id, message, sent, conversation, catalog, deps);
    return 'sent';
  } catch (error) {
    if (error instanceof ClaimLost) throw error;
    if (error instanceof CarrierFailure && !['retry-later', 'outcome-unknown'].includes(error.kind)) {
      return refused(id, message, error, deps);
    }
    // Definitely not taken (the carrier said so, or we never got to it): plain retry. Anything else
    // after the attempt began (no answer, or our own write failing after the carrier took it) is doubt.
    const definitelyNotTaken = error instanceof CarrierFailure && error.kind === 'retry-later';
    await deps.deliveries.release(id, message, uncertain && !definitelyNotTaken, describe(error));
    if (error instanceof CarrierFailure) throw new RetryLater(`carrier: ${error.kind} (${error.code})`);
    throw error;
  }
}

/**
 * This message at the carrier, if it is there. Its own record is left out of the known SIDs: a status
 * callback for the attempt in doubt may have put the carrier's SID on it meanwhile (after this run's
 * claim), and that SID is this message's, not another one's.
 */
async function findLostSend(id: string, message: OutboundMessage, deps: SendMessageDeps): Promise<SentMessage | undefined> {
  const [atCarrier, known] = await Promise.all([deps.carrier.recent(message), deps.deliveries.knownSids(message.to, id)]);
  return lostSend(message, atCarrier, known);
}

/** The status callback for this message, and the validity left to a time-bound one (whole seconds, at least 1). */
function sendOptions(id: string, message: OutboundMessage, deps: Pick<SendMessageDeps, 'statusCallback' | 'clock'>): SendOptions {
  const left = message.notAfter ? Math.floor((Date.parse(message.notAfter) - deps.clock.now().getTime()) / 1000) : undefined;
  return {
    ...(deps.statusCallback ? { statusCallback: deps.statusCallback(id) } : {}),
    ...(left !== undefined ? { validitySeconds: Math.max(1, left) } : {}),
  };
}

/** What the message costs of the short code's throughput: its segments, or one for an MMS. */
export function carrierSegments(message: Pick<OutboundMessage, 'body' | 'mediaUrl'>): number {
  if (message.mediaUrl?.length) return 1;
  return Math.max(1, measureSegments(message.body).segments);
}

/** True once a time-bound message's moment has passed: it would arrive too late to mean anything. */
function expired(message: OutboundMessage, at: Date): boolean {
  return message.notAfter !== undefined && at.getTime() >= Date.parse(message.notAfter);
}

/** Consent, the opt-in confirmation, quiet hours and caps: the reason this message does not go out now, after recording it. */
async function lastMomentChecks(
  id: string,
  message: OutboundMessage,
  conversation: Conversation,
  catalog: Catalog,
  deps: SendMessageDeps,
): Promise<SendResult | undefined> {
  const at = deps.clock.now();
  if (!mayReceive(message, conversation)) {
    await deps.deliveries.finish(id, message, 'blocked', 'no consent at the moment of sending', at.toISOString());
    return 'blocked';
  }
  if (expired(message, at)) {
    await deps.deliveries.finish(id, message, 'expired', `too late: not after ${message.notAfter}`, at.toISOString());
    return 'expired';
  }
  const { subscription, program } = subscriptionOf(message, conversation, catalog);
  const confirmation = confirmationToWaitFor(message, subscription, at);
  if (confirmation && (await deps.deliveries.state(message.to, confirmation.id)) === 'waiting') {
    const until = confirmation.until.toISOString();
    await deps.scheduled.schedule([{ id: `${id}:after-opt-in`, dueAt: until, reason: 'opt-in-confirmation', message }]);
    await deps.deliveries.finish(id, message, 'deferred', `waiting for the opt-in confirmation until ${until}`, at.toISOString());
    return 'deferred';
  }
  const guard = guardMessage(message, subscription, program, at);
  if (guard.kind === 'defer' && expired(message, guard.until)) {
    // Quiet hours would carry it past its moment ("lunch today" into tomorrow morning): it never goes.
    await deps.deliveries.finish(id, message, 'expired', `quiet hours until ${guard.until.toISOString()}, past its moment (not after ${message.notAfter})`, at.toISOString());
    return 'expired';
  }
  if (guard.kind === 'defer') {
    const until = guard.until.toISOString();
    await deps.scheduled.schedule([{ id: `${id}:quiet-hours`, dueAt: until, reason: 'quiet-hours', message }]);
    await deps.deliveries.finish(id, message, 'deferred', `quiet hours until ${until}`, at.toISOString());
    return 'deferred';
  }
  if (guard.kind === 'drop') {
    await deps.deliveries.finish(id, message, 'capped', guard.reason, at.toISOString());
    return 'capped';
  }
  return undefined;
}

function subscriptionOf(message: OutboundMessage, conversation: Conversation, catalog: Catalog): { subscription?: Subscription; program?: Program } {
  const subscription = conversation.subscriptions.find((s) => s.programId === message.programId);
  const program = catalog.programs.find((p) => p.programId === message.programId);
  return { ...(subscription ? { subscription } : {}), ...(program ? { program } : {}) };
}

/** Records the carrier's SID with what follows from the send, then queues the question riding along. */
async function recordSent(
  id: string,
  message: OutboundMessage,
  sent: SentMessage,
  conversation: Conversation,
  catalog: Catalog,
  deps: SendMessageDeps,
): Promise<void> {
  const at = deps.clock.now().toISOString();
  const effects = sentEffects(id, message, subscriptionOf(message, conversation, catalog), at);
  await deps.deliveries.sent(id, message, sent, at, effects);
  if (effects.next?.length) await deps.outbox.enqueueEach(effects.next);
}

/**
 * What a message that went out changes: a marketing message joins the cap log and moves the
 * "every few messages" counter, and when the next profile question is due it rides along as a
 * message of its own; the purchase survey makes the subscription wait for a 1-5.
 */
export function sentEffects(id: string, message: OutboundMessage, target: { subscription?: Subscription; program?: Program }, at: string): SentEffects {
  const { subscription, program } = target;
  const effects: SentEffects = {};
  if (message.survey && message.programId) effects.survey = { programId: message.programId, orderId: message.survey.orderId, askedAt: at };
  if (message.purpose !== 'marketing' || !subscription || !program || subscription.status !== 'subscribed') return effects;
  const counted = { ...subscription, marketingSinceQuestion: subscription.marketingSinceQuestion + 1 };
  const question = questionToRideAlong(counted, program);
  const sentAt = [...pruneSendLog(subscription.marketingSentAt ?? [], new Date(at)), at];
  if (!question) {
    effects.marketing = { programId: program.programId, sentAt, sinceQuestion: counted.marketingSinceQuestion };
    return effects;
  }
  const asked = askQuestion(counted, question, at);
  effects.marketing = { programId: program.programId, sentAt, sinceQuestion: 0, rideAlong: asked.pendingQuestion! };
  effects.next = [
    {
      id: `${id}:question`,
      message: { to: subscription.phone, from: program.shortCode, body: questionText(question), purpose: 'profile-question', programId: program.programId },
    },
  ];
  return effects;
}

async function refused(id: string, message: OutboundMessage, failure: CarrierFailure, deps: SendMessageDeps): Promise<SendResult> {
  const at = deps.clock.now().toISOString();
  const reason = `${failure.code}: ${failure.message}`;
  if (failure.kind !== 'contact-stopped') {
    await deps.deliveries.finish(id, message, 'rejected', reason, at);
    return 'rejected';
  }
  // The opt-out before the outcome: a message finished as opted-out is never tried again, so an
  // opt-out that failed to be recorded after it would be lost for good. When it fails, the message
  // goes back (the carrier did not take it): its next delivery asks again, is refused again, and
  // records the opt-out then.
  try {
    await deps.store.recordOptOuts(carrierOptOuts(message.to, message.from, await deps.store.load(message.to), at));
  } catch (error) {
    await deps.deliveries.release(id, message, false, describe(error));
    throw error;
  }
  await deps.deliveries.finish(id, message, 'opted-out', reason, at);
  return 'opted-out';
}

/** The recipient stopped at the carrier: every live subscription of the number ends, recorded as the carrier's doing. */
export function carrierOptOuts(phone: string, shortCode: string, conversation: Conversation, at: string): ConsentEvent[] {
  return conversation.subscriptions
    .filter((s) => s.status === 'subscribed')
    .map((s) => ({
      phone,
      programId: s.programId,
      action: 'opt-out' as const,
      at,
      source: 'carrier' as const,
      shortCode,
      rawText: 'carrier reported the recipient opted out (stopped)',
    }));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : String(error).slice(0, 300);
}
